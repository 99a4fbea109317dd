"""bench/planning: a SYNTHETIC port day of scanning, planned by FIFO, greedy and ours (greedy + CP-SAT).

    python bench/planning.py [--per-day 900] [--light-per-day 300] [--seed 5] [--time-limit 3]

The port (estimates after DOMAIN.md "Scanning and planning"; every figure is a constant below):
  * 5 mobile scanners at 3 terminals (K869 ×2, K1742 ×2, K913 ×1); scan 2–5 min plus positioning/move
    10–15 min per box, i.e. 3–5 boxes an hour each; three crewed shifts a day (06:00, 14:00, 22:00) of
    7 h 45 min with a 15-minute handover — about 450 scans a day in all;
  * 10 vessel calls a day (ETA uniform over the day, terminal K869 38 %, K1742 40 %, K913 22 %), the day's
    selected boxes shared between them (Dirichlet) and discharged uniformly over 8–18 h of quay work; a
    call's selection is known 12 h before its ETA; a quarter of the calls are 1–4 h late, announced 2 h
    before the ETA; one scanner breaks down for 3 h on the measured day;
  * selected boxes: risk score ~ Beta(2, 5), 2 % mandatory (tips; risk 0.7–1.0), 20 % reefers (perishable,
    deadline 24–36 h after discharge), 3 % perishable dry boxes, other deadlines 24–72 h after discharge.

A rolling planner re-plans a 6-hour horizon every 2 hours and at every change (a call's selection, a delay,
the breakdown). Calls arrive for 8 days; the *measured day* is the selection of the calls due on day 3:
three days of warm-up give it the backlog a real day inherits, and the following days' calls compete with
it until its last deadline has passed, when the run stops. Ours runs greedy during the warm-up (it only
builds the backlog) and greedy + CP-SAT from 12 h before the measured day. Two loads in the same run: the
issue's 900 selected boxes a day (twice what 5 scanners do: the planner must choose) and a light load that
capacity allows.

For each method, over the measured day's boxes: risk covered, boxes scanned, mean and p95 added dwell (scan
end − discharge), the same mean for reefers, the top risk quartile and mandatory boxes, deadlines missed
(all, reefers, mandatory); over every box scanned in the same period: mean added dwell; per re-plan: wall
time, and for ours what CP-SAT added to the greedy warm start. Writes bench/results/planning.json.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from _common import write_result
from cargoscreen.domain.ids import container_check_digit
from cargoscreen.planning.cpsat import SolverOptions
from cargoscreen.planning.metrics import evaluate
from cargoscreen.planning.models import Downtime, Plan, PlanItem, Scanner, Shift, Slot
from cargoscreen.planning.rolling import Method, RollingPlanner

DAY0 = datetime(2026, 3, 2, tzinfo=UTC)
DAYS = 8
MEASURED_DAY = 3
TERMINALS = {"K869": 0.38, "K1742": 0.40, "K913": 0.22}
#: scanner id, terminal, scan minutes, move minutes
SCANNERS = (
    ("K869-A", "K869", 3, 12),
    ("K869-B", "K869", 4, 14),
    ("K1742-A", "K1742", 3, 12),
    ("K1742-B", "K1742", 5, 15),
    ("K913-A", "K913", 2, 10),
)
SHIFT_STARTS = (6, 14, 22)
SHIFT_LENGTH = timedelta(hours=7, minutes=45)
CALLS_PER_DAY = 10
HORIZON = timedelta(hours=6)
CADENCE = timedelta(hours=2)
SELECTION_LEAD = timedelta(hours=12)
BREAKDOWN = ("K869-A", timedelta(days=MEASURED_DAY, hours=10), timedelta(hours=3))


@dataclass
class Timeline:
    """What happens when: selections becoming known, delays announced, breakdowns."""

    selections: dict[datetime, list[PlanItem]] = field(default_factory=dict)
    delays: dict[datetime, list[PlanItem]] = field(default_factory=dict)
    downtime: list[Downtime] = field(default_factory=list)
    final: dict[str, PlanItem] = field(default_factory=dict)
    measured: list[str] = field(default_factory=list)

    def moments(self, end: datetime) -> list[datetime]:
        cadence = [DAY0 + k * CADENCE for k in range(int((end - DAY0) / CADENCE) + 1)]
        return sorted({*cadence, *self.selections, *self.delays, *(d.start for d in self.downtime)})


def scanners() -> list[Scanner]:
    shifts = tuple(
        Shift(start=DAY0 + timedelta(days=d, hours=h), end=DAY0 + timedelta(days=d, hours=h) + SHIFT_LENGTH)
        for d in range(-1, DAYS + 1)
        for h in SHIFT_STARTS
    )
    return [
        Scanner(scanner_id=i, terminal=t, shifts=shifts, scan_minutes=scan, move_minutes=move)
        for i, t, scan, move in SCANNERS
    ]


def port(per_day: int, seed: int) -> Timeline:
    """Five days of SYNTHETIC vessel calls with their selected boxes."""
    rng = np.random.default_rng(seed)
    timeline = Timeline()
    serial = 0
    for day in range(DAYS):
        shares = rng.dirichlet(np.full(CALLS_PER_DAY, 4.0))
        for share in shares:
            eta = DAY0 + timedelta(days=day, minutes=int(rng.integers(0, 24 * 60)))
            terminal = str(rng.choice(list(TERMINALS), p=list(TERMINALS.values())))
            quay_hours = float(rng.uniform(8, 18))
            delay = timedelta(minutes=int(rng.integers(60, 240))) if rng.random() < 0.25 else None
            boxes = []
            for _ in range(max(1, round(share * per_day))):
                serial += 1
                boxes.append(_box(rng, serial, terminal, eta, quay_hours))
            timeline.selections.setdefault(eta - SELECTION_LEAD, []).extend(boxes)
            if day == MEASURED_DAY:
                timeline.measured += [b.container_number for b in boxes]
            if delay is not None:
                moved = [_moved(b, delay) for b in boxes]
                timeline.delays.setdefault(eta - timedelta(hours=2), []).extend(moved)
                boxes = moved
            timeline.final.update((b.container_number, b) for b in boxes)
    scanner_id, offset, length = BREAKDOWN
    timeline.downtime.append(
        Downtime(scanner_id=scanner_id, start=DAY0 + offset, end=DAY0 + offset + length, reason="hydraulics")
    )
    return timeline


def _box(rng: np.random.Generator, serial: int, terminal: str, eta: datetime, quay_hours: float) -> PlanItem:
    first_ten = f"SIMU{serial:06d}"
    discharge = eta + timedelta(minutes=30 + int(rng.uniform(0, quay_hours * 60)))
    reefer = bool(rng.random() < 0.20)
    mandatory = bool(rng.random() < 0.02)
    hours = rng.uniform(24, 36) if reefer else rng.uniform(24, 72)
    return PlanItem(
        container_number=first_ten + container_check_digit(first_ten),
        terminal=terminal,
        discharge_at=discharge,
        deadline_at=discharge + timedelta(minutes=int(hours * 60)),
        reefer=reefer,
        perishable=reefer or bool(rng.random() < 0.03),
        risk=float(rng.uniform(0.7, 1.0)) if mandatory else float(rng.beta(2, 5)),
        mandatory=mandatory,
    )


def _moved(box: PlanItem, delay: timedelta) -> PlanItem:
    return box.model_copy(
        update={"discharge_at": box.discharge_at + delay, "deadline_at": box.deadline_at + delay}
    )


@dataclass
class Run:
    """What one method did: the slots executed, and per re-plan its wall time and plan."""

    slots: list[Slot]
    seconds: list[float]
    plans: list[Plan]


def run(method: Method, timeline: Timeline, options: SolverOptions) -> Run:
    """Drive the rolling planner through the timeline until the last measured deadline has passed; returns
    the slots executed since the measured selections began to arrive and the wall time of each re-plan since
    then (ours runs greedy before: the warm-up only builds the backlog)."""
    planner = RollingPlanner(scanners(), method="greedy" if method == "cpsat" else method, horizon=HORIZON,
                             options=options)  # fmt: skip
    switch = DAY0 + timedelta(days=MEASURED_DAY) - SELECTION_LEAD
    end = max(timeline.final[n].deadline_at for n in timeline.measured)
    downtime = {d.start: d for d in timeline.downtime}
    seconds, plans = [], []
    for moment in [*(m for m in timeline.moments(end) if m < end), end]:
        if moment >= switch:
            planner.method = method
        planner.select(timeline.selections.get(moment, ()))
        for moved in timeline.delays.get(moment, ()):
            planner.arrival_changed(moved.container_number, moved.discharge_at, moved.deadline_at)
        if moment in downtime:
            planner.scanner_down(downtime[moment])
        began = time.perf_counter()
        plan = planner.replan(moment)
        if moment >= switch:
            seconds.append(time.perf_counter() - began)
            plans.append(plan)
    return Run([s for s in planner.begun if s.start >= switch], seconds, plans)


def _hours(minutes: float | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 2)


def _dwell_hours(boxes: Sequence[PlanItem], slots: Sequence[Slot]) -> float | None:
    return _hours(evaluate(boxes, slots).mean_added_dwell_minutes)


def summary(timeline: Timeline, done: Run) -> dict[str, Any]:
    slots, seconds = done.slots, done.seconds
    measured = [timeline.final[n] for n in timeline.measured]
    m = evaluate(measured, slots)
    cut = float(np.quantile([b.risk for b in measured], 0.75))
    scanned_in_run = [timeline.final[s.container_number] for s in slots]
    return {
        "scanned": m.scanned,
        "risk_covered_share": round(m.risk_covered_share, 4),
        "mean_added_dwell_hours": _hours(m.mean_added_dwell_minutes),
        "p95_added_dwell_hours": _hours(m.p95_added_dwell_minutes),
        "deadlines_missed": m.deadlines_missed,
        "reefer_deadlines_missed": m.reefer_deadlines_missed,
        "mandatory_missed": m.mandatory_missed,
        "mean_added_dwell_hours_reefers": _dwell_hours([b for b in measured if b.reefer], slots),
        "mean_added_dwell_hours_top_risk_quartile": _dwell_hours(
            [b for b in measured if b.risk >= cut], slots
        ),
        "mean_added_dwell_hours_mandatory": _dwell_hours([b for b in measured if b.mandatory], slots),
        "all_cohorts_scans": len(slots),
        "all_cohorts_mean_added_dwell_hours": _dwell_hours(scanned_in_run, slots),
        "replans": len(seconds),
        "replan_seconds_mean": round(float(np.mean(seconds)), 3),
        "replan_seconds_p95": round(float(np.percentile(seconds, 95)), 3),
        "replan_seconds_max": round(max(seconds), 3),
        **_polish(done.plans),
    }


def _polish(plans: list[Plan]) -> dict[str, Any]:
    """How much CP-SAT added to the greedy warm start, per re-plan (only for ours)."""
    gains = [
        100.0 * (p.objective - p.warm_start_objective) / abs(p.warm_start_objective)
        for p in plans
        if p.warm_start_objective
    ]
    if not gains:
        return {}
    statuses: dict[str, int] = {}
    for p in plans:
        statuses[p.status] = statuses.get(p.status, 0) + 1
    return {
        "cpsat_objective_gain_over_greedy_pct_mean": round(float(np.mean(gains)), 4),
        "cpsat_objective_gain_over_greedy_pct_max": round(max(gains), 4),
        "cpsat_replans_improved": sum(g > 0 for g in gains),
        "cpsat_statuses": statuses,
    }


def scenario(per_day: int, seed: int, options: SolverOptions) -> dict[str, Any]:
    timeline = port(per_day, seed)
    measured = [timeline.final[n] for n in timeline.measured]
    reefers = sum(b.reefer for b in measured)
    result: dict[str, Any] = {
        "selected_per_day": per_day,
        "measured_boxes": len(measured),
        "measured_reefers": reefers,
        "measured_mandatory": sum(b.mandatory for b in measured),
        "methods": {},
    }
    for method in ("fifo", "greedy", "cpsat"):
        result["methods"][method] = summary(timeline, run(method, timeline, options))
        print(f"  {per_day}/day {method:6s} {result['methods'][method]}", flush=True)
    ours, fifo = result["methods"]["cpsat"], result["methods"]["fifo"]
    for key in ("mean_added_dwell_hours", "all_cohorts_mean_added_dwell_hours"):
        result[f"ours_vs_fifo_{key}"] = round(ours[key] / fifo[key], 3)
    return result


def capacity_per_day() -> float:
    crewed = len(SHIFT_STARTS) * SHIFT_LENGTH.total_seconds() / 60
    return sum(crewed / (scan + move) for _, _, scan, move in SCANNERS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-day", type=int, default=900)
    parser.add_argument("--light-per-day", type=int, default=300)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=3.0, help="CP-SAT seconds per re-plan")
    args = parser.parse_args()
    options = SolverOptions(time_limit_seconds=args.time_limit, workers=2, seed=args.seed)
    print(f"capacity ≈ {capacity_per_day():.0f} scans a day on {len(SCANNERS)} scanners", flush=True)
    started = time.perf_counter()
    scenarios = {
        "issue_load": scenario(args.per_day, args.seed, options),
        "light_load": scenario(args.light_per_day, args.seed, options),
    }
    doc = {
        "benchmark": "planning",
        "synthetic": True,
        "scanners": [
            dict(zip(("scanner_id", "terminal", "scan_min", "move_min"), s, strict=True)) for s in SCANNERS
        ],
        "capacity_scans_per_day": round(capacity_per_day()),
        "horizon_hours": HORIZON.total_seconds() / 3600,
        "replan_every_hours": CADENCE.total_seconds() / 3600,
        "cpsat_time_limit_seconds": args.time_limit,
        "cpsat_workers": 2,
        "seed": args.seed,
        "scenarios": scenarios,
        "targets": {
            "mean_dwell_vs_fifo_at_most": 0.5,
            "reefer_deadlines_missed_when_capacity_allows": 0,
            "replan_seconds_at_most": 10.0,
        },
        "meets": {
            "mean_dwell_vs_fifo": scenarios["issue_load"]["ours_vs_fifo_mean_added_dwell_hours"] <= 0.5,
            "reefer_deadlines_when_capacity_allows": (
                scenarios["light_load"]["methods"]["cpsat"]["reefer_deadlines_missed"] == 0
            ),
            "replan_seconds": max(s["methods"]["cpsat"]["replan_seconds_max"] for s in scenarios.values())
            <= 10,
        },
        "bench_seconds": round(time.perf_counter() - started, 1),
    }
    print(f"written {write_result('planning', doc)}")


if __name__ == "__main__":
    main()
