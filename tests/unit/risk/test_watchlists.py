"""Watch lists: name normalisation, fuzzy party matching, exact identifiers, validity and file errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from cargoscreen.domain.ids import container_check_digit
from cargoscreen.domain.records import (
    Consignment,
    Equipment,
    GoodsItem,
    GoodsPlacement,
    Manifest,
    Party,
    VesselCall,
)
from cargoscreen.domain.targeting import ListKind, WatchListEntry
from cargoscreen.risk.case import ContainerCase, build_cases
from cargoscreen.risk.normalise import normalise_container, normalise_imo, normalise_party
from cargoscreen.risk.watchlists import (
    PartyMatcher,
    WatchList,
    WatchListError,
    load_watchlist,
    parse_watchlist_csv,
)

DAY = date(2026, 11, 23)


def number(serial: int, owner: str = "TGHU") -> str:
    base = f"{owner}{serial:06d}"
    return base + container_check_digit(base)


def case(
    shipper: str, consignee: str, *, container: str = "MSCU1234566", bl: str = "MEDU-4471 23"
) -> ContainerCase:
    placement = GoodsPlacement(container_number=container)
    consignment = Consignment(
        bill_of_lading=bl,
        consignor=Party(name=shipper),
        consignee=Party(name=consignee),
        port_of_loading="ECGYE",
        goods_items=(GoodsItem(item_number=1, hs_code="080390", placements=(placement,)),),
    )
    manifest = Manifest(
        sender="CARRIER",
        interchange_ref="1",
        message_ref="1",
        source_format="json",
        vessel_call=VesselCall(
            imo_number="9321483",
            voyage_number="1",
            port_of_call="BEANR",
            eta=datetime(2026, 11, 20, tzinfo=UTC),
        ),
        equipment=(Equipment(container_number=container, size_type="45R1"),),
        consignments=(consignment,),
    )
    return build_cases(manifest)[0]


def entry(kind: str, value: str, valid_until: date | None = None) -> WatchListEntry:
    return WatchListEntry(
        list_kind=kind, value=value, reason="synthetic test entry", added_by="tests", valid_until=valid_until
    )


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("Exportadora X S.A.", "EXPORTADORA X"),
        ("EXPORTADORA X SA", "EXPORTADORA X"),
        ("Exportadora Frutas del Sur, S.A.C.", "EXPORTADORA FRUTAS DEL SUR"),
        ("Cía. Bananera Ñandú Ltda.", "BANANERA NANDU"),
        ("Comercializadora Andina S.A. de C.V.", "COMERCIALIZADORA ANDINA"),
        ("Importadora Río S. de R.L.", "IMPORTADORA RIO"),
        ("Van Dam Fruit BVBA", "VAN DAM FRUIT"),
        ("Müller & Söhne GmbH", "MULLER AND SOHNE"),
        ("Antwerp Fresh N.V.", "ANTWERP FRESH"),
        ("Global Trade LLC", "GLOBAL TRADE"),
        ("S.A.", "SA"),  # nothing but a legal form: kept, not emptied
    ],
)
def test_party_names_normalise_case_accents_punctuation_and_legal_forms(raw: str, normalised: str) -> None:
    assert normalise_party(raw) == normalised


@pytest.mark.parametrize(
    ("listed", "declared"),
    [
        ("Exportadora X S.A.", "EXPORTADORA X SA"),
        ("Exportadora Frutas del Sur S.A.C.", "FRUTAS DEL SUR EXPORTADORA SAC"),  # word order
        ("Cía. Bananera Ñandú Ltda.", "BANANERA NANDU CIA LTDA"),  # accents, suffix
        ("Exportadora Frutas del Sur S.A.", "Exportdora Frutas del Sur"),  # one letter missing
        ("Agro-Export Pacífico S.A.S.", "AGRO EXPORT PACIFICO SAS"),  # punctuation
    ],
)
def test_fuzzy_party_matches(listed: str, declared: str) -> None:
    [[(index, similarity)]] = PartyMatcher([listed]).match([declared])
    assert index == 0 and similarity >= 90


@pytest.mark.parametrize(
    ("listed", "declared"),
    [
        ("Exportadora Frutas del Sur S.A.", "Exportadora Frutas del Norte S.A."),
        ("Bananera Nandu Ltda", "Bananera Andina Ltda"),
        ("Exportadora X S.A.", "Exportadora Y S.A."),
        ("Global Fruit Trading NV", "Global Fish Trading NV"),
    ],
)
def test_different_parties_do_not_match(listed: str, declared: str) -> None:
    assert PartyMatcher([listed]).match([declared]) == [[]]


def test_threshold_is_configurable() -> None:
    listed, declared = ["Comercial Oceano Azul S.A."], ["COMERCIAL OCEANOS AZULES SA"]  # 93 of 100
    assert PartyMatcher(listed, threshold=95).match(declared) == [[]]
    assert PartyMatcher(listed, threshold=90).match(declared)[0][0][0] == 0
    assert PartyMatcher(listed, scorer="wratio", threshold=90).match(declared)[0][0][0] == 0


def test_party_hit_carries_entry_similarity_role_and_normalised_forms() -> None:
    listed = entry("party", "Exportadora Andina S.A.")
    hits = WatchList([listed]).match_cases([case("EXPORTADORA ANDINA SA", "Frutas NV")], on=DAY)
    [hit] = hits[0]
    assert hit.entry == listed and hit.role == "shipper" and hit.value == "EXPORTADORA ANDINA SA"
    assert hit.similarity == 100.0
    assert hit.normalised_value == hit.normalised_entry == "EXPORTADORA ANDINA"


def test_containers_vessels_and_bills_match_exactly_on_normalised_forms() -> None:
    lists = WatchList(
        [
            entry("container", "mscu 123456-6"),
            entry("vessel", "IMO 9321483"),
            entry("bill_of_lading", "medu447123"),
            entry("container", number(1)),
        ]
    )
    [hits] = lists.match_cases([case("A", "B")], on=DAY)
    assert sorted((h.entry.list_kind.value, h.value) for h in hits) == [
        ("bill_of_lading", "MEDU-4471 23"),
        ("container", "MSCU1234566"),
        ("vessel", "9321483"),
    ]
    assert (
        normalise_container("tghu 987654-2") == "TGHU9876542" and normalise_container("TGHU9876543") is None
    )
    assert normalise_imo("IMO 9321483") == "9321483" and normalise_imo("9321484") is None


def test_an_entry_counts_until_its_last_day_included() -> None:
    lists = WatchList([entry("container", "MSCU1234566", valid_until=DAY)])
    assert lists.match_cases([case("A", "B")], on=DAY) != [[]]
    assert lists.match_cases([case("A", "B")], on=date(2026, 11, 24)) == [[]]


def test_weight_scales_with_similarity() -> None:
    lists = WatchList([entry("party", "Exportadora Frutas del Sur")], weights={ListKind.PARTY: 0.6})
    [[hit]] = lists.match_cases([case("Exportdora Frutas del Sur", "B")], on=DAY)
    assert lists.weight(hit) == pytest.approx(0.6 * hit.similarity / 100) and hit.similarity < 100


def test_entries_refuse_invalid_identifiers() -> None:
    with pytest.raises(ValidationError, match="wrong check digit"):
        entry("container", "MSCU1234560")
    with pytest.raises(ValidationError, match="IMO"):
        entry("vessel", "9321484")


CSV_OK = """list_kind,value,reason,added_by,valid_until
party,"Exportadora Andina, S.A.",front company (synthetic),analyst.a,2027-01-31
container,MSCU 123456-6,rip-on 2025 (synthetic),analyst.b,
"""


def test_csv_watch_list_loads(tmp_path: Path) -> None:
    path = tmp_path / "watch.csv"
    path.write_text(CSV_OK, encoding="utf-8")
    lists = load_watchlist(path, threshold=85)
    assert [(e.list_kind.value, e.value, e.valid_until) for e in lists.entries] == [
        ("party", "Exportadora Andina, S.A.", date(2027, 1, 31)),
        ("container", "MSCU1234566", None),
    ]
    assert lists.threshold == 85


def test_bad_csv_names_every_line_and_column_and_loads_nothing() -> None:
    text = (
        CSV_OK
        + "vessel,9321484,bad check digit,analyst.c,\nparty,Someone,reason,analyst.d,31/12/2027\nship,X,r,a,\n"
    )
    with pytest.raises(WatchListError) as info:
        parse_watchlist_csv(text, "watch.csv")
    problems = info.value.problems
    assert len(problems) == 3
    assert problems[0].startswith("watch.csv line 4, column 2 (value): ") and "IMO" in problems[0]
    assert problems[1].startswith("watch.csv line 5, column 5 (valid_until): Input should be a valid date")
    assert problems[2].startswith("watch.csv line 6, column 1 (list_kind): ")


def test_csv_header_must_name_the_columns() -> None:
    with pytest.raises(WatchListError, match=r"watch.csv line 1: header must be .* \(missing added_by\)"):
        parse_watchlist_csv("list_kind,value,reason\nparty,X,r\n", "watch.csv")


def test_yaml_watch_list_loads_and_reports_lines(tmp_path: Path) -> None:
    good = tmp_path / "watch.yaml"
    good.write_text(
        "entries:\n  - {list_kind: party, value: Bananera Nandu, reason: synthetic, added_by: a}\n",
        encoding="utf-8",
    )
    assert load_watchlist(good).entries[0].value == "Bananera Nandu"
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- list_kind: party\n  value: X\n  reason: r\n  added_by: a\n"
        "- list_kind: container\n  value: MSCU1234560\n  reason: r\n  added_by: a\n",
        encoding="utf-8",
    )
    with pytest.raises(WatchListError) as info:
        load_watchlist(bad)
    [problem] = info.value.problems
    assert problem.startswith(f"{bad} line 6, column value: ") and "wrong check digit" in problem
