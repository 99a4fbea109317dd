"""The custody stage on a real store (SQLite): a SYNTHETIC seizure carried to the incinerator through the
ledger; refused events write nothing; a tampered ledger is never extended; the 48-hour clock alerts."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cargoscreen.custody.alerts import AlertKind
from cargoscreen.custody.errors import CustodyError, LedgerError, TwoPersonRuleViolation
from cargoscreen.custody.events import Authorisation, Packaging
from cargoscreen.custody.models import EvidenceBag
from cargoscreen.domain.outcomes import InspectionOutcome, OutcomeResult
from cargoscreen.domain.targeting import Channel
from cargoscreen.pipeline.custody import (
    CustodyConfig,
    IncineratorSpec,
    SeizureInput,
    carry_seizure_to_destruction,
    custody_alerts,
    incinerator_sessions,
    record_events,
    register_seizure,
    schedule_destruction,
    verify_store,
)
from cargoscreen.store import Database

KEY = b"pipeline-test-ledger-key-0123456"
CONFIG = CustodyConfig(key=KEY)
NOW = datetime(2026, 3, 9, 21, 30, tzinfo=UTC)
CONTAINER = "MSCU1234566"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'custody.db'}")
    database.upgrade()
    return database


def outcome(result: OutcomeResult = OutcomeResult.SEIZURE, kg: float = 61.2) -> InspectionOutcome:
    seizure = result is OutcomeResult.SEIZURE
    return InspectionOutcome(container_number=CONTAINER, imo_number="9321483", voyage_number="045E",
                             channel=Channel.PHYSICAL, result=result, substance="cocaine" if seizure else "",
                             seized_kg=kg if seizure else 0.0, recorded_by="SYNTH officer A", recorded_at=NOW)  # fmt: skip


def seize(db: Database, witness: str = "SYNTH officer B") -> str:
    with db.unit_of_work() as uow:
        uow.outcomes.add(outcome())
    seizure = SeizureInput(container_number=CONTAINER, acting_officer="SYNTH officer A", witness_officer=witness,
                           place="SYNTHETIC lane", occurred_at=NOW, package_count=50)  # fmt: skip
    return register_seizure(unit_of_work=db.unit_of_work, config=CONFIG, seizure=seizure,
                            recorded_by="SYNTH officer A").case_number  # fmt: skip


def ledger_size(db: Database) -> int:
    with db.unit_of_work() as uow:
        return uow.custody.count()


def test_the_demo_carries_a_seizure_to_destruction_within_48_hours(db: Database) -> None:
    report = carry_seizure_to_destruction(db.unit_of_work, outcome=outcome(), key=KEY, now=NOW)
    assert report.states == [
        "SEIZED",
        "PACKAGED",
        "STORED",
        "SAMPLED",
        "AUTHORISED",
        "SCHEDULED",
        "DESTROYED",
    ]
    assert report.case_number == "AN-2026-0001" and report.verified and report.ledger_entries == 8
    assert report.failed_reconciliations == 0 and report.reconciliations >= 7
    assert len(report.bags) == 3 and report.burnt_kg == pytest.approx(61.2 - 0.05, abs=0.01)
    assert report.sessions and all(s.starts_at <= report.due_at - timedelta(hours=2) for s in report.sessions)
    assert report.destroyed_at is not None and report.destroyed_at <= report.due_at
    assert any("verify OK" in line for line in report.lines())
    again = carry_seizure_to_destruction(db.unit_of_work, outcome=outcome(), key=KEY, now=NOW, destroy=False)
    assert (
        again.case_number == "AN-2026-0002" and again.states[-1] == "SCHEDULED" and again.destroyed_at is None
    )


def test_a_seizure_needs_a_stored_seizure_outcome_and_two_officers(db: Database) -> None:
    seizure = SeizureInput(container_number=CONTAINER, acting_officer="A", witness_officer="B", place="lane",
                           occurred_at=NOW, package_count=5)  # fmt: skip
    with pytest.raises(CustodyError, match="no inspection outcome with result SEIZURE"):
        register_seizure(unit_of_work=db.unit_of_work, config=CONFIG, seizure=seizure, recorded_by="A")
    with pytest.raises(TwoPersonRuleViolation):
        seize(db, witness="SYNTH officer A")
    assert ledger_size(db) == 0


def test_a_refused_event_writes_nothing_not_even_the_events_before_it(db: Database) -> None:
    case = seize(db)
    packaging = Packaging(case_number=case, occurred_at=NOW + timedelta(hours=1), recorded_by="A",
                          acting_officer="A", witness_officer="B",
                          bags=(EvidenceBag(bag_serial="SYN-BAG-1", sealed_kg=61.2),))  # fmt: skip
    premature = Authorisation(case_number=case, occurred_at=NOW + timedelta(hours=2), recorded_by="A",
                              prosecutor="SYNTH prosecutor", order_reference="O-1")  # fmt: skip
    with pytest.raises(CustodyError, match="AUTHORISED needs state SAMPLED"):
        record_events(unit_of_work=db.unit_of_work, config=CONFIG, events=[packaging, premature])
    assert ledger_size(db) == 1
    assert (
        record_events(unit_of_work=db.unit_of_work, config=CONFIG, events=[packaging])[case].state
        == "PACKAGED"
    )


def test_a_tampered_ledger_is_reported_and_never_extended(db: Database, tmp_path: Path) -> None:
    case = seize(db)
    bags = (EvidenceBag(bag_serial="SYN-BAG-1", sealed_kg=61.2),)
    packaging = Packaging(case_number=case, occurred_at=NOW + timedelta(hours=1), recorded_by="A",
                          acting_officer="A", witness_officer="B", bags=bags)  # fmt: skip
    record_events(unit_of_work=db.unit_of_work, config=CONFIG, events=[packaging])
    with sqlite3.connect(tmp_path / "custody.db") as connection:
        connection.execute("DROP TRIGGER custody_ledger_no_update")
        connection.execute(
            "UPDATE custody_ledger SET payload = replace(payload, '61.2', '51.2') WHERE seq = 1"
        )
    check = verify_store(unit_of_work=db.unit_of_work, key=KEY)
    assert not check.ok and check.report.first_bad_seq == 1 and check.report.problem == "edited"
    later = Authorisation(case_number=case, occurred_at=NOW + timedelta(hours=2), recorded_by="A",
                          prosecutor="SYNTH prosecutor", order_reference="O-1")  # fmt: skip
    with pytest.raises(LedgerError, match="fails verification at entry 1"):
        record_events(unit_of_work=db.unit_of_work, config=CONFIG, events=[later])
    assert ledger_size(db) == 2
    assert verify_store(
        unit_of_work=db.unit_of_work, key=b"another-key-of-32-bytes-00000000"
    ).report.problem == ("wrong_key")


def test_the_48_hour_clock_alerts_and_only_authorised_stock_is_booked(db: Database) -> None:
    case = seize(db)
    assert custody_alerts(unit_of_work=db.unit_of_work, config=CONFIG, now=NOW + timedelta(hours=1)) == []
    at_risk = custody_alerts(unit_of_work=db.unit_of_work, config=CONFIG, now=NOW + timedelta(hours=40))
    assert [(a.kind, a.case_number) for a in at_risk] == [(AlertKind.DESTRUCTION_AT_RISK, case)]
    assert "authorisation is needed" in at_risk[0].message
    overdue = custody_alerts(unit_of_work=db.unit_of_work, config=CONFIG, now=NOW + timedelta(hours=49))
    assert overdue[0].kind is AlertKind.DESTRUCTION_OVERDUE
    sessions = incinerator_sessions([IncineratorSpec("SYNTH incinerator")], now=NOW, days=2)
    assert [s.starts_at.hour for s in sessions] == [8, 16, 8, 16]
    plan = schedule_destruction(unit_of_work=db.unit_of_work, config=CONFIG, sessions=sessions, now=NOW,
                                recorded_by="planner")  # fmt: skip
    assert plan.bookings == () and ledger_size(db) == 1  # a SEIZED case is not yet to be burnt
