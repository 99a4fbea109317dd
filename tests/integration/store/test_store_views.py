"""The container dossier and the port summary."""

from __future__ import annotations

from datetime import timedelta

import pytest
from store_samples import Samples

from cargoscreen.domain.errors import InvalidIdentifier
from cargoscreen.domain.records import Party
from cargoscreen.store import Database


@pytest.fixture
def port_day(db: Database, samples: Samples) -> Database:
    """Two calls that carry MSCU1234566 (the later one listed first), goods of a box not listed, events."""
    later = samples.sample_manifest()  # ETA t0 + 30 min
    box = samples.container("HLXU", 777)
    earlier_call = samples.call(voyage="000W", eta=samples.t0 - timedelta(days=20))
    earlier = samples.manifest(
        "M0",
        (samples.equipment("MSCU1234566", "22G1", seals=("OLD1",)),),
        (samples.consignment("OLDB0001", {"MSCU1234566": 10, box: 3}, hs_code="090111"),),
        call=earlier_call,
    )
    events = [samples.event("MSCU1234566", f"e{n}", minutes) for n, minutes in enumerate((300, -5, 120))]
    with db.unit_of_work() as uow:
        uow.manifests.add(later)
        uow.manifests.add(earlier)
        uow.events.add_many(events)
        uow.events.add_many([samples.event(box, "other", 1)])
    return db


def test_container_dossier_has_calls_consignments_seals_and_events_in_time_order(port_day: Database) -> None:
    with port_day.unit_of_work() as uow:
        dossier = uow.containers.show("MSCU 123456-6")
    assert dossier is not None and dossier.container_number == "MSCU1234566"
    assert [call.voyage_number for call in dossier.calls] == ["000W", "001E"]
    old, new = dossier.calls
    assert (old.size_type, [s.seal_number for s in old.seals]) == ("22G1", ["OLD1"])
    assert (new.reefer, new.message_key, [s.seal_number for s in new.seals]) == (
        True,
        "SYNTHLINE/IC1/M1",
        ["SL100", "CU200"],
    )
    assert [c.bill_of_lading for c in new.consignments] == ["SYNB0001"]  # SYNB0002 is only in TGHU9876542
    [consignment] = new.consignments
    assert consignment.consignee == Party(name="Synthetic Fruit NV", country="BE", eori="BE0123456789")
    assert (consignment.port_of_loading, consignment.transhipment_ports) == ("ECGYE", ("COCTG",))
    [line] = consignment.goods
    assert (line.hs_code, line.gross_kg, line.packages, line.packages_in_container) == (
        "080390",
        19000.0,
        1000,
        800,
    )
    assert [e.event_id for e in dossier.events] == ["e1", "e2", "e0"]


def test_a_container_only_named_in_goods_still_has_a_dossier(port_day: Database, samples: Samples) -> None:
    with port_day.unit_of_work() as uow:
        dossier = uow.containers.show(samples.container("HLXU", 777))
    assert dossier is not None
    [call] = dossier.calls
    assert (call.voyage_number, call.size_type, call.message_key, call.seals) == ("000W", None, None, ())
    assert call.consignments[0].goods[0].packages_in_container == 3
    assert [e.event_id for e in dossier.events] == ["other"]


def test_unknown_container_gives_none_and_bad_numbers_are_refused(db: Database, samples: Samples) -> None:
    with db.unit_of_work() as uow:
        assert uow.containers.show(samples.container("CMAU", 5)) is None
        with pytest.raises(InvalidIdentifier):
            uow.containers.show("MSCU1234567")


def test_port_summary_counts(port_day: Database) -> None:
    with port_day.unit_of_work() as uow:
        stats = uow.stats()
    assert (stats.vessel_calls, stats.containers, stats.reefers) == (2, 3, 1)
    assert (stats.consignments, stats.goods_items, stats.events, stats.quarantined) == (3, 3, 4, 0)
    assert stats.by_origin_country == (("EC", 2), ("CO", 1))
    assert stats.top_hs_chapters == (("09", 2), ("08", 1))
