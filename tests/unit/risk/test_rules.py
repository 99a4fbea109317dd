"""Container cases from manifests, rule conditions, validity dates and rule-profile errors (synthetic data)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cargoscreen.domain.ids import container_check_digit
from cargoscreen.domain.records import Consignment as Bill
from cargoscreen.domain.records import Equipment, FullEmpty, GoodsItem, GoodsPlacement, Manifest, Party, Seal
from cargoscreen.domain.records import VesselCall as Call
from cargoscreen.domain.targeting import Channel
from cargoscreen.risk.case import FIELDS, ContainerCase, PartySeen, build_cases
from cargoscreen.risk.rule_conditions import CaseColumns, evaluate
from cargoscreen.risk.rules import ProfileError, Rule, RuleBook, default_profile, load_profile, parse_profile

ETA = datetime(2026, 11, 20, 6, tzinfo=UTC)
BANANAS, COFFEE = "080390", "090111"
REEFER = {"field": "equipment.reefer", "eq": True}
YAML_REEFER = "{field: equipment.reefer, eq: true}"


def number(serial: int) -> str:
    base = f"MSCU{serial:06d}"
    return base + container_check_digit(base)


def goods(container: str, hs: str | None = BANANAS, packages: int = 1000, kg: float = 19_500.0) -> GoodsItem:
    where = (GoodsPlacement(container_number=container),)
    return GoodsItem(
        item_number=1, hs_code=hs, description="bananas", packages=packages, gross_kg=kg, placements=where
    )


def bill(
    bl: str, *items: GoodsItem, pol: str = "ECGYE", via: tuple[str, ...] = (), consignee: str = "Frutas NV"
) -> Bill:
    parties = {
        "consignor": Party(name="Exportadora Andina S.A.", country="EC"),
        "consignee": Party(name=consignee),
    }
    return Bill(bill_of_lading=bl, port_of_loading=pol, transhipment_ports=via, goods_items=items, **parties)


def manifest(equipment: list[Equipment], bills: list[Bill], previous: tuple[str, ...] = ()) -> Manifest:
    call = Call(
        imo_number="9321483", voyage_number="045E", port_of_call="BEANR", eta=ETA, previous_ports=previous
    )
    return Manifest(
        sender="CARRIER", interchange_ref="1", message_ref="1", source_format="json", vessel_call=call,
        equipment=tuple(equipment), consignments=tuple(bills),
    )  # fmt: skip


def reefer(container: str, *sources: str) -> Equipment:
    seals = tuple(Seal(seal_number=f"S{i}", source=s) for i, s in enumerate(sources or ("CA",)))
    return Equipment(container_number=container, size_type="45R1", seals=seals)


def empty(serial: int, kg: float) -> Equipment:
    return Equipment(
        container_number=number(serial), size_type="45G1", full_empty=FullEmpty.EMPTY, gross_kg=kg
    )


def banana_case() -> ContainerCase:
    return build_cases(manifest([reefer(number(1))], [bill("BL1", goods(number(1)))]))[0]


def rule(when: object) -> Rule:
    data = dict(
        id="R-1", title="t", owner="tests", rationale="a rationale long enough", weight=0.3, when=when
    )
    return Rule.model_validate(data | dict(valid_from=date(2026, 1, 1), valid_until=date(2026, 12, 31)))


def holds(condition: object, case: ContainerCase) -> bool:
    return bool(evaluate(rule(condition).when, CaseColumns([case]))[0])


# --- cases -----------------------------------------------------------------------------------------


def test_one_case_per_equipment_with_its_goods_and_derived_facts() -> None:
    a, b = number(1), number(2)
    dry = Equipment(container_number=b, size_type="22G1", seals=(Seal(seal_number="X", source="SH"),))
    coffee = goods(b, COFFEE, packages=300, kg=21_000.0)
    cases = build_cases(
        manifest(
            [reefer(a, "CA", "CU"), dry],
            [bill("BL1", goods(a)), bill("BL2", coffee, pol="PAMIT", via=("JMKIN",))],
            previous=("COCTG",),
        )
    )
    assert [c.container_number for c in cases] == [a, b]
    first, second = cases
    assert first.value("equipment.reefer") is True and second.value("equipment.reefer") is False
    assert first.value("goods.hs_headings") == frozenset({"0803"})
    assert second.value("goods.hs_chapters") == frozenset({"09"})
    assert first.value("goods.kg_per_package") == pytest.approx(19.5)
    assert first.value("goods.kg_per_package_ratio") == pytest.approx(1.0)
    assert second.value("goods.kg_per_package_ratio") == pytest.approx(70.0 / 69.0)
    assert first.value("seals.sources") == frozenset({"CARRIER", "CUSTOMS"})
    assert second.value("seals.sources") == frozenset({"SHIPPER"})
    assert first.value("origin.country") == "EC" and first.value("origin.region") == "LATIN_AMERICA"
    assert second.value("route.transhipment_ports") == frozenset({"JMKIN"})
    assert second.value("route.ports") == frozenset({"PAMIT", "JMKIN", "COCTG"})
    assert second.value("route.risky_hubs") == frozenset({"JMKIN", "COCTG"})  # PAMIT is where it was loaded
    assert first.value("route.via_risky_hub") is True  # the vessel called at Cartagena after Guayaquil
    assert first.value("consignee.age_days") is None  # no history given: unknown, not "new"


def test_goods_item_split_over_containers_counts_its_share() -> None:
    a, b = number(1), number(2)
    placements = tuple(GoodsPlacement(container_number=c, packages=n) for c, n in ((a, 600), (b, 400)))
    item = GoodsItem(item_number=1, hs_code=BANANAS, packages=1000, gross_kg=20_000.0, placements=placements)
    cases = build_cases(manifest([reefer(a), reefer(b)], [bill("BL1", item)]))
    assert [c.value("goods.packages") for c in cases] == [600, 400]
    assert [c.value("goods.gross_kg") for c in cases] == pytest.approx([12_000.0, 8_000.0])


def test_history_gives_consignee_age_shipments_and_pair_novelty() -> None:
    box = number(1)
    shipped = manifest([reefer(box)], [bill("BL1", goods(box), consignee="Frutas N.V.")])
    known = {"FRUTAS": PartySeen(date(2026, 1, 1), shipments=12, partners=frozenset({"EXPORTADORA ANDINA"}))}
    case = build_cases(shipped, known)[0]
    assert case.value("consignee.age_days") == (ETA.date() - date(2026, 1, 1)).days
    assert case.value("consignee.shipments") == 12 and case.value("pair.is_new") is False
    stranger = build_cases(shipped, {})[0]
    assert stranger.value("consignee.age_days") == 0 and stranger.value("pair.is_new") is True


def test_every_field_reads_without_error_on_an_empty_container() -> None:
    case = build_cases(manifest([empty(3, 3_800.0)], []))[0]
    values = {name: case.value(name) for name in FIELDS}
    assert values["goods.kg_per_package"] is None and values["equipment.empty"] is True
    assert values["origin.country"] is None and values["goods.hs_codes"] == frozenset()


# --- conditions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"field": "origin.country", "eq": "ec"}, True),
        ({"field": "origin.country", "ne": "EC"}, False),
        ({"field": "origin.country", "in": ["CO", "EC"]}, True),
        ({"field": "origin.country", "not_in": ["CO", "EC"]}, False),
        ({"field": "goods.description", "contains_any": ["banana"]}, True),
        ({"field": "goods.hs_headings", "contains_any": ["0803", "0901"]}, True),
        ({"field": "goods.hs_codes", "startswith": ["08"]}, True),
        ({"field": "vessel.imo_number", "startswith": "93"}, True),
        ({"field": "goods.packages", "gt": 1000}, False),
        ({"field": "goods.packages", "gte": 1000}, True),
        ({"field": "goods.packages", "lt": 1000}, False),
        ({"field": "goods.packages", "lte": 1000}, True),
        ({"field": "goods.kg_per_package", "between": [19, 20]}, True),
        ({"field": "goods.packages", "in": [1000, 2000]}, True),
        (REEFER, True),
        ({"field": "consignee.age_days", "exists": False}, True),
        ({"field": "consignee.age_days", "lt": 90}, False),  # unknown matches nothing ...
        ({"not": {"field": "consignee.age_days", "lt": 90}}, True),  # ... so its negation holds
        ({"any": [{"field": "origin.country", "eq": "CO"}, REEFER]}, True),
        ({"all": [{"field": "origin.country", "eq": "CO"}, REEFER]}, False),
    ],
)
def test_operators_on_a_banana_reefer(condition: object, expected: bool) -> None:
    assert holds(condition, banana_case()) is expected


def test_rule_is_active_from_its_first_to_its_last_day_included() -> None:
    days = (date(2025, 12, 31), date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 1))
    assert [rule(REEFER).active_on(d) for d in days] == [False, True, True, False]
    text = (
        "rules:\n"
        + _yaml_rule("R-OLD", valid_until="2026-06-30")
        + _yaml_rule("R-NEW", valid_from="2026-07-01")
    )
    rules = parse_profile(text, "p.yaml")
    hits = rules.evaluate([banana_case()], on=date(2026, 11, 23))
    assert [r.id for r in hits.rules] == ["R-NEW"] and hits.matched.tolist() == [[True]]


# --- profiles --------------------------------------------------------------------------------------


def _yaml_rule(
    rule_id: str, *, valid_from: str = "2026-01-01", valid_until: str = "2027-12-31", body: str = ""
) -> str:
    head = f"  - id: {rule_id}\n    title: t\n    owner: o\n    rationale: a rationale long enough\n"
    dates = f"    valid_from: {valid_from}\n    valid_until: {valid_until}\n"
    return head + dates + (body or f"    weight: 0.2\n    when: {YAML_REEFER}\n")


BAD_FIELD = """\
# a profile with a typo
rules:
  - id: EC-BANANA-REEFER
    title: Bananas from Ecuador
    owner: targeting
    rationale: Ecuador is the largest source of seized cocaine.
    valid_from: 2026-01-01
    valid_until: 2027-12-31
    weight: 0.35
    when:
      all:
        - {field: goods.hs_headings, contains_any: ["0803"]}
        - {field: equipment.reefer, eq: true}
        - {field: origin.contry, in: [EC]}
