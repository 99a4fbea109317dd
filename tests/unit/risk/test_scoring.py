"""Scoring: noisy-or combination, forced lanes, reasons in plain words, and speed at a day's volume."""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta

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
    VesselCall,
)
from cargoscreen.domain.targeting import Channel, ReasonKind, RiskAssessment, Tip, WatchListEntry
from cargoscreen.risk.case import ContainerCase, build_cases
from cargoscreen.risk.explain import feature_label
from cargoscreen.risk.rules import RuleSet, default_profile, parse_profile
from cargoscreen.risk.scoring import assess
from cargoscreen.risk.watchlists import WatchList

NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)
PROFILE = """
rules:
  - id: REEFER
    title: Reefer
    owner: tests
    rationale: Reefers carry perishables that are released fast.
    valid_from: 2026-01-01
    valid_until: 2027-12-31
    weight: 0.3
    when: {field: equipment.reefer, eq: true}
  - id: ECUADOR
    title: From Ecuador
    owner: tests
    rationale: Ecuador is the largest single source of seizures.
    valid_from: 2026-01-01
    valid_until: 2027-12-31
    weight: 0.3
    when: {field: origin.countries, contains_any: [EC]}
  - id: SHIPPER-SEAL
    title: Shipper seal only
    owner: tests
    rationale: Only the shipper sealed the doors of this container.
    valid_from: 2026-01-01
    valid_until: 2027-12-31
    channel: SCAN
    when: {field: seals.sources, contains_any: [SHIPPER]}
  - id: EXPIRED
    title: Old rule
    owner: tests
    rationale: A rule whose time is over must not count.
    valid_from: 2025-01-01
    valid_until: 2025-12-31
    weight: 0.9
    when: {field: equipment.reefer, eq: true}
"""


def number(serial: int) -> str:
    base = f"MSCU{serial:06d}"
    return base + container_check_digit(base)


def manifest(count: int, *, call: int = 0, consignee: str = "EXPORTADORA X SA", seal: str = "CA") -> Manifest:
    equipment, bills = [], []
    for k in range(count):
        box = number(call * 1000 + k + 1)
        reefer = k % 2 == 0
        seals = (Seal(seal_number=f"S{k}", source=seal),)
        equipment.append(Equipment(container_number=box, size_type="45R1" if reefer else "45G1", seals=seals))
        item = GoodsItem(
            item_number=1,
            hs_code=("080390", "090111", "180100")[k % 3],
            packages=1000,
            gross_kg=19_000.0 + k,
            placements=(GoodsPlacement(container_number=box),),
        )
        bills.append(
            Consignment(
                bill_of_lading=f"BL{call}-{k}",
                consignor=Party(name=f"Shipper {k % 50} S.A."),
                consignee=Party(name=consignee if k == 0 else f"Importer {k % 70} NV"),
                port_of_loading=("ECGYE", "COCTG", "BRSSZ", "CNSHA")[k % 4],
                transhipment_ports=("PAMIT",) if k % 5 == 0 else (),
                goods_items=(item,),
            )
        )
    vessel = VesselCall(imo_number="9321483", voyage_number=f"V{call}", port_of_call="BEANR", eta=NOW)
    return Manifest(
        sender="CARRIER",
        interchange_ref=str(call),
        message_ref="1",
        source_format="json",
        vessel_call=vessel,
        equipment=tuple(equipment),
        consignments=tuple(bills),
    )


def one(seal: str = "CA") -> ContainerCase:
    return build_cases(manifest(1, seal=seal))[0]  # a reefer from Guayaquil (ECGYE)


def test_weights_and_model_combine_noisy_or() -> None:
    rules = parse_profile(PROFILE, "p.yaml")
    [plain] = assess([one()], rules=rules, now=NOW)
    assert plain.score == pytest.approx(1 - 0.7 * 0.7)  # two 0.3 rules: 0.51, not 0.6; EXPIRED does not count
    assert plain.model_probability is None and plain.model_version is None
    box = plain.container_number
    [modelled] = assess([one()], rules=rules, now=NOW, model_scores={box: 0.5}, model_version="kcs-3")
    assert modelled.score == pytest.approx(1 - 0.5 * 0.49)
    assert modelled.model_probability == 0.5 and modelled.model_version == "kcs-3"


def test_no_signal_scores_zero() -> None:
    [assessment] = assess([one()], rules=RuleSet(), now=NOW)
    assert assessment.score == 0.0 and assessment.reasons == () and assessment.forced_channel is None


