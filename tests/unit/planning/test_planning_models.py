"""Planning records refuse what cannot be planned; metrics count dwell, risk and missed deadlines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from planning_samples import T0, at, item, number, scanner
from pydantic import ValidationError

from cargoscreen.planning.metrics import evaluate
from cargoscreen.planning.models import PlanItem, Shift, Slot


def test_records_refuse_bad_times_and_terminals() -> None:
    with pytest.raises(ValidationError, match="deadline_at must be after discharge_at"):
        item(1, ready=60, deadline=30)
    with pytest.raises(ValidationError, match="UTC offset"):
        Shift(start=T0.replace(tzinfo=None), end=at(60).replace(tzinfo=None))
    with pytest.raises(ValidationError, match="a shift ends after it starts"):
        Shift(start=at(60), end=at(0))
    with pytest.raises(ValidationError):
        scanner("S1", terminal="not a terminal code")
    with pytest.raises(ValidationError):
        PlanItem(container_number="TGHU0000001", terminal="K1742", discharge_at=T0, deadline_at=at(60))
    assert scanner("S1", scan=4, move=16).cycle_minutes == 20


def slot(serial: int, start: float, end: float) -> Slot:
    return Slot(
        container_number=number(serial), scanner_id="S1", terminal="K1742", start=at(start), end=at(end)
    )


def test_metrics_count_dwell_risk_and_missed_deadlines() -> None:
    boxes = [
        item(1, ready=0, deadline=60, risk=0.5),
        item(2, ready=30, deadline=60, risk=0.3, reefer=True),  # scanned late
        item(3, ready=0, deadline=30, risk=0.2, reefer=True),  # never scanned, deadline passed
        item(4, ready=0, deadline=24 * 60, risk=0.1, mandatory=True),  # never scanned, still open
    ]
    m = evaluate(boxes, [slot(1, 0, 15), slot(2, 60, 75), slot(99, 0, 15)], until=at(120))
    assert (m.items, m.scanned, m.open) == (4, 2, 1)
    assert m.risk_total == pytest.approx(1.1)
    assert m.risk_covered == pytest.approx(0.8)
    assert m.risk_covered_share == pytest.approx(0.8 / 1.1)
    assert m.mean_added_dwell_minutes == pytest.approx((15 + 45) / 2)
    assert m.deadlines_missed == 2 and m.reefer_deadlines_missed == 2 and m.mandatory_missed == 0
    closed = evaluate(boxes, [], until=None)
    assert (
        closed.deadlines_missed == 4
        and closed.mandatory_missed == 1
        and closed.mean_added_dwell_minutes is None
    )
    assert evaluate([], []).risk_covered_share == 1.0
    assert timedelta(minutes=m.p95_added_dwell_minutes or 0) <= timedelta(minutes=45)
