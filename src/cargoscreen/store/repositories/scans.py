"""Scans: metadata rows, channel and rendition blob hashes, and findings; pixels stay in the blob store."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, exists, func, select, update

from cargoscreen.domain.scans import (
    UNKNOWN_CONTAINER,
    ChannelBlob,
    DeclaredContent,
    Rendition,
    ScanFindings,
    ScanMetadata,
    StoredFindings,
    StoredScan,
)
from cargoscreen.store.repositories._sql import insert_many, insert_returning_ids
from cargoscreen.store.tables import (
    EquipmentRow,
    GoodsItemRow,
    GoodsPlacementRow,
    ScanChannelRow,
    ScanFindingRow,
    ScanRenditionRow,
    ScanRow,
)

_S = ScanRow
_META_COLUMNS = (
    "scan_id", "container_number", "container_id_raw", "scanner", "site", "origin", "partner_port",
    "scanned_at", "door_end", "source_format", "synthetic",
)  # fmt: skip


class ScanRepository:
    """Scans of one unit of work; ``scan_id`` is unique, so storing a scan twice is a no-op."""

    def __init__(self, connection: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = connection
        self._clock = clock

    def known_container(self, container_number: str) -> bool:
        """Whether any stored manifest lists the container."""
        stmt = select(exists().where(EquipmentRow.container_number == container_number))
        return bool(self._conn.execute(stmt).scalar_one())

    def declared(self, container_number: str) -> DeclaredContent | None:
        """What the latest stored manifest declares for the container, or None when none lists it."""
        stmt = (
            select(EquipmentRow.size_type, EquipmentRow.full_empty)
            .where(EquipmentRow.container_number == container_number)
            .order_by(EquipmentRow.id.desc())
            .limit(1)
        )
        row = self._conn.execute(stmt).first()
        goods = (
            select(GoodsItemRow.hs_code)
            .join(GoodsPlacementRow, GoodsPlacementRow.goods_item_id == GoodsItemRow.id)
            .where(GoodsPlacementRow.container_number == container_number, GoodsItemRow.hs_code.is_not(None))
            .order_by(GoodsItemRow.id.desc())
            .limit(20)
        )
        hs_codes = tuple(code for code in self._conn.execute(goods).scalars() if code)
        if row is None and not hs_codes:
            return None
        return DeclaredContent(
            container_number=container_number,
            size_type=row.size_type if row else None,
            full_empty=row.full_empty if row else None,
            hs_codes=hs_codes,
        )

    def add(
        self,
        meta: ScanMetadata,
        shape: tuple[int, int],
        channels: Sequence[ChannelBlob],
        *,
        submitted_by: str,
        flag: str | None = None,
    ) -> bool:
        """Store a scan with its channels; ``False`` (nothing written) when ``scan_id`` is stored already."""
        if self._ref(meta.scan_id) is not None:
            return False
        values = meta.model_dump(mode="json", include=set(_META_COLUMNS))
        row: dict[str, Any] = values | {
            "scanned_at": meta.scanned_at,
            "pixel_row_mm": meta.pixel_spacing_mm[0],
            "pixel_col_mm": meta.pixel_spacing_mm[1],
            "energies_kv": list(meta.energies_kv),
            "rows": shape[0],
            "cols": shape[1],
            "submitted_by": submitted_by,
            "ingested_at": self._clock(),
            "flag": flag,
        }
        (ref,) = insert_returning_ids(self._conn, _S, [row])
        insert_many(
            self._conn,
            ScanChannelRow,
            [
                {
                    "scan_ref": ref,
                    "energy_kv": c.energy_kv,
                    "sha256": c.sha256,
                    "source_sha256": c.source_sha256,
                }
                for c in channels
            ],
        )
        return True

    def add_renditions(self, scan_id: str, renditions: Sequence[Rendition]) -> int:
        """Record display derivatives of a stored scan (names already recorded are replaced)."""
        ref = self._required_ref(scan_id)
        names = [r.name for r in renditions]
        self._conn.execute(
            delete(ScanRenditionRow).where(ScanRenditionRow.scan_ref == ref, ScanRenditionRow.name.in_(names))
        )
        rows = [
            {"scan_ref": ref, "name": r.name, "media_type": r.media_type, "sha256": r.sha256}
            for r in renditions
        ]
        insert_many(self._conn, ScanRenditionRow, rows)
        return len(rows)

    def rendition(self, scan_id: str, name: str) -> Rendition | None:
        """One display derivative of a scan by name, or None."""
        stmt = (
            select(ScanRenditionRow.name, ScanRenditionRow.media_type, ScanRenditionRow.sha256)
            .join(_S, _S.id == ScanRenditionRow.scan_ref)
            .where(_S.scan_id == scan_id, ScanRenditionRow.name == name)
        )
        row = self._conn.execute(stmt).first()
        return Rendition(row.name, row.media_type, row.sha256) if row else None

    def rendition_names(self, scan_id: str) -> builtins.list[str]:
        """Names of every derivative of a scan, sorted."""
        stmt = (
            select(ScanRenditionRow.name)
            .join(_S, _S.id == ScanRenditionRow.scan_ref)
            .where(_S.scan_id == scan_id)
            .order_by(ScanRenditionRow.name)
        )
        return list(self._conn.execute(stmt).scalars())

    def get(self, scan_id: str) -> StoredScan | None:
        """A stored scan by id, or None."""
        found = self._select(_S.scan_id == scan_id)
        return found[0] if found else None

    def of_container(self, container_number: str) -> builtins.list[StoredScan]:
        """Every scan of a container, oldest first."""
        return self._select(_S.container_number == container_number)

    def list(
        self,
        *,
        flagged: bool | None = None,
        submitted_by: str | None = None,
        after_id: int = 0,
        limit: int = 100,
    ) -> builtins.list[StoredScan]:
        """Scans in storage order after a cursor, optionally only flagged ones or one submitter's."""
        where: builtins.list[ColumnElement[bool]] = [_S.id > after_id]
        if flagged is not None:
            where.append(_S.flag.is_not(None) if flagged else _S.flag.is_(None))
        if submitted_by is not None:
            where.append(_S.submitted_by == submitted_by)
        return self._select(*where, limit=limit)

    def count(self) -> int:
        """How many scans are stored."""
        return int(self._conn.execute(select(func.count()).select_from(_S)).scalar_one())

    def relink(self) -> int:
        """Clear the unknown-container flag of scans whose container a manifest now lists; how many."""
        known = exists().where(EquipmentRow.container_number == _S.container_number)
        result = self._conn.execute(update(_S).where(_S.flag == UNKNOWN_CONTAINER, known).values(flag=None))
        return int(result.rowcount or 0)

    def add_findings(self, findings: ScanFindings, heatmap_sha256: str | None) -> None:
        """Record what a model found in a stored scan (the latest record is current)."""
        row = {
            "scan_ref": self._required_ref(findings.scan_id),
            "analysed_at": self._clock(),
            "model_version": findings.model_version,
            "score": findings.score,
            "alarm": findings.alarm,
            "empty": findings.empty,
            "findings": findings.model_dump(mode="json"),
            "heatmap_sha256": heatmap_sha256,
        }
        insert_many(self._conn, ScanFindingRow, [row])

    def findings(self, scan_id: str) -> StoredFindings | None:
        """The current findings of a scan, or None when it was never analysed."""
        stmt = (
            select(ScanFindingRow.findings, ScanFindingRow.analysed_at, ScanFindingRow.heatmap_sha256)
            .join(_S, _S.id == ScanFindingRow.scan_ref)
            .where(_S.scan_id == scan_id)
            .order_by(ScanFindingRow.id.desc())
            .limit(1)
        )
        row = self._conn.execute(stmt).first()
        if row is None:
            return None
        return StoredFindings(ScanFindings.model_validate(row.findings), row.analysed_at, row.heatmap_sha256)

    def _ref(self, scan_id: str) -> int | None:
        ref = self._conn.execute(select(_S.id).where(_S.scan_id == scan_id)).scalar_one_or_none()
        return int(ref) if ref is not None else None

    def _required_ref(self, scan_id: str) -> int:
        ref = self._ref(scan_id)
        if ref is None:
            raise LookupError(f"scan {scan_id!r} is not stored")
        return ref

    def _select(self, *where: ColumnElement[bool], limit: int | None = None) -> builtins.list[StoredScan]:
        stmt = select(_S).where(*where).order_by(_S.id)
        if limit is not None:
            stmt = stmt.limit(limit)
        rows = self._conn.execute(stmt).all()
        refs = [row.id for row in rows]
        channels: dict[int, builtins.list[ChannelBlob]] = {ref: [] for ref in refs}
        if refs:
            stmt_c = (
                select(ScanChannelRow)
                .where(ScanChannelRow.scan_ref.in_(refs))
                .order_by(ScanChannelRow.energy_kv.desc())
            )
            for c in self._conn.execute(stmt_c):
                channels[c.scan_ref].append(ChannelBlob(c.energy_kv, c.sha256, c.source_sha256))
        return [_stored(dict(row._mapping), tuple(channels[row.id])) for row in rows]


def _stored(row: Mapping[str, Any], channels: tuple[ChannelBlob, ...]) -> StoredScan:
    meta = ScanMetadata.model_validate(
        {name: row[name] for name in _META_COLUMNS}
        | {
            "pixel_spacing_mm": (row["pixel_row_mm"], row["pixel_col_mm"]),
            "energies_kv": tuple(row["energies_kv"]),
        }
    )
    return StoredScan(
        meta=meta,
        rows=row["rows"],
        cols=row["cols"],
        channels=channels,
        submitted_by=row["submitted_by"],
        ingested_at=row["ingested_at"],
        flag=row["flag"],
    )
