"""Manifests: exact round trip, idempotent re-add, all-or-nothing messages, first writer wins."""

from __future__ import annotations

from datetime import UTC

import pytest
from store_samples import Samples

from cargoscreen.domain.records import Manifest, Party
from cargoscreen.store import Database, PortSummary
from cargoscreen.store.repositories import manifest_writer
from cargoscreen.store.tables import PartyRow


def _add(db: Database, manifest: Manifest, **kwargs: str) -> bool:
    with db.unit_of_work() as uow:
        return uow.manifests.add(manifest, **kwargs)


def _stats(db: Database) -> PortSummary:
    with db.unit_of_work() as uow:
        return uow.stats()


def test_round_trip_rebuilds_the_manifest_exactly(db: Database, samples: Samples) -> None:
    manifest = samples.sample_manifest()
    assert _add(db, manifest, raw_sha256="ab" * 32)
    with db.unit_of_work() as uow:
        stored = uow.manifests.get(manifest.message_key)
        assert uow.manifests.raw_sha256(manifest.message_key) == "ab" * 32
    assert stored == manifest
    assert stored is not None
    assert stored.vessel_call.eta is not None and stored.vessel_call.eta.tzinfo == UTC
    assert stored.document_time is not None and stored.document_time.tzinfo == UTC
    assert [e.container_number for e in stored.equipment] == ["MSCU1234566", "TGHU9876542"]
    assert [s.seal_number for s in stored.equipment[0].seals] == ["SL100", "CU200"]


def test_unknown_message_key_gives_none(db: Database) -> None:
    with db.unit_of_work() as uow:
        assert uow.manifests.get("NOBODY/1/1") is None
        assert uow.manifests.keys() == []


def test_re_adding_a_message_writes_nothing(db: Database, samples: Samples) -> None:
    manifest = samples.sample_manifest()
    assert _add(db, manifest)
    before = _stats(db)
    assert not _add(db, manifest)
    assert _stats(db) == before
    with db.unit_of_work() as uow:
        assert uow.manifests.keys() == [manifest.message_key]


def test_an_exception_in_the_unit_of_work_leaves_nothing_written(db: Database, samples: Samples) -> None:
    with pytest.raises(RuntimeError, match="crash"), db.unit_of_work() as uow:
        assert uow.manifests.add(samples.sample_manifest())
        raise RuntimeError("crash after the message")
    assert _stats(db) == PortSummary(0, 0, 0, 0, 0, 0, 0, (), ())


def test_a_failure_mid_message_leaves_nothing_written(
    db: Database, samples: Samples, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object) -> None:
        raise RuntimeError("disk full while writing goods")

    monkeypatch.setattr(manifest_writer, "_insert_goods", fail)
    manifest = samples.sample_manifest()
    with pytest.raises(RuntimeError, match="disk full"):
        _add(db, manifest)
    with db.unit_of_work() as uow:
        assert uow.manifests.keys() == []
        assert uow.stats().vessel_calls == 0 and uow.stats().containers == 0
    monkeypatch.undo()
    assert _add(db, manifest)  # a retry after the failure stores the message


def test_a_second_message_for_the_call_keeps_the_first_writers_records(
    db: Database, samples: Samples
) -> None:
    first = samples.sample_manifest()
    new_box = samples.container("CMAU", 123)
    equipment = (samples.equipment("TGHU9876542", "45G1"), samples.equipment(new_box))
    consignments = (
        samples.consignment("SYNB0002", {new_box: 1}),
        samples.consignment("SYNB0003", {new_box: 5}),
    )
    second = samples.manifest("M2", equipment, consignments, call=samples.call(eta=None))
    assert _add(db, first)
    assert _add(db, second, source_name="day1/second.edi")
    with db.unit_of_work() as uow:
        assert uow.manifests.get(first.message_key) == first
        stored = uow.manifests.get(second.message_key)
        rejections = uow.quarantine.list(source_name="day1/second.edi")
        stats = uow.stats()
    assert stored is not None
    assert stored.vessel_call == first.vessel_call  # the call is shared; its first report wins
    assert stored.equipment == (equipment[1],)
    assert stored.consignments == (consignments[1],)
    assert sorted((r.scope, r.locator) for r in rejections) == [
        ("consignment", "consignment 1 (SYNB0002)"),
        ("equipment", "equipment 1 (TGHU9876542)"),
    ]
    assert all(r.message_key == second.message_key and "first message wins" in r.reason for r in rejections)
    assert (stats.vessel_calls, stats.containers, stats.consignments, stats.quarantined) == (1, 3, 3, 2)


def test_repeats_inside_one_message_are_quarantined(db: Database, samples: Samples) -> None:
    box = samples.container("MSCU", 1)
    twice = (samples.equipment(box), samples.equipment(box, "22G1"))
    manifest = samples.manifest("M9", twice, ())
    assert _add(db, manifest)
    with db.unit_of_work() as uow:
        stored = uow.manifests.get(manifest.message_key)
        [rejection] = uow.quarantine.list()
    assert stored is not None and stored.equipment == twice[:1]
    assert rejection.locator == f"equipment 2 ({box})" and "repeated in the message" in rejection.reason
    assert rejection.source_name == manifest.message_key


def test_equal_parties_share_a_row_and_spellings_share_a_dedupe_key(db: Database, samples: Samples) -> None:
    box = samples.container("MSCU", 2)
    shout = Party(name="CAFÉ DU NORD", country="CO")
    consignments = (
        samples.consignment("B1", {box: 1}),
        samples.consignment("B2", {box: 1}),
        samples.consignment("B3", {box: 1}, consignor=shout),
        samples.consignment("B4", {box: 1}, consignor=Party(name="Cafe du-Nord", country="CO")),
    )
    manifest = samples.manifest("M3", (samples.equipment(box),), consignments)
    assert _add(db, manifest)
    with db.engine.connect() as connection:
        rows = connection.execute(PartyRow.__table__.select()).all()
    keys = sorted(row.dedupe_key for row in rows)
    assert len(rows) == 4  # one shared consignor, one consignee, two spellings of a third
    assert keys.count("CO:CAFE DU NORD") == 2
    with db.unit_of_work() as uow:
        assert uow.manifests.get(manifest.message_key) == manifest


def test_keys_come_in_ingest_order(db: Database, samples: Samples) -> None:
    refs = ["Z", "A", "M"]
    for ref in refs:
        assert _add(db, samples.manifest(ref, (), (), call=samples.call(voyage=f"V{ref}")))
    with db.unit_of_work() as uow:
        assert uow.manifests.keys() == [f"SYNTHLINE/IC1/{ref}" for ref in refs]
        assert uow.stats().vessel_calls == 3
