"""random_spec, and the mapping from the port simulator's smuggling cases to concealment kinds."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from cargoscreen.domain.scans import CargoClass, ConcealmentKind, ContainerKind
from cargoscreen.simulate.truth import Location, SmugglingMethod
from cargoscreen.simulate.xray import (
    cargo_class_for,
    compatible,
    concealment_for,
    fit_concealment,
    random_spec,
)


def test_random_spec_is_deterministic_and_varied() -> None:
    first = [random_spec(np.random.default_rng(3)) for _ in range(2)]
    assert first[0] == first[1]
    rng = np.random.default_rng(4)
    specs = [random_spec(rng) for _ in range(600)]
    assert {s.kind for s in specs} == set(ContainerKind)
    assert {s.cargo for s in specs} == set(CargoClass)
    assert {s.concealment for s in specs if s.concealment} == set(ConcealmentKind)
    hidden = [s for s in specs if s.concealment is not None]
    assert 0.4 < len(hidden) / len(specs) < 0.6
    buckets = Counter(
        "<2" if s.concealment_kg < 2 else "2-10" if s.concealment_kg <= 10 else ">10" for s in hidden
    )
    assert min(buckets.values()) > len(hidden) / 5
    assert all(0.5 <= s.concealment_kg <= 300 for s in hidden)
    assert all(compatible(s.kind, s.cargo, s.concealment) for s in hidden if s.concealment)
    empty = [s for s in specs if s.cargo is CargoClass.EMPTY]
    assert len(empty) > 30 and all(s.fill == 0.0 for s in empty)
    fruit = [s for s in specs if s.cargo in (CargoClass.BANANAS, CargoClass.FROZEN_FISH)]
    assert sum(s.kind.reefer for s in fruit) / len(fruit) > 0.9


def test_random_spec_respects_restrictions() -> None:
    rng = np.random.default_rng(5)
    for _ in range(50):
        spec = random_spec(
            rng, concealment_share=1.0, kinds=[ContainerKind.DRY_20], cargos=[CargoClass.BANANAS]
        )
        assert spec.kind is ContainerKind.DRY_20 and spec.cargo is CargoClass.BANANAS
        assert spec.concealment is not None and spec.concealment is not ConcealmentKind.REEFER_UNIT
    assert random_spec(rng, concealment_share=0.0).concealment is None
    with pytest.raises(ValueError, match="concealment_share"):
        random_spec(rng, concealment_share=1.5)


def test_mass_weights_shift_the_buckets_and_the_default_draw_is_unchanged() -> None:
    def shares(mass_weights: tuple[float, ...] | None) -> Counter[str]:
        rng = np.random.default_rng(8)
        kgs = [
            random_spec(rng, concealment_share=1.0, mass_weights=mass_weights).concealment_kg
            for _ in range(900)
        ]
        return Counter("<2" if kg < 2 else "2-10" if kg <= 10 else ">10" for kg in kgs)

    assert shares(None) == shares(None)
    weighted = shares((0.1, 0.8, 0.1))
    assert weighted["2-10"] > 600 and weighted["<2"] < 150 and weighted[">10"] < 150
    assert shares((0.0, 1.0, 0.0)) == Counter({"2-10": 900})
    rng = np.random.default_rng(9)
    for bad in [(1.0, 1.0), (-1.0, 1.0, 1.0), (0.0, 0.0, 0.0)]:
        with pytest.raises(ValueError, match="bucket_weights"):
            random_spec(rng, concealment_share=1.0, mass_weights=bad)


def test_every_port_smuggling_case_maps_to_a_concealment() -> None:
    for method in SmugglingMethod:
        for location in Location:
            assert isinstance(concealment_for(method, location), ConcealmentKind)
    assert concealment_for(SmugglingMethod.RIP_ON_RIP_OFF, Location.DOOR_END) is ConcealmentKind.DOOR_BAGS
    assert concealment_for("structure_cavity", "roof") is ConcealmentKind.ROOF_CAVITY
    assert concealment_for("STRUCTURE_CAVITY", "front_wall") is ConcealmentKind.FALSE_FRONT_WALL
    assert concealment_for("hollow_goods", "throughout") is ConcealmentKind.HOLLOW_LOGS
    with pytest.raises(ValueError, match="smuggling method"):
        concealment_for("teleport", "floor")


def test_fit_concealment_downgrades_what_cannot_happen() -> None:
    assert fit_concealment(ContainerKind.DRY_40, CargoClass.BANANAS, ConcealmentKind.HOLLOW_LOGS) is (
        ConcealmentKind.BRICKS_IN_CARGO
    )
    assert fit_concealment(ContainerKind.DRY_20, CargoClass.COFFEE, ConcealmentKind.REEFER_UNIT) is (
        ConcealmentKind.FALSE_FRONT_WALL
    )
    assert fit_concealment(ContainerKind.DRY_20, CargoClass.EMPTY, ConcealmentKind.BRICKS_IN_CARGO) is (
        ConcealmentKind.FLOOR_CAVITY
    )
    assert fit_concealment(ContainerKind.REEFER_40, CargoClass.TIMBER, ConcealmentKind.HOLLOW_LOGS) is (
        ConcealmentKind.HOLLOW_LOGS
    )


@pytest.mark.parametrize(
    ("hs_code", "cargo"),
    [
        ("080390", CargoClass.BANANAS),
        ("0901.11", CargoClass.COFFEE),
        ("440349", CargoClass.TIMBER),
        ("", CargoClass.EMPTY),
    ],
)
def test_cargo_class_for_hs_code(hs_code: str, cargo: CargoClass) -> None:
    assert cargo_class_for(hs_code) is cargo
