"""What to simulate: container kind, cargo, fill, concealment, energies, pixel size, door end."""

from __future__ import annotations

from dataclasses import dataclass

from cargoscreen.domain.scans import (
    MAX_PIXEL_MM,
    MIN_PIXEL_MM,
    CargoClass,
    ConcealmentKind,
    ContainerKind,
    DoorEnd,
)

MAX_CONCEALMENT_KG = 2000.0
MIN_KV, MAX_KV = 1000, 9000


@dataclass(frozen=True)
class ScanSpec:
    """One scan to simulate. Invalid combinations raise ``ValueError`` naming the field at fault."""

    kind: ContainerKind
    cargo: CargoClass
    fill: float = 0.85
    concealment: ConcealmentKind | None = None
    concealment_kg: float = 0.0
    energies_kv: tuple[int, ...] = (6000, 4000)
    pixel_mm: float = 5.0
    door_end: DoorEnd = DoorEnd.RIGHT

    def __post_init__(self) -> None:
        problems = spec_problems(self)
        if problems:
            raise ValueError("bad ScanSpec: " + "; ".join(problems))


def spec_problems(spec: ScanSpec) -> list[str]:
    """Everything wrong with a spec, each naming its field (empty when the spec is valid)."""
    problems: list[str] = []
    if not isinstance(spec.kind, ContainerKind):
        problems.append(f"kind {spec.kind!r} is not a ContainerKind")
    if not isinstance(spec.cargo, CargoClass):
        problems.append(f"cargo {spec.cargo!r} is not a CargoClass")
    if not 0.0 <= spec.fill <= 1.0:
        problems.append(f"fill {spec.fill} outside 0-1")
    if not MIN_PIXEL_MM <= spec.pixel_mm <= MAX_PIXEL_MM:
        problems.append(f"pixel_mm {spec.pixel_mm} outside {MIN_PIXEL_MM:g}-{MAX_PIXEL_MM:g} mm")
    if not 1 <= len(spec.energies_kv) <= 2 or len(set(spec.energies_kv)) != len(spec.energies_kv):
        problems.append(f"energies_kv {spec.energies_kv}: one or two distinct endpoints")
    elif any(not MIN_KV <= kv <= MAX_KV for kv in spec.energies_kv):
        problems.append(f"energies_kv {spec.energies_kv}: each {MIN_KV}-{MAX_KV} kV (a 1-9 MV linac)")
    if spec.door_end not in (DoorEnd.LEFT, DoorEnd.RIGHT):
        problems.append(f"door_end {spec.door_end!r}: LEFT or RIGHT")
    problems += _concealment_problems(spec)
    return problems


def _concealment_problems(spec: ScanSpec) -> list[str]:
    kg = spec.concealment_kg
    if kg < 0 or kg != kg:
        return [f"concealment_kg {kg} is negative"]
    if spec.concealment is None:
        return [f"concealment_kg {kg} given without a concealment"] if kg > 0 else []
    problems = []
    if not isinstance(spec.concealment, ConcealmentKind):
        return [f"concealment {spec.concealment!r} is not a ConcealmentKind"]
    if not 0 < kg <= MAX_CONCEALMENT_KG:
        problems.append(f"concealment_kg {kg} outside (0, {MAX_CONCEALMENT_KG:g}] for {spec.concealment}")
    if (
        spec.concealment is ConcealmentKind.REEFER_UNIT
        and isinstance(spec.kind, ContainerKind)
        and not spec.kind.reefer
    ):
        problems.append(f"concealment REEFER_UNIT needs a reefer, not kind {spec.kind}")
    if spec.concealment is ConcealmentKind.HOLLOW_LOGS and spec.cargo is not CargoClass.TIMBER:
        problems.append(f"concealment HOLLOW_LOGS needs cargo TIMBER, not {spec.cargo}")
    if spec.concealment is ConcealmentKind.HOLLOW_LOGS and spec.fill <= 0:
        problems.append("concealment HOLLOW_LOGS needs fill > 0 (logs to hollow)")
    return problems
