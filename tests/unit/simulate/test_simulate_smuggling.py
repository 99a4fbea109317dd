"""SYNTHETIC smuggling cases: at the configured rate, on the risky boxes, and kept out of the manifests."""

from __future__ import annotations

import math

from cargoscreen.domain.events import EquipmentEventType
from cargoscreen.domain.records import FullEmpty, Manifest
from cargoscreen.simulate import SimulatedPort, SmugglingMethod
from cargoscreen.simulate.smuggling import ORIGIN_RISK


def _manifests(port: SimulatedPort) -> dict[str, Manifest]:
    return {m.message_key: m for m in port.manifests}


def test_case_rate_is_the_configured_rate_over_high_risk_boxes(risky_port: SimulatedPort) -> None:
    truth = risky_port.ground_truth
    rate = risky_port.config.smuggling_rate
    assert truth.high_risk_laden_containers > 500
    # the expectation is the configured rate (plus the small share from low-risk origins) ...
    expected_high = rate * truth.high_risk_laden_containers
    assert expected_high <= truth.expected_cases < 1.05 * expected_high
    # ... and the draw lands within four standard deviations of it
    assert abs(len(truth.cases) - truth.expected_cases) < 4 * math.sqrt(truth.expected_cases)


def test_default_rate_is_scarce_on_a_small_port(small_port: SimulatedPort) -> None:
    truth = small_port.ground_truth
    assert truth.expected_cases < 0.01 * truth.high_risk_laden_containers


def test_cases_refer_to_laden_boxes_and_bills_of_their_manifest(risky_port: SimulatedPort) -> None:
    manifests = _manifests(risky_port)
    for case in risky_port.ground_truth.cases:
        manifest = manifests[case.manifest_key]
        assert (manifest.vessel_call.imo_number, manifest.vessel_call.voyage_number) == (
            case.imo_number,
            case.voyage_number,
        )
        box = next(e for e in manifest.equipment if e.container_number == case.container_number)
        assert box.full_empty is FullEmpty.FULL and box.reefer == case.reefer
        bill = next(c for c in manifest.consignments if c.bill_of_lading == case.bill_of_lading)
        assert case.container_number in bill.container_numbers
        assert tuple(s.seal_number for s in box.seals) == case.manifest_seals
        assert case.synthetic


def test_swapped_seals_differ_from_the_manifest_and_show_at_discharge(risky_port: SimulatedPort) -> None:
    discharge_seals = {
        e.container_number: tuple(s.seal_number for s in e.seals)
        for e in risky_port.events
        if e.event_type is EquipmentEventType.DISCHARGED
    }
    swapped = [c for c in risky_port.ground_truth.cases if c.seal_swapped]
    assert swapped
    for case in swapped:
        assert case.method is SmugglingMethod.RIP_ON_RIP_OFF
        assert case.actual_seals != case.manifest_seals
        assert set(case.actual_seals) - set(case.manifest_seals)
        assert discharge_seals[case.container_number] == case.actual_seals
    for case in risky_port.ground_truth.cases:
        if not case.seal_swapped:
            assert case.actual_seals == case.manifest_seals


def test_methods_amounts_and_places_are_plausible(risky_port: SimulatedPort) -> None:
    for case in risky_port.ground_truth.cases:
        assert case.origin_country
        if case.method is SmugglingMethod.RIP_ON_RIP_OFF:
            assert 1 <= case.units <= 10 and 20 <= case.cocaine_kg <= 400
            assert case.location == "door_end" and case.door_opened_at == case.loaded_at
        elif case.method is SmugglingMethod.REEFER_UNIT:
            assert case.reefer and case.location == "reefer_unit"
        elif case.method is SmugglingMethod.BRICKS_IN_CARGO:
            assert 20 <= case.cocaine_kg <= 500 and case.units >= 16
        assert 0 <= case.distance_from_door_m <= 13.8


def test_risky_origins_and_front_companies_are_over_represented(risky_port: SimulatedPort) -> None:
    truth = risky_port.ground_truth
    cases = truth.cases
    assert sum(c.origin_country in ORIGIN_RISK for c in cases) >= 0.9 * len(cases)
    front_names = {f.name for f in truth.front_companies}
    front_boxes = total_boxes = 0
    for manifest in risky_port.manifests:
        origin = {n: c for c in manifest.consignments for n in c.container_numbers}
        for box in manifest.equipment:
            consignment = origin.get(box.container_number)
            if consignment is None or (consignment.place_of_origin or "")[:2] not in ORIGIN_RISK:
                continue
            total_boxes += 1
            front_boxes += consignment.consignee is not None and consignment.consignee.name in front_names
    share_of_boxes = front_boxes / total_boxes
    share_of_cases = sum(c.front_company for c in cases) / len(cases)
    assert share_of_cases > 3 * share_of_boxes


def test_no_ground_truth_leaks_into_manifests(risky_port: SimulatedPort) -> None:
    truth = risky_port.ground_truth
    text = "".join(m.model_dump_json() for m in risky_port.manifests)
    for word in ("synthetic", "front_company", "smuggling", "case_id", "rip_on", "actual_seals", "SIM-CASE"):
        assert word not in text
    for case in truth.cases:
        for seal in set(case.actual_seals) - set(case.manifest_seals):
            assert seal not in text
    assert set(Manifest.model_fields) == {
        "sender",
        "recipient",
        "interchange_ref",
        "message_ref",
        "document_number",
        "document_time",
        "source_format",
        "vessel_call",
        "equipment",
        "consignments",
    }


def test_innocent_seal_mismatches_and_misdeclarations_are_recorded(week_port: SimulatedPort) -> None:
    truth = week_port.ground_truth
    innocent = [c for c in truth.containers if c.case_id is None]
    assert innocent and all(c.reason in {"resealed_by_origin_customs", "clerical_error"} for c in innocent)
    assert all(tuple(s.seal_number for s in c.actual_seals) != c.manifest_seals for c in innocent)
    front_names = {f.name for f in truth.front_companies}
    bills = {c.bill_of_lading: c for m in week_port.manifests for c in m.consignments}
    assert truth.misdeclarations
    for wrong in truth.misdeclarations:
        consignee = bills[wrong.bill_of_lading].consignee
        assert consignee is not None and consignee.name in front_names
