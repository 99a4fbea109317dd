"""Real-time re-targeting through the real store (SQLite): a seal event and an e-nose sample re-score a
container, move it in today's run and emit a DCSA customs event; a redelivered message changes nothing.
The port, its manifests and the sensor payloads are SYNTHETIC."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest
from payload_samples import body, enose, seal

from cargoscreen.domain.events import EquipmentEventType
from cargoscreen.domain.targeting import Channel, DailyCapacity
from cargoscreen.pipeline.sensors import SensorPipeline, demo_stream
from cargoscreen.pipeline.targeting import TargetingOptions, target_day
from cargoscreen.risk.rules import default_profile
from cargoscreen.sensors.topics import topic
from cargoscreen.simulate import SimulatedPort, SimulationConfig, simulate_port
from cargoscreen.simulate.enose import ArrayModel
from cargoscreen.store import Database

DAY = date(2026, 3, 12)


@pytest.fixture(scope="module")
def port() -> SimulatedPort:
    return simulate_port(
        SimulationConfig(seed=5, days=1, containers_per_day=400, start_date=DAY, smuggling_rate=0.05)
    )


@pytest.fixture
def targeted(port: SimulatedPort, database: Database) -> Database:
    with database.unit_of_work() as uow:
        for manifest in port.manifests:
            uow.manifests.add(manifest)
    options = TargetingOptions(day=DAY, capacity=DailyCapacity(scan=10, physical=2), rules=default_profile())
    target_day(unit_of_work=database.unit_of_work, options=options, now=datetime(2026, 3, 12, 23, tzinfo=UTC))
    return database


def _green_laden(database: Database) -> str:
    with database.unit_of_work() as uow:
        saved = uow.selections.latest(DAY)
        assert saved is not None
        for decision in reversed(saved.decisions):
            facts = uow.sensors.journey_facts(decision.container_number)
            if decision.channel is Channel.GREEN and facts and facts.seals and facts.hs_codes:
                return decision.container_number
    raise AssertionError("no green laden container")


def test_a_tamper_event_moves_a_green_container_to_scan_and_tells_the_terminal(targeted: Database) -> None:
    number = _green_laden(targeted)
    pipeline = SensorPipeline(targeted.unit_of_work, day=DAY)
    message = body(seal(1, device="RDR-BEANR-1", number=number, status="tamper", un_locode="BEANR"))
    outcome = pipeline.handle(topic("seal", "RDR-BEANR-1"), message)
    [done] = outcome.retargetings
    assert (done.old_channel, done.new_channel) == (Channel.GREEN, Channel.SCAN)
    assert done.new_score > done.old_score
    assert done.events[0].event_type is EquipmentEventType.CUSTOMS_SELECTED_FOR_SCAN
    with targeted.unit_of_work() as uow:
        assessment = uow.assessments.latest_for(number)
        decision = uow.selections.decision_for(number)
        stored_events = [e.event_type for e in uow.events.for_container(number)]
        changes = uow.sensors.lane_changes(number)
    assert assessment is not None and assessment.reasons[0].code == "sensor.seal-tamper"
    assert decision is not None and decision.channel is Channel.SCAN
    assert EquipmentEventType.CUSTOMS_SELECTED_FOR_SCAN in stored_events
    assert [c["new_channel"] for c in changes] == ["SCAN"]
    again = pipeline.handle(topic("seal", "RDR-BEANR-1"), message)
    assert again.duplicate and not again.retargetings


def test_a_marker_smell_re_scores_the_container(targeted: Database) -> None:
    number = _green_laden(targeted)
    array = ArrayModel.from_stats()
    rng = np.random.default_rng(3)
    channels, baseline = array.reading(
        {"methyl_benzoate": 80.0, "ethanol": 10.0, "acetone": 3.0}, 90, 70, 150, rng
    )
    payload = enose(1, number=number) | {"channels": channels, "baseline": baseline}
    with targeted.unit_of_work() as uow:
        before = uow.assessments.latest_for(number)
    outcome = SensorPipeline(targeted.unit_of_work, day=DAY).handle(topic("enose", "QC01"), body(payload))
    assert [s.code.value for s in outcome.signals] == ["sensor.enose-marker"]
    assert before is not None and outcome.retargetings[0].new_score > before.score


def test_the_demo_stream_stores_and_quarantines(port: SimulatedPort, targeted: Database) -> None:
    done = demo_stream(port, DAY, targeted.unit_of_work)
    with targeted.unit_of_work() as uow:
        stored, quarantined = uow.sensors.count_messages(), uow.sensors.count_quarantined()
        incidents = uow.sensors.incidents()
    assert stored > 100 and quarantined == 3
    assert len(incidents) == 1
    assert all(r.new_score >= r.old_score for r in done)
