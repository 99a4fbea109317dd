"""Reasons as stored: a JSON list of ``{"kind", "code", "text", "weight", "details"}`` objects, in order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cargoscreen.domain.targeting import Reason


def reasons_to_json(reasons: Iterable[Reason]) -> list[dict[str, Any]]:
    """The JSON form of reasons (built by hand: at 33 000 containers ``model_dump`` is the slow part)."""
    return [
        {
            "kind": str(reason.kind),
            "code": reason.code,
            "text": reason.text,
            "weight": float(reason.weight),
            "details": dict(reason.details),
        }
        for reason in reasons
    ]


def reasons_from_json(data: Iterable[dict[str, Any]]) -> tuple[Reason, ...]:
    """The domain reasons of a stored JSON list (validated)."""
    return tuple(Reason.model_validate(item) for item in data)
