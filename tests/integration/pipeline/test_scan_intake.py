"""Scans from files into the store: lossless pixels, renditions, unknown containers flagged, bad files
quarantined and nothing half-stored (SQLite, real blob folder)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from cargoscreen.domain.scans import UNKNOWN_CONTAINER, Scan, ScanMetadata, ScanOrigin, encode_attenuation
from cargoscreen.ingest.images import write_dicos
from cargoscreen.pipeline.scans import ingest_scans, load_scan
from cargoscreen.store import BlobStore, Database


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'scans.db'}")
    database.upgrade()
    return database


@pytest.fixture
def blobs(tmp_path: Path) -> BlobStore:
    return BlobStore(str(tmp_path / "blobs"))


def scan(scan_id: str, container: str | None = "MSCU1234566", *, seed: int = 1, **meta: object) -> Scan:
    rng = np.random.default_rng(seed)
    rows, cols = 120, 500
    base = rng.uniform(0.5, 4.0, size=(rows, cols)).astype(np.float32)
    values = {
        "scan_id": scan_id,
        "container_number": container,
        "container_id_raw": container or "",
        "scanner": "MS-1",
        "site": "BEANR",
        "scanned_at": datetime(2026, 3, 12, 8, tzinfo=UTC),
        "pixel_spacing_mm": (5.0, 5.0),
        "energies_kv": (6000, 4000),
        "source_format": "DICOS",
        "synthetic": True,
    }
    values.update(meta)
    return Scan(
        ScanMetadata.model_validate(values),
        {6000: encode_attenuation(base), 4000: encode_attenuation(base * 1.3)},
    )


def test_dicos_files_are_stored_lossless_with_renditions_and_an_unknown_container_is_flagged(
    db: Database, blobs: BlobStore, tmp_path: Path
) -> None:
    original = scan("1.2.826.0.1.3680043.8.498.1")
    write_dicos(original, tmp_path / "in")
    report = ingest_scans([tmp_path / "in"], unit_of_work=db.unit_of_work, blobs=blobs, submitted_by="test")
    assert report.stored == [original.meta.scan_id] and report.flagged == report.stored and not report.errors
    again = ingest_scans([tmp_path / "in"], unit_of_work=db.unit_of_work, blobs=blobs, submitted_by="test")
    assert again.duplicates == report.stored and not again.stored
    with db.unit_of_work() as uow:
        stored = uow.scans.get(original.meta.scan_id)
        names = uow.scans.rendition_names(original.meta.scan_id)
    assert stored is not None and stored.flag == UNKNOWN_CONTAINER
    back = load_scan(stored, blobs)
    for kv, image in original.channels.items():
        assert np.array_equal(back.channels[kv], image)
    assert {"window/6000", "window/4000", "ratio", "thumbnail", "tile/6000/0/0_0"} <= set(names)
    assert all(c.source_sha256 and blobs.exists(c.source_sha256) for c in stored.channels)


def test_a_truncated_channel_rejects_the_whole_scan_and_is_quarantined(
    db: Database, blobs: BlobStore, tmp_path: Path
) -> None:
    good, bad = scan("good-scan", seed=2), scan("bad-scan", seed=3)
    write_dicos(good, tmp_path / "in")
    broken = write_dicos(bad, tmp_path / "in")
    broken[0].write_bytes(broken[0].read_bytes()[:5000])
    report = ingest_scans([tmp_path / "in"], unit_of_work=db.unit_of_work, blobs=blobs, submitted_by="test")
    assert report.stored == ["good-scan"]
    assert report.errors and any(broken[0].name in str(e) for e in report.errors)
    with db.unit_of_work() as uow:
        assert uow.scans.get("bad-scan") is None
        assert uow.quarantine.count() >= 1


def test_a_partner_cannot_push_a_scan_of_another_port(db: Database, blobs: BlobStore, tmp_path: Path) -> None:
    theirs = scan("pd-1", origin=ScanOrigin.PRE_DEPARTURE, partner_port="COCTG")
    unmarked = scan("pd-2", seed=5)
    write_dicos(theirs, tmp_path / "in")
    write_dicos(unmarked, tmp_path / "in")
    report = ingest_scans(
        [tmp_path / "in"],
        unit_of_work=db.unit_of_work,
        blobs=blobs,
        submitted_by="partner:ECGYE",
        origin_partner="ECGYE",
    )
    assert report.stored == ["pd-2"]
    assert any("COCTG" in e.reason for e in report.errors)
    with db.unit_of_work() as uow:
        stored = uow.scans.get("pd-2")
    assert stored is not None
    assert (stored.meta.origin, stored.meta.partner_port) == (ScanOrigin.PRE_DEPARTURE, "ECGYE")
