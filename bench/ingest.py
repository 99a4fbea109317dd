"""bench/ingest: one simulated Antwerp day (SYNTHETIC, ~33 000 containers as CUSCAR files) into SQLite and
PostgreSQL, against a raw bulk insert of the very same rows measured in the same run.

    python bench/ingest.py [--containers 33000] [--seed 7] [--backends sqlite,postgresql]

Targets (issue: Foundation): the day in ≤ 60 s on 2 cores, and ≤ 3x the raw insert.
Writes bench/results/ingest.json.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import postgres_available, scratch_database, write_result
from cargoscreen.pipeline import ingest_paths, iter_input_files
from cargoscreen.pipeline.simulation import write_simulation
from cargoscreen.simulate import SimulationConfig, simulate_port
from cargoscreen.store import BlobStore, Database
from cargoscreen.store.baseline import bulk_raw_insert, table_rows


def run_backend(backend: str, inbox: Path, work: Path, workers: int) -> dict[str, Any]:
    files = iter_input_files([inbox / "cuscar"])
    with scratch_database(backend, work) as url:
        db = Database(url)
        db.upgrade()
        start = time.perf_counter()
        blobs = BlobStore(str(work / f"blobs-{backend}"))
        report = ingest_paths(files, unit_of_work=db.unit_of_work, blobs=blobs, workers=workers)
        ingest_s = time.perf_counter() - start
        rows = table_rows(db)
        db.dispose()
    with scratch_database(backend, work) as url:
        scratch = Database(url)
        scratch.upgrade()
        start = time.perf_counter()
        inserted = bulk_raw_insert(scratch, rows)
        raw_s = time.perf_counter() - start
        scratch.dispose()
    return {
        "backend": backend,
        "parse_workers": workers,
        "files": len(files),
        "containers": report.containers_new,
        "rows_stored": inserted,
        "ingest_seconds": round(ingest_s, 2),
        "containers_per_second": round(report.containers_new / ingest_s),
        "raw_insert_seconds": round(raw_s, 2),
        "ratio_to_raw_insert": round(ingest_s / raw_s, 2),
        "target_seconds": 60,
        "target_ratio": 3.0,
        "meets_time_target": ingest_s <= 60,
        "meets_ratio_target": ingest_s / raw_s <= 3.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--containers", type=int, default=33_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=2, help="parse processes (2 cores: 2)")
    args = parser.parse_args()
    backends = [b for b in args.backends.split(",") if b != "postgresql" or postgres_available()]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        port = simulate_port(SimulationConfig(seed=args.seed, containers_per_day=args.containers))
        write_simulation(port, work / "inbox", formats=("cuscar",))
        results = [run_backend(b, work / "inbox", work, args.workers) for b in backends]
    for r in results:
        print(
            f"{r['backend']:>10}: {r['containers']:,} containers in {r['ingest_seconds']} s "
            f"({r['containers_per_second']:,}/s); raw insert of the same {r['rows_stored']:,} rows "
            f"{r['raw_insert_seconds']} s; ratio {r['ratio_to_raw_insert']}x"
        )
    path = write_result(
        "ingest", {"benchmark": "ingest", "synthetic": True, "seed": args.seed, "results": results}
    )
    print(f"written {path}")


if __name__ == "__main__":
    main()
