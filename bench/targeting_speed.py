"""bench/targeting-speed: score and select one simulated Antwerp day (SYNTHETIC, ~33 000 containers).

Measures, in one run: building the cases, the learned model (features, bagged LightGBM, top-3 explanations),
the rules + watch list + tips assessment, and the capacity-aware selection — beside raw LightGBM
``Booster.predict`` on the very feature matrix of the same containers (the baseline).

    python bench/targeting_speed.py [--containers 33000] [--seed 3]

Target (issue: risk targeting): scoring and selecting the day ≤ 5 s on 2 cores. Writes
bench/results/targeting_speed.json.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

import numpy as np

from _common import write_result
from cargoscreen.domain.targeting import DailyCapacity, ListKind, WatchListEntry
from cargoscreen.pipeline.targeting import EXPLAINED, model_scores
from cargoscreen.risk.case import build_cases
from cargoscreen.risk.container_model import ContainerRiskModel
from cargoscreen.risk.features import PastParties
from cargoscreen.risk.gcpause import cyclic_gc_paused
from cargoscreen.risk.rules import default_profile
from cargoscreen.risk.scoring import assess
from cargoscreen.risk.selection import select
from cargoscreen.risk.watchlists import WatchList
from cargoscreen.simulate import SimulationConfig, simulate_port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--containers", type=int, default=33_000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    port = simulate_port(
        SimulationConfig(seed=args.seed, days=2, containers_per_day=args.containers, smuggling_rate=0.01)
    )
    first_day = port.config.day_start(1)
    history = [
        c for m in port.manifests if (m.vessel_call.ata or first_day) < first_day for c in build_cases(m)
    ]
    truth = {(c.container_number, c.imo_number, c.voyage_number) for c in port.ground_truth.cases}
    rng = np.random.default_rng(args.seed)
    inspected = [
        c
        for c in history
        if rng.random() < 0.1 or (c.container_number, c.imo_number, c.voyage_number) in truth
    ]
    labels = np.array(
        [(c.container_number, c.imo_number, c.voyage_number) in truth for c in inspected], dtype=int
    )
    model = ContainerRiskModel().fit(inspected, labels)
    manifests = [m for m in port.manifests if (m.vessel_call.ata or first_day) >= first_day]
    watch = WatchList([WatchListEntry(list_kind=ListKind.PARTY, value=f.name, reason="bench", added_by="bench")
                       for f in port.ground_truth.front_companies])  # fmt: skip
    rules = default_profile()
    now = first_day + timedelta(hours=23)

    timings: dict[str, float] = {}
    start = time.perf_counter()
    with cyclic_gc_paused():
        cases = [c for m in manifests for c in build_cases(m)]
    timings["build_cases"] = time.perf_counter() - start
    mark = time.perf_counter()
    scores, variances, explanations = model_scores(model, cases, PastParties(consignees={}, shippers={}))
    timings["model_score_and_explain_top"] = time.perf_counter() - mark
    mark = time.perf_counter()
    assessments = assess(
        cases,
        rules=rules,
        watchlists=watch,
        tips=(),
        model_scores=scores,
        model_explanations=explanations,
        model_variances=variances,
        now=now.astimezone(UTC),
        model_version="bench",
    )
    timings["assess_rules_watchlists"] = time.perf_counter() - mark
    mark = time.perf_counter()
    result = select(assessments, capacity=DailyCapacity(scan=900, physical=100), exploration_share=0.1)
    timings["select"] = time.perf_counter() - mark
    total = time.perf_counter() - start

    frame = model.features_.frame(model.features_.transform(cases))
    booster = model.models_[0].booster_
    mark = time.perf_counter()
    booster.predict(frame)
    raw = time.perf_counter() - mark
    result_doc = {
        "benchmark": "targeting_speed",
        "synthetic": True,
        "containers": len(cases),
        "selected": sum(1 for d in result.decisions if d.channel.value != "GREEN"),
        "seconds": {k: round(v, 3) for k, v in timings.items()},
        "total_seconds": round(total, 2),
        "raw_lightgbm_predict_seconds": round(raw, 3),
        "ratio_to_raw_predict": round(total / raw, 1),
        "target_seconds": 5.0,
        "meets_target": total <= 5.0,
        "model_bags": len(model.models_),
        "explained_containers": min(EXPLAINED, len(cases)),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    path = write_result("targeting_speed", result_doc)
    print(f"{len(cases):,} containers scored and selected in {total:.2f} s (target ≤ 5 s); "
          f"raw LightGBM predict of one booster on the same matrix {raw:.3f} s; steps {result_doc['seconds']}")  # fmt: skip
    print(f"written {path}")


if __name__ == "__main__":
    main()
