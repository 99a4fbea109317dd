"""Planning vocabulary: scanners and their shifts, containers to scan, slots, plans and their metrics.

Times are timezone-aware datetimes; the planners work internally in whole minutes from the start of the
horizon. A scan occupies its scanner for ``move_minutes + scan_minutes`` (positioning the box at the scanner,
then the scan); image review overlaps the next scan and is not counted.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from cargoscreen.domain.ids import ContainerNumber
from cargoscreen.domain.records import Record

#: SMDG-style terminal code (DCSA ``facilityCode`` takes at most 6 characters), e.g. ``K1742``.
TERMINAL_PATTERN = r"^[A-Z0-9]{1,6}$"


def _check_aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("times must carry a UTC offset")
    return value


class Shift(Record):
    """A period the scanner is crewed: it may scan from ``start`` (included) to ``end`` (excluded)."""

    start: datetime
    end: datetime

    _aware = field_validator("start", "end")(_check_aware)

    @model_validator(mode="after")
    def _ordered(self) -> Shift:
        if self.end <= self.start:
            raise ValueError("a shift ends after it starts")
        return self


class Scanner(Record):
    """A (mobile) scanner at a terminal, its crewed shifts and its pace."""

    scanner_id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    terminal: str = Field(pattern=TERMINAL_PATTERN)
    shifts: tuple[Shift, ...] = ()
    scan_minutes: int = Field(default=3, ge=1, le=60, description="the scan itself (2–5 min)")
    move_minutes: int = Field(default=12, ge=0, le=120, description="positioning the box (10–20 min)")
    available: bool = True

    @property
    def cycle_minutes(self) -> int:
        """How long one container occupies the scanner."""
        return self.scan_minutes + self.move_minutes


class PlanItem(Record):
    """A container selected for a scan: when it is ready, when it must be gone, and how much it matters.

    ``discharge_at`` is when the box is on the terminal (ready to be moved to the scanner); ``deadline_at`` is
    its gate-out or on-carriage deadline, by which the scan must have ended. ``mandatory`` boxes (a tip, a
    forced lane) must be scanned even if that holds them past the deadline.
    """

    container_number: ContainerNumber
    terminal: str = Field(pattern=TERMINAL_PATTERN)
    discharge_at: datetime
    deadline_at: datetime
    reefer: bool = False
    perishable: bool = False
    risk: float = Field(default=0.0, ge=0.0, le=1.0)
    mandatory: bool = False
    reference: str = Field(default="", max_length=100, description="vessel call (IMO/voyage), for the event")

    _aware = field_validator("discharge_at", "deadline_at")(_check_aware)

    @model_validator(mode="after")
    def _ordered(self) -> PlanItem:
        if self.deadline_at <= self.discharge_at:
            raise ValueError("deadline_at must be after discharge_at")
        return self


class Slot(Record):
    """A container's scan: on which scanner, from ``start`` to ``end``. ``fixed`` slots had begun already."""

    container_number: ContainerNumber
    scanner_id: str
    terminal: str
    start: datetime
    end: datetime
    fixed: bool = False


class UnplannedReason(StrEnum):
    """Why a container has no slot in a plan."""

    DEADLINE = "deadline"  # cannot be scanned before its deadline in this horizon
    CAPACITY = "capacity"  # no scanner time left in the horizon: deferred to a later plan
    NOT_READY = "not_ready"  # discharged after the horizon
    NO_SCANNER = "no_scanner"  # no available scanner at its terminal


class Unplanned(Record):
    """A container left out of the plan, and why."""

    container_number: ContainerNumber
    reason: UnplannedReason
    detail: str = ""


class PlanMetrics(Record):
    """What a plan (or a day of executed slots) achieves.

    ``added_dwell`` of a scanned box is its scan end minus its discharge; deadlines are counted as missed
    when the box was not scanned by its deadline (mandatory boxes scanned late included).
    """

    items: int = Field(ge=0)
    scanned: int = Field(ge=0)
    risk_total: float = Field(ge=0.0)
    risk_covered: float = Field(ge=0.0)
    mean_added_dwell_minutes: float | None = None
    p95_added_dwell_minutes: float | None = None
    deadlines_missed: int = Field(default=0, ge=0)
    reefer_deadlines_missed: int = Field(default=0, ge=0)
    mandatory_missed: int = Field(default=0, ge=0)
    open: int = Field(default=0, ge=0, description="not scanned, deadline not yet passed")

    @property
    def risk_covered_share(self) -> float:
        """Risk covered as a share of all risk (1.0 when there was none)."""
        return self.risk_covered / self.risk_total if self.risk_total else 1.0


class Plan(Record):
    """Slots for one horizon, the containers left out with reasons, and how the plan was found."""

    method: str = Field(description="fifo, greedy or cpsat")
    horizon_start: datetime
    horizon_end: datetime
    slots: tuple[Slot, ...]
    unplanned: tuple[Unplanned, ...] = ()
    metrics: PlanMetrics
    objective: int = Field(description="value under the shared objective (higher is better)")
    warm_start_objective: int | None = Field(default=None, description="the greedy plan's, for CP-SAT")
    solve_seconds: float = Field(ge=0.0)
    status: str = Field(default="", description="solver status, e.g. OPTIMAL, FEASIBLE, GREEDY_KEPT")

    def slot_of(self, container_number: str) -> Slot | None:
        """The slot of a container, if it has one."""
        return next((s for s in self.slots if s.container_number == container_number), None)


class Downtime(Record):
    """A scanner out of service from ``start`` to ``end`` (breakdown, maintenance, relocation)."""

    scanner_id: str = Field(min_length=1)
    start: datetime
    end: datetime
    reason: str = ""

    _aware = field_validator("start", "end")(_check_aware)

    @model_validator(mode="after")
    def _ordered(self) -> Downtime:
        if self.end <= self.start:
            raise ValueError("a downtime ends after it starts")
        return self
