"""Targeting at port-day volumes: bulk round trips, and (slow) the 33 000-container day read in seconds."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

import pytest
from store_samples import T0, Samples
from targeting_samples import assessment, decision

from cargoscreen.domain.records import Consignment, Equipment, GoodsItem, GoodsPlacement, Manifest, Party
from cargoscreen.domain.targeting import Channel, DailyCapacity, ExplorationKind, SelectionResult
from cargoscreen.store import Database

T = TypeVar("T")
SHIPPERS = [Party(name=f"Synthetic Exporter {n}", country="EC") for n in range(40)]
CONSIGNEES = [Party(name=f"Synthetic Importer {n}", country="BE") for n in range(400)]


def day_of_calls(
    samples: Samples, calls: int, per_call: int, *, first: int = 0, hours: int = 0
) -> list[Manifest]:
    """Calls ``first``, ``first + 1``, ... an hour apart from T0 + ``hours``, one manifest each; every
    container has one B/L (synthetic)."""
    day = []
    for m in range(first, first + calls):
        equipment: list[Equipment] = []
        consignments: list[Consignment] = []
        for k in range(per_call):
            n = m * per_call + k
            box = samples.container(("MSCU", "TGHU", "CMAU")[k % 3], n)
            equipment.append(samples.equipment(box, ("45G1", "45R1")[k % 2], seals=(f"S{n}",)))
            goods = GoodsItem(
                item_number=1,
                hs_code="080390",
                description="synthetic bananas",
                packages=1000,
                gross_kg=19000.0,
                placements=(GoodsPlacement(container_number=box, packages=1000),),
            )
            shipper, consignee = SHIPPERS[n % len(SHIPPERS)], CONSIGNEES[(n * 7) % len(CONSIGNEES)]
            bill = f"B{m:04d}{k:05d}"
            consignments.append(
                Consignment(bill_of_lading=bill, consignor=shipper, consignee=consignee, goods_items=(goods,))
            )
        call = samples.call(voyage=f"V{m:04d}", eta=T0 + timedelta(hours=hours + m - first))
        day.append(samples.manifest(f"M{m}", tuple(equipment), tuple(consignments), call=call))
    return day


def calls_of(manifests: list[Manifest]) -> dict[str, tuple[str, str]]:
    return {
        e.container_number: (m.vessel_call.imo_number, m.vessel_call.voyage_number)
        for m in manifests
        for e in m.equipment
    }


def selection_of(numbers: list[str]) -> SelectionResult:
    lanes = {0: Channel.PHYSICAL, 1: Channel.SCAN, 2: Channel.GREEN}
    decisions = tuple(
        decision(
            number,
            rank + 1,
            lanes[min(rank // 100, 2)],
            explore=ExplorationKind.RANDOM if rank % 997 == 5 else None,
        )
        for rank, number in enumerate(numbers)
    )
    return SelectionResult(
        decisions=decisions,
        capacity=DailyCapacity(scan=100, physical=90),
        used={Channel.PHYSICAL: 100, Channel.SCAN: 100, Channel.GREEN: len(numbers) - 200},
        overflow=decisions[90:100],
    )


def save_selection(db: Database, result: SelectionResult, calls: dict[str, tuple[str, str]]) -> None:
    with db.unit_of_work() as uow:
        uow.selections.save(
            result,
            run_date=date(2026, 3, 2),
            imo_voyage_of=calls,
            exploration_share=0.05,
            model_version=None,
            created_by="bulk",
        )


def best_of_two(read: Callable[[], T]) -> tuple[T, float]:
    """The result of ``read`` and the shorter of two timings (the other one warms the caches).

    Timed as this process's CPU time: SQLite runs in-process, so that is all the work, and other jobs on
    a shared machine do not count (the SQLite bounds below are what a port day must stay under).
    """
    seconds = []
    for _ in range(2):
        start = time.process_time()
        found = read()
        seconds.append(time.process_time() - start)
    return found, min(seconds)


def test_a_few_thousand_assessments_and_decisions_round_trip(db: Database, samples: Samples) -> None:
    manifests = day_of_calls(samples, calls=3, per_call=600)
    calls = calls_of(manifests)
    assessments = [assessment(n, (i % 100) / 100, voyage=calls[n][1]) for i, n in enumerate(calls)]
    result = selection_of(list(calls))
    with db.unit_of_work() as uow:
        assert uow.assessments.add_many(assessments) == 1800
    save_selection(db, result, calls)
    with db.unit_of_work() as uow:
        stored = [a for m in manifests for a in uow.assessments.latest_for_call("9321483", _voyage(m))]
        latest = uow.selections.latest()
    assert sorted(stored, key=lambda a: a.container_number) == sorted(
        assessments, key=lambda a: a.container_number
    )
    assert latest is not None and latest.result == result and latest.vessel_calls == calls


def _voyage(manifest: Manifest) -> str:
    return manifest.vessel_call.voyage_number


@pytest.mark.slow
def test_a_33000_container_day_is_read_for_scoring(db: Database, samples: Samples) -> None:
    past = day_of_calls(samples, calls=2, per_call=100, first=25, hours=-48)
    day = day_of_calls(samples, calls=25, per_call=1320)
    for manifest in past + day:
        with db.unit_of_work() as uow:
            assert uow.manifests.add(manifest)

    def read_day() -> list[Manifest]:
        with db.unit_of_work() as uow:
            return uow.history.manifests_between(T0, T0 + timedelta(hours=25))

    manifests, _ = best_of_two(read_day)
    assert manifests == day
    with db.unit_of_work() as uow:
        history = uow.history.party_history(T0 + timedelta(days=2))
        assert uow.history.party_history(T0).pairs == {
            (f"EC:SYNTHETIC EXPORTER {n % 40}", f"BE:SYNTHETIC IMPORTER {(n * 7) % 400}")
            for n in range(2500, 2700)
        }
    assert sum(a.bills_of_lading for a in history.consignees.values()) == 33200
    assert len(history.shippers) == 40 and len(history.consignees) == 400


@pytest.mark.slow
def test_33000_assessments_and_decisions_are_written_and_read(db: Database, samples: Samples) -> None:
    calls = {samples.container("MSCU", n): ("9321483", f"V{n // 1320:04d}") for n in range(33000)}
    assessments = [assessment(n, (i % 1000) / 1000, voyage=calls[n][1]) for i, n in enumerate(calls)]
    result = selection_of(list(calls))
    with db.unit_of_work() as uow:
        uow.assessments.add_many(assessments)
    save_selection(db, result, calls)

    def read() -> tuple[int, SelectionResult | None]:
        with db.unit_of_work() as uow:
            found = sum(len(uow.assessments.latest_for_call("9321483", f"V{v:04d}")) for v in range(25))
            latest = uow.selections.latest()
            return found, None if latest is None else latest.result

    (found, stored), _ = best_of_two(read)
    assert found == 33000 and stored == result
