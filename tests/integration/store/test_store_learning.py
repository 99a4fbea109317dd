"""Inspection outcomes, model versions, party history and manifests by arrival, and migration 0002."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from store_samples import T0, Samples, UrlFactory
from targeting_samples import BOXES, assessment, outcome

from cargoscreen.domain.records import Manifest, Party
from cargoscreen.store import Database, PartyActivity
from cargoscreen.store.tables import Base

DAY = timedelta(days=1)
SHIPPER = Party(name="Exportadora Sintética S.A.", city="Guayaquil", country="EC")
OTHER_SHIPPER = Party(name="Bananera Ficticia", country="EC")
CONSIGNEE = Party(name="Synthetic Fruit NV", country="BE")
SAME_CONSIGNEE_ELSEWHERE = Party(name="SYNTHETIC FRUIT NV", street="Kaai 1", country="BE")
NEW_CONSIGNEE = Party(name="Fresh Start BV", country="NL")
TARGETING_TABLES = {
    "risk_assessments",
    "selection_runs",
    "selection_decisions",
    "tips",
    "tip_uses",
    "watchlist_entries",
    "inspection_outcomes",
    "model_versions",
}


# --- inspection outcomes ---------------------------------------------------------------------------------


def test_outcomes_are_stored_once_per_inspection_and_come_back_equal(db: Database) -> None:
    clean, seizure = outcome(BOXES[0]), outcome(BOXES[1], minutes=30, seizure=True)
    with db.unit_of_work() as uow:
        assert uow.outcomes.add(seizure) and uow.outcomes.add(clean)
        assert not uow.outcomes.add(clean)
        assert not uow.outcomes.add(clean.model_copy(update={"note": "typed again"}))
    later = outcome(BOXES[0], minutes=60)  # the same container inspected again later
    with db.unit_of_work() as uow:
        assert uow.outcomes.add(later)
        assert uow.outcomes.count() == 3
        assert uow.outcomes.all() == [clean, seizure, later]
        assert uow.outcomes.since(T0 + timedelta(minutes=30)) == [seizure, later]
        assert uow.outcomes.since(T0 + timedelta(hours=2)) == []
    assert [o.positive for o in [clean, seizure]] == [False, True]


# --- model versions --------------------------------------------------------------------------------------


def test_model_versions_register_once_and_one_per_kind_is_active(db: Database) -> None:
    params = {"learning_rate": 0.05, "features": ["origin", "hs"], "nested": {"depth": 6}}
    with db.unit_of_work() as uow:
        assert uow.models.register("c-1", "container", params, {"auc": 0.81}, "models/c-1", activate=True)
        assert uow.models.register("i-1", "imaging", {}, {}, "models/i-1", activate=True)
        assert uow.models.register("c-2", "container", {}, {"auc": 0.84}, "models/c-2", activate=False)
        assert not uow.models.register("c-1", "container", {}, {}, "elsewhere", activate=False)
    with db.unit_of_work() as uow:
        active = uow.models.active("container")
        assert active is not None and (active.version, active.params) == ("c-1", params)
        assert active.metrics == {"auc": 0.81} and active.artifact_path == "models/c-1"
        assert uow.models.register("c-3", "container", {}, {}, "models/c-3", activate=True)
    with db.unit_of_work() as uow:
        assert [(m.version, m.active) for m in uow.models.list("container")] == [
            ("c-1", False),
            ("c-2", False),
            ("c-3", True),
        ]
        assert [m.version for m in uow.models.list()] == ["c-1", "i-1", "c-2", "c-3"]
        assert uow.models.activate("c-2") and not uow.models.activate("nope")
        assert [m.version for m in uow.models.list("container") if m.active] == ["c-2"]
        assert [m.version for m in uow.models.list("imaging") if m.active] == ["i-1"]
        assert uow.models.active("audio") is None and uow.models.get("nope") is None


# --- history ---------------------------------------------------------------------------------------------


def history_manifests(samples: Samples) -> list[Manifest]:
    """Calls 10 days (ATA) and 2 days (ETA only) before T0, one arriving just after T0 though its ETA is
    before, and one without times; shippers and consignees recur across them (synthetic)."""
    call = samples.call
    calls = {
        "A": call("A01", eta=T0 - 11 * DAY).model_copy(update={"ata": T0 - 10 * DAY}),
        "B": call("B01", eta=T0 - 2 * DAY),
        "C": call("C01", eta=T0 - timedelta(hours=1)).model_copy(update={"ata": T0 + timedelta(hours=1)}),
        "D": call("D01", eta=None),
    }
    bills: dict[str, list[tuple[str, Party, Party | None]]] = {
        "A": [("A1", SHIPPER, CONSIGNEE), ("A2", OTHER_SHIPPER, CONSIGNEE), ("A3", OTHER_SHIPPER, None)],
        "B": [("B1", SHIPPER, SAME_CONSIGNEE_ELSEWHERE), ("B2", SHIPPER, NEW_CONSIGNEE)],
        "C": [("C1", OTHER_SHIPPER, NEW_CONSIGNEE)],
        "D": [("D1", OTHER_SHIPPER, NEW_CONSIGNEE)],
    }
    manifests = []
    for n, (name, rows) in enumerate(bills.items()):
        boxes = [samples.container("MSCU", 100 * n + k) for k in range(len(rows))]
        consignments = tuple(
            samples.consignment(bill, {box: 10}, consignor=shipper, consignee=consignee)
            for box, (bill, shipper, consignee) in zip(boxes, rows, strict=True)
        )
        equipment = tuple(samples.equipment(box) for box in boxes)
        manifests.append(samples.manifest(f"H{name}", equipment, consignments, call=calls[name]))
    late = samples.manifest("HA2", (samples.equipment(samples.container("TGHU", 9)),), (), call=calls["A"])
    return [*manifests, late]


def store(db: Database, manifests: list[Manifest]) -> None:
    with db.unit_of_work() as uow:
        for manifest in manifests:
            assert uow.manifests.add(manifest)


def test_party_history_counts_bills_of_calls_arriving_before_the_moment(
    db: Database, samples: Samples
) -> None:
    store(db, history_manifests(samples))
    before = T0.astimezone(timezone(timedelta(hours=-5)))
    with db.unit_of_work() as uow:
        history = uow.history.party_history(before)
    consignee, new = "BE:SYNTHETIC FRUIT NV", "NL:FRESH START BV"
    shipper, other = "EC:EXPORTADORA SINTETICA S A", "EC:BANANERA FICTICIA"
    assert history.before == before
    assert history.consignees == {
        consignee: PartyActivity(first_seen=T0 - 10 * DAY, bills_of_lading=3),
        new: PartyActivity(first_seen=T0 - 2 * DAY, bills_of_lading=1),
    }
    assert history.shippers == {
        shipper: PartyActivity(first_seen=T0 - 10 * DAY, bills_of_lading=3),
        other: PartyActivity(first_seen=T0 - 10 * DAY, bills_of_lading=2),
    }
    assert history.pairs == {(shipper, consignee), (other, consignee), (shipper, new)}
    assert history.partners() == {consignee: {shipper, other}, new: {shipper}}


def test_party_history_with_a_key_of_the_caller_and_before_everything(db: Database, samples: Samples) -> None:
    store(db, history_manifests(samples))
    with db.unit_of_work() as uow:
        exact = uow.history.party_history(T0 + 2 * DAY, key=lambda name, country: f"{name}/{country}")
        empty = uow.history.party_history(T0 - 10 * DAY)  # strictly before: the first call is not in it
    assert set(exact.consignees) == {
        "Synthetic Fruit NV/BE",
        "SYNTHETIC FRUIT NV/BE",
        "Fresh Start BV/NL",
    }
    assert exact.consignees["Fresh Start BV/NL"] == PartyActivity(T0 - 2 * DAY, bills_of_lading=2)
    assert exact.shippers["Bananera Ficticia/EC"].bills_of_lading == 3  # the call without times is out
    assert (empty.consignees, empty.shippers, empty.pairs) == ({}, {}, frozenset())


def test_manifests_between_rebuilds_every_message_of_the_calls_arriving_in_the_window(
    db: Database, samples: Samples
) -> None:
    a, b, c, _, a_late = manifests = history_manifests(samples)
    store(db, manifests)
    with db.unit_of_work() as uow:
        assert uow.history.manifests_between(T0 - 11 * DAY, T0) == [a, b, a_late]
        assert uow.history.manifests_between(T0 - 2 * DAY, T0 + DAY) == [b, c]  # start included
        assert uow.history.manifests_between(T0 - 11 * DAY, T0 - 10 * DAY) == []  # end excluded
        assert uow.history.manifests_between(T0 + DAY, T0 + 2 * DAY) == []


def test_manifests_between_agrees_with_manifests_get(db: Database, samples: Samples) -> None:
    sample = samples.sample_manifest()
    store(db, [sample])
    eta = sample.vessel_call.eta
    assert eta is not None
    with db.unit_of_work() as uow:
        assert uow.history.manifests_between(eta, eta + timedelta(seconds=1)) == [sample]
        assert uow.manifests.get(sample.message_key) == sample


# --- migration 0002 --------------------------------------------------------------------------------------


def test_migration_0002_adds_and_drops_only_the_targeting_tables(
    new_database_url: UrlFactory, samples: Samples
) -> None:
    db = Database(new_database_url())
    try:
        db.upgrade("0001")
        assert not TARGETING_TABLES & set(inspect(db.engine).get_table_names())
        store(db, [samples.sample_manifest()])  # data written before the upgrade survives it
        db.upgrade("0002")
        assert db.current_revision() == "0002"
        assert set(inspect(db.engine).get_table_names()) >= TARGETING_TABLES
        with db.unit_of_work() as uow:
            uow.assessments.add_many([assessment(BOXES[0], 0.5)])
            uow.outcomes.add(outcome(BOXES[0]))
        db.downgrade("0001")
        assert db.current_revision() == "0001"
        assert not TARGETING_TABLES & set(inspect(db.engine).get_table_names())
        with db.unit_of_work() as uow:
            assert uow.manifests.get(samples.sample_manifest().message_key) == samples.sample_manifest()
        db.upgrade("0002")
        with db.unit_of_work() as uow:
            assert (uow.assessments.count(), uow.outcomes.count()) == (0, 0)
        db.upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        db.dispose()


def test_times_are_utc_whatever_offset_they_were_given_in(db: Database) -> None:
    eastern = timezone(timedelta(hours=-5))
    given = outcome(BOXES[2]).model_copy(update={"recorded_at": datetime(2026, 3, 2, 1, 0, tzinfo=eastern)})
    with db.unit_of_work() as uow:
        uow.outcomes.add(given)
    with db.unit_of_work() as uow:
        (stored,) = uow.outcomes.all()
    assert stored == given and stored.recorded_at.utcoffset() == timedelta(0)
    assert stored.recorded_at.hour == 6
