"""Bodies of the REST API (request and response), converted from the store's read models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from cargoscreen.domain.outcomes import InspectionOutcome, OutcomeResult
from cargoscreen.domain.scans import ScanFindings, ScanMetadata, StoredScan
from cargoscreen.domain.targeting import Channel, RiskAssessment, SelectionDecision
from cargoscreen.store import CallVisit
from cargoscreen.store.repositories.audit import AuditEntry
from cargoscreen.store.repositories.decisions import AnalystDecision, Verdict
from cargoscreen.store.repositories.worklist import QueueItem, QueueStatus, VesselCallSummary


class MeOut(BaseModel):
    name: str
    roles: list[str]
    via: str
    partner_port: str | None = None


class VesselCallOut(BaseModel):
    id: int
    imo_number: str
    vessel_name: str
    voyage_number: str
    carrier: str
    port_of_call: str
    eta: datetime | None
    ata: datetime | None
    containers: int

    @classmethod
    def of(cls, call: VesselCallSummary) -> VesselCallOut:
        return cls.model_validate(call, from_attributes=True)


class DecisionIn(BaseModel):
    """An analyst's decision: release, or physical inspection; the reason is required."""

    decision: Verdict
    reason: str = Field(min_length=1, max_length=2000)


class DecisionOut(BaseModel):
    id: int
    container_number: str
    imo_number: str | None
    voyage_number: str | None
    decision: Verdict
    reason: str
    decided_by: str
    decided_at: datetime

    @classmethod
    def of(cls, decision: AnalystDecision) -> DecisionOut:
        return cls.model_validate(decision, from_attributes=True)


class OutcomeIn(BaseModel):
    """What an inspection found; who recorded it and when are taken from the request."""

    container_number: str = Field(min_length=4, max_length=16)
    imo_number: str = Field(min_length=7, max_length=10)
    voyage_number: str = Field(min_length=1, max_length=32)
    channel: Channel = Channel.PHYSICAL
    result: OutcomeResult
    substance: str = Field(default="", max_length=60)
    seized_kg: float = Field(default=0.0, ge=0.0, le=100_000)
    location: str = Field(default="", max_length=60)
    note: str = Field(default="", max_length=2000)


class OutcomeOut(BaseModel):
    stored: bool = Field(description="false when the same inspection was stored before")
    outcome: InspectionOutcome


class ScanOut(BaseModel):
    meta: ScanMetadata
    rows: int
    cols: int
    energies_kv: list[int]
    submitted_by: str
    ingested_at: datetime
    flag: str | None

    @classmethod
    def of(cls, scan: StoredScan) -> ScanOut:
        return cls(
            meta=scan.meta,
            rows=scan.rows,
            cols=scan.cols,
            energies_kv=[c.energy_kv for c in scan.channels],
            submitted_by=scan.submitted_by,
            ingested_at=scan.ingested_at,
            flag=scan.flag,
        )


class ScanDetailOut(ScanOut):
    findings: ScanFindings | None = None
    analysed_at: datetime | None = None
    renditions: list[str] = Field(default_factory=list)


class ContainerOut(BaseModel):
    container_number: str
    calls: list[dict[str, Any]]
    events: list[dict[str, Any]]
    assessment: RiskAssessment | None
    selection: SelectionDecision | None
    decisions: list[DecisionOut]
    outcomes: list[InspectionOutcome]
    scans: list[ScanOut]


class QueueItemOut(BaseModel):
    container_number: str
    imo_number: str
    voyage_number: str
    vessel_name: str
    channel: str
    rank: int
    exploration: bool
    score: float | None
    reasons: list[dict[str, Any]]
    verdict: str | None
    outcome: str | None
    scans: int
    status: QueueStatus
    sensor_change: str | None = Field(
        default=None, description="lanes before and after, when sensor signals moved the container"
    )

    @classmethod
    def of(cls, item: QueueItem) -> QueueItemOut:
        return cls.model_validate(item, from_attributes=True)


class RiskOut(BaseModel):
    assessment: RiskAssessment | None
    selection: SelectionDecision | None


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    object_kind: str
    object_id: str
    detail: dict[str, Any]
    request_id: str

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditOut:
        return cls(
            id=entry.id,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            object_kind=entry.object_kind,
            object_id=entry.object_id,
            detail=dict(entry.detail),
            request_id=entry.request_id,
        )


def visit_json(visit: CallVisit) -> dict[str, Any]:
    """A vessel call of a dossier as JSON (parties, seals and goods included)."""
    from dataclasses import asdict

    from fastapi.encoders import jsonable_encoder

    encoded: dict[str, Any] = jsonable_encoder(asdict(visit))
    return encoded
