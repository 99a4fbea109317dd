"""The day's selected containers go through the (SYNTHETIC) scanners: simulate, import, store, analyse.

Used by the demo and the benchmarks. Each selected container gets a physics-simulated dual-energy scan of
its body type and declared cargo, with the concealment of its ground-truth case if it has one; containers
loaded at a partner port also get that port's pre-departure scan (a rip-on between the two scans adds bags
behind the doors). The scans are written as DICOS files and then taken in through the same importer as real
scans, so the demo exercises the real path; the ground truth is kept apart and only used to measure.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from cargoscreen.domain.ports import BlobStore, UnitOfWorkFactory
from cargoscreen.domain.records import Equipment, FullEmpty
from cargoscreen.domain.scans import CargoClass, ConcealmentKind, ContainerKind, ScanFindings, ScanOrigin
from cargoscreen.domain.targeting import Channel, SelectionResult
from cargoscreen.imaging.runtime import ImageAnalyzer
from cargoscreen.ingest.images import write_dicos
from cargoscreen.pipeline.scans import ingest_scans
from cargoscreen.simulate import SimulatedPort
from cargoscreen.simulate.truth import SmugglingCase, SmugglingMethod
from cargoscreen.simulate.xray import ScanSpec, concealment_for, fit_concealment, simulate_pair, simulate_scan

#: Partner ports that scan before loading and share their images (MoUs; DOMAIN.md).
PARTNER_PORTS = frozenset({"ECGYE", "COCTG", "BRSSZ", "PAMIT", "CRMOB"})


@dataclass(frozen=True, slots=True)
class ScannedContainer:
    """One selected container after its scan: the AI's findings and, apart, what really was inside."""

    container_number: str
    channel: Channel
    findings: ScanFindings
    pre_departure_port: str | None
    true_concealment: ConcealmentKind | None
    true_kg: float


@dataclass(slots=True)
class PortScanReport:
    """The scans of a day: what was scanned, the files written, rejected files."""

    scanned: list[ScannedContainer] = field(default_factory=list)
    folder: Path | None = None
    rejected: int = 0

    @property
    def alarms(self) -> list[ScannedContainer]:
        return [s for s in self.scanned if s.findings.alarm]


def scan_selected(
    *,
    port: SimulatedPort,
    selection: SelectionResult,
    day: date,
    folder: Path,
    unit_of_work: UnitOfWorkFactory,
    blobs: BlobStore,
    analyzer: ImageAnalyzer,
    limit: int = 30,
    seed: int = 0,
    on_scan: Callable[[str], None] | None = None,
) -> PortScanReport:
    """Scan up to ``limit`` selected containers (best rank first), store and analyse the scans."""
    equipment, cargo, partners = _declared(port)
    cases = {c.container_number: c for c in port.ground_truth.cases}
    chosen = [d for d in selection.decisions if d.channel is not Channel.GREEN][:limit]
    arrival_dir, partner_dir = folder / "arrival", folder / "partner"
    report = PortScanReport(folder=folder)
    start = datetime.combine(day, time(6, 0), UTC)
    truth: dict[str, tuple[ConcealmentKind | None, float, str | None]] = {}
    for n, decision in enumerate(chosen):
        number = decision.container_number
        box = equipment.get(number)
        if box is None:
            continue
        case = cases.get(number)
        spec, hidden = _spec(box, cargo.get(number, CargoClass.MIXED_CARTONS), case)
        scan_seed = _seed(seed, number)
        at = start + timedelta(minutes=12 * n)
        origin = partners.get(number)
        if origin is not None:
            rip_on = case is not None and case.method is SmugglingMethod.RIP_ON_RIP_OFF
            base = replace(spec, concealment=None, concealment_kg=0.0) if rip_on else spec
            pair = simulate_pair(
                base, scan_seed, rip_on=rip_on, added_kg=case.cocaine_kg if case and rip_on else 0.0
            )
            pre = pair.pre.to_scan(
                f"PD-{origin}-{number}-{day:%Y%m%d}",
                container_number=number,
                scanned_at=at - timedelta(days=18),
                scanner=f"{origin}-SCAN",
                site=origin,
                origin=ScanOrigin.PRE_DEPARTURE,
                partner_port=origin,
            )
            write_dicos(pre, partner_dir / origin)
            arrival = pair.arrival
        else:
            arrival = simulate_scan(spec, scan_seed)
        scan = arrival.to_scan(
            f"AR-{number}-{day:%Y%m%d}", container_number=number, scanned_at=at, scanner=f"MS-{n % 5 + 1}"
        )
        write_dicos(scan, arrival_dir / number)
        truth[number] = (hidden, case.cocaine_kg if case and hidden else 0.0, origin)
    for partner in sorted(p.name for p in partner_dir.iterdir()) if partner_dir.exists() else []:
        partner_report = ingest_scans(
            [partner_dir / partner],
            unit_of_work=unit_of_work,
            blobs=blobs,
            submitted_by=f"partner:{partner}",
            origin_partner=partner,
        )
        report.rejected += len(partner_report.errors)
    if not arrival_dir.exists():
        return report
    arrivals = ingest_scans(
        [arrival_dir],
        unit_of_work=unit_of_work,
        blobs=blobs,
        submitted_by="scanner:demo",
        analyzer=analyzer,
        on_scan=on_scan,
    )
    report.rejected += len(arrivals.errors)
    channels = {d.container_number: d.channel for d in chosen}
    for found in arrivals.findings:
        number = found.container_number or ""
        hidden, kg, origin = truth.get(number, (None, 0.0, None))
        report.scanned.append(
            ScannedContainer(number, channels.get(number, Channel.SCAN), found, origin, hidden, kg)
        )
    return report


def _declared(port: SimulatedPort) -> tuple[dict[str, Equipment], dict[str, CargoClass], dict[str, str]]:
    equipment: dict[str, Equipment] = {}
    hs: dict[str, list[str]] = {}
    loading: dict[str, str] = {}
    for manifest in port.manifests:
        for box in manifest.equipment:
            equipment[str(box.container_number)] = box
        for consignment in manifest.consignments:
            for number in consignment.container_numbers:
                loading.setdefault(number, str(consignment.port_of_loading or ""))
            for item in consignment.goods_items:
                for placement in item.placements:
                    if item.hs_code:
                        hs.setdefault(str(placement.container_number), []).append(str(item.hs_code))
    cargo = {number: _majority([CargoClass.from_hs(code) for code in codes]) for number, codes in hs.items()}
    partners = {number: port for number, port in loading.items() if port in PARTNER_PORTS}
    return equipment, cargo, partners


def _majority(classes: Sequence[CargoClass]) -> CargoClass:
    return max(set(classes), key=list(classes).count)


def _spec(
    box: Equipment, cargo: CargoClass, case: SmugglingCase | None
) -> tuple[ScanSpec, ConcealmentKind | None]:
    kind = ContainerKind.from_size_type(box.size_type)
    if box.full_empty is FullEmpty.EMPTY:
        cargo = CargoClass.EMPTY
    if case is None:
        return ScanSpec(kind=kind, cargo=cargo), None
    hidden = fit_concealment(kind, cargo, concealment_for(case.method.value, case.location.value))
    return ScanSpec(kind=kind, cargo=cargo, concealment=hidden, concealment_kg=case.cocaine_kg), hidden


def _seed(seed: int, number: str) -> int:
    digest = hashlib.sha256(f"{seed}:{number}".encode()).digest()
    return int.from_bytes(digest[:4], "big")
