"""The greedy plan polished by OR-Tools CP-SAT, warm-started from it.

Model of one horizon: for each candidate box and each available scanner of its terminal an optional interval
of the scanner's cycle, whose start lies in the scanner's crewed, working time, at or after the box is ready
and — unless the box is mandatory — ending by its deadline; one no-overlap per scanner; at most one interval
per box, exactly one for the mandatory boxes the greedy plan placed. The objective is the shared one
(:mod:`cargoscreen.planning.objective`). Cold CP-SAT does poorly on such models; with the greedy plan as a
complete hint it starts from it and improves, and the better of the two plans is returned, so the result is
never worse than greedy.

Candidates: the boxes the greedy plan placed, plus, per terminal, the best-rewarded boxes it left out (as
many as half of those placed, at least 20): the others would not win a slot from them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ortools.sat.python import cp_model

from cargoscreen.planning.greedy import greedy_assignment
from cargoscreen.planning.models import Downtime, Plan, PlanItem, Scanner, Slot
from cargoscreen.planning.objective import DEFAULT_WEIGHTS, Weights
from cargoscreen.planning.window import Assignment, Interval, Window, build_window, objective, to_plan


@dataclass(frozen=True)
class SolverOptions:
    """CP-SAT limits: wall time, workers (2 on the reference machine), seed and relative gap to stop at."""

    time_limit_seconds: float = 3.0
    workers: int = 2
    seed: int = 0
    relative_gap: float = 0.0005


def plan_cpsat(
    items: Iterable[PlanItem],
    scanners: Sequence[Scanner],
    *,
    start: datetime,
    horizon: timedelta,
    fixed: Sequence[Slot] = (),
    downtime: Sequence[Downtime] = (),
    weights: Weights = DEFAULT_WEIGHTS,
    options: SolverOptions = SolverOptions(),
) -> Plan:
    """Plan the horizon: greedy, then CP-SAT from it; raises :class:`MandatoryNotPlanned` like greedy."""
    began = time.perf_counter()
    window = build_window(
        items, scanners, start=start, horizon=horizon, weights=weights, fixed=fixed, downtime=downtime
    )
    hint = greedy_assignment(window)
    assignment, status = polish(window, hint, options)
    return to_plan(
        window,
        assignment,
        method="cpsat",
        solve_seconds=time.perf_counter() - began,
        status=status,
        require_mandatory=True,
        warm_start_objective=objective(window, hint),
    )


def polish(window: Window, hint: Assignment, options: SolverOptions) -> tuple[Assignment, str]:
    """CP-SAT warm-started from ``hint``; returns the better assignment and the solver's status (or
    ``GREEDY_KEPT`` when the hint stays best)."""
    if not window.items:
        return hint, "EMPTY"
    candidates = _candidates(window, hint)
    model = _Model(window, candidates, hint)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = options.time_limit_seconds
    solver.parameters.num_workers = options.workers
    solver.parameters.random_seed = options.seed
    solver.parameters.relative_gap_limit = options.relative_gap
    status = solver.solve(model.model)
    name = str(solver.status_name(status))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return hint, "GREEDY_KEPT"
    found = model.assignment(solver)
    if objective(window, found) < objective(window, hint):
        return hint, "GREEDY_KEPT"
    return found, name


def _candidates(window: Window, hint: Assignment) -> list[int]:
    placed: dict[str, int] = {}
    left: dict[str, list[int]] = {}
    for i, item in enumerate(window.items):
        if i in hint:
            placed[item.terminal] = placed.get(item.terminal, 0) + 1
        else:
            left.setdefault(item.terminal, []).append(i)
    chosen = list(hint)
    for terminal, rest in left.items():
        rest.sort(key=lambda i: (not window.items[i].mandatory, -window.reward[i], window.due[i]))
        chosen += rest[: max(20, placed.get(terminal, 0) // 2)]
    return sorted(chosen)


def _working_starts(window: Window, scanner: int) -> list[Interval]:
    """Starts ``[lo, hi]`` (inclusive) at which a whole cycle fits between blocked intervals."""
    cycle, spans, cursor = window.cycle[scanner], [], 0
    for lo, hi in [*window.blocked[scanner], (window.length, window.length)]:
        if lo - cursor >= cycle:
            spans.append((cursor, lo - cycle))
        cursor = max(cursor, hi)
    return spans


class _Model:
    """The CP-SAT model of a window over the chosen candidates, hinted with ``hint``."""

    def __init__(self, window: Window, candidates: Sequence[int], hint: Assignment) -> None:
        self.window = window
        self.model = cp_model.CpModel()
        self.options: list[tuple[int, int, Any, Any]] = []  # item, scanner, presence, start
        starts = [_working_starts(window, s) for s in range(len(window.scanners))]
        intervals: list[list[Any]] = [[] for _ in window.scanners]
        terms: list[Any] = []
        for i in candidates:
            presences = []
            for s in window.eligible[i]:
                made = self._option(i, s, starts[s], hint, intervals, terms)
                if made is not None:
                    presences.append(made)
            if presences:
                if window.items[i].mandatory and i in hint:
                    self.model.add_exactly_one(presences)
                else:
                    self.model.add_at_most_one(presences)
        for scanner_intervals in intervals:
            self.model.add_no_overlap(scanner_intervals)
        self.model.maximize(sum(terms))

    def _option(
        self,
        i: int,
        s: int,
        spans: list[Interval],
        hint: Assignment,
        intervals: list[list[Any]],
        terms: list[Any],
    ) -> Any:
        window, model = self.window, self.model
        cycle, mandatory = window.cycle[s], window.items[i].mandatory
        lo = window.ready[i]
        hi = (window.length if mandatory else min(window.length, window.due[i])) - cycle
        allowed = [(max(a, lo), min(b, hi)) for a, b in spans if max(a, lo) <= min(b, hi)]
        if not allowed:
            return None
        present = model.new_bool_var(f"x_{i}_{s}")
        start = model.new_int_var_from_domain(cp_model.Domain.from_intervals(allowed), f"s_{i}_{s}")
        intervals[s].append(model.new_optional_fixed_size_interval_var(start, cycle, present, f"iv_{i}_{s}"))
        # When absent the start is free and the solver pulls it to its lowest value: the wait term is then 0.
        terms.append(window.reward[i] * present - window.wait_cost[i] * (start - allowed[0][0]))
        hinted = hint.get(i)
        on = hinted is not None and hinted[0] == s
        hinted_start = hinted[1] if hinted is not None and on else allowed[0][0]
        model.add_hint(present, on)
        model.add_hint(start, hinted_start)
        if mandatory:
            late = model.new_int_var(0, window.length, f"late_{i}_{s}")
            model.add(late >= start + cycle - window.due[i]).only_enforce_if(present)
            terms.append(-window.weights.late_per_minute * late)
            model.add_hint(late, max(0, hinted_start + cycle - window.due[i]) if on else 0)
        self.options.append((i, s, present, start))
        return present

    def assignment(self, solver: cp_model.CpSolver) -> Assignment:
        return {
            i: (s, int(solver.value(start))) for i, s, present, start in self.options if solver.value(present)
        }
