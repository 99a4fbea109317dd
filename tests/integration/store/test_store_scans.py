"""Scans in the store: metadata and channel hashes, renditions, findings, flags, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from store_samples import Samples

from cargoscreen.domain.scans import (
    UNKNOWN_CONTAINER,
    Box,
    ChannelBlob,
    Rendition,
    ScanFindings,
    ScanMetadata,
    ScanOrigin,
)
from cargoscreen.store import Database

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SHA = {n: f"{n:x}" * 64 for n in range(1, 6)}


def meta(scan_id: str, container: str | None = "MSCU1234566", **fields: object) -> ScanMetadata:
    values: dict[str, object] = {
        "scan_id": scan_id,
        "container_number": container,
        "container_id_raw": container or "NOPE1234567",
        "scanner": "MS-1",
        "site": "BEANR-K1742",
        "scanned_at": T0,
        "pixel_spacing_mm": (5.0, 5.0),
        "energies_kv": (6000, 4000),
        "source_format": "DICOS",
        "synthetic": True,
    }
    return ScanMetadata.model_validate(values | fields)


def channels() -> list[ChannelBlob]:
    return [ChannelBlob(6000, SHA[1], SHA[3]), ChannelBlob(4000, SHA[2], None)]


def test_a_scan_is_stored_once_and_comes_back_equal(db: Database) -> None:
    first = meta("1.2.3.4")
    with db.unit_of_work() as uow:
        assert uow.scans.add(first, (580, 2500), channels(), submitted_by="scanner:MS-1")
        assert not uow.scans.add(first, (580, 2500), channels(), submitted_by="scanner:MS-1")
    with db.unit_of_work() as uow:
        stored = uow.scans.get("1.2.3.4")
        assert uow.scans.count() == 1
        assert uow.scans.get("9.9") is None
    assert stored is not None
    assert stored.meta == first
    assert (stored.rows, stored.cols, stored.flag) == (580, 2500, None)
    assert stored.channels == (ChannelBlob(6000, SHA[1], SHA[3]), ChannelBlob(4000, SHA[2], None))


def test_a_partner_scan_keeps_its_origin_and_port(db: Database) -> None:
    partner = meta(
        "p-1", origin=ScanOrigin.PRE_DEPARTURE, partner_port="ECGYE", scanned_at=T0 - timedelta(days=20)
    )
    with db.unit_of_work() as uow:
        uow.scans.add(partner, (580, 2500), channels(), submitted_by="partner:ECGYE")
        uow.scans.add(meta("a-1"), (580, 2500), channels(), submitted_by="scanner:MS-1")
    with db.unit_of_work() as uow:
        mine = uow.scans.list(submitted_by="partner:ECGYE")
        both = uow.scans.of_container("MSCU1234566")
    assert [s.meta for s in mine] == [partner]
    assert [s.meta.scan_id for s in both] == ["p-1", "a-1"]


def test_unknown_containers_are_flagged_and_relinked_when_their_manifest_arrives(
    db: Database, samples: Samples
) -> None:
    with db.unit_of_work() as uow:
        uow.scans.add(meta("u-1"), (64, 64), channels(), submitted_by="x", flag=UNKNOWN_CONTAINER)
        uow.scans.add(meta("u-2", None), (64, 64), channels(), submitted_by="x", flag=UNKNOWN_CONTAINER)
        assert not uow.scans.known_container("MSCU1234566")
    with db.unit_of_work() as uow:
        assert [s.meta.scan_id for s in uow.scans.list(flagged=True)] == ["u-1", "u-2"]
        uow.manifests.add(samples.sample_manifest())
        assert uow.scans.known_container("MSCU1234566")
        assert uow.scans.relink() == 1
    with db.unit_of_work() as uow:
        assert [s.meta.scan_id for s in uow.scans.list(flagged=True)] == ["u-2"]
        assert [s.meta.scan_id for s in uow.scans.list(flagged=False)] == ["u-1"]
        page = uow.scans.list(limit=1)
        assert [s.meta.scan_id for s in uow.scans.list(after_id=1, limit=5)] != [page[0].meta.scan_id]


def test_renditions_and_latest_findings(db: Database) -> None:
    findings = ScanFindings(
        scan_id="f-1",
        container_number="MSCU1234566",
        score=0.93,
        alarm=True,
        threshold=0.4,
        boxes=(Box(x0=10, y0=20, x1=40, y1=60, score=0.9),),
        empty=False,
        empty_score=0.01,
        model_version="img-1",
    )
    with db.unit_of_work() as uow:
        uow.scans.add(meta("f-1"), (64, 64), channels(), submitted_by="x")
        uow.scans.add_renditions("f-1", [Rendition("thumbnail", "image/png", SHA[4])])
        uow.scans.add_renditions(
            "f-1", [Rendition("thumbnail", "image/png", SHA[5]), Rendition("w", "image/png", SHA[4])]
        )
        assert uow.scans.findings("f-1") is None
        uow.scans.add_findings(findings.model_copy(update={"score": 0.1, "alarm": False}), None)
        uow.scans.add_findings(findings, SHA[3])
    with db.unit_of_work() as uow:
        assert uow.scans.rendition("f-1", "thumbnail") == Rendition("thumbnail", "image/png", SHA[5])
        assert uow.scans.rendition_names("f-1") == ["thumbnail", "w"]
        current = uow.scans.findings("f-1")
    assert current is not None and current.findings == findings and current.heatmap_sha256 == SHA[3]


def test_findings_for_an_unknown_scan_are_refused_and_nothing_is_written(db: Database) -> None:
    with pytest.raises(LookupError, match="not stored"), db.unit_of_work() as uow:
        uow.scans.add(meta("g-1"), (64, 64), channels(), submitted_by="x")
        uow.scans.add_renditions("nope", [Rendition("thumbnail", "image/png", SHA[4])])
    with db.unit_of_work() as uow:
        assert uow.scans.count() == 0
