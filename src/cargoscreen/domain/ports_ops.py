"""Ports of the custody ledger and the scanner planning: what those capabilities need from the store.

Split from ``domain.ports`` (which re-exports them on the unit of work) to keep modules small.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol


class SignedLedgerEntry(Protocol):
    """A custody ledger entry as signed: sequence number, previous hash, canonical payload, hash."""

    @property
    def seq(self) -> int: ...

    @property
    def prev_hash(self) -> str: ...

    @property
    def payload(self) -> str: ...

    @property
    def hash(self) -> str: ...


class LedgerHeadView(Protocol):
    """The head of the custody ledger as the store keeps it apart from the entries (the anchor)."""

    @property
    def seq(self) -> int: ...

    @property
    def hash(self) -> str: ...


class CustodyLedgerRepository(Protocol):
    """Append-only: entries are added and read, never changed or removed."""

    def append(self, entry: SignedLedgerEntry) -> None: ...

    def entries(self, case_number: str | None = None) -> Sequence[SignedLedgerEntry]: ...

    @property
    def head(self) -> LedgerHeadView: ...

    def count(self) -> int: ...

    def case_numbers(self) -> list[str]: ...

    def index_mismatches(self) -> list[int]: ...


class SelectedBoxView(Protocol):
    """A container of a selection run with the facts planning needs (``None``: not known)."""

    @property
    def container_number(self) -> str: ...

    @property
    def imo_number(self) -> str: ...

    @property
    def voyage_number(self) -> str: ...

    @property
    def channel(self) -> str: ...

    @property
    def reason_kinds(self) -> frozenset[str]: ...

    @property
    def risk(self) -> float | None: ...

    @property
    def forced_channel(self) -> str | None: ...

    @property
    def reefer(self) -> bool | None: ...

    @property
    def hs_codes(self) -> tuple[str, ...]: ...

    @property
    def eta(self) -> datetime | None: ...

    @property
    def ata(self) -> datetime | None: ...

    @property
    def discharged_at(self) -> datetime | None: ...

    @property
    def discharge_facility(self) -> str | None: ...

    @property
    def gate_out_by(self) -> datetime | None: ...


class DaySelectionView(Protocol):
    @property
    def run_id(self) -> int: ...

    @property
    def run_date(self) -> date: ...

    @property
    def boxes(self) -> Sequence[SelectedBoxView]: ...


class ScannerView(Protocol):
    @property
    def scanner_id(self) -> str: ...

    @property
    def terminal(self) -> str: ...

    @property
    def scan_minutes(self) -> int: ...

    @property
    def move_minutes(self) -> int: ...

    @property
    def available(self) -> bool: ...


class PlanSlotView(Protocol):
    @property
    def container_number(self) -> str: ...

    @property
    def scanner_id(self) -> str: ...

    @property
    def terminal(self) -> str: ...

    @property
    def start(self) -> datetime: ...

    @property
    def end(self) -> datetime: ...

    @property
    def fixed(self) -> bool: ...


class StoredPlanView(Protocol):
    @property
    def run_id(self) -> int: ...

    @property
    def method(self) -> str: ...

    @property
    def horizon_start(self) -> datetime: ...

    @property
    def horizon_end(self) -> datetime: ...

    @property
    def slots(self) -> Sequence[PlanSlotView]: ...


class PlanningRepository(Protocol):
    def selection(self, day: date, channels: Sequence[str] = ("SCAN",)) -> DaySelectionView | None: ...

    def save_scanners(self, scanners: Sequence[ScannerView], shifts: Mapping[str, Sequence[str]]) -> int: ...

    def save_plan(
        self,
        *,
        day: date,
        selection_run_id: int | None,
        method: str,
        horizon: tuple[datetime, datetime],
        objective: int,
        status: str,
        solve_seconds: float,
        metrics: Mapping[str, Any],
        unplanned: Sequence[Mapping[str, Any]],
        slots: Sequence[PlanSlotView],
        event_ids: Mapping[str, str],
        created_by: str,
    ) -> int: ...

    def latest_plan(self, day: date | None = None) -> StoredPlanView | None: ...
