"""The planning stage on a real store (SQLite): a SYNTHETIC port day, targeted, then planned on the scanners;
the plan and its DCSA slot events stored and written, mandatory boxes planned or escalated."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from cargoscreen.domain.events import EquipmentEventType
from cargoscreen.domain.targeting import Channel, DailyCapacity, Tip, TipTarget
from cargoscreen.pipeline.planning import PlanningOptions, ScannerSpec, plan_day, write_scan_outbox
from cargoscreen.pipeline.targeting import TargetingOptions, target_day
from cargoscreen.planning.cpsat import SolverOptions
from cargoscreen.risk.rules import default_profile
from cargoscreen.simulate import SimulationConfig, simulate_port
from cargoscreen.store import Database

DAY = date(2026, 3, 9)
SCANNERS = [ScannerSpec("K869-A", "K869"), ScannerSpec("K1742-A", "K1742"), ScannerSpec("K1742-B", "K1742"),
            ScannerSpec("K913-A", "K913"), ScannerSpec("K1700-A", "K1700")]  # fmt: skip


@pytest.fixture(scope="module")
def port_day(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A targeted SYNTHETIC day; returns the database file, a tipped container and one with no discharge."""
    folder = tmp_path_factory.mktemp("planning")
    db = Database(f"sqlite:///{folder / 'port.db'}")
    db.upgrade()
    port = simulate_port(SimulationConfig(seed=4, containers_per_day=300, start_date=DAY))
    discharges = [e for e in port.events if e.event_type is EquipmentEventType.DISCHARGED]
    laden = [e.container_number for m in port.manifests for e in m.equipment if e.full_empty == "5"]
    tipped, undischarged = laden[0], laden[1]
    now = datetime(2026, 3, 8, 12, tzinfo=UTC)
    with db.unit_of_work() as uow:
        for manifest in port.manifests:
            uow.manifests.add(manifest)
        uow.events.add_many([e for e in discharges if e.container_number != undischarged])
        for number, tip_id in ((tipped, "T-1"), (undischarged, "T-2")):
            uow.tips.add(Tip(tip_id=tip_id, target_kind=TipTarget.CONTAINER, target_value=number,
                             source_agency="SYNTH agency", valid_from=now, expires_at=now + timedelta(days=9),
                             channel=Channel.SCAN))  # fmt: skip
    options = TargetingOptions(day=DAY, capacity=DailyCapacity(scan=40, physical=5), rules=default_profile())
    target_day(unit_of_work=db.unit_of_work, options=options, now=now)
    db.dispose()
    return folder / "port.db", tipped, undischarged


def options(method: str = "greedy", scanners: list[ScannerSpec] = SCANNERS) -> PlanningOptions:
    return PlanningOptions(day=DAY, scanners=scanners, method=method,  # type: ignore[arg-type]
                           solver=SolverOptions(time_limit_seconds=0.3))  # fmt: skip


def test_the_day_is_planned_stored_and_announced(port_day: tuple[Path, str, str], tmp_path: Path) -> None:
    path, tipped, undischarged = port_day
    db = Database(f"sqlite:///{path}")
    report = plan_day(unit_of_work=db.unit_of_work, options=options("cpsat"))
    items = {i.container_number: i for i in report.items}
    assert items[tipped].mandatory and report.slots and report.replans == 12
    assert (undischarged, "no terminal known: no discharge report (COARRI / DCSA DISCHARGED) for this call") in [
        (n, why) for n, why in report.skipped]  # fmt: skip
    scanners = {s.scanner_id: s.terminal for s in SCANNERS}
    for slot in report.slots:
        item = items[slot.container_number]
        assert scanners[slot.scanner_id] == item.terminal == slot.terminal and slot.start >= item.discharge_at
    for slots in report.by_scanner().values():
        assert all(a.end <= b.start for a, b in itertools.pairwise(slots))
    for item in items.values():
        hours = (item.deadline_at - item.discharge_at) / timedelta(hours=1)
        assert hours == (24 if item.reefer or item.perishable else 48)
    assert tipped in {s.container_number for s in report.slots}
    with db.unit_of_work() as uow:
        stored = uow.planning.latest_plan(DAY)
        events = uow.events.for_container(report.slots[0].container_number)
    assert stored is not None and stored.run_id == report.run_id
    assert [(s.container_number, s.start) for s in stored.slots] == [
        (s.container_number, s.start) for s in report.slots
    ]
    assert any(
        e.classifier == "PLN" and e.event_type is EquipmentEventType.CUSTOMS_SELECTED_FOR_SCAN for e in events
    )
    outbox = json.loads(write_scan_outbox(report, tmp_path).read_text())
    assert len(outbox["events"]) == len(report.slots) and outbox["retracted"] == []
    db.dispose()


def test_fifo_is_worse_on_risk_weighted_dwell_and_replanning_retracts_moved_slots(
    port_day: tuple[Path, str, str],
) -> None:
    db = Database(f"sqlite:///{port_day[0]}")
    greedy = plan_day(unit_of_work=db.unit_of_work, options=options("greedy"))
    fifo = plan_day(unit_of_work=db.unit_of_work, options=options("fifo"))
    assert fifo.retracted  # slots of the greedy plan that moved
    items = {i.container_number: i for i in greedy.items}

    def risk_weighted_wait(slots: list) -> float:  # type: ignore[type-arg]
        return sum(items[s.container_number].risk * (s.end - items[s.container_number].discharge_at).total_seconds()
                   for s in slots)  # fmt: skip

    assert risk_weighted_wait(greedy.slots) <= risk_weighted_wait(fifo.slots)
    db.dispose()


def test_a_mandatory_box_without_a_scanner_is_escalated_and_the_rest_planned(
    port_day: tuple[Path, str, str],
) -> None:
    path, tipped, _ = port_day
    db = Database(f"sqlite:///{path}")
    first = plan_day(unit_of_work=db.unit_of_work, options=options())
    terminal = next(i.terminal for i in first.items if i.container_number == tipped)
    report = plan_day(unit_of_work=db.unit_of_work,
                      options=options(scanners=[s for s in SCANNERS if s.terminal != terminal]))  # fmt: skip
    assert [n for n, _ in report.escalated] == [tipped]
    assert tipped not in {s.container_number for s in report.slots} and report.slots
    db.dispose()


def test_a_day_without_a_selection_is_named() -> None:
    db = Database("sqlite://")
    db.upgrade()
    with pytest.raises(LookupError, match="no selection stored for 2026-03-09"):
        plan_day(unit_of_work=db.unit_of_work, options=options())
