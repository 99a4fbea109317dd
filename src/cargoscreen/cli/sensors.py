"""`cargoscreen sensors listen | replay | simulate | status` — e-seals, trackers, e-noses and cameras."""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import typer

from cargoscreen.cli.context import console, err_console, load_context
from cargoscreen.pipeline.sensors import SensorPipeline
from cargoscreen.simulate import SimulationConfig, simulate_port
from cargoscreen.simulate.sensors import StreamConfig, StreamMessage, read_jsonl, sensor_stream, write_jsonl

app = typer.Typer(help="Journey and quay sensors over MQTT: listen, replay, simulate.", no_args_is_help=True)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@app.command("listen")
def listen(
    broker: str | None = typer.Option(None, help="MQTT broker URL (default: settings SENSORS__BROKER_URL)."),
    day: str | None = typer.Option(
        None, help="Selection day to re-target (YYYY-MM-DD; default: latest run)."
    ),
) -> None:
    """Subscribe to cargoscreen/+/# (QoS 1, persistent session) and re-target containers as signals come.

    Runs the sensor worker (``python -m cargoscreen.workers sensors``) in this process until Ctrl-C.
    """
    load_context()  # validate the settings before handing over
    args = [sys.executable, "-m", "cargoscreen.workers", "sensors"]
    args += ["--broker", broker] if broker else []
    args += ["--day", day] if day else []
    os.execv(sys.executable, args)


@app.command("replay")
def replay(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSON lines: at, topic, payload."),
    direct: bool = typer.Option(False, "--direct", help="Feed the pipeline without a broker."),
    broker: str | None = typer.Option(None, help="MQTT broker URL (default: settings)."),
    rate: float = typer.Option(0.0, min=0.0, help="Messages a second (0: as fast as possible)."),
    day: str | None = typer.Option(
        None, help="Selection day to re-target with --direct (default: latest run)."
    ),
) -> None:
    """Publish a recorded stream to the broker (QoS 1), or with --direct handle it here."""
    ctx = load_context()
    try:
        messages = read_jsonl(path)
    except ValueError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    if direct:
        pipeline = SensorPipeline(ctx.ready_database().unit_of_work, day=_day(day))
        counts: Counter[str] = Counter()
        for message in messages:
            outcome = pipeline.handle(message.topic, message.body())
            counts[
                "quarantined" if outcome.quarantined else "duplicate" if outcome.duplicate else "stored"
            ] += 1
            counts["signals"] += len(outcome.signals)
            counts["re-targeted"] += len(outcome.retargetings)
            counts["lane changes"] += sum(len(r.events) for r in outcome.retargetings)
            counts["incidents"] += bool(outcome.incident)
        console.print(", ".join(f"{name}: {count:,}" for name, count in counts.items()))
        return
    url = broker or ctx.settings.sensors.broker_url
    sent = publish(messages, url, rate)
    console.print(f"{sent:,} of {len(messages):,} messages published to {url} and acknowledged (QoS 1)")


def publish(messages: list[StreamMessage], url: str, rate: float) -> int:
    """Publish at QoS 1 and wait until the broker acknowledged every message; returns how many were."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    parts = urlsplit(url if "://" in url else f"mqtt://{url}")
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id="cargoscreen-replay")
    client.max_queued_messages_set(0)
    if parts.username:
        client.username_pw_set(parts.username, parts.password)
    client.connect(parts.hostname or "127.0.0.1", parts.port or 1883)
    client.loop_start()
    pending = []
    started = time.monotonic()
    for k, message in enumerate(messages):
        pending.append(client.publish(message.topic, message.body(), qos=1))
        if rate:
            delay = started + (k + 1) / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    for info in pending:
        info.wait_for_publish(timeout=60)
    client.disconnect()
    client.loop_stop()
    return sum(1 for info in pending if info.is_published())


@app.command("simulate")
def simulate(
    out: Path = typer.Argument(..., dir_okay=False, help="JSON lines file to write."),
    day: str = typer.Option("2026-03-12", help="The port day (YYYY-MM-DD)."),
    containers: int = typer.Option(3000, min=20, help="Containers discharged that day."),
    seed: int = typer.Option(7, min=0, help="Seed of the simulated port and its sensors."),
    smuggling_rate: float = typer.Option(0.01, help="Cases per laden high-risk container."),
) -> None:
    """Write the SYNTHETIC sensor stream of a simulated port day (replay it with `sensors replay`)."""
    when = date.fromisoformat(day)
    config = SimulationConfig(
        seed=seed, days=1, containers_per_day=containers, start_date=when, smuggling_rate=smuggling_rate
    )
    port = simulate_port(config)
    count = write_jsonl(sensor_stream(port, when, StreamConfig(seed=seed)), out)
    console.print(f"{count:,} SYNTHETIC sensor messages of {when} written to [bold]{out}[/bold]")


@app.command("status")
def status(
    limit: int = typer.Option(10, min=1, help="Quarantined messages and lane changes to list."),
) -> None:
    """Messages stored and quarantined, open security incidents, the latest lane changes."""
    db = load_context().ready_database()
    with db.unit_of_work() as uow:
        stored, rejected = uow.sensors.count_messages(), uow.sensors.count_quarantined()
        bad, incidents = uow.sensors.quarantined(limit), uow.sensors.incidents()
        changes = uow.sensors.lane_changes()[-limit:]
    console.print(f"{stored:,} sensor messages stored, {rejected:,} quarantined")
    for topic, _field, reason in bad:
        console.print(f"  quarantined {topic}: {reason}", highlight=False)
    for incident in incidents:
        console.print(
            f"  OPEN incident {incident.incident_id}: {incident.zone} at {incident.opened_at:%Y-%m-%d %H:%M}"
        )
    for change in changes:
        console.print(
            f"  {change['container_number']}: {change['old_channel']} → {change['new_channel']} ({change['why']})"
        )
