"""``python -m cargoscreen.workers sensors [--broker URL] [--day YYYY-MM-DD]``: run the sensor listener.

``cargoscreen sensors listen`` starts this (entry points do not import each other): settings come from the
environment (CARGOSCREEN_*), the database is migrated, and the listener runs until interrupted.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date

from cargoscreen.pipeline.sensors import SensorPipeline
from cargoscreen.settings import Settings
from cargoscreen.store import Database
from cargoscreen.workers.mqtt import BrokerAddress, SensorListener, quarantine_failures

log = logging.getLogger("cargoscreen.workers")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cargoscreen.workers")
    parser.add_argument("worker", choices=["sensors"])
    parser.add_argument("--broker", default=None, help="MQTT broker URL (default: settings)")
    parser.add_argument("--day", default=None, help="Selection day to re-target (default: latest run)")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings.resolved_database_url)
    database.upgrade()
    pipeline = SensorPipeline(database.unit_of_work, day=date.fromisoformat(args.day) if args.day else None)
    address = BrokerAddress.parse(args.broker or settings.sensors.broker_url)
    listener = SensorListener(
        pipeline.handle_many,
        address,
        client_id=settings.sensors.client_id,
        keepalive=settings.sensors.keepalive_s,
        max_delay=settings.sensors.reconnect_max_s,
        on_error=quarantine_failures(database.unit_of_work),
    )
    print(
        f"listening on {address.host}:{address.port} as {settings.sensors.client_id} (Ctrl-C stops)",
        flush=True,
    )
    try:
        listener.run_forever()
    except KeyboardInterrupt:
        listener.stop()
    print(f"{listener.handled} messages handled, {listener.failed} failed", flush=True)
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
