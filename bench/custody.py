"""bench/custody: verify a custody ledger of 100 000 SYNTHETIC events.

    python bench/custody.py [--events 100000] [--repeat 5]

The ledger holds complete case lifecycles (seizure, packaging, transfer to storage, storage, sampling,
authorisation, scheduling, destruction: 8 events a case, cases interleaved in pairs), each event checked by
the state machine and signed into the chain. Measured in the same run:
  * verify       ``cargoscreen.custody.ledger.verify`` of every entry (HMAC-SHA256, sequence and links);
  * baseline     plain SHA-256 over the very bytes verify authenticates, in a Python loop;
  * tampered     verify of the same ledger with one entry edited near the end (it must be found);
  * load         building the LedgerEntry records from plain rows (what a store read costs on top);
  * append       signing every event into the ledger (state machine included), for scale.
Target (issue: custody): verify 100 000 events ≤ 5 s. Writes bench/results/custody.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from _common import write_result
from cargoscreen.custody.events import (
    Authorisation,
    CustodyEvent,
    Destruction,
    Packaging,
    Sampling,
    Scheduling,
    Seizure,
    Storage,
    Transfer,
)
from cargoscreen.custody.ledger import Ledger, LedgerEntry, verify
from cargoscreen.custody.models import (
    Allocation,
    BagWeight,
    EvidenceBag,
    IncineratorSession,
    Reseal,
    Sample,
    SealCondition,
    SealFound,
)
from cargoscreen.custody.service import record
from cargoscreen.custody.state import CaseFile
from cargoscreen.domain.ids import container_check_digit

KEY = b"bench-only-ledger-key-not-a-secret!"
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def lifecycle(k: int) -> list[CustodyEvent]:
    """The eight events of SYNTHETIC case ``k``: two bags, one sampled, burnt in one session."""
    case = f"CASE-{k:06d}"
    start = T0 + timedelta(minutes=7 * k)
    at = [start + timedelta(hours=h) for h in (0, 1, 2, 3, 5, 8, 9, 31)]
    common = {"case_number": case, "recorded_by": "custodian.c"}
    two = {"acting_officer": "custodian.c", "witness_officer": "custodian.d"}
    kg = 20.0 + (k % 17)
    bag1, bag2, resealed = f"B{k:06d}-1", f"B{k:06d}-2", f"B{k:06d}-1R"
    first_ten = f"SIMU{k:06d}"
    session = IncineratorSession(session_id=f"S{k:06d}", incinerator="SYNTHETIC incinerator",
                                 starts_at=at[7] - timedelta(hours=1), capacity_kg=1500)  # fmt: skip
    return [
        Seizure(**common, occurred_at=at[0], container_number=first_ten + container_check_digit(first_ten),
                place="scanner lane", seals_found=(SealFound(seal_number=f"FX{k:07d}", intact=k % 3 != 0),),
                acting_officer="officer.a", witness_officer="officer.b", photos=(hashlib.sha256(case.encode()).hexdigest(),),
                substance="cocaine", presumptive_test="positive", package_count=2 * int(kg), gross_kg=2 * kg),
        Packaging(**common, **two, occurred_at=at[1], bags=(EvidenceBag(bag_serial=bag1, sealed_kg=kg),
                                                           EvidenceBag(bag_serial=bag2, sealed_kg=kg))),
        Transfer(**common, occurred_at=at[2], bag_serials=(bag1, bag2), released_by="officer.a",
                 received_by="custodian.c", to_location="SYNTHETIC vault", purpose="to storage",
                 seal_condition=SealCondition.INTACT),
        Storage(**common, **two, occurred_at=at[3], location="SYNTHETIC vault",
                weighed=(BagWeight(bag_serial=bag1, kg=kg), BagWeight(bag_serial=bag2, kg=kg))),
        Sampling(**common, **two, occurred_at=at[4],
                 samples=(Sample(sample_id=f"S{k:06d}-1", bag_serial=bag1, sample_kg=0.05, laboratory="lab"),),
                 reseals=(Reseal(bag_serial=bag1, new_bag_serial=resealed, sealed_kg=kg - 0.05),)),
        Authorisation(**common, occurred_at=at[5], prosecutor="prosecutor", order_reference=f"ORD-{k}"),
        Scheduling(**common, occurred_at=at[6], sessions=(session,),
                   allocations=(Allocation(bag_serial=resealed, session_id=session.session_id),
                                Allocation(bag_serial=bag2, session_id=session.session_id))),
        Destruction(**common, occurred_at=at[7], session_id=session.session_id, witnesses=("custodian.c", "police.f"),
                    certificate_number=f"CERT-{k}", burnt=(BagWeight(bag_serial=resealed, kg=kg - 0.05),
                                                           BagWeight(bag_serial=bag2, kg=kg))),
    ]  # fmt: skip


def build(events: int) -> tuple[Ledger, float]:
    """A ledger of ``events`` entries (cases interleaved in pairs) and the seconds spent appending."""
    ledger, cases = Ledger(KEY), dict[str, CaseFile]()
    began = time.perf_counter()
    k = written = 0
    while written < events:
        pair = [lifecycle(k), lifecycle(k + 1)]
        for step in range(8):
            for events_of_case in pair:
                if written < events:
                    record(ledger, cases, events_of_case[step])
                    written += 1
        k += 2
    return ledger, time.perf_counter() - began


def sha256_baseline(entries: list[LedgerEntry]) -> float:
    """Plain SHA-256 over the same bytes verify authenticates (prev hash, seq, payload)."""
    began = time.perf_counter()
    for entry in entries:
        hashlib.sha256(
            entry.prev_hash.encode("ascii") + entry.seq.to_bytes(8, "big") + entry.payload.encode("utf-8")
        ).digest()
    return time.perf_counter() - began


def best(seconds: list[float]) -> float:
    return round(min(seconds), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    ledger, append_seconds = build(args.events)
    entries = list(ledger.entries)
    verify_runs, baseline_runs, reports = [], [], []
    for _ in range(args.repeat):
        began = time.perf_counter()
        reports.append(verify(entries, KEY, anchor=ledger.head))
        verify_runs.append(time.perf_counter() - began)
        baseline_runs.append(sha256_baseline(entries))
    assert all(r.ok for r in reports), reports[0]
    rows = [e.model_dump() for e in entries]
    began = time.perf_counter()
    loaded = [LedgerEntry.model_validate(row) for row in rows]
    load_seconds = time.perf_counter() - began
    assert loaded == entries
    bad = len(entries) - 7
    payload = json.loads(entries[bad].payload)
    payload["recorded_by"] = "someone.else"
    tampered = [
        *entries[:bad],
        entries[bad].model_copy(update={"payload": json.dumps(payload)}),
        *entries[bad + 1 :],
    ]
    began = time.perf_counter()
    found = verify(tampered, KEY)
    tampered_seconds = time.perf_counter() - began
    assert not found.ok and found.first_bad_seq == bad + 1, found
    payload_bytes = sum(len(e.payload.encode()) for e in entries)
    result: dict[str, Any] = {
        "benchmark": "custody",
        "synthetic": True,
        "events": len(entries),
        "cases": -(-len(entries) // 8),
        "payload_bytes_mean": round(payload_bytes / len(entries), 1),
        "verify_seconds": best(verify_runs),
        "verify_seconds_runs": [round(s, 4) for s in verify_runs],
        "sha256_baseline_seconds": best(baseline_runs),
        "ratio_verify_to_sha256": round(min(verify_runs) / min(baseline_runs), 2),
        "load_rows_seconds": round(load_seconds, 4),
        "tampered_verify_seconds": round(tampered_seconds, 4),
        "tampered_first_bad_seq": found.first_bad_seq,
        "tampered_problem": found.problem,
        "append_seconds": round(append_seconds, 2),
        "append_events_per_second": round(len(entries) / append_seconds),
        "target_verify_seconds": 5.0,
        "meets_target": min(verify_runs) <= 5.0,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    path = write_result("custody", result)
    print(f"verified {len(entries):,} events in {result['verify_seconds']:.3f} s (target ≤ 5 s); "
          f"plain SHA-256 of the same bytes {result['sha256_baseline_seconds']:.3f} s "
          f"(×{result['ratio_verify_to_sha256']}); edited entry {found.first_bad_seq} found as {found.problem}; "
          f"appending took {append_seconds:.1f} s")  # fmt: skip
    print(f"written {path}")


if __name__ == "__main__":
    main()