def test_watch_list_hit_adds_its_weight_and_says_why() -> None:
    lists = WatchList(
        [WatchListEntry(list_kind="party", value="Exportadora X S.A.", reason="front company", added_by="a")]
    )
    [assessment] = assess([one()], rules=RuleSet(), watchlists=lists, now=NOW)
    assert assessment.score == pytest.approx(0.5)  # party weight 0.5 x 100 % similarity
    [reason] = assessment.reasons
    assert reason.kind is ReasonKind.WATCHLIST
    assert (
        reason.text
        == "consignee 'EXPORTADORA X SA' matches watch-list entry 'Exportadora X S.A.' (100 %): front company"
    )
    assert reason.details["normalised_value"] == reason.details["normalised_entry"] == "EXPORTADORA X"


def test_reasons_come_tips_first_then_forced_rules_then_weights_then_lists_then_model() -> None:
    case = one(seal="SH")
    tip = Tip(
        tip_id="T-9",
        target_kind="container",
        target_value=case.container_number,
        source_agency="partner (synthetic)",
        valid_from=NOW - timedelta(days=1),
        expires_at=NOW + timedelta(days=1),
    )
    lists = WatchList(
        [WatchListEntry(list_kind="vessel", value="9321483", reason="past seizure", added_by="a")]
    )
    explanation = [
        ("importer_fraud_rate", 0.42),
        ("log_item_price", -0.05),
        ("origin.country", 0.2),
        ("x_y", 0.01),
    ]
    [assessment] = assess(
        [case],
        rules=parse_profile(PROFILE, "p.yaml"),
        watchlists=lists,
        tips=[tip],
        model_scores={case.container_number: 0.3},
        model_explanations={case.container_number: explanation},
        now=NOW,
    )
    kinds = [(r.kind.value, r.code) for r in assessment.reasons]
    assert kinds[:5] == [
        ("tip", "T-9"),
        ("rule", "SHIPPER-SEAL"),
        ("rule", "REEFER"),
        ("rule", "ECUADOR"),
        ("watchlist", "vessel:9321483"),
    ]
    assert [r.text for r in assessment.reasons[5:]] == [
        "model: probability 0.30",
        "model: past fraud rate of the importer raises the risk (+0.42)",
        "model: country the goods come from (the most common) raises the risk (+0.20)",
        "model: declared item price lowers the risk (-0.05)",
    ]
    assert assessment.forced_channel is Channel.PHYSICAL  # the tip beats the SCAN rule
    shipper_seal = assessment.reasons[1]
    assert (
        "Only the shipper sealed" in shipper_seal.text and shipper_seal.details["seals.sources"] == "SHIPPER"
    )
    assert shipper_seal.details["effect"] == "forces SCAN"


def test_forced_rule_without_tip_forces_scan() -> None:
    [assessment] = assess([one(seal="SH")], rules=parse_profile(PROFILE, "p.yaml"), now=NOW)
    assert assessment.forced_channel is Channel.SCAN


def test_assessments_are_valid_records() -> None:
    results = assess(build_cases(manifest(30)), rules=default_profile(), now=NOW)
    for assessment in results:
        assert RiskAssessment.model_validate(assessment.model_dump()) == assessment


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="UTC offset"):
        assess([one()], rules=RuleSet(), now=datetime(2026, 11, 23))
    with pytest.raises(ValueError, match="between 0 and 1"):
        assess([one()], rules=RuleSet(), now=NOW, model_scores={one().container_number: 1.2})


def test_garbage_collector_state_is_restored() -> None:
    assess([one()], rules=RuleSet(), now=NOW)
    assert gc.isenabled()
    gc.disable()
    try:
        assess([one()], rules=RuleSet(), now=NOW)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_feature_labels_in_plain_language() -> None:
    assert feature_label("importer_seller_n") == "how often this importer-seller pair was seen before"
    assert feature_label("hs6_critical_rate") == "past critical-fraud rate of the HS6 code"
    assert feature_label("goods.kg_per_package") == "goods kg per package"
    assert feature_label("code_import_type") == "the import type code"
    assert feature_label("some_new_feature") == "some new feature"


@pytest.mark.slow
def test_a_days_volume_is_scored() -> None:
    cases = [case for call in range(100) for case in build_cases(manifest(330, call=call))]
    lists = WatchList(
        [
            WatchListEntry(list_kind="party", value=f"Listed Party {k} S.A.", reason="r", added_by="a")
            for k in range(300)
        ]
        + [
            WatchListEntry(list_kind="container", value=number(k * 7 + 1), reason="r", added_by="a")
            for k in range(100)
        ]
    )
    rules = default_profile()
    results = assess(cases, rules=rules, watchlists=lists, now=NOW)
    assert len(results) == 33_000 and any(r.score > 0 for r in results)
