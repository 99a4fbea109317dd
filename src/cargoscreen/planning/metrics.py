"""Scoring scans against the containers they were for: risk covered, added dwell, deadlines missed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import numpy as np

from cargoscreen.planning.models import PlanItem, PlanMetrics, Slot


def evaluate(
    items: Iterable[PlanItem], slots: Sequence[Slot], *, until: datetime | None = None
) -> PlanMetrics:
    """Metrics of ``slots`` for ``items`` (slots of other containers are ignored).

    A box without a slot has missed its deadline when the deadline is at or before ``until`` (always when
    ``until`` is None); otherwise it is still *open*. A scanned box whose scan ended after its deadline (a
    mandatory box held for its scan) has missed it too.
    """
    ends = {slot.container_number: slot.end for slot in slots}
    dwell: list[float] = []
    risk_total = risk_covered = 0.0
    counts = {"items": 0, "missed": 0, "reefer": 0, "mandatory": 0, "open": 0}
    for item in items:
        counts["items"] += 1
        risk_total += item.risk
        end = ends.get(item.container_number)
        if end is not None:
            risk_covered += item.risk
            dwell.append((end - item.discharge_at).total_seconds() / 60.0)
            missed = end > item.deadline_at
        elif until is not None and item.deadline_at > until:
            counts["open"] += 1
            missed = False
        else:
            missed = True
        counts["missed"] += missed
        counts["reefer"] += missed and item.reefer
        counts["mandatory"] += missed and item.mandatory
    values = np.asarray(dwell, dtype=float)
    return PlanMetrics(
        items=counts["items"],
        scanned=len(dwell),
        risk_total=risk_total,
        risk_covered=risk_covered,
        mean_added_dwell_minutes=float(values.mean()) if dwell else None,
        p95_added_dwell_minutes=float(np.percentile(values, 95)) if dwell else None,
        deadlines_missed=counts["missed"],
        reefer_deadlines_missed=counts["reefer"],
        mandatory_missed=counts["mandatory"],
        open=counts["open"],
    )
