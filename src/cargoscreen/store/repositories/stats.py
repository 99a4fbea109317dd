"""Port-wide counts for the summary page and the CLI."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Connection, func, select

from cargoscreen.domain.reference import ports
from cargoscreen.store.tables import (
    Base,
    ConsignmentRow,
    EquipmentEventRow,
    EquipmentRow,
    GoodsItemRow,
    QuarantineRow,
    VesselCallRow,
)
from cargoscreen.store.views import PortSummary


def port_summary(conn: Connection, *, top: int = 10) -> PortSummary:
    """Counts over the whole store; ``top`` limits the HS chapter list."""
    reefers = select(func.count()).select_from(EquipmentRow).where(EquipmentRow.reefer.is_(True))
    return PortSummary(
        vessel_calls=_count(conn, VesselCallRow),
        containers=_count(conn, EquipmentRow),
        reefers=int(conn.execute(reefers).scalar_one()),
        consignments=_count(conn, ConsignmentRow),
        goods_items=_count(conn, GoodsItemRow),
        events=_count(conn, EquipmentEventRow),
        quarantined=_count(conn, QuarantineRow),
        by_origin_country=_by_origin_country(conn),
        top_hs_chapters=_top_hs_chapters(conn, top),
    )


def _count(conn: Connection, model: type[Base]) -> int:
    return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def _by_origin_country(conn: Connection) -> tuple[tuple[str, int], ...]:
    stmt = select(ConsignmentRow.port_of_loading, func.count()).group_by(ConsignmentRow.port_of_loading)
    known = ports()
    counts: Counter[str] = Counter()
    for locode, count in conn.execute(stmt):
        port = known.get(locode) if locode else None
        counts[port.country if port else "unknown"] += count
    return tuple(sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])))


def _top_hs_chapters(conn: Connection, top: int) -> tuple[tuple[str, int], ...]:
    chapter = func.substr(GoodsItemRow.hs_code, 1, 2).label("chapter")
    count = func.count().label("items")
    stmt = (
        select(chapter, count)
        .where(GoodsItemRow.hs_code.is_not(None))
        .group_by(chapter)
        .order_by(count.desc(), chapter)
        .limit(top)
    )
    return tuple((str(code), int(str(n))) for code, n in conn.execute(stmt))
