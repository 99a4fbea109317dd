"""Container features: stable names and schema, values read right, no look-ahead, and speed at a day's volume.

All manifests here are SYNTHETIC, built by hand.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from cargoscreen.domain.ids import container_check_digit
from cargoscreen.domain.records import (
    Consignment,
    Equipment,
    GoodsItem,
    GoodsPlacement,
    Manifest,
    Party,
    Seal,
    SealSource,
    VesselCall,
)
from cargoscreen.risk import features
from cargoscreen.risk.case import ContainerCase, PartySeen, build_cases
from cargoscreen.risk.features import (
    CATEGORICAL,
    FEATURE_NAMES,
    OTHER,
    FeatureBuilder,
    describe,
    feature_schema,
    past_parties,
    schema_hash,
)

DAY = datetime(2026, 11, 23, 6, tzinfo=UTC)
FRUIT = Party(name="Frutas del Sur S.A.", country="EC")
IMPORTER = Party(name="Antwerp Fruit Import NV", country="BE", eori="BE0123456789")


def number(serial: int) -> str:
    head = f"MSCU{serial:06d}"
    return head + container_check_digit(head)


def manifest(
    boxes: list[tuple[str, str, str, int, float]],
    *,
    arrival: datetime = DAY,
    shipper: Party = FRUIT,
    consignee: Party = IMPORTER,
    via: tuple[str, ...] = ("PAMIT",),
    loading: str = "ECGYE",
    ref: str = "1",
) -> Manifest:
    """One vessel call; each box is (container number, size-type, HS code, packages, gross kg of goods)."""
    equipment = tuple(
        Equipment(
            container_number=n,
            size_type=size,
            gross_kg=kg + 4000,
            seals=(
                Seal(seal_number=f"C{n}", source=SealSource.CARRIER),
                Seal(seal_number=f"S{n}", source=SealSource.SHIPPER),
            ),
        )
        for n, size, _, _, kg in boxes
    )
    consignments = tuple(
        Consignment(
            bill_of_lading=f"BL{ref}{i}",
            consignor=shipper,
            consignee=consignee,
            port_of_loading=loading,
            port_of_discharge="BEANR",
            transhipment_ports=via,
            goods_items=(
                GoodsItem(
                    item_number=1,
                    hs_code=hs,
                    packages=packages,
                    gross_kg=kg,
                    placements=(GoodsPlacement(container_number=n, packages=packages),),
                ),
            ),
        )
        for i, (n, _, hs, packages, kg) in enumerate(boxes)
    )
    call = VesselCall(imo_number="9321483", voyage_number=f"V{ref}", port_of_call="BEANR", ata=arrival)
    return Manifest(
        sender="SIM-TEST", interchange_ref=ref, message_ref=ref, source_format="json",
        vessel_call=call, equipment=equipment, consignments=consignments,
    )  # fmt: skip


def banana_cases(history: dict[str, PartySeen] | None = None) -> list[ContainerCase]:
    boxes = [(number(100 + i), "45R1", "080390", 1000, 19_500.0 + 100 * i) for i in range(6)]
    boxes.append(("MSCU1234566", "22G1", "090111", 300, 21_000.0))
    boxes.append(("TGHU9876542", "45G1", "180100", 400, 25_000.0))
    return build_cases(manifest(boxes), history)


@pytest.fixture
def fitted() -> tuple[FeatureBuilder, list[ContainerCase]]:
    cases = banana_cases()
    return FeatureBuilder(min_count=2, min_heading_count=3).fit(cases), cases


def column(matrix: np.ndarray, name: str) -> np.ndarray:
    return matrix[:, FEATURE_NAMES.index(name)]


def test_names_and_schema_are_fixed_and_ordered() -> None:
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)
    assert [name for name, dtype in feature_schema() if dtype == "category"] == list(CATEGORICAL)
    assert {f"goods.hs_chapter_{c}" for c in ("03", "08", "44", "other")} <= set(FEATURE_NAMES)
    assert len(schema_hash()) == 64 and schema_hash() == schema_hash()


def test_schema_hash_follows_the_schema_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = schema_hash()
    monkeypatch.setattr(features, "SCHEMA_VERSION", features.SCHEMA_VERSION + 1)
    assert schema_hash() != before


def test_builder_follows_the_estimator_contract(fitted: tuple[FeatureBuilder, list[ContainerCase]]) -> None:
    fresh = FeatureBuilder(min_count=3)
    assert fresh.get_params()["min_count"] == 3
    assert not [name for name in vars(fresh) if name.endswith("_")]
    builder, cases = fitted
    assert builder.feature_names_ == list(FEATURE_NAMES)
    matrix = builder.transform(cases)
    assert matrix.shape == (len(cases), len(FEATURE_NAMES)) and matrix.dtype == np.float64


def test_values_of_a_reefer_of_bananas_from_guayaquil_via_panama(
    fitted: tuple[FeatureBuilder, list[ContainerCase]],
) -> None:
    builder, cases = fitted
    row = builder.transform(cases[:1])
    value = {name: float(column(row, name)[0]) for name in FEATURE_NAMES}
    assert builder.vocabularies_["origin.country"][int(value["origin.country"])] == "EC"
    assert builder.vocabularies_["route.loading_port"][int(value["route.loading_port"])] == "ECGYE"
    assert value["route.via_risky_hub"] == 1 and value["route.transhipment_count"] == 1
    assert value["goods.hs_chapter_08"] == 1 and value["goods.hs_chapter_09"] == 0
    assert value["goods.hs_chapter_other"] == 0
    assert (
        value["equipment.reefer"] == 1
        and value["equipment.length_ft"] == 40
        and value["equipment.empty"] == 0
    )
    assert value["equipment.gross_kg"] == 23_500 and value["goods.kg_per_package"] == 19.5
    assert value["seals.count"] == 2 and value["seals.carrier"] == 1 and value["seals.shipper"] == 1
    assert value["bill_of_lading.count"] == 1 and value["goods.items"] == 1
    assert value["consignee.has_eori"] == 1
    typical = builder.typical_kg_per_package_["0803"]  # median of 19.5 .. 20.0 kg over six boxes
    assert typical == pytest.approx(19.75)
    assert value["goods.kg_per_package_log_ratio"] == pytest.approx(math.log(19.5 / 19.75))
    for name in ("consignee.age_days", "shipper.age_days", "pair.is_new"):
        assert math.isnan(value[name]), name  # no history given: unknown, not zero


def test_rare_values_fall_in_other_and_unknown_ones_are_nan(
    fitted: tuple[FeatureBuilder, list[ContainerCase]],
) -> None:
    builder, cases = fitted
    assert builder.vocabularies_["origin.country"] == ["EC", OTHER]
    brazil = build_cases(manifest([(number(300), "45R1", "080390", 10, 200.0)], loading="BRSSZ", via=()))
    row = builder.transform(brazil)
    assert builder.vocabularies_["route.loading_port"][int(column(row, "route.loading_port")[0])] == OTHER
    no_heading = build_cases(manifest([(number(301), "45G1", "090111", 10, 200.0)]))
    assert math.isnan(column(builder.transform(no_heading), "goods.kg_per_package_log_ratio")[0])
    frame = builder.frame(builder.transform(cases))
    assert [str(frame[name].dtype) for name in FEATURE_NAMES] == [d for _, d in feature_schema()]
    assert list(frame["origin.country"].unique()) == ["EC"]


def test_transform_is_deterministic(fitted: tuple[FeatureBuilder, list[ContainerCase]]) -> None:
    builder, cases = fitted
    again = FeatureBuilder(**builder.get_params()).fit(list(cases))
    np.testing.assert_array_equal(builder.transform(cases), again.transform(cases))
    np.testing.assert_array_equal(builder.transform(cases), builder.transform(cases))


def test_party_history_from_the_future_changes_nothing() -> None:
    earlier = manifest(
        [(number(400), "45R1", "080390", 1000, 19_500.0)], arrival=DAY - timedelta(days=12), ref="2"
    )
    later = manifest(
        [(number(401), "45R1", "080390", 1000, 19_500.0)], arrival=DAY + timedelta(days=1), ref="3"
    )
    newcomer = Party(name="Brand New Trading BV", country="BE")
    future = manifest([(number(402), "45G1", "090111", 10, 500.0)], arrival=DAY + timedelta(days=2), consignee=newcomer, ref="4")  # fmt: skip
    today = manifest([(number(403), "45R1", "080390", 1000, 19_500.0)], ref="5")
    past_only = past_parties([earlier], before=DAY)
    with_future = past_parties([earlier, later, future, today], before=DAY)
    assert past_only == with_future
    cases = build_cases(today, past_only.consignees)
    builder = FeatureBuilder(min_count=1).fit(cases)
    a = builder.transform(cases, shippers=past_only.shippers)
    b = builder.transform(build_cases(today, with_future.consignees), shippers=with_future.shippers)
    np.testing.assert_array_equal(a, b)
    assert column(a, "consignee.age_days")[0] == 12 and column(a, "shipper.age_days")[0] == 12
    assert column(a, "consignee.shipments")[0] == 1 and column(a, "shipper.shipments")[0] == 1
    assert column(a, "pair.is_new")[0] == 0


def test_shippers_per_case_or_one_for_all() -> None:
    cases = banana_cases()
    seen = {"FRUTAS DEL SUR": PartySeen(date(2026, 1, 1), 40)}
    builder = FeatureBuilder(min_count=1).fit(cases)
    one = builder.transform(cases, shippers=seen)
    per_case = builder.transform(cases, shippers=[seen] * (len(cases) - 1) + [None])
    np.testing.assert_array_equal(one[:-1], per_case[:-1])
    assert column(one, "shipper.shipments")[0] == 40 and math.isnan(column(per_case, "shipper.shipments")[-1])
    assert column(one, "shipper.age_days")[0] == (DAY.date() - date(2026, 1, 1)).days


def test_plain_words_for_the_officer(fitted: tuple[FeatureBuilder, list[ContainerCase]]) -> None:
    builder, _ = fitted
    assert describe("origin.country", "EC") == "origin EC"
    assert describe("equipment.reefer", 1.0) == "reefer"
    assert describe("equipment.reefer", 0.0) == "not a reefer"
    assert describe("consignee.age_days", 12.0) == "consignee first seen 12 days ago"
    assert describe("goods.hs_chapter_08", 1.0) == "goods of HS chapter 08"
    assert (
        describe("goods.kg_per_package_log_ratio", math.log(0.5))
        == "kg per package 50 % of the usual for its HS heading"
    )
    assert describe("consignee.age_days", None) == "consignee history unknown"
    assert builder.words("origin.country", 0.0) == "origin EC"
    for name in FEATURE_NAMES:
        assert "." not in describe(name, 1234.5678), name  # explain.feature_label turns dots into blanks


def test_a_day_of_33_000_containers_in_one_call(fitted: tuple[FeatureBuilder, list[ContainerCase]]) -> None:
    """Volume, results only (timings live in bench/targeting_speed.py; about 0.5 s for a day here)."""
    builder, cases = fitted
    day = cases * (33_000 // len(cases))
    seen = {"FRUTAS DEL SUR": PartySeen(date(2026, 1, 1), 40)}
    matrix = builder.transform(day, shippers=seen)
    np.testing.assert_array_equal(
        matrix, np.tile(builder.transform(cases, shippers=seen), (len(day) // len(cases), 1))
    )
