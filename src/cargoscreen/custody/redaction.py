"""Need-to-know views: storage locations and destruction appointments are shown to custody officers only.

Every other role sees the same records with those fields replaced by :data:`WITHHELD`: where the drugs are
kept, where and when they will be burnt, and which session burnt them. Weights, states, people and alerts
stay visible (supervisors and auditors need them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cargoscreen.custody.destruction import DestructionPlan
from cargoscreen.custody.events import CustodyEvent
from cargoscreen.custody.ledger import LedgerEntry
from cargoscreen.custody.models import Role
from cargoscreen.custody.state import CaseFile

WITHHELD = "[withheld: need-to-know]"
#: Field names that reveal a storage place or a burning appointment, wherever they appear.
SECRET_FIELDS = frozenset(
    {
        "location",
        "from_location",
        "to_location",
        "incinerator",
        "starts_at",
        "session_id",
        "sessions",
        "session",
    }
)


def sees_secrets(role: Role | str) -> bool:
    """True for custody officers only (not supervisors, not administrators)."""
    return Role(role) is Role.CUSTODY_OFFICER


def redact(value: Any, role: Role | str) -> Any:
    """``value`` (JSON-like: mappings, lists, scalars) with the secret fields withheld unless ``role`` may see
    them. Empty values are left as they are (nothing to hide)."""
    if sees_secrets(role):
        return value
    return _redacted(value)


def _redacted(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            k: (WITHHELD if k in SECRET_FIELDS and value[k] not in ("", None, [], ()) else _redacted(v))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_redacted(v) for v in value]
    return value


def event_view(event: CustodyEvent, role: Role | str) -> dict[str, Any]:
    """A custody event as ``role`` may see it."""
    view: dict[str, Any] = redact(event.model_dump(mode="json"), role)
    return view


def entry_view(entry: LedgerEntry, role: Role | str) -> dict[str, Any]:
    """A ledger entry with its event as ``role`` may see it (the hashes stay, to show the chain)."""
    return {"seq": entry.seq, "prev_hash": entry.prev_hash, "hash": entry.hash,
            "event": event_view(entry.event(), role)}  # fmt: skip


def case_view(case: CaseFile, role: Role | str) -> dict[str, Any]:
    """The state of a case as ``role`` may see it."""
    view = {
        "case_number": case.case_number,
        "state": case.state.value,
        "container_number": case.seizure.container_number,
        "substance": case.seizure.substance,
        "seized_at": case.seized_at.isoformat(),
        "seized_kg": case.seizure.gross_kg,
        "held_kg": round(case.held_kg, 6),
        "bags": dict(case.bags),
        "burnt_kg": round(sum(case.burnt.values()), 6),
        "samples": [s.model_dump(mode="json") for s in case.samples],
        "location": case.location,
        "bookings": {serial: {"session": s.model_dump(mode="json")} for serial, s in case.bookings.items()},
        "failed_reconciliations": [r.model_dump(mode="json") for r in case.failed],
    }
    result: dict[str, Any] = redact(view, role)
    return result


def plan_view(plan: DestructionPlan, role: Role | str) -> dict[str, Any]:
    """A destruction plan as ``role`` may see it (loads and bags, not the sessions)."""
    view: dict[str, Any] = redact(plan.model_dump(mode="json"), role)
    return view
