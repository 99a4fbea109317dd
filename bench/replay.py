"""bench/replay: Kim et al.'s weekly active-learning protocol on the KCS history (2020 + Q1 2021).

Each week the current model selects 10 % of the week's declarations, only their labels are revealed, and the
model is retrained; pure exploitation is compared with 10 % and 20 % exploration in the same run.

    python bench/replay.py [--targets critical,fraud] [--workers 2]

Writes bench/results/replay.json and bench/results/replay_<target>.png.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from _common import RESULTS, write_result
from cargoscreen.risk.replay import KcsSource, plot_replay, replay

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "kcs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--targets", default="critical,fraud")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    results = {}
    for target in args.targets.split(","):
        source = KcsSource.from_files([SHARED / "train.csv", SHARED / "valid.csv"], target=target)
        report = replay(source, inspection_rate=0.1, exploration_shares=(0.0, 0.1, 0.2), workers=args.workers)
        RESULTS.mkdir(parents=True, exist_ok=True)
        plot_replay(report, RESULTS / f"replay_{target}.png")
        document = report.to_dict()
        results[target] = {
            "summary": document["summary"],
            "seconds": round(report.seconds, 1),
            "params": document["params"],
        }
        for name, row in document["summary"].items():
            print(f"{target:>8} {name:>16}: recall {row['recall']:.3f}, precision {row['precision']:.3f}")
    path = write_result(
        "replay", {"benchmark": "replay", "data": "KCS 2020 + 2021Q1 (synthetic, MIT)", "results": results}
    )
    print(f"written {path}")


if __name__ == "__main__":
    main()
