"""Port-day volumes: many manifests in bulk, the raw baseline, and (slow) the 33 000-container day."""

from __future__ import annotations

import time

import pytest
from store_samples import Samples, UrlFactory

from cargoscreen.domain.records import Consignment, Equipment, GoodsItem, GoodsPlacement, Manifest, Party
from cargoscreen.store import Database
from cargoscreen.store.baseline import bulk_raw_insert, table_rows

HS_CODES = ("080390", "090111", "0803")


def port_day(samples: Samples, manifests: int, per_manifest: int) -> list[Manifest]:
    """Synthetic manifests: one vessel call each; every container has one or two consignments."""
    shippers = [Party(name=f"Synthetic Trader {n}", country="EC") for n in range(50)]
    day = []
    for m in range(manifests):
        equipment: list[Equipment] = []
        consignments: list[Consignment] = []
        for k in range(per_manifest):
            box = samples.container(("MSCU", "TGHU", "CMAU")[k % 3], m * per_manifest + k)
            equipment.append(samples.equipment(box, ("45G1", "45R1")[k % 2], seals=(f"S{m}-{k}",)))
            for b in range(1 + k % 2):
                goods = GoodsItem(
                    item_number=1,
                    hs_code=HS_CODES[(k + b) % 3],
                    description="synthetic",
                    gross_kg=1000.0 + k,
                    placements=(GoodsPlacement(container_number=box, packages=10),),
                )
                bill = f"B{m:03d}{k:05d}{b}"
                consignments.append(
                    Consignment(bill_of_lading=bill, consignor=shippers[k % 50], goods_items=(goods,))
                )
        call = samples.call(voyage=f"V{m:04d}")
        day.append(samples.manifest(f"M{m}", tuple(equipment), tuple(consignments), call=call))
    return day


def ingest(db: Database, manifests: list[Manifest]) -> float:
    """Seconds to add the manifests, one unit of work per message (as the pipeline does)."""
    start = time.perf_counter()
    for manifest in manifests:
        with db.unit_of_work() as uow:
            assert uow.manifests.add(manifest)
    return time.perf_counter() - start


def test_many_manifests_in_bulk(db: Database, samples: Samples) -> None:
    day = port_day(samples, manifests=4, per_manifest=150)
    ingest(db, day)
    with db.unit_of_work() as uow:
        stats = uow.stats()
        assert uow.manifests.get(day[-1].message_key) == day[-1]
    assert (stats.vessel_calls, stats.containers, stats.reefers) == (4, 600, 300)
    assert (stats.consignments, stats.goods_items, stats.quarantined) == (900, 900, 0)
    assert dict(stats.top_hs_chapters) == {"08": 600, "09": 300}


def test_raw_baseline_inserts_the_very_rows_an_ingest_stored(
    db: Database, samples: Samples, new_database_url: UrlFactory
) -> None:
    ingest(db, port_day(samples, manifests=3, per_manifest=40))
    rows = table_rows(db)
    scratch = Database(new_database_url())
    scratch.upgrade()
    try:
        inserted = bulk_raw_insert(scratch, rows)
        assert inserted == sum(len(r) for name, _, r in rows if name != "alembic_version") > 120
        assert table_rows(scratch) == rows
        with scratch.unit_of_work() as uow:
            assert uow.stats().containers == 120
    finally:
        scratch.dispose()


@pytest.mark.slow
def test_a_port_day_of_33000_containers_is_ingested(db: Database, samples: Samples) -> None:
    day = port_day(samples, manifests=25, per_manifest=1320)
    ingest(db, day)
    with db.unit_of_work() as uow:
        assert uow.stats().containers == 33000
