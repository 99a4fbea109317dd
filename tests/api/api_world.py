"""A small SYNTHETIC port for the API and browser tests: one vessel call, three containers, a selection
run, risk assessments, an arrival scan with AI findings and heat-map, a partner's pre-departure scan, and a
user per role plus partner and device tokens. Built through the real store and scan ingest.

A uniquely named module (not conftest) so tests/api and tests/web can both import it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient
from pydantic import SecretStr

from cargoscreen.domain.ids import container_check_digit
from cargoscreen.domain.records import (
    Consignment,
    Equipment,
    GoodsItem,
    GoodsPlacement,
    Manifest,
    Party,
    Seal,
    SealSource,
    VesselCall,
)
from cargoscreen.domain.scans import Box, Scan, ScanFindings, ScanMetadata, ScanOrigin, encode_attenuation
from cargoscreen.domain.targeting import (
    Channel,
    DailyCapacity,
    Reason,
    ReasonKind,
    RiskAssessment,
    SelectionDecision,
    SelectionResult,
)
from cargoscreen.ingest.images import write_dicos
from cargoscreen.pipeline.renditions import heatmap_rendition
from cargoscreen.pipeline.scans import ingest_scans
from cargoscreen.settings import Settings, WebSettings
from cargoscreen.store import BlobStore, Database
from cargoscreen.store.repositories.users import Role

T0 = datetime(2026, 3, 12, 6, 0, tzinfo=UTC)
DAY = date(2026, 3, 12)
PASSWORD = "synthetic-password-1"
IMO, VOYAGE = "9321483", "045E"
PERSONS = {
    "tara": Role.TARGETING_ANALYST,
    "ian": Role.IMAGE_ANALYST,
    "olga": Role.INSPECTION_OFFICER,
    "cody": Role.CUSTODY_OFFICER,
    "sam": Role.SUPERVISOR,
    "ada": Role.ADMIN,
}


#: A second custody officer: the receiving person of transfers (two-person rule).
SECOND_CUSTODIAN = "cora"
#: Secrets of the custody case (need-to-know: custody officers only).
STORE_NAME = "SYNTHETIC secure store"
INCINERATOR = "SYNTHETIC incinerator"


def container(owner: str, serial: int) -> str:
    first_ten = f"{owner}{serial:06d}"
    return first_ten + container_check_digit(first_ten)


SCAN_BOX, PHYSICAL_BOX, GREEN_BOX, SENSOR_BOX = (
    container("MSCU", 123456),
    container("TGHU", 987654),
    container("CAIU", 100),
    container("SEGU", 424242),
)


@dataclass
class World:
    settings: Settings
    database: Database
    blobs: BlobStore
    folder: Path
    tokens: dict[str, str] = field(default_factory=dict)
    arrival_scan: str = ""
    partner_scan: str = ""
    case_number: str = ""


def build_world(folder: Path) -> World:
    settings = Settings(
        environment="test",
        data_dir=folder / "data",
        secret_key=SecretStr("test-secret-key-for-the-api-tests-only"),
        web=WebSettings(page_size=2),
    )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings.resolved_database_url)
    database.upgrade()
    world = World(settings, database, BlobStore(settings.resolved_blob_url), folder)
    with database.unit_of_work() as uow:
        for name, role in PERSONS.items():
            uow.users.add(name, PASSWORD, [role])
        uow.users.add(SECOND_CUSTODIAN, PASSWORD, [Role.CUSTODY_OFFICER])
        for key, role, port in (
            ("ECGYE", Role.PARTNER_PORT, "ECGYE"),
            ("COCTG", Role.PARTNER_PORT, "COCTG"),
            ("device", Role.DEVICE, None),
        ):
            world.tokens[key] = uow.tokens.issue(f"test {key}", role, partner_port=port)[1]
        uow.manifests.add(manifest())
        uow.assessments.add_many(assessments())
        uow.selections.save(
            selection(),
            run_date=DAY,
            imo_voyage_of={n: (IMO, VOYAGE) for n in (SCAN_BOX, PHYSICAL_BOX, GREEN_BOX, SENSOR_BOX)},
            exploration_share=0.1,
            model_version=None,
            created_by="test",
        )
    world.arrival_scan = _arrival_scan(world)
    world.partner_scan = _partner_scan(world)
    _sensor_messages(world)
    world.case_number = _custody_case(world)
    _scan_plan(world)
    return world


def manifest() -> Manifest:
    placements = {SCAN_BOX: 800, PHYSICAL_BOX: 200, GREEN_BOX: 100, SENSOR_BOX: 100}
    goods = GoodsItem(
        item_number=1,
        hs_code="080390",
        hs_raw="080390",
        description="Fresh bananas (synthetic)",
        packages=sum(placements.values()),
        package_type="CT",
        gross_kg=19000.0,
        placements=tuple(GoodsPlacement(container_number=c, packages=n) for c, n in placements.items()),
    )
    consignment = Consignment(
        bill_of_lading="SYNB0001",
        consignor=Party(name="Exportadora Sintética S.A.", city="Guayaquil", country="EC"),
        consignee=Party(name="Synthetic Fruit NV", country="BE"),
        place_of_origin="ECGYE",
        port_of_loading="ECGYE",
        port_of_discharge="BEANR",
        transhipment_ports=("COCTG",),
        goods_items=(goods,),
    )
    equipment = tuple(
        Equipment(
            container_number=number,
            size_type="45R1",
            gross_kg=21500.0,
            seals=(Seal(seal_number=f"SL{n}00", source=SealSource.CARRIER),),
        )
        for n, number in enumerate(placements, start=1)
    )
    call = VesselCall(
        imo_number=IMO,
        vessel_name="SYNTHETIC STAR",
        voyage_number=VOYAGE,
        carrier="MSCU",
        port_of_call="BEANR",
        eta=T0,
        ata=None,
        previous_ports=("ECGYE", "COCTG"),
    )
    return Manifest(
        sender="SYNTHLINE",
        recipient="BECUSTOMS",
        interchange_ref="IC1",
        message_ref="M1",
        document_number="DOC-M1",
        document_time=T0 - timedelta(days=1),
        source_format="cuscar",
        vessel_call=call,
        equipment=equipment,
        consignments=(consignment,),
    )


def _reason(text: str, weight: float, kind: ReasonKind = ReasonKind.RULE) -> Reason:
    return Reason(kind=kind, code=text.split()[0].lower(), text=text, weight=weight)


def assessments() -> list[RiskAssessment]:
    scores = {SCAN_BOX: 0.62, PHYSICAL_BOX: 0.91, GREEN_BOX: 0.05, SENSOR_BOX: 0.08}
    return [
        RiskAssessment(
            container_number=number,
            imo_number=IMO,
            voyage_number=VOYAGE,
            score=score,
            reasons=(_reason("Reefer from a source port of cocaine", 0.4),),
            assessed_at=T0,
        )
        for number, score in scores.items()
    ]


def selection() -> SelectionResult:
    decisions = (
        SelectionDecision(
            container_number=PHYSICAL_BOX,
            channel=Channel.PHYSICAL,
            reasons=(_reason("Tip from a partner agency", 1.0, ReasonKind.TIP),),
            rank=1,
        ),
        SelectionDecision(
            container_number=SCAN_BOX,
            channel=Channel.SCAN,
            reasons=(_reason("Reefer from a source port of cocaine", 0.4),),
            rank=2,
        ),
        SelectionDecision(container_number=GREEN_BOX, channel=Channel.GREEN, rank=3),
        SelectionDecision(container_number=SENSOR_BOX, channel=Channel.GREEN, rank=4),
    )
    return SelectionResult(
        decisions=decisions,
        capacity=DailyCapacity(scan=2, physical=1),
        used={Channel.GREEN: 2, Channel.SCAN: 1, Channel.PHYSICAL: 1},
    )


def synthetic_scan(scan_id: str, *, seed: int, **meta: object) -> Scan:
    rng = np.random.default_rng(seed)
    base = rng.uniform(0.5, 3.0, size=(120, 500)).astype(np.float32)
    base[40:80, 300:360] += 2.0  # a dense block: something to look at
    values = {
        "scan_id": scan_id,
        "container_number": SCAN_BOX,
        "container_id_raw": SCAN_BOX,
        "scanner": "MS-1",
        "site": "BEANR",
        "scanned_at": T0,
        "pixel_spacing_mm": (5.0, 5.0),
        "energies_kv": (6000, 4000),
        "source_format": "DICOS",
        "synthetic": True,
    } | meta
    return Scan(
        ScanMetadata.model_validate(values),
        {6000: encode_attenuation(base), 4000: encode_attenuation(base * 1.3)},
    )


def dicos_files(scan: Scan, folder: Path) -> list[Path]:
    return write_dicos(scan, folder)


def _arrival_scan(world: World) -> str:
    scan = synthetic_scan("1.2.826.0.1.3680043.8.498.100", seed=1)
    files = dicos_files(scan, world.folder / "arrival")
    report = ingest_scans(
        files, unit_of_work=world.database.unit_of_work, blobs=world.blobs, submitted_by="scanner:MS-1"
    )
    (scan_id,) = report.stored
    heat = np.zeros((120, 500), dtype=np.float32)
    heat[40:80, 300:360] = 0.9
    heat_sha = world.blobs.put(heatmap_rendition(heat))
    findings = ScanFindings(
        scan_id=scan_id,
        container_number=SCAN_BOX,
        score=0.87,
        alarm=True,
        threshold=0.5,
        boxes=(Box(x0=300, y0=40, x1=360, y1=80, score=0.87),),
        empty=False,
        empty_score=0.01,
        model_version="test-model-1",
    )
    from cargoscreen.domain.scans import Rendition

    with world.database.unit_of_work() as uow:
        uow.scans.add_findings(findings, heat_sha)
        uow.scans.add_renditions(scan_id, [Rendition("heatmap", "image/png", heat_sha)])
    return scan_id


def _partner_scan(world: World) -> str:
    scan = synthetic_scan(
        "1.2.826.0.1.3680043.8.498.200",
        seed=2,
        origin=ScanOrigin.PRE_DEPARTURE,
        partner_port="ECGYE",
        scanned_at=T0 - timedelta(days=14),
    )
    files = dicos_files(scan, world.folder / "partner")
    report = ingest_scans(
        files,
        unit_of_work=world.database.unit_of_work,
        blobs=world.blobs,
        submitted_by="partner:ECGYE",
        origin_partner="ECGYE",
    )
    (scan_id,) = report.stored
    return scan_id


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


#: Makes TestClients logged in as a user, or carrying a token (``token=``).
ClientFactory = Callable[..., TestClient]


def login(client: TestClient, user: str, password: str = PASSWORD) -> None:
    """Log in through the form, then send the session's CSRF token on state-changing requests."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text
    response = client.post(
        "/login",
        data={"username": user, "password": password, "csrf_token": token.group(1), "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    home = client.get("/")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
    assert csrf
    client.headers["X-CSRF-Token"] = csrf.group(1)


def _sensor_messages(world: World) -> None:
    """Through the real sensor pipeline: SENSOR_BOX's seal reports tampering (forced GREEN → SCAN, a free
    place), a tracker breadcrumb, and an intrusion in a custody zone (a security incident)."""
    from cargoscreen.pipeline.sensors import SensorPipeline

    def seal(sequence: int, status: str, at: datetime) -> tuple[str, bytes]:
        body = {"version": 1, "device_id": "ES-0042", "sequence": sequence, "seal_id": "ISO-ES-0042",
                "seal_number": "SL400", "container_number": SENSOR_BOX, "status": status, "battery_pct": 81.0,
                "event_time": at.isoformat(), "reader_id": "RDR-7", "un_locode": "COCTG"}  # fmt: skip
        return "cargoscreen/v1/seal/ES-0042", json.dumps(body).encode()

    track = {"version": 1, "device_id": "TRK-9", "sequence": 1, "container_number": SENSOR_BOX,
             "event_type": "BREADCRUMB", "event_time": (T0 - timedelta(days=3)).isoformat(),
             "latitude": 10.39, "longitude": -75.53}  # fmt: skip
    alarm = {"version": 1, "device_id": "CAM-3", "sequence": 5, "kind": "intrusion", "site": "BEANR",
             "zone": "custody-vault-A", "alert_at": (T0 + timedelta(hours=1)).isoformat(),
             "detected": "person", "confidence": 0.93}  # fmt: skip
    pipeline = SensorPipeline(world.database.unit_of_work, day=DAY)
    for topic, body in (
        seal(1, "sealed", T0 - timedelta(days=6)),
        ("cargoscreen/v1/tracker/TRK-9", json.dumps(track).encode()),
        seal(2, "tamper", T0 - timedelta(days=2)),
        ("cargoscreen/v1/camera/BEANR", json.dumps(alarm).encode()),
    ):
        outcome = pipeline.handle(topic, body)
        assert outcome.stored, outcome.quarantined


def _custody_case(world: World) -> str:
    """A seizure in GREEN_BOX carried to a booked destruction (SYNTHETIC officers) through the pipeline."""
    from cargoscreen.domain.outcomes import InspectionOutcome
    from cargoscreen.pipeline.custody import carry_seizure_to_destruction

    outcome = InspectionOutcome.model_validate(
        {
            "container_number": GREEN_BOX,
            "imo_number": IMO,
            "voyage_number": VOYAGE,
            "channel": "PHYSICAL",
            "result": "SEIZURE",
            "substance": "cocaine",
            "seized_kg": 50.0,
            "location": "roof",
            "recorded_by": "user:olga",
            "recorded_at": T0,
        }
    )
    key = world.settings.custody.ledger_key.get_secret_value().encode()
    report = carry_seizure_to_destruction(
        world.database.unit_of_work, outcome=outcome, key=key, now=T0 + timedelta(hours=1), destroy=False
    )
    assert report.states[-1] == "SCHEDULED" and report.sessions, report.lines()
    return report.case_number


@dataclass(frozen=True)
class _Slot:
    container_number: str
    scanner_id: str
    terminal: str
    start: datetime
    end: datetime
    fixed: bool


def _scan_plan(world: World) -> None:
    """A stored scan plan of the day: two scanners, SCAN_BOX and SENSOR_BOX planned, one left out."""
    from cargoscreen.pipeline.planning import ScannerSpec

    scanners = [ScannerSpec("MS-1", "BEKNK"), ScannerSpec("MS-2", "BEDGW", scan_minutes=4)]
    slots = [
        _Slot(SCAN_BOX, "MS-1", "BEKNK", T0 + timedelta(minutes=30), T0 + timedelta(minutes=33), True),
        _Slot(
            SENSOR_BOX, "MS-2", "BEDGW", T0 + timedelta(hours=2), T0 + timedelta(hours=2, minutes=4), False
        ),
    ]
    with world.database.unit_of_work() as uow:
        uow.planning.save_scanners(scanners, {s.scanner_id: list(s.shifts) for s in scanners})
        uow.planning.save_plan(
            day=DAY, selection_run_id=1, method="cpsat", horizon=(T0, T0 + timedelta(hours=6)), objective=0,
            status="0 re-plans", solve_seconds=0.4, metrics={"risk_covered": 0.93, "mean_added_dwell_min": 12.5},
            unplanned=[{"container_number": PHYSICAL_BOX, "reason": "not_plannable", "detail": "physical lane"}],
            slots=slots, event_ids={SCAN_BOX: "CUSTOMS-SCAN-EVENT-1"}, created_by="test",
        )  # fmt: skip
