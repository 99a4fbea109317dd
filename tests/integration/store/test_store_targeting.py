"""Risk assessments, selection runs, tips and their uses, watch lists: round trips and idempotency."""

from __future__ import annotations

from datetime import date, timedelta, timezone

import pytest
from store_samples import T0
from targeting_samples import BOXES, IMO, assessment, decision, entry, tip

from cargoscreen.domain.targeting import (
    Channel,
    DailyCapacity,
    ExplorationKind,
    ListKind,
    RiskAssessment,
    SelectionResult,
    TipUse,
)
from cargoscreen.store import Database

BOX0, BOX1, BOX2 = BOXES
DAY = date(2026, 3, 2)
CALLS = {box: (IMO, "001E") for box in BOXES}


def result(first: str = BOX0, *, overflow: tuple[str, ...] = ()) -> SelectionResult:
    """Three decisions (one explored), ranked from ``first``; ``overflow`` names forced ones in order."""
    order = [first, *(box for box in BOXES if box != first)]
    decisions = (
        decision(order[0], 1, Channel.PHYSICAL),
        decision(order[1], 2, Channel.SCAN, explore=ExplorationKind.UNCERTAINTY),
        decision(order[2], 3),
    )
    by_number = {d.container_number: d for d in decisions}
    return SelectionResult(
        decisions=decisions,
        capacity=DailyCapacity(scan=1, physical=0),
        used={Channel.GREEN: 1, Channel.SCAN: 1, Channel.PHYSICAL: 1},
        overflow=tuple(by_number[number] for number in overflow),
    )


def save(db: Database, selection: SelectionResult, day: date = DAY, by: str = "analyst-1") -> int:
    with db.unit_of_work() as uow:
        return uow.selections.save(
            selection,
            run_date=day,
            imo_voyage_of=CALLS,
            exploration_share=0.05,
            model_version="container-2026-03",
            created_by=by,
        )


# --- risk assessments ------------------------------------------------------------------------------------


def test_assessments_round_trip_with_their_reasons(db: Database) -> None:
    brussels = timezone(timedelta(hours=1))
    first = assessment(BOX0, 0.4, at=T0.astimezone(brussels))
    forced = assessment(BOX0, 0.9, at=T0 + timedelta(hours=1), forced=Channel.PHYSICAL, code="R9")
    bare = RiskAssessment(
        container_number=BOX1, imo_number=IMO, voyage_number="001E", score=0.0, assessed_at=T0
    )
    with db.unit_of_work() as uow:
        assert uow.assessments.add_many([first, forced, bare]) == 3
    with db.unit_of_work() as uow:
        assert uow.assessments.count() == 3
        assert uow.assessments.latest_for(BOX0) == forced
        assert uow.assessments.latest_for(BOX1) == bare
        assert uow.assessments.latest_for(f"{BOX0[:4].lower()} {BOX0[4:10]}-{BOX0[10]}") == forced
        assert uow.assessments.latest_for(BOX2) is None
        stored = uow.assessments.latest_for(BOX0)
    assert stored is not None and stored.reasons[0].details == {"origin.country": "EC", "hub": "PAMIT"}
    assert stored.forced_channel is Channel.PHYSICAL and stored.assessed_at.utcoffset() == timedelta(0)


def test_latest_for_call_is_the_newest_assessment_of_each_container_of_that_call(db: Database) -> None:
    old, new = assessment(BOX1, 0.2, code="OLD"), assessment(BOX1, 0.3, at=T0 + timedelta(minutes=5))
    tie_first, tie_last = assessment(BOX0, 0.5, code="A"), assessment(BOX0, 0.6, code="B")
    other_call = assessment(BOX2, 0.7, voyage="002W")
    with db.unit_of_work() as uow:
        uow.assessments.add_many([new, tie_first, old, other_call])
        uow.assessments.add_many([tie_last])  # same time as tie_first, stored later: the latest
    with db.unit_of_work() as uow:
        assert uow.assessments.latest_for_call(IMO, "001E") == [tie_last, new]
        assert uow.assessments.latest_for_call(f"IMO{IMO}"[3:], "002W") == [other_call]
        assert uow.assessments.latest_for_call(IMO, "999X") == []