"""


def test_unknown_field_names_file_line_rule_and_suggestion(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(BAD_FIELD, encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert info.value.problems == (
        f"{path} line 14, rule EC-BANANA-REEFER: unknown field 'origin.contry' (did you mean 'origin.country'?)",
    )


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (f"    wieght: 0.2\n    when: {YAML_REEFER}\n", 8, "unknown key 'wieght'"),
        ("    weight: 0.2\n    when: {field: goods.hs_chapters, gt: 3}\n", 9, "operator 'gt' does not apply"),
        ("    weight: 0.2\n    when: {field: origin.countries, contains_any: [EC, NO]}\n", 9, "quote it"),
        ("    weight: 0.2\n    when: {field: goods.hs_headings, contains_any: [0402]}\n", 9, "is not text"),
        ("    weight: 0.2\n    when: {field: equipment.reefer, eq: true, ne: false}\n", 9, "one operator"),
        (f"    weight: 0.2\n    channel: SCAN\n    when: {YAML_REEFER}\n", 2, "not both"),
        (f"    channel: GREEN\n    when: {YAML_REEFER}\n", 2, "SCAN or PHYSICAL"),
        (f"    weight: 1.5\n    when: {YAML_REEFER}\n", 8, "weight"),
        ("    weight: 0.2\n    when:\n      any:\n        - 7\n", 11, "a condition is"),
        ("    weight: 0.2\n    when: {field: route.ports, contains_any: [PAMTI]}\n", 9, "not a UN/LOCODE"),
    ],
)
def test_profile_errors_name_line_rule_and_fault(body: str, line: int, message: str) -> None:
    text = "rules:\n" + _yaml_rule("R-1", body=body)
    with pytest.raises(ProfileError) as info:
        parse_profile(text, "p.yaml")
    problem = info.value.problems[0]
    assert problem.startswith(f"p.yaml line {line}, rule R-1: ") and message in problem, problem


def test_dates_ids_and_yaml_syntax_are_checked() -> None:
    with pytest.raises(ProfileError, match="valid_until 2025-12-31 is before valid_from"):
        parse_profile("rules:\n" + _yaml_rule("R-1", valid_until="2025-12-31"), "p.yaml")
    with pytest.raises(ProfileError, match=r"p.yaml line 10, rule R-1: id used twice"):
        parse_profile("rules:\n" + _yaml_rule("R-1") + _yaml_rule("R-1"), "p.yaml")
    with pytest.raises(ProfileError, match=r"p.yaml line 3: not valid YAML"):
        parse_profile("rules:\n  - id: [unclosed\n  - x: 1\n", "p.yaml")
    with pytest.raises(ProfileError, match="a profile is a mapping with a 'rules:' list"):
        parse_profile("- just a list\n", "p.yaml")


def test_rule_book_keeps_its_rules_when_a_reload_fails(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text("rules:\n" + _yaml_rule("R-GOOD"), encoding="utf-8")
    bad.write_text(BAD_FIELD, encoding="utf-8")
    book = RuleBook()
    assert book.reload([good]) == () and [r.id for r in book.current.rules] == ["R-GOOD"]
    problems = book.reload([good, bad])
    assert len(problems) == 1 and "origin.contry" in problems[0]
    assert [r.id for r in book.current.rules] == ["R-GOOD"]
    assert book.reload([good, good]) and [r.id for r in book.current.rules] == ["R-GOOD"]  # duplicate ids


def test_default_profile_loads_and_targets_ecuadorian_banana_reefers() -> None:
    profile = default_profile()
    assert len(profile.rules) >= 12
    assert all(len(r.rationale) > 60 for r in profile.rules)
    hits = profile.evaluate([banana_case()], on=date(2026, 11, 23))
    matched = {r.id for r, hit in zip(hits.rules, hits.matched[0], strict=True) if hit}
    assert "EC-BANANA-REEFER" in matched and "COCOA-COFFEE-SOURCE" not in matched
    forced = {r.id: r.channel for r in profile.rules if r.channel}
    assert forced["EMPTY-BUT-HEAVY"] is Channel.SCAN


def test_empty_but_heavy_container_is_forced_to_scan() -> None:
    cases = build_cases(manifest([empty(4, 9_000.0), empty(5, 3_900.0)], []))
    hits = default_profile().evaluate(cases, on=date(2026, 11, 23))
    column = [r.id for r in hits.rules].index("EMPTY-BUT-HEAVY")
    assert hits.matched[:, column].tolist() == [True, False]


def test_docs_describe_every_field_and_every_shipped_rule() -> None:
    docs = (Path(__file__).resolve().parents[3] / "docs" / "targeting.md").read_text(encoding="utf-8")
    missing = [name for name in FIELDS if f"| `{name}` |" not in docs]
    missing += [r.id for r in default_profile().rules if f"| {r.id} |" not in docs]
    assert not missing, f"docs/targeting.md does not describe: {missing}"
