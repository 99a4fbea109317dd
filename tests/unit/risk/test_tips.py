"""Tips: what they match, when they count, the lane they force and the uses to log (synthetic data)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from cargoscreen.domain.records import (
    Consignment,
    Equipment,
    GoodsItem,
    GoodsPlacement,
    Manifest,
    Party,
    VesselCall,
)
from cargoscreen.domain.targeting import Channel, ReasonKind, Tip, TipUse
from cargoscreen.risk.case import ContainerCase, build_cases
from cargoscreen.risk.rules import RuleSet
from cargoscreen.risk.scoring import assess
from cargoscreen.risk.tips import forced_channel, match_tips, tip_uses

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
FIRST, SECOND = "MSCU1234566", "TGHU9876542"


def cases() -> list[ContainerCase]:
    def bill(bl: str, container: str, consignee: str) -> Consignment:
        item = GoodsItem(
            item_number=1, hs_code="090111", placements=(GoodsPlacement(container_number=container),)
        )
        return Consignment(
            bill_of_lading=bl,
            consignor=Party(name="Café Exportación S.A.S."),
            consignee=Party(name=consignee),
            port_of_loading="COCTG",
            goods_items=(item,),
        )

    manifest = Manifest(
        sender="CARRIER",
        interchange_ref="1",
        message_ref="1",
        source_format="json",
        vessel_call=VesselCall(imo_number="9321483", voyage_number="7", port_of_call="BEANR", eta=NOW),
        equipment=tuple(Equipment(container_number=c, size_type="45G1") for c in (FIRST, SECOND)),
        consignments=(
            bill("HLCU-ANR-001", FIRST, "Koffie Import BV"),
            bill("HLCU-ANR-002", SECOND, "Other NV"),
        ),
    )
    return build_cases(manifest)


def tip(
    kind: str,
    value: str,
    *,
    hours: tuple[int, int] = (-24, 24),
    channel: str = "PHYSICAL",
    tip_id: str = "T-1",
) -> Tip:
    return Tip(
        tip_id=tip_id,
        target_kind=kind,
        target_value=value,
        source_agency="Partner agency (synthetic)",
        reliability="B",
        valid_from=NOW + timedelta(hours=hours[0]),
        expires_at=NOW + timedelta(hours=hours[1]),
        channel=channel,
        note="synthetic",
    )


def matched(tips: list[Tip]) -> list[list[str]]:
    return [[m.tip.tip_id for m in found] for found in match_tips(cases(), tips, at=NOW)]


def test_container_tip_matches_in_any_spelling() -> None:
    assert matched([tip("container", "mscu 123456-6")]) == [["T-1"], []]


def test_bill_of_lading_tip_matches_normalised() -> None:
    found = match_tips(cases(), [tip("bill_of_lading", "hlcu anr 002")], at=NOW)
    assert [[m.value for m in f] for f in found] == [[], ["HLCU-ANR-002"]]


def test_vessel_tip_names_every_container_of_the_call() -> None:
    assert matched([tip("vessel", "IMO 9321483")]) == [["T-1"], ["T-1"]]


def test_party_tip_matches_fuzzily_and_only_once_per_case() -> None:
    found = match_tips(cases(), [tip("party", "CAFE EXPORTACION SAS")], at=NOW)
    assert [[(m.matched_on, m.similarity) for m in f] for f in found] == [
        [("shipper", 100.0)],
        [("shipper", 100.0)],
    ]
    assert matched([tip("party", "Koffie Import B.V.")]) == [["T-1"], []]
    assert matched([tip("party", "Koffie Export BV")]) == [[], []]


@pytest.mark.parametrize(
    ("hours", "counts"),
    [((-24, 24), True), ((0, 1), True), ((-24, 0), False), ((-48, -1), False), ((1, 24), False)],
)
def test_tip_counts_from_valid_from_until_it_expires(hours: tuple[int, int], counts: bool) -> None:
    assert matched([tip("container", FIRST, hours=hours)])[0] == (["T-1"] if counts else [])


def test_tip_forces_its_channel_and_physical_wins() -> None:
    scan, physical = (
        tip("vessel", "9321483", channel="SCAN", tip_id="T-S"),
        tip("container", FIRST, tip_id="T-P"),
    )
    first, second = match_tips(cases(), [scan, physical], at=NOW)
    assert forced_channel(first) is Channel.PHYSICAL and forced_channel(second) is Channel.SCAN
    assert forced_channel([]) is None
    assert tip("container", FIRST).channel is Channel.PHYSICAL  # the default


def test_tips_refuse_green_lanes_and_backward_times() -> None:
    with pytest.raises(ValidationError, match="SCAN or PHYSICAL"):
        tip("container", FIRST, channel="GREEN")
    with pytest.raises(ValidationError, match="expires_at must be after valid_from"):
        tip("container", FIRST, hours=(5, 1))
    with pytest.raises(ValidationError, match="check digit"):
        tip("container", "MSCU1234567")


def test_assessment_carries_tip_reasons_and_the_uses_to_log() -> None:
    assessments = assess(cases(), rules=RuleSet(), tips=[tip("container", FIRST, tip_id="T-42")], now=NOW)
    first, second = assessments
    assert first.forced_channel is Channel.PHYSICAL and second.forced_channel is None
    [reason] = [r for r in first.reasons if r.kind is ReasonKind.TIP]
    assert reason.code == "T-42" and "names the container 'MSCU1234566'" in reason.text
    assert tip_uses(assessments) == [TipUse(tip_id="T-42", container_number=FIRST, used_at=NOW)]


def test_expired_tip_is_not_used() -> None:
    expired = tip("container", FIRST, hours=(-48, -1))
    assessments = assess(cases(), rules=RuleSet(), tips=[expired], now=NOW)
    assert tip_uses(assessments) == [] and all(a.forced_channel is None for a in assessments)