# --- selection runs --------------------------------------------------------------------------------------


def test_a_saved_selection_comes_back_as_the_result_that_was_saved(db: Database) -> None:
    saved_result = result(overflow=(BOX1, BOX0))  # overflow order is not rank order
    run_id = save(db, saved_result)
    with db.unit_of_work() as uow:
        latest = uow.selections.latest()
    assert latest is not None
    assert latest.result == saved_result
    assert latest.overflow == (saved_result.decisions[1], saved_result.decisions[0])
    assert (latest.run_id, latest.run_date, latest.created_by) == (run_id, DAY, "analyst-1")
    assert (latest.exploration_share, latest.model_version) == (0.05, "container-2026-03")
    assert latest.capacity == DailyCapacity(scan=1, physical=0)
    assert latest.used == {Channel.GREEN: 1, Channel.SCAN: 1, Channel.PHYSICAL: 1}
    assert latest.vessel_calls == CALLS
    assert latest.decisions[1].exploration_kind is ExplorationKind.UNCERTAINTY
    assert latest.decisions[1].reasons[-1].text == "explored"


def test_latest_run_is_the_last_saved_of_the_newest_day(db: Database) -> None:
    assert save(db, result(BOX0), DAY, by="first") < save(db, result(BOX1), DAY + timedelta(days=1))
    save(db, result(BOX2), DAY, by="rerun")
    with db.unit_of_work() as uow:
        newest, rerun = uow.selections.latest(), uow.selections.latest(DAY)
        assert uow.selections.latest(DAY - timedelta(days=1)) is None
        assert uow.selections.decision_for(BOX1) == result(BOX1).decisions[0]
        assert uow.selections.decision_for(BOX1.lower()) == result(BOX1).decisions[0]
        assert uow.selections.decision_for("CMAU0000047") is None
    assert newest is not None and newest.run_date == DAY + timedelta(days=1)
    assert rerun is not None and rerun.created_by == "rerun" and rerun.result == result(BOX2)


def test_no_selection_is_none(db: Database) -> None:
    with db.unit_of_work() as uow:
        assert uow.selections.latest() is None
        assert uow.selections.decision_for(BOX0) is None


def test_a_selection_without_a_vessel_call_for_a_container_is_refused_whole(db: Database) -> None:
    with pytest.raises(ValueError, match=BOX2), db.unit_of_work() as uow:
        uow.selections.save(
            result(),
            run_date=DAY,
            imo_voyage_of={BOX0: (IMO, "001E"), BOX1: (IMO, "001E")},
            exploration_share=0.0,
            model_version=None,
            created_by="analyst-1",
        )
    foreign = result().model_copy(update={"overflow": (decision(BOX0, 1, Channel.SCAN),)})
    with pytest.raises(ValueError, match="not among the decisions"):
        save(db, foreign)
    with db.unit_of_work() as uow:
        assert uow.selections.latest() is None


# --- tips ------------------------------------------------------------------------------------------------


def test_tips_are_stored_once_by_id_and_come_back_equal(db: Database) -> None:
    first, second = tip("T-1"), tip("T-2", value="TGHU 000002 9")
    with db.unit_of_work() as uow:
        assert uow.tips.add(first) and uow.tips.add(second)
        assert not uow.tips.add(first.model_copy(update={"note": "changed"}))
    with db.unit_of_work() as uow:
        assert uow.tips.list_all() == [first, second]


