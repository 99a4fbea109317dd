"""Findings as a DICOS Threat Detection Report (SOP class ``1.2.840.10008.5.1.4.1.1.501.3``), and back.

Each box becomes a potential threat object (PTO) of the Threat Sequence: its region as Threat ROI Base and
Extents (and a four-corner Bounding Polygon) in pixel coordinates of the scan (x = column, y = row, z = 0),
and one ATD assessment (category CONTRABAND, flag THREAT when the box scores at or above the threshold,
probability = box score). An alarm without boxes is reported as one PTO covering the whole image. The
report references the scan's SeriesInstanceUID; the complete findings also travel as JSON in a private
element so that reading the report back loses nothing. Attribute list: docs/scan-formats.md.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset, FileDataset
from pydicom.multival import MultiValue
from pydicom.sequence import Sequence as DicomSequence
from pydicom.uid import UID, generate_uid

from cargoscreen.domain.scans import Box, Scan, ScanError, ScanFindings
from cargoscreen.ingest.images.dicos import DX_FOR_PROCESSING, OOI_CARGO
from cargoscreen.ingest.images.dicos_write import dataset_bytes, new_file_dataset, series_uid_for
from cargoscreen.ingest.images.files import write_all

TDR_STORAGE = UID("1.2.840.10008.5.1.4.1.1.501.3")
PRIVATE_GROUP, PRIVATE_CREATOR, FINDINGS_ELEMENT = 0x0011, "CARGOSCREEN 1", 0x10
THREAT_CATEGORY = "CONTRABAND"
CATEGORY_DESCRIPTION = "concealed narcotics: region found by the cargoscreen image AI"


@dataclass(frozen=True, slots=True)
class ThreatObject:
    """One PTO of a report: its id, region (with the assessed probability as score) and flag."""

    pto_id: int
    box: Box
    flag: str
    category: str


@dataclass(frozen=True, slots=True)
class ThreatReport:
    """A TDR read back: which series it judges, the decision, the PTOs and (if ours) the full findings."""

    referenced_series_uid: str
    container_id: str
    alarm: bool
    algorithm: tuple[str, ...]
    objects: tuple[ThreatObject, ...]
    findings: ScanFindings | None


def write_tdr(
    findings: ScanFindings,
    scan: Scan,
    path: Path,
    *,
    instance_uids: Mapping[int, str] | None = None,
    created_at: datetime | None = None,
) -> Path:
    """Write the TDR of ``findings`` on ``scan`` to ``path``.

    ``instance_uids`` (kV → SOP Instance UID of the DX files, as in ``ScanReadResult.sources``) adds
    instance references; without it the report references the series only.
    """
    if findings.scan_id != scan.meta.scan_id:
        raise ScanError(f"findings are for scan {findings.scan_id}, not {scan.meta.scan_id}", where=str(path))
    when = (created_at or datetime.now(UTC)).astimezone(UTC)
    ds = new_file_dataset(TDR_STORAGE)
    _header(ds, findings, scan, when)
    instances = _instances(scan, instance_uids or {})
    ds.ReferencedSeriesSequence = DicomSequence([_series_reference(scan, instances)])
    ds.ThreatSequence = DicomSequence(_threats(findings, scan, instances))
    ds.NumberOfTotalObjects = len(ds.ThreatSequence)
    ds.NumberOfAlarmObjects = sum(
        item.ATDAssessmentSequence[0].ATDAssessmentFlag == "THREAT" for item in ds.ThreatSequence
    )
    block = ds.private_block(PRIVATE_GROUP, PRIVATE_CREATOR, create=True)
    block.add_new(FINDINGS_ELEMENT, "UT", findings.model_dump_json())
    write_all([(path, dataset_bytes(ds))])
    return path


def read_tdr(data: bytes | Path, *, name: str = "") -> ThreatReport:
    """Read a TDR (ours or another tool's); :class:`ScanError` names the file when it is not one."""
    where = name or (str(data) if isinstance(data, Path) else "TDR")
    try:
        ds = pydicom.dcmread(io.BytesIO(data) if isinstance(data, bytes) else data)
    except Exception as exc:  # pydicom raises many kinds on damaged input
        raise ScanError(f"not a readable DICOM file: {exc}", where=where) from None
    if UID(str(ds.get("SOPClassUID", ""))) != TDR_STORAGE:
        raise ScanError(f"SOP class {ds.get('SOPClassUID')} is not a DICOS TDR ({TDR_STORAGE})", where=where)
    series = ds.get("ReferencedSeriesSequence") or [Dataset()]
    return ThreatReport(
        referenced_series_uid=str(series[0].get("SeriesInstanceUID", "")),
        container_id=str(ds.get("PatientID", "") or ""),
        alarm=ds.get("AlarmDecision") == "ALARM",
        algorithm=_multi(ds.get("ThreatDetectionAlgorithmAndVersion")),
        objects=tuple(_threat_object(item, where) for item in ds.get("ThreatSequence") or []),
        findings=_private_findings(ds),
    )


def _header(ds: FileDataset, findings: ScanFindings, scan: Scan, when: datetime) -> None:
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.Modality = "TDR"
    ds.SeriesNumber = 1
    ds.InstanceNumber = 1
    ds.InstanceCreationDate = ds.ContentDate = when.strftime("%Y%m%d")
    ds.InstanceCreationTime = ds.ContentTime = when.strftime("%H%M%S.%f")
    ds.TimezoneOffsetFromUTC = "+0000"
    ds.Manufacturer = "cargoscreen"
    ds.OOIType = OOI_CARGO
    ds.PatientID = scan.meta.container_id_raw or scan.meta.container_number or ""
    ds.TDRType = "MACHINE"
    ds.AbortFlag = "SUCCESS"
    ds.AlarmDecision = "ALARM" if findings.alarm else "CLEAR"
    ds.AlarmDecisionTime = when.strftime("%Y%m%d%H%M%S.%f") + "+0000"
    ds.ThreatDetectionAlgorithmAndVersion = ["cargoscreen image AI", findings.model_version or "unversioned"]
    ds.ImageScaleRepresentation = 1


def _instances(scan: Scan, uids: Mapping[int, str]) -> list[Dataset]:
    refs = []
    for kv in scan.meta.energies_kv:
        if uids.get(kv):
            ref = Dataset()
            ref.ReferencedSOPClassUID = DX_FOR_PROCESSING
            ref.ReferencedSOPInstanceUID = uids[kv]
            refs.append(ref)
    return refs


def _series_reference(scan: Scan, instances: list[Dataset]) -> Dataset:
    item = Dataset()
    item.SeriesInstanceUID = series_uid_for(scan.meta.scan_id)
    item.ReferencedInstanceSequence = DicomSequence(instances)
    return item


def _threats(findings: ScanFindings, scan: Scan, instances: list[Dataset]) -> list[Dataset]:
    boxes = list(findings.boxes)
    if not boxes and findings.alarm:
        rows, cols = scan.shape
        boxes = [Box(x0=0, y0=0, x1=cols, y1=rows, score=findings.score)]
    return [
        _threat(number, box, box.score >= findings.threshold, instances) for number, box in enumerate(boxes)
    ]


def _threat(number: int, box: Box, threat: bool, instances: list[Dataset]) -> Dataset:
    region = Dataset()
    region.ReferencedInstanceSequence = DicomSequence(instances[:1])
    region.ThreatROIBase = [float(box.x0), float(box.y0), 0.0]
    region.ThreatROIExtents = [float(box.x1 - box.x0), float(box.y1 - box.y0), 1.0]
    corners = [(box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1)]
    region.BoundingPolygon = [float(v) for x, y in corners for v in (x, y, 0)]
    assessment = Dataset()
    assessment.ThreatCategory = THREAT_CATEGORY
    assessment.ThreatCategoryDescription = CATEGORY_DESCRIPTION
    assessment.ATDAbilityAssessment = "NO_INTERFERENCE"
    assessment.ATDAssessmentFlag = "THREAT" if threat else "NO_THREAT"
    assessment.ATDAssessmentProbability = float(box.score)
    item = Dataset()
    item.PotentialThreatObjectID = number
    item.PTORepresentationSequence = DicomSequence([region])
    item.ATDAssessmentSequence = DicomSequence([assessment])
    return item


def _threat_object(item: Dataset, where: str) -> ThreatObject:
    try:
        region = item.PTORepresentationSequence[0]
        assessment = item.ATDAssessmentSequence[0]
        x, y = (round(float(v)) for v in list(region.ThreatROIBase)[:2])
        width, height = (round(float(v)) for v in list(region.ThreatROIExtents)[:2])
        probability = round(float(assessment.get("ATDAssessmentProbability", 0.0) or 0.0), 6)  # FL is float32
        box = Box(x0=x, y0=y, x1=x + width, y1=y + height, score=min(max(probability, 0.0), 1.0))
    except (AttributeError, IndexError, TypeError, ValueError) as exc:
        raise ScanError(f"threat object without a readable ROI or assessment: {exc}", where=where) from None
    return ThreatObject(
        pto_id=int(item.get("PotentialThreatObjectID", 0) or 0),
        box=box,
        flag=str(assessment.get("ATDAssessmentFlag", "")),
        category=str(assessment.get("ThreatCategory", "")),
    )


def _private_findings(ds: Dataset) -> ScanFindings | None:
    """The full findings JSON of our private element; None when absent or not ours."""
    try:
        block = ds.private_block(PRIVATE_GROUP, PRIVATE_CREATOR)
        return ScanFindings.model_validate_json(block[FINDINGS_ELEMENT].value)
    except (KeyError, ValueError):  # no block, or not valid findings (pydantic errors are ValueErrors)
        return None


def _multi(value: object) -> tuple[str, ...]:
    if isinstance(value, MultiValue | list | tuple):
        return tuple(str(item) for item in value)
    return (str(value),) if value else ()
