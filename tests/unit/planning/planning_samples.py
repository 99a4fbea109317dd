"""Small SYNTHETIC planning problems shared by the planning tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from cargoscreen.domain.ids import container_check_digit
from cargoscreen.planning.models import PlanItem, Scanner, Shift

T0 = datetime(2026, 3, 2, 6, tzinfo=UTC)


def number(serial: int) -> str:
    base = f"TGHU{serial:06d}"
    return base + container_check_digit(base)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def scanner(
    scanner_id: str, terminal: str = "K1742", *, shifts: tuple[tuple[float, float], ...] = ((0, 600),),
    scan: int = 3, move: int = 12,
) -> Scanner:  # fmt: skip
    return Scanner(
        scanner_id=scanner_id,
        terminal=terminal,
        shifts=tuple(Shift(start=at(a), end=at(b)) for a, b in shifts),
        scan_minutes=scan,
        move_minutes=move,
    )


def item(
    serial: int, *, ready: float = 0, deadline: float = 24 * 60, terminal: str = "K1742", risk: float = 0.3,
    reefer: bool = False, mandatory: bool = False,
) -> PlanItem:  # fmt: skip
    return PlanItem(
        container_number=number(serial),
        terminal=terminal,
        discharge_at=at(ready),
        deadline_at=at(deadline),
        reefer=reefer,
        perishable=reefer,
        risk=risk,
        mandatory=mandatory,
    )


def random_day(seed: int, count: int = 60) -> tuple[list[Scanner], list[PlanItem]]:
    """Two terminals, three scanners with a shift break, and more boxes than the scanners can do."""
    rng = np.random.default_rng(seed)
    scanners = [
        scanner("A1", "K1742", shifts=((0, 240), (270, 480))),
        scanner("A2", "K1742", scan=5, move=15, shifts=((30, 480),)),
        scanner("B1", "K913", scan=2, move=10),
    ]
    items = []
    for k in range(count):
        ready = float(rng.uniform(-60, 400))
        items.append(
            item(
                k + 1,
                ready=ready,
                deadline=ready + float(rng.uniform(60, 900)),
                terminal="K1742" if rng.random() < 0.6 else "K913",
                risk=float(rng.beta(2, 5)),
                reefer=bool(rng.random() < 0.2),
                mandatory=bool(rng.random() < 0.03),
            )
        )
    return scanners, items