def test_a_tip_is_active_while_valid_and_not_revoked(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.tips.add(tip("T-1", days=3))
        uow.tips.add(tip("T-2", start=T0 + timedelta(days=1), days=1))
    hours = timedelta(hours=1)
    with db.unit_of_work() as uow:
        assert uow.tips.active(T0 - hours) == []
        assert [t.tip_id for t in uow.tips.active(T0)] == ["T-1"]
        assert [t.tip_id for t in uow.tips.active(T0 + timedelta(days=1))] == ["T-1", "T-2"]
        assert [t.tip_id for t in uow.tips.active(T0 + timedelta(days=2))] == ["T-1"]
        assert uow.tips.active(T0 + timedelta(days=3)) == []
        assert uow.tips.revoke("T-1", T0 + 12 * hours)
        assert not uow.tips.revoke("T-1", T0 + 13 * hours)  # already revoked: the first time stands
        assert not uow.tips.revoke("T-404", T0)
    with db.unit_of_work() as uow:
        assert uow.tips.revoked_at("T-1") == T0 + 12 * hours
        assert [t.tip_id for t in uow.tips.active(T0 + 11 * hours)] == ["T-1"]  # before the revocation
        assert uow.tips.active(T0 + 12 * hours) == []
        assert [t.tip_id for t in uow.tips.list_all()] == ["T-1", "T-2"]


def test_tip_uses_are_an_append_only_log_without_repeats(db: Database) -> None:
    uses = [
        TipUse(tip_id="T-1", container_number=BOX1, used_at=T0 + timedelta(hours=2)),
        TipUse(tip_id="T-1", container_number=BOX0, used_at=T0),
        TipUse(tip_id="T-2", container_number=BOX0, used_at=T0),
    ]
    with db.unit_of_work() as uow:
        assert uow.tips.log_uses(uses) == 3
        assert uow.tips.log_uses(uses[:1]) == 0
        assert uow.tips.log_uses([]) == 0
    later = TipUse(tip_id="T-1", container_number=BOX1, used_at=T0 + timedelta(days=1))
    with db.unit_of_work() as uow:
        assert uow.tips.log_uses([later]) == 1
        assert uow.tips.uses("T-1") == [uses[1], uses[0], later]
        assert uow.tips.uses("T-2") == [uses[2]]
        assert uow.tips.uses("T-3") == []


# --- watch lists -----------------------------------------------------------------------------------------


def test_watch_list_entries_are_unique_and_expired_ones_are_skipped(db: Database) -> None:
    party = entry(ListKind.PARTY, "Synthetic Fruit NV")
    vessel = entry(ListKind.VESSEL, f"IMO {IMO}", until="2026-03-02")
    bill = entry(ListKind.BILL_OF_LADING, "synb-0001", until="2026-03-01")
    with db.unit_of_work() as uow:
        assert uow.watchlists.add_many([party, vessel, bill, party.model_copy(update={"reason": "x"})]) == 3
        assert uow.watchlists.add_many([vessel]) == 0
    with db.unit_of_work() as uow:
        assert uow.watchlists.all() == [bill, party, vessel]
        assert uow.watchlists.all(date(2026, 3, 2)) == [party, vessel]  # valid_until is included
        assert uow.watchlists.all(date(2026, 3, 3)) == [party]
    assert bill.value == "SYNB0001" and vessel.value == IMO


def test_replace_all_swaps_every_list_and_is_all_or_nothing(db: Database) -> None:
    old = [entry(ListKind.PARTY, "Old Trader"), entry(ListKind.CONTAINER, BOX0)]
    new = [entry(ListKind.PARTY, "New Trader")]
    with db.unit_of_work() as uow:
        uow.watchlists.add_many(old)
    with pytest.raises(RuntimeError), db.unit_of_work() as uow:
        assert uow.watchlists.replace_all(new) == 1
        assert uow.watchlists.all() == new  # visible inside the unit of work ...
        raise RuntimeError("the import failed half-way")
    with db.unit_of_work() as uow:
        assert uow.watchlists.all() == sorted(old, key=lambda e: (e.list_kind, e.value))  # ... not after
        assert uow.watchlists.replace_all(new + new) == 1
    with db.unit_of_work() as uow:
        assert uow.watchlists.all() == new
