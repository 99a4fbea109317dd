"""Reasons as stored: a JSON list of ``{"kind", "code", "text", "weight", "details"}`` objects, in order.

Reading them back needs nothing here: the stored list is validated by the record that holds it.
"""

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
