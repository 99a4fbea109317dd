"""The SYNTHETIC traffic: deterministic, to scale, valid records, realistic cargo."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from pydantic import ValidationError

from cargoscreen.domain.events import EquipmentEvent, EquipmentEventType
from cargoscreen.domain.records import Equipment, FullEmpty, Manifest, TradeMovement
from cargoscreen.domain.reference import ports
from cargoscreen.simulate import SimulatedPort, SimulationConfig, simulate_port
from cargoscreen.simulate.cargo import PROFILES

REEFER_HS = {p.hs_code for p in PROFILES.values() if p.reefer}
PERISHABLE_HS = {p.hs_code for p in PROFILES.values() if p.perishable}
SOUTH_AMERICA = {"EC", "CO", "PE", "BR", "CL", "AR", "UY", "PY", "VE", "GY", "SR"}


def _containers(port: SimulatedPort) -> list[Equipment]:
    return [e for m in port.manifests for e in m.equipment]


def test_same_seed_same_port_and_another_seed_another(small_port: SimulatedPort) -> None:
    again = simulate_port(small_port.config)
    assert again.manifests == small_port.manifests
    assert again.events == small_port.events
    assert again.ground_truth == small_port.ground_truth
    other = simulate_port(small_port.config.model_copy(update={"seed": small_port.config.seed + 1}))
    assert other.manifests != small_port.manifests
    numbers = {e.container_number for e in _containers(small_port)}
    assert numbers != {e.container_number for e in _containers(other)}


def test_each_day_carries_the_configured_containers_within_five_percent(week_port: SimulatedPort) -> None:
    config = week_port.config
    per_day: Counter[str] = Counter()
    for manifest in week_port.manifests:
        assert manifest.vessel_call.ata is not None
        per_day[f"{manifest.vessel_call.ata:%Y-%m-%d}"] += len(manifest.equipment)
    assert len(per_day) == config.days
    for day, count in per_day.items():
        assert abs(count - config.containers_per_day) <= 0.05 * config.containers_per_day, (day, count)


def test_every_manifest_and_event_validates(small_port: SimulatedPort) -> None:
    for manifest in small_port.manifests:
        assert Manifest.model_validate(manifest.model_dump()) == manifest
    for event in small_port.events:
        assert EquipmentEvent.model_validate(event.model_dump()) == event


def test_messages_are_labelled_synthetic_and_keyed_uniquely(week_port: SimulatedPort) -> None:
    keys = [m.message_key for m in week_port.manifests]
    assert len(set(keys)) == len(keys)
    assert all(m.sender.startswith("SIM-") for m in week_port.manifests)
    calls = [(m.vessel_call.imo_number, m.vessel_call.voyage_number) for m in week_port.manifests]
    assert len(set(calls)) == len(calls)
    numbers = [e.container_number for e in _containers(week_port)]
    assert len(set(numbers)) == len(numbers)
    event_ids = [e.event_id for e in week_port.events]
    assert len(set(event_ids)) == len(event_ids)


def test_previous_ports_come_from_the_rotation_and_times_fall_in_the_day(small_port: SimulatedPort) -> None:
    for manifest in small_port.manifests:
        call = manifest.vessel_call
        assert call.port_of_call == "BEANR" and call.previous_ports
        assert call.eta is not None and call.ata is not None
        assert call.eta.date() == call.ata.date()
        loading = {c.port_of_loading for c in manifest.consignments} | {
            hub for c in manifest.consignments for hub in c.transhipment_ports if hub != "BEANR"
        }
        feeder_origins = {c.port_of_loading for c in manifest.consignments if c.transhipment_ports}
        assert loading - feeder_origins <= set(call.previous_ports)


def test_reefers_carry_perishables_and_perishables_travel_in_reefers(week_port: SimulatedPort) -> None:
    for manifest in week_port.manifests:
        reefer = {e.container_number: e.reefer for e in manifest.equipment}
        for consignment in manifest.consignments:
            for item in consignment.goods_items:
                if item.hs_code is None or len(item.hs_code) < 6:
                    continue
                boxes = {p.container_number for p in item.placements}
                if item.hs_code in PERISHABLE_HS:
                    assert all(reefer[b] for b in boxes), item
                if any(reefer[b] for b in boxes):
                    assert item.hs_code in REEFER_HS, item


def test_shares_of_reefers_empties_and_south_america_are_as_configured(week_port: SimulatedPort) -> None:
    boxes = _containers(week_port)
    laden = [e for e in boxes if e.full_empty is FullEmpty.FULL]
    assert abs(sum(e.reefer for e in laden) / len(laden) - week_port.config.reefer_share) < 0.03
    assert abs(1 - len(laden) / len(boxes) - week_port.config.empty_share) < 0.03
    transhipped = sum(e.movement is TradeMovement.TRANSHIPMENT for e in laden) / len(laden)
    assert abs(transhipped - week_port.config.transhipment_share) < 0.04
    origin = {}
    for manifest in week_port.manifests:
        for consignment in manifest.consignments:
            for number in consignment.container_numbers:
                assert consignment.place_of_origin is not None
                origin[number] = ports()[consignment.place_of_origin].country
    share = sum(origin[e.container_number] in SOUTH_AMERICA for e in laden) / len(boxes)
    assert 0.015 < share < 0.045  # DOMAIN.md: ~330 000 of 12 M a year ≈ 2.75 %


def test_laden_boxes_have_goods_and_empties_have_none(small_port: SimulatedPort) -> None:
    for manifest in small_port.manifests:
        placed = {n for c in manifest.consignments for n in c.container_numbers}
        for box in manifest.equipment:
            assert (box.container_number in placed) == (box.full_empty is FullEmpty.FULL)
            if box.full_empty is FullEmpty.FULL:
                assert box.seals and box.gross_kg is not None and box.gross_kg > 2_000
        assert placed <= {e.container_number for e in manifest.equipment}


def test_banana_and_coffee_loads_are_realistic(week_port: SimulatedPort) -> None:
    bananas: list[int] = []
    coffee: list[int] = []
    for manifest in week_port.manifests:
        sizes = {e.container_number: e.size_type for e in manifest.equipment}
        for consignment in manifest.consignments:
            for item in consignment.goods_items:
                for placement in item.placements:
                    if item.hs_code == "080390" and sizes[placement.container_number] == "45R1":
                        bananas.append(placement.packages or 0)
                    if item.hs_code == "090111" and sizes[placement.container_number] == "22G1":
                        coffee.append(placement.packages or 0)
    assert bananas and all(1_040 <= n <= 1_200 for n in bananas)
    assert coffee and all(270 <= n <= 320 for n in coffee)


def test_fruit_bills_span_several_containers_and_lcl_boxes_hold_several_bills(
    week_port: SimulatedPort,
) -> None:
    fruit_multi = 0
    bills_per_box: Counter[str] = Counter()
    for manifest in week_port.manifests:
        for consignment in manifest.consignments:
            numbers = consignment.container_numbers
            bills_per_box.update(numbers)
            codes = {i.hs_code for i in consignment.goods_items}
            fruit_multi += len(numbers) > 1 and bool(codes & {"080390", "080430"})
    assert fruit_multi > 10
    assert any(count > 1 for count in bills_per_box.values())


def test_transhipment_boxes_go_onward_and_do_not_gate_out(small_port: SimulatedPort) -> None:
    moves = {e.container_number: e.movement for e in _containers(small_port)}
    assert TradeMovement.TRANSHIPMENT in moves.values()
    gated = defaultdict(list)
    for event in small_port.events:
        gated[event.container_number].append(event.event_type)
    for number, movement in moves.items():
        assert gated[number][0] is EquipmentEventType.DISCHARGED
        assert (EquipmentEventType.GATED_OUT in gated[number]) == (movement is TradeMovement.IMPORT)


def test_gate_out_follows_discharge_reefers_sooner(week_port: SimulatedPort) -> None:
    discharged = {}
    dwell: dict[bool, list[float]] = defaultdict(list)
    for event in week_port.events:
        if event.event_type is EquipmentEventType.DISCHARGED:
            discharged[event.container_number] = event.event_time
        elif event.full_empty is FullEmpty.FULL:
            hours = (event.event_time - discharged[event.container_number]).total_seconds() / 3600
            assert hours >= 1.0
            dwell[event.size_type is not None and event.size_type[2] == "R"].append(hours)
    assert sorted(dwell[True])[len(dwell[True]) // 2] < sorted(dwell[False])[len(dwell[False]) // 2]


def test_parties_have_histories_and_stable_partners(week_port: SimulatedPort) -> None:
    summary = week_port.ground_truth.population
    assert summary.synthetic and summary.front_companies >= 3 and summary.new_parties > 0
    pairs: Counter[tuple[str, str]] = Counter()
    for manifest in week_port.manifests:
        for c in manifest.consignments:
            assert c.consignor is not None and c.consignee is not None
            pairs[(c.consignor.name, c.consignee.name)] += 1
    repeated = sum(n for n in pairs.values() if n > 1)
    assert repeated > 0.3 * sum(pairs.values())
    eu = [
        c.consignee
        for m in week_port.manifests
        for c in m.consignments
        if c.consignee and c.consignee.country == "BE"
    ]
    assert eu and all(p.eori and p.eori.startswith("BE") for p in eu)


def test_config_bounds_are_enforced() -> None:
    with pytest.raises(ValidationError):
        SimulationConfig(days=15)
    with pytest.raises(ValidationError):
        SimulationConfig(unknown_field=1)  # type: ignore[call-arg]
