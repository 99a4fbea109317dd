"""SYNTHETIC officers: what an X-ray scan or a physical inspection of a selected container finds.

The finding comes from the ground truth with a detection probability per smuggling method and lane
(estimates of ours: a scan sees bricks and bags by areal density and shape, hardly impregnated goods; opening
the container and testing finds more). Used by the demo and the benchmarks to close the learning loop.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import numpy as np

from cargoscreen.domain.outcomes import InspectionOutcome, OutcomeResult
from cargoscreen.domain.targeting import Channel
from cargoscreen.simulate.truth import GroundTruth, SmugglingMethod

#: Probability that the lane finds the drugs of a case, by method (estimates).
DETECTION: dict[SmugglingMethod, dict[Channel, float]] = {
    SmugglingMethod.RIP_ON_RIP_OFF: {Channel.SCAN: 0.90, Channel.PHYSICAL: 0.97},
    SmugglingMethod.BRICKS_IN_CARGO: {Channel.SCAN: 0.80, Channel.PHYSICAL: 0.90},
    SmugglingMethod.STRUCTURE_CAVITY: {Channel.SCAN: 0.60, Channel.PHYSICAL: 0.75},
    SmugglingMethod.REEFER_UNIT: {Channel.SCAN: 0.60, Channel.PHYSICAL: 0.85},
    SmugglingMethod.HOLLOW_GOODS: {Channel.SCAN: 0.50, Channel.PHYSICAL: 0.65},
    SmugglingMethod.IMPREGNATED: {Channel.SCAN: 0.05, Channel.PHYSICAL: 0.40},
}


def simulate_inspections(
    truth: GroundTruth,
    inspected: Iterable[tuple[str, str, str, Channel]],
    *,
    recorded_at: datetime,
    seed: int = 0,
    officer: str = "SIM-OFFICER",
) -> list[InspectionOutcome]:
    """One outcome per (container, IMO, voyage, lane) inspected: a seizure when found, else clean."""
    cases = {(c.container_number, c.imo_number, c.voyage_number): c for c in truth.cases}
    rng = np.random.default_rng(seed)
    outcomes = []
    for container, imo, voyage, lane in inspected:
        case = cases.get((container, imo, voyage))
        found = case is not None and rng.random() < DETECTION[case.method][lane]
        outcomes.append(
            InspectionOutcome(
                container_number=container,
                imo_number=imo,
                voyage_number=voyage,
                channel=lane,
                result=OutcomeResult.SEIZURE if found else OutcomeResult.CLEAN,
                substance="cocaine" if found else "",
                seized_kg=round(case.cocaine_kg, 1) if found and case else 0.0,
                location=case.location.value if found and case else "",
                note="SYNTHETIC outcome from the simulator's ground truth",
                recorded_by=officer,
                recorded_at=recorded_at,
            )
        )
    return outcomes
