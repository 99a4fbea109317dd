"""``ContainerCase``: everything targeting reads about one container on one vessel call.

``build_cases(manifest, history)`` makes one case per equipment of the manifest: the consignments whose goods
are stowed in it, their parties and ports, HS codes, seals, weights and packages, and facts derived from the
past. Rules, explanations and the docs name a case's facts by dotted names (``origin.country``, ...):
``FIELDS`` is that namespace, each name with its kind and a plain description; texts are upper case and
``None`` means not known.

``history`` maps a normalised consignee name (:func:`~cargoscreen.risk.normalise.normalise_party`) to what
earlier shipments showed (:class:`PartySeen`); the caller computes it from the PAST only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from cargoscreen.domain.records import Consignment, Equipment, GoodsItem, GoodsPlacement, Manifest, Party
from cargoscreen.domain.reference import ports
from cargoscreen.risk.normalise import normalise_party

FieldValue = str | float | bool | frozenset[str] | None
# Panama / Caribbean transhipment hubs where containers change ship (and where rip-on loads happen).
RISKY_HUBS = frozenset(["PAMIT", "PABLB", "PAONX", "PACTB", "PAROD", "COCTG", "JMKIN", "BSFPO", "DOCAU"])
# Typical gross kg per package by HS heading (planning estimates: banana carton 18 kg + carton, coffee bags
# 60-70 kg, cocoa bags 62.5 kg, fish and shrimp master cartons ~20 kg, soy meal and sugar bags 50 kg).
TYPICAL_KG_PER_PACKAGE: Mapping[str, float] = {
    "0803": 19.5, "0804": 9.0, "0805": 16.0, "0806": 9.0, "0807": 14.0, "0901": 69.0, "1801": 63.0,
    "0303": 22.0, "0304": 22.0, "0306": 22.0, "0603": 12.0, "2304": 50.0, "1701": 50.0,
}  # fmt: skip


class FieldKind(StrEnum):
    """What a field holds; it decides which operators a rule may use on it."""

    TEXT = "text"
    NUMBER = "number"
    FLAG = "flag"
    SET = "set"


@dataclass(frozen=True, slots=True)
class PartySeen:
    """What past shipments showed of one consignee: first day seen, shipments, shippers it got goods from."""

    first_seen: date
    shipments: int
    partners: frozenset[str] = frozenset()


PartyHistory = Mapping[str, PartySeen]


@dataclass(frozen=True, slots=True)
class ContainerCase:
    """One container on one vessel call, with the consignments whose goods are stowed in it."""

    equipment: Equipment
    imo_number: str
    voyage_number: str
    vessel_name: str = ""
    carrier: str = ""
    arrival: datetime | None = None
    consignments: tuple[Consignment, ...] = ()
    loading_ports: frozenset[str] = frozenset()
    origin_ports: frozenset[str] = frozenset()
    transhipment_ports: frozenset[str] = frozenset()
    previous_ports: tuple[str, ...] = ()
    hs_codes: frozenset[str] = frozenset()
    hs_missing: bool = False
    descriptions: tuple[str, ...] = ()
    packages: int | None = None
    goods_gross_kg: float | None = None
    consignee_age_days: int | None = None
    consignee_shipments: int | None = None
    pair_is_new: bool | None = None
    value_per_kg: float | None = None
    typical_kg_per_package: float | None = None
    risky_hubs: frozenset[str] = RISKY_HUBS

    @property
    def container_number(self) -> str:
        return self.equipment.container_number

    def parties(self, role: str) -> tuple[Party, ...]:
        """The ``consignor``, ``consignee`` or ``notify`` parties of the case's consignments."""
        found = (getattr(c, role) for c in self.consignments)
        return tuple(p for p in found if p is not None)

    def value(self, name: str) -> FieldValue:
        """The value of a namespace field, e.g. ``case.value("origin.country")``."""
        return FIELDS[name].get(self)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One name of the namespace: its kind, a plain description, and how to read it from a case."""

    kind: FieldKind
    description: str
    get: Callable[[ContainerCase], FieldValue]


def _countries(locodes: Iterable[str]) -> frozenset[str]:
    return frozenset(code[:2] for code in locodes)


def _origin_country(case: ContainerCase) -> str | None:
    counts = Counter(p[:2] for c in case.consignments if (p := c.place_of_origin or c.port_of_loading))
    return min(counts, key=lambda k: (-counts[k], k)) if counts else None


def _origin_region(case: ContainerCase) -> str | None:
    known = ports()
    regions = Counter(known[p].region.upper() for p in case.origin_ports if p in known)
    return min(regions, key=lambda k: (-regions[k], k)) if regions else None


def _route_ports(case: ContainerCase) -> frozenset[str]:
    return case.loading_ports | case.transhipment_ports | frozenset(case.previous_ports)


def _hubs(case: ContainerCase) -> frozenset[str]:
    return (_route_ports(case) & case.risky_hubs) - case.origin_ports


def _names(case: ContainerCase, role: str) -> frozenset[str]:
    return frozenset(p.name.upper() for p in case.parties(role))


def _party_countries(case: ContainerCase, role: str) -> frozenset[str]:
    return frozenset(p.country for p in case.parties(role) if p.country)


def _ratio(top: float | None, bottom: float | None) -> float | None:
    return top / bottom if top is not None and bottom else None


def _kg_ratio(case: ContainerCase) -> float | None:
    return _ratio(_ratio(case.goods_gross_kg, case.packages), case.typical_kg_per_package)


def _headings(case: ContainerCase) -> frozenset[str]:
    return frozenset(h[:4] for h in case.hs_codes if len(h) >= 4)


def _has_eori(case: ContainerCase) -> bool:
    return all(p.eori for p in case.parties("consignee"))


def _seal_sources(case: ContainerCase) -> frozenset[str]:
    return frozenset(s.source.name for s in case.equipment.seals)


_T, _N, _F, _S = FieldKind.TEXT, FieldKind.NUMBER, FieldKind.FLAG, FieldKind.SET
_ = FieldSpec
FIELDS: dict[str, FieldSpec] = {
    "container.number": _(_T, "ISO 6346 container number", lambda c: c.container_number),
    "equipment.size_type": _(_T, "ISO size-type code (45R1)", lambda c: c.equipment.size_type),
    "equipment.reefer": _(_F, "refrigerated container", lambda c: c.equipment.reefer),
    "equipment.length_ft": _(_N, "length in feet (20, 40, 45)", lambda c: c.equipment.length_ft),
    "equipment.empty": _(_F, "declared empty", lambda c: c.equipment.full_empty.name == "EMPTY"),
    "equipment.movement": _(_T, "IMPORT, EXPORT or TRANSHIPMENT", lambda c: c.equipment.movement.name),
    "equipment.gross_kg": _(_N, "gross kg declared for the container", lambda c: c.equipment.gross_kg),
    "vessel.imo_number": _(_T, "IMO number of the vessel", lambda c: c.imo_number),
    "vessel.name": _(_T, "vessel name", lambda c: c.vessel_name.upper()),
    "vessel.carrier": _(_T, "carrier", lambda c: c.carrier.upper()),
    "vessel.previous_ports": _(_S, "the vessel's previous calls", lambda c: frozenset(c.previous_ports)),
    "vessel.previous_countries": _(_S, "countries of those calls", lambda c: _countries(c.previous_ports)),
    "origin.country": _(_T, "country the goods come from (the most common)", _origin_country),
    "origin.countries": _(_S, "every origin country", lambda c: _countries(c.origin_ports)),
    "origin.ports": _(_S, "places of origin, else ports of loading", lambda c: c.origin_ports),
    "origin.region": _(_T, "region of the origin ports (LATIN_AMERICA, ...)", _origin_region),
    "route.loading_ports": _(_S, "ports of loading", lambda c: c.loading_ports),
    "route.loading_countries": _(_S, "countries of loading", lambda c: _countries(c.loading_ports)),
    "route.transhipment_ports": _(_S, "transhipment ports", lambda c: c.transhipment_ports),
    "route.transhipment_countries": _(_S, "their countries", lambda c: _countries(c.transhipment_ports)),
    "route.ports": _(_S, "loading, transhipment and vessel previous ports", _route_ports),
    "route.countries": _(_S, "countries of route.ports", lambda c: _countries(_route_ports(c))),
    "route.risky_hubs": _(_S, "risky hubs on the route that are not an origin port", _hubs),
    "route.via_risky_hub": _(_F, "route.risky_hubs is not empty", lambda c: bool(_hubs(c))),
    "goods.hs_codes": _(_S, "HS codes as declared (2, 4 or 6 digits)", lambda c: c.hs_codes),
    "goods.hs_chapters": _(_S, "HS chapters (08)", lambda c: frozenset(h[:2] for h in c.hs_codes)),
    "goods.hs_headings": _(_S, "HS headings (0803)", _headings),
    "goods.hs_missing": _(_F, "a goods item without an HS code", lambda c: c.hs_missing),
    "goods.description": _(_T, "goods descriptions", lambda c: " | ".join(c.descriptions)),
    "goods.packages": _(_N, "packages stowed in the container", lambda c: c.packages),
    "goods.gross_kg": _(_N, "gross kg of those goods", lambda c: c.goods_gross_kg),
    "goods.kg_per_package": _(_N, "goods kg per package", lambda c: _ratio(c.goods_gross_kg, c.packages)),
    "goods.kg_per_package_ratio": _(_N, "kg per package / typical for the HS heading", _kg_ratio),
    "goods.value_per_kg": _(_N, "declared value per kg (not in manifests)", lambda c: c.value_per_kg),
    "bill_of_lading.numbers": _(_S, "B/Ls", lambda c: frozenset(b.bill_of_lading for b in c.consignments)),
    "bill_of_lading.count": _(_N, "B/Ls with goods in the container", lambda c: len(c.consignments)),
    "shipper.names": _(_S, "consignor names", lambda c: _names(c, "consignor")),
    "shipper.countries": _(_S, "consignor countries", lambda c: _party_countries(c, "consignor")),
    "consignee.names": _(_S, "consignee names", lambda c: _names(c, "consignee")),
    "consignee.countries": _(_S, "consignee countries", lambda c: _party_countries(c, "consignee")),
    "consignee.has_eori": _(_F, "every consignee has an EORI", _has_eori),
    "consignee.age_days": _(
        _N, "days since a consignee was first seen (min)", lambda c: c.consignee_age_days
    ),
    "consignee.shipments": _(_N, "fewest past shipments of a consignee", lambda c: c.consignee_shipments),
    "pair.is_new": _(_F, "a shipper-consignee pair never seen before", lambda c: c.pair_is_new),
    "seals.sources": _(_S, "who sealed: CARRIER, SHIPPER, CUSTOMS, TERMINAL", _seal_sources),
    "seals.count": _(_N, "seals on the doors", lambda c: len(c.equipment.seals)),
}


def build_cases(
    manifest: Manifest,
    history: PartyHistory | None = None,
    *,
    typical_kg_per_package: Mapping[str, float] = TYPICAL_KG_PER_PACKAGE,
    risky_hubs: frozenset[str] = RISKY_HUBS,
) -> list[ContainerCase]:
    """One case per equipment of the manifest, with the goods placed in it and the derived facts."""
    call = manifest.vessel_call
    arrival = call.ata or call.eta or manifest.document_time
    stowed = _stowage(manifest.consignments)
    cases = []
    for equipment in manifest.equipment:
        lines = stowed.get(equipment.container_number, [])
        consignments = tuple({id(c): c for c, _, _ in lines}.values())
        hs_codes = frozenset(item.hs_code for _, item, _ in lines if item.hs_code)
        packages, kg = _weights(lines)
        age, shipments, pair_is_new = _history_facts(consignments, history, arrival)
        case = ContainerCase(
            equipment=equipment,
            imo_number=call.imo_number,
            voyage_number=call.voyage_number,
            vessel_name=call.vessel_name,
            carrier=call.carrier,
            arrival=arrival,
            consignments=consignments,
            loading_ports=frozenset(c.port_of_loading for c in consignments if c.port_of_loading),
            origin_ports=frozenset(p for c in consignments if (p := c.place_of_origin or c.port_of_loading)),
            transhipment_ports=frozenset(p for c in consignments for p in c.transhipment_ports),
            previous_ports=call.previous_ports,
            hs_codes=hs_codes,
            hs_missing=any(item.hs_code is None for _, item, _ in lines),
            descriptions=tuple(item.description.upper() for _, item, _ in lines),
            packages=packages,
            goods_gross_kg=kg,
            consignee_age_days=age,
            consignee_shipments=shipments,
            pair_is_new=pair_is_new,
            typical_kg_per_package=_typical(hs_codes, typical_kg_per_package),
            risky_hubs=risky_hubs,
        )
        cases.append(case)
    return cases


_Line = tuple[Consignment, GoodsItem, GoodsPlacement]


def _stowage(consignments: Iterable[Consignment]) -> dict[str, list[_Line]]:
    stowed: dict[str, list[_Line]] = {}
    for consignment in consignments:
        for item in consignment.goods_items:
            for placement in item.placements:
                stowed.setdefault(placement.container_number, []).append((consignment, item, placement))
    return stowed


def _weights(lines: list[_Line]) -> tuple[int | None, float | None]:
    """Packages and gross kg in this container; an item split over containers counts pro rata packages."""
    packages: int | None = 0
    kg: float | None = 0.0
    for _, item, placement in lines:
        single = len(item.placements) == 1
        count = placement.packages if placement.packages is not None else item.packages if single else None
        share = 1.0 if single else count / item.packages if count is not None and item.packages else None
        packages = None if packages is None or count is None else packages + count
        kg = None if kg is None or item.gross_kg is None or share is None else kg + item.gross_kg * share
    return (packages, kg) if lines else (None, None)


def _typical(hs_codes: frozenset[str], table: Mapping[str, float]) -> float | None:
    """The typical kg per package when every coded item of the container points to the same figure."""
    figures = {table.get(h[:4]) for h in hs_codes}
    return figures.pop() if len(figures) == 1 else None


def _history_facts(
    consignments: tuple[Consignment, ...], history: PartyHistory | None, arrival: datetime | None
) -> tuple[int | None, int | None, bool | None]:
    """Age in days and past shipments of the least known consignee; whether a shipper-consignee pair is new."""
    parties = [(c.consignor, c.consignee) for c in consignments if c.consignee is not None]
    if history is None or not parties:
        return None, None, None
    seen = [history.get(normalise_party(consignee.name)) for _, consignee in parties]
    ages = [0 if s is None else (arrival.date() - s.first_seen).days for s in seen] if arrival else []
    named = zip(parties, seen, strict=True)
    pairs = [(normalise_party(shipper.name), s) for (shipper, _), s in named if shipper]
    new_pair = any(s is None or name not in s.partners for name, s in pairs) if pairs else None
    return (min(ages) if ages else None), min(s.shipments if s else 0 for s in seen), new_pair
