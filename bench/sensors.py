"""Sensor intake benchmark: publish-to-updated-risk latency through a real Mosquitto, and loss across a
broker restart.

1. Baseline (same run, same broker): a bare QoS 1 subscriber that only acknowledges — the broker round
   trip without any processing, at the same rate.
2. Main: the sensor listener (``SensorListener`` + ``SensorPipeline``, SQLite store) for ``--seconds`` at
   ``--rate`` messages a second; the broker is stopped and started again in the middle. Messages are e-seal
   reads of the containers of a targeted SYNTHETIC port day; ``--signal-share`` of them report tampering or
   a foreign seal number, so the container is re-scored (a new risk assessment) and may change lane.
   Latency = time from ``publish()`` to the commit of the transaction that stored the message and updated
   the risk. Loss = messages the broker acknowledged to the publisher minus messages stored.

Run: ``python bench/sensors.py [--seconds 60] [--rate 500]``; writes bench/results/sensors.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration" / "mqtt"))

from broker_process import Broker

from _common import write_result
from cargoscreen.domain.targeting import DailyCapacity
from cargoscreen.pipeline.sensors import SensorPipeline
from cargoscreen.pipeline.targeting import TargetingOptions, target_day
from cargoscreen.risk.rules import default_profile
from cargoscreen.simulate import SimulationConfig, simulate_port
from cargoscreen.store import Database
from cargoscreen.workers.mqtt import BrokerAddress, SensorListener, new_client

DAY = date(2026, 3, 12)


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    array = np.array(values) * 1000
    return {
        "count": len(values),
        "p50_ms": round(float(np.percentile(array, 50)), 1),
        "p95_ms": round(float(np.percentile(array, 95)), 1),
        "p99_ms": round(float(np.percentile(array, 99)), 1),
        "max_ms": round(float(array.max()), 1),
    }


class Publisher:
    """Publishes at a fixed rate (QoS 1, persistent session), remembering when each key was published."""

    def __init__(self, broker: Broker, client_id: str) -> None:
        self.sent: dict[Any, float] = {}
        self.acked: set[int] = set()
        self.client = new_client(client_id, persistent=True)
        self.client.reconnect_delay_set(min_delay=1, max_delay=2)
        self.client.on_publish = lambda _c, _u, mid, _rc, _p: self.acked.add(mid)
        self.client.connect("127.0.0.1", broker.port)
        self.client.loop_start()

    def run(
        self, messages: list[tuple[Any, str, bytes]], rate: float, at: dict[int, Any] | None = None
    ) -> float:
        started = time.perf_counter()
        for k, (key, topic, payload) in enumerate(messages):
            delay = started + k / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            if at and k in at:
                at[k]()
            self.sent[key] = time.perf_counter()
            self.client.publish(topic, payload, qos=1)
        return time.perf_counter() - started

    def close(self, count: int) -> None:
        deadline = time.monotonic() + 60
        while len(self.acked) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        self.client.disconnect()
        self.client.loop_stop()


def baseline(broker: Broker, rate: float, seconds: float) -> dict[str, Any]:
    """Broker round trip without processing: publish → a bare subscriber receives (and acks)."""
    received: dict[int, float] = {}
    sub = new_client("bench-baseline-sub", persistent=False, manual_ack=True)

    def on_message(client: Any, _u: Any, message: Any) -> None:
        received[int(message.payload)] = time.perf_counter()
        client.ack(message.mid, message.qos)

    ready = threading.Event()
    sub.on_message = on_message
    sub.on_subscribe = lambda *_a: ready.set()
    sub.on_connect = lambda client, *_a: client.subscribe("bench/baseline/#", qos=1)
    sub.connect("127.0.0.1", broker.port)
    sub.loop_start()
    ready.wait(10)
    publisher = Publisher(broker, "bench-baseline-pub")
    count = int(rate * seconds)
    publisher.run([(k, f"bench/baseline/{k % 8}", str(k).encode()) for k in range(count)], rate)
    publisher.close(count)
    deadline = time.monotonic() + 30
    while len(received) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    sub.disconnect()
    sub.loop_stop()
    latencies = [received[k] - publisher.sent[k] for k in received]
    return {"messages": count, "received": len(received), "latency": percentiles(latencies)}


def targeted_day(folder: Path, containers: int) -> tuple[Database, list[tuple[str, str]]]:
    port = simulate_port(SimulationConfig(seed=3, days=1, containers_per_day=containers, start_date=DAY))
    database = Database(f"sqlite:///{folder / 'bench.db'}")
    database.upgrade()
    with database.unit_of_work() as uow:
        for manifest in port.manifests:
            uow.manifests.add(manifest)
    capacity = DailyCapacity(
        scan=max(1, containers * 900 // 33000), physical=max(1, containers * 100 // 33000)
    )
    options = TargetingOptions(day=DAY, capacity=capacity, rules=default_profile())
    target_day(unit_of_work=database.unit_of_work, options=options, now=datetime(2026, 3, 12, 22, tzinfo=UTC))
    boxes = [
        (e.container_number, e.seals[0].seal_number) for m in port.manifests for e in m.equipment if e.seals
    ]
    return database, boxes


def seal_messages(
    boxes: list[tuple[str, str]], count: int, signal_share: float, seed: int
) -> list[tuple[Any, str, bytes]]:
    rng = np.random.default_rng(seed)
    messages = []
    for k in range(count):
        number, seal_number = boxes[k % len(boxes)]
        device = f"RDR-BEANR-{k % 4}"
        status, seal = "sealed", seal_number
        if rng.random() < signal_share:
            status, seal = ("tamper", seal) if rng.random() < 0.5 else ("sealed", f"X{seal_number}")
        payload = (
            f'{{"version":1,"device_id":"{device}","sequence":{k + 1},"kind":"seal","seal_id":"EUR18185-{k:09d}",'
            f'"seal_number":"{seal}","container_number":"{number}","status":"{status}","battery_pct":80.0,'
            f'"event_time":"2026-03-12T22:{(k // 60) % 60:02d}:{k % 60:02d}Z","reader_id":"{device}","un_locode":"BEANR"}}'
        )
        messages.append(((device, k + 1), f"cargoscreen/v1/seal/{device}", payload.encode()))
    return messages


def _auc(y: np.ndarray, p: np.ndarray) -> float:
    order = np.argsort(p)
    ranks = np.empty(len(p))
    ranks[order] = np.arange(1, len(p) + 1)
    pos = y == 1
    return float((ranks[pos].sum() - pos.sum() * (pos.sum() + 1) / 2) / (pos.sum() * (~pos).sum()))


def enose_quality(samples: int = 3000) -> dict[str, Any]:
    """The shipped e-nose classifier on SYNTHETIC held-out samples: AUC and Brier score (at the training
    share of positives) per array age, without and with drift correction (400 clean samples learnt first)."""
    from cargoscreen.sensors.enose import EnoseInput, shipped_classifier
    from cargoscreen.simulate.enose import training_samples

    model = shipped_classifier()
    rows = {}
    for day in (0, 120, 365):
        test, labels = training_samples(samples, seed=100 + day, day=day)
        inputs = [EnoseInput.of(s) for s in test]
        model.drift_ = np.zeros(model.channels_)
        raw = model.predict_proba(inputs)
        warm, _ = training_samples(400, seed=200 + day, day=day, positive_share=0.0)
        for sample in warm:
            data = EnoseInput.of(sample)
            model.learn_one(data, model.score_one(data))
        fixed = model.predict_proba(inputs)
        goods = np.array([i.goods for i in inputs])
        rows[f"day_{day}"] = {
            "auc_uncorrected": round(_auc(labels, raw), 3),
            "auc_drift_corrected": round(_auc(labels, fixed), 3),
            "brier_uncorrected": round(float(np.mean((raw - labels) ** 2)), 3),
            "brier_drift_corrected": round(float(np.mean((fixed - labels) ** 2)), 3),
            "auc_by_goods_corrected": {
                g: round(_auc(labels[goods == g], fixed[goods == g]), 3)
                for g in ("other", "fruit", "flowers")
            },
        }
    return {"samples": samples, "positive_share": 0.3, "by_array_age": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    parser.add_argument("--containers", type=int, default=3000)
    parser.add_argument("--signal-share", type=float, default=0.03)
    parser.add_argument("--no-restart", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        broker = Broker(folder / "broker")
        broker.start()
        try:
            result = run(args, broker, folder)
        finally:
            broker.stop()
    path = write_result("sensors", result)
    print(f"{path}: {result['summary']}")
    return 0


def run(args: argparse.Namespace, broker: Broker, folder: Path) -> dict[str, Any]:
    base = baseline(broker, args.rate, args.baseline_seconds)
    database, boxes = targeted_day(folder, args.containers)
    pipeline = SensorPipeline(database.unit_of_work, day=DAY)
    done: dict[Any, float] = {}
    risk_updated: set[Any] = set()
    batches: list[int] = []

    def handle(pairs: list[tuple[str, bytes]]) -> None:
        outcomes = pipeline.handle_many(pairs)
        now = time.perf_counter()
        batches.append(len(pairs))
        for (topic, _payload), outcome in zip(pairs, outcomes, strict=True):
            device = topic.rsplit("/", 1)[1]
            sequence = int(_payload.split(b'"sequence":', 1)[1].split(b",", 1)[0])
            done.setdefault((device, sequence), now)
            if outcome.retargetings:
                risk_updated.add((device, sequence))

    listener = SensorListener(
        handle, BrokerAddress.parse(broker.url), client_id="bench-listener", min_delay=1, max_delay=2
    )
    listener.start()
    listener.connected.wait(10)
    count = int(args.rate * args.seconds)
    messages = seal_messages(boxes, count, args.signal_share, seed=1)
    restart: dict[str, float] = {}

    def restart_broker() -> None:
        def go() -> None:
            restart["start"] = time.perf_counter()
            broker.restart(pause=0.5)
            restart["end"] = time.perf_counter()

        threading.Thread(target=go, daemon=True).start()

    publisher = Publisher(broker, "bench-publisher")
    at = {} if args.no_restart else {count // 2: restart_broker}
    elapsed = publisher.run(messages, args.rate, at)
    publisher.close(count)
    deadline = time.monotonic() + 60
    while len(done) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    listener.stop()
    with database.unit_of_work() as uow:
        stored = uow.sensors.message_keys()
        assessments = uow.assessments.count()
    database.dispose()
    keys = [key for key, _t, _p in messages]
    latencies = [done[k] - publisher.sent[k] for k in keys if k in done]
    risk = [done[k] - publisher.sent[k] for k in risk_updated]
    window = (restart.get("start", 0.0) - 0.5, restart.get("end", 0.0) + 3.0)
    steady = [
        done[k] - publisher.sent[k]
        for k in keys
        if k in done and not window[0] <= publisher.sent[k] <= window[1]
    ]
    main_result = {
        "messages_published": count,
        "broker_acknowledged": len(publisher.acked),
        "stored": len(stored & set(keys)),
        "lost": len(set(keys) - stored),
        "duplicates_stored": 0,  # (device, sequence) is unique in the store: a second copy cannot be stored
        "publish_seconds": round(elapsed, 2),
        "achieved_rate": round(count / elapsed, 1),
        "broker_restart_seconds": round(restart["end"] - restart["start"], 2) if restart else None,
        "risk_assessments_written": assessments,
        "latency_publish_to_stored": percentiles(latencies),
        "latency_publish_to_updated_risk": percentiles(risk),
        "latency_outside_restart_window": percentiles(steady),
        "batch_size_mean": round(float(np.mean(batches)), 1) if batches else 0,
    }
    p99 = main_result["latency_publish_to_updated_risk"].get("p99_ms", float("nan"))
    ratio = p99 / base["latency"]["p99_ms"] if base["latency"] else float("nan")
    return {
        "benchmark": "sensors",
        "enose_classifier": enose_quality(),
        "settings": vars(args),
        "store": "SQLite (WAL) in a temporary folder",
        "broker": "mosquitto started from deploy/mosquitto/cargoscreen.conf on a free port (persistence on)",
        "baseline_raw_broker_round_trip": base,
        "listener": main_result,
        "summary": (
            f"{count} msgs at {main_result['achieved_rate']}/s, restart mid-run; lost {main_result['lost']}; "
            f"publish-to-updated-risk p99 {p99} ms ({ratio:.1f}x the bare broker round trip p99 "
            f"{base['latency'].get('p99_ms')} ms)"
        ),
    }


if __name__ == "__main__":
    raise SystemExit(main())
