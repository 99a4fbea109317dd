"""Findings export: JSON lines and the DICOS Threat Detection Report, written and read back (synthetic)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pydicom
import pytest
from scan_builders import CONTAINER, make_scan

from cargoscreen.domain.scans import Box, CargoClass, ScanError, ScanFindings
from cargoscreen.ingest.images import (
    findings_to_json,
    read_scans,
    read_tdr,
    series_uid_for,
    write_dicos,
    write_tdr,
)


def _findings(
    scan_id: str = "SYN-0001", *, alarm: bool = True, boxes: tuple[Box, ...] | None = None
) -> ScanFindings:
    return ScanFindings(
        scan_id=scan_id,
        container_number=CONTAINER,
        score=0.83 if alarm else 0.1,
        alarm=alarm,
        threshold=0.5,
        boxes=boxes
        if boxes is not None
        else (Box(x0=10, y0=5, x1=40, y1=30, score=0.9), Box(x0=60, y0=2, x1=70, y1=9, score=0.3)),
        empty=False,
        empty_score=0.02,
        declared_class=CargoClass.BANANAS,
        model_version="detector-2026.03",
    )


def test_findings_to_json_writes_one_contract_object_per_line() -> None:
    text = findings_to_json([_findings(), _findings("SYN-0002", alarm=False, boxes=())])
    lines = text.splitlines()
    assert text.endswith("\n") and len(lines) == 2
    first = json.loads(lines[0])
    assert list(first)[:5] == ["scan", "container_number", "score", "boxes", "empty"]
    assert first["boxes"][0] == [10, 5, 40, 30, 0.9]
    assert first["declared_class"] == "BANANAS"
    assert findings_to_json([]) == ""


def test_tdr_round_trip(tmp_path: Path) -> None:
    scan = make_scan()
    when = datetime(2026, 3, 14, 8, 0, tzinfo=UTC)
    path = write_tdr(_findings(), scan, tmp_path / "tdr.dcm", created_at=when)

    report = read_tdr(path)

    assert report.referenced_series_uid == series_uid_for("SYN-0001")
    assert report.alarm and report.container_id == CONTAINER
    assert report.algorithm == ("cargoscreen image AI", "detector-2026.03")
    assert [(o.pto_id, o.flag, o.category) for o in report.objects] == [
        (0, "THREAT", "CONTRABAND"),
        (1, "NO_THREAT", "CONTRABAND"),
    ]
    assert [o.box for o in report.objects] == list(_findings().boxes)
    assert report.findings == _findings()


def test_tdr_attributes_as_documented(tmp_path: Path) -> None:
    ds = pydicom.dcmread(write_tdr(_findings(), make_scan(), tmp_path / "t.dcm"))
    assert ds.SOPClassUID == "1.2.840.10008.5.1.4.1.1.501.3" and ds.Modality == "TDR"
    assert (ds.TDRType, ds.AlarmDecision, ds.AbortFlag, ds.OOIType) == (
        "MACHINE",
        "ALARM",
        "SUCCESS",
        "CARGO",
    )
    assert (ds.NumberOfTotalObjects, ds.NumberOfAlarmObjects) == (2, 1)
    region = ds.ThreatSequence[0].PTORepresentationSequence[0]
    assert list(region.ThreatROIBase) == [10.0, 5.0, 0.0] and list(region.ThreatROIExtents) == [
        30.0,
        25.0,
        1.0,
    ]
    assert list(region.BoundingPolygon) == [10, 5, 0, 40, 5, 0, 40, 30, 0, 10, 30, 0]
    assessment = ds.ThreatSequence[0].ATDAssessmentSequence[0]
    assert assessment.ATDAssessmentProbability == pytest.approx(0.9)


def test_an_alarm_without_boxes_reports_the_whole_image(tmp_path: Path) -> None:
    scan = make_scan(shape=(40, 120))
    report = read_tdr(write_tdr(_findings(boxes=()), scan, tmp_path / "t.dcm"))
    [whole] = report.objects
    assert (whole.box.x0, whole.box.y0, whole.box.x1, whole.box.y1) == (0, 0, 120, 40)
    assert whole.flag == "THREAT" and whole.box.score == pytest.approx(0.83)


def test_a_clear_scan_has_no_threat_objects(tmp_path: Path) -> None:
    report = read_tdr(write_tdr(_findings(alarm=False, boxes=()), make_scan(), tmp_path / "t.dcm"))
    assert not report.alarm and report.objects == ()


def test_tdr_references_the_dx_instances_read(tmp_path: Path) -> None:
    scan = make_scan(scan_id="1.2.826.0.1.3680043.8.498.5")
    result = read_scans(write_dicos(scan, tmp_path / "scan"))
    uids = {source.energy_kv: source.instance_uid for source in result.sources[scan.meta.scan_id]}
    path = write_tdr(_findings(scan.meta.scan_id), result.scans[0], tmp_path / "t.dcm", instance_uids=uids)
    series = pydicom.dcmread(path).ReferencedSeriesSequence[0]
    assert series.SeriesInstanceUID == scan.meta.scan_id
    assert {item.ReferencedSOPInstanceUID for item in series.ReferencedInstanceSequence} == set(uids.values())


def test_findings_of_another_scan_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ScanError, match="findings are for scan OTHER"):
        write_tdr(_findings("OTHER"), make_scan(), tmp_path / "t.dcm")
    assert not list(tmp_path.iterdir())


def test_reading_a_dx_file_as_tdr_is_refused(tmp_path: Path) -> None:
    [path, _] = write_dicos(make_scan(), tmp_path)
    with pytest.raises(ScanError, match="not a DICOS TDR"):
        read_tdr(path)
