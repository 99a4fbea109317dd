"""Leak-free model features of a :class:`~cargoscreen.risk.case.ContainerCase`, as one numeric matrix.

Every feature reads the case itself (equipment, route, goods, seals, parties) or history the caller computed
from the PAST only: the consignee facts of the case (from the ``PartyHistory`` given to ``build_cases``) and,
optionally, a shipper history of the same shape (:func:`past_parties` builds both from earlier manifests).
``FeatureBuilder.fit`` learns two label-free tables from the training cases, both saved with a model: the
typical gross kg per package of each HS heading (a median) and the vocabularies of the categorical features.

Columns are ``float64``; the two categorical ones hold vocabulary codes (NaN when unknown) and become pandas
categories in :meth:`FeatureBuilder.frame`. ``schema_hash()`` covers the ordered names, dtypes and
``SCHEMA_VERSION``: bump it whenever a feature changes meaning.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from cargoscreen.domain.records import Manifest, SealSource
from cargoscreen.risk.case import FIELDS, ContainerCase, PartyHistory, PartySeen
from cargoscreen.risk.normalise import normalise_party

SCHEMA_VERSION = 1
CHAPTERS: tuple[str, ...] = ("03", "06", "08", "09", "17", "18", "20", "23", "44")
CATEGORICAL: tuple[str, ...] = ("origin.country", "route.loading_port")
FEATURE_NAMES: tuple[str, ...] = (
    *CATEGORICAL, "route.via_risky_hub", "route.transhipment_count",
    *(f"goods.hs_chapter_{chapter}" for chapter in CHAPTERS), "goods.hs_chapter_other",
    "equipment.reefer", "equipment.length_ft", "equipment.empty", "equipment.gross_kg",
    "consignee.age_days", "consignee.shipments", "shipper.age_days", "shipper.shipments", "pair.is_new",
    "bill_of_lading.count", "goods.items", "seals.count", "seals.carrier", "seals.shipper",
    "consignee.has_eori", "goods.kg_per_package", "goods.kg_per_package_log_ratio",
)  # fmt: skip
# One shipper history for every case, or one per case (e.g. per arrival day); None: shipper facts are NaN.
Shippers = PartyHistory | Sequence[PartyHistory | None] | None
OTHER = "OTHER"  # the vocabulary entry of values seen fewer than ``min_count`` times in training
_NAN = math.nan


def feature_schema() -> list[tuple[str, str]]:
    """The ordered (name, dtype) pairs of :meth:`FeatureBuilder.frame`."""
    return [(name, "category" if name in CATEGORICAL else "float64") for name in FEATURE_NAMES]


def schema_hash() -> str:
    """sha256 of the schema version and the ordered feature names and dtypes; saved models must match it."""
    lines = [f"container-features:{SCHEMA_VERSION}", *(f"{n}:{d}" for n, d in feature_schema())]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PastParties:
    """What earlier manifests showed: consignees (for ``build_cases``) and shippers, by normalised name."""

    consignees: PartyHistory
    shippers: PartyHistory


def arrival_of(manifest: Manifest) -> datetime | None:
    """The moment a manifest's containers arrive, as ``build_cases`` reads it (ATA, else ETA, else document)."""
    call = manifest.vessel_call
    return call.ata or call.eta or manifest.document_time


def past_parties(manifests: Iterable[Manifest], *, before: datetime) -> PastParties:
    """Party histories from the manifests arriving strictly before ``before`` (later ones are ignored)."""
    seen: dict[str, dict[str, tuple[date, int, set[str]]]] = {"consignee": {}, "consignor": {}}
    for manifest in manifests:
        arrival = arrival_of(manifest)
        if arrival is None or arrival >= before:
            continue
        for consignment in manifest.consignments:
            pair = {"consignee": consignment.consignee, "consignor": consignment.consignor}
            names = {role: normalise_party(p.name) if p else None for role, p in pair.items()}
            for role, other in (("consignee", "consignor"), ("consignor", "consignee")):
                name = names[role]
                if name is None:
                    continue
                first, count, partners = seen[role].get(name, (arrival.date(), 0, set()))
                if names[other]:
                    partners.add(str(names[other]))
                seen[role][name] = (min(first, arrival.date()), count + 1, partners)

    def freeze(table: dict[str, tuple[date, int, set[str]]]) -> dict[str, PartySeen]:
        return {k: PartySeen(first, count, frozenset(p)) for k, (first, count, p) in table.items()}

    return PastParties(consignees=freeze(seen["consignee"]), shippers=freeze(seen["consignor"]))


class FeatureBuilder:
    """Turns cases into the feature matrix (scikit-learn estimator contract)."""

    def __init__(self, *, min_count: int = 20, min_heading_count: int = 5, max_categories: int = 60) -> None:
        self.min_count = min_count
        self.min_heading_count = min_heading_count
        self.max_categories = max_categories

    def get_params(self) -> dict[str, int]:
        """The constructor parameters (saved with a model)."""
        return {name: getattr(self, name) for name in ("min_count", "min_heading_count", "max_categories")}

    def fit(self, cases: Sequence[ContainerCase]) -> FeatureBuilder:
        """Learn the vocabularies and the typical kg per package of each HS heading from training cases."""
        raw = [_raw(case, None) for case in cases]
        origins, ports = [r[0] for r in raw], [r[1] for r in raw]
        self.vocabularies_ = {
            "origin.country": self._vocabulary(origins),
            "route.loading_port": self._vocabulary(ports),
        }
        per_heading: dict[str, list[float]] = {}
        for case, (_, _, _, per_package) in zip(cases, raw, strict=True):
            heading = _single_heading(case)
            if heading is not None and per_package > 0:
                per_heading.setdefault(heading, []).append(per_package)
        self.typical_kg_per_package_ = {
            h: float(np.median(v)) for h, v in sorted(per_heading.items()) if len(v) >= self.min_heading_count
        }
        self.feature_names_ = list(FEATURE_NAMES)
        return self

    def restore(
        self, vocabularies: Mapping[str, Sequence[str]], typical: Mapping[str, float]
    ) -> FeatureBuilder:
        """Set the learned tables from a saved model (see :mod:`cargoscreen.risk.container_model`)."""
        self.vocabularies_ = {name: [str(v) for v in vocabularies[name]] for name in CATEGORICAL}
        self.typical_kg_per_package_ = {str(k): float(v) for k, v in typical.items()}
        self.feature_names_ = list(FEATURE_NAMES)
        return self

    def transform(self, cases: Sequence[ContainerCase], *, shippers: Shippers = None) -> np.ndarray:
        """The ``(len(cases), len(feature_names_))`` float64 matrix; NaN where a fact is unknown."""
        codes = [{v: float(i) for i, v in enumerate(self.vocabularies_[name])} for name in CATEGORICAL]
        other = [table.get(OTHER, _NAN) for table in codes]
        typical = self.typical_kg_per_package_
        rows = []
        histories = shippers if isinstance(shippers, Sequence) else [shippers] * len(cases)
        for case, history in zip(cases, histories, strict=True):
            origin, port, numbers, per_package = _raw(case, history)
            usual = typical.get(_single_heading(case) or "")
            ratio = math.log(per_package / usual) if usual and per_package > 0 else _NAN
            origin_code = _NAN if origin is None else codes[0].get(origin, other[0])
            port_code = _NAN if port is None else codes[1].get(port, other[1])
            rows.append((origin_code, port_code, *numbers, per_package, ratio))
        return np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))

    def frame(self, matrix: np.ndarray) -> pd.DataFrame:
        """The matrix as a DataFrame with the categorical columns as pandas categories (LightGBM's input)."""
        columns: dict[str, object] = {}
        for j, name in enumerate(FEATURE_NAMES):
            if name in CATEGORICAL:
                codes = np.nan_to_num(matrix[:, j], nan=-1.0).astype(np.int64)
                columns[name] = pd.Categorical.from_codes(codes, categories=self.vocabularies_[name])
            else:
                columns[name] = matrix[:, j]
        return pd.DataFrame(columns)

    def words(self, name: str, value: float) -> str:
        """A column's value in plain words (:func:`describe`), categorical codes read in the vocabulary."""
        if math.isnan(value):
            return describe(name, None)
        return describe(name, self.vocabularies_[name][int(value)] if name in CATEGORICAL else value)

    def _vocabulary(self, values: Iterable[str | None]) -> list[str]:
        counts = Counter(v for v in values if v is not None and v != OTHER)
        ranked = sorted((v for v, n in counts.items() if n >= self.min_count), key=lambda v: (-counts[v], v))
        return [*sorted(ranked[: self.max_categories]), OTHER]


_ORIGIN = FIELDS["origin.country"].get
_HUB = FIELDS["route.via_risky_hub"].get


def _number(value: float | None) -> float:
    """Booleans and numbers as floats, None as NaN."""
    return _NAN if value is None else float(value)


def _raw(
    case: ContainerCase, shippers: PartyHistory | None
) -> tuple[str | None, str | None, list[float], float]:
    """Origin country and main loading port (None if unknown), the numeric features up to the EORI, and
    the kg per package (NaN if unknown): everything but the ratio, which needs the fitted table."""
    equipment, number = case.equipment, case.container_number
    consignments = case.consignments
    loading = Counter(c.port_of_loading for c in consignments if c.port_of_loading)
    chapters = {h[:2] for h in case.hs_codes}
    sources = {seal.source for seal in equipment.seals}
    items = sum(
        1
        for c in consignments
        for i in c.goods_items
        if any(p.container_number == number for p in i.placements)
    )
    consignees = [c.consignee for c in consignments if c.consignee is not None]
    kg, packages = case.goods_gross_kg, case.packages
    origin = _ORIGIN(case)
    numbers = [
        float(bool(_HUB(case))),
        float(len(case.transhipment_ports)),
        *(float(ch in chapters) for ch in CHAPTERS),
        float(bool(chapters - set(CHAPTERS))),
        float(equipment.reefer),
        float(equipment.length_ft),
        float(equipment.full_empty.name == "EMPTY"),
        _number(equipment.gross_kg),
        _number(case.consignee_age_days),
        _number(case.consignee_shipments),
        *_shipper_facts(case, shippers),
        _number(case.pair_is_new),
        float(len(consignments)),
        float(items),
        float(len(equipment.seals)),
        float(SealSource.CARRIER in sources),
        float(SealSource.SHIPPER in sources),
        _number(all(p.eori for p in consignees) if consignees else None),
    ]
    port = min(loading, key=lambda k: (-loading[k], k)) if loading else None
    per_package = kg / packages if kg is not None and packages else _NAN
    return (origin if isinstance(origin, str) else None), port, numbers, per_package


def _shipper_facts(case: ContainerCase, shippers: PartyHistory | None) -> tuple[float, float]:
    """Age in days and past shipments of the least known shipper (0 when never seen; NaN without history)."""
    names = [c.consignor.name for c in case.consignments if c.consignor is not None]
    if shippers is None or not names:
        return _NAN, _NAN
    seen = [shippers.get(normalise_party(name)) for name in names]
    shipments = min(s.shipments if s else 0 for s in seen)
    if case.arrival is None:
        return _NAN, float(shipments)
    day = case.arrival.date()
    return float(min((day - s.first_seen).days if s else 0 for s in seen)), float(shipments)


def _single_heading(case: ContainerCase) -> str | None:
    headings = {h[:4] for h in case.hs_codes if len(h) >= 4}
    return headings.pop() if len(headings) == 1 else None


# Plain words for a feature and a container's value: "{}" takes the value, "yes|no" texts are flags.
_WORDS: dict[str, str] = {
    "origin.country": "origin {}",
    "route.loading_port": "loaded at {}",
    "route.via_risky_hub": "transhipped via a risky hub|not via a risky hub",
    "route.transhipment_count": "{:.0f} transhipment port(s)",
    "equipment.reefer": "reefer|not a reefer",
    "equipment.length_ft": "{:.0f} ft container",
    "equipment.empty": "declared empty|laden",
    "equipment.gross_kg": "{:,.0f} kg gross declared",
    "consignee.shipments": "consignee had {:.0f} earlier shipment(s)",
    "shipper.shipments": "shipper had {:.0f} earlier shipment(s)",
    "pair.is_new": "new shipper-consignee pair|known shipper-consignee pair",
    "bill_of_lading.count": "{:.0f} B/L(s) in the container",
    "goods.items": "{:.0f} goods item(s) in the container",
    "seals.count": "{:.0f} seal(s)",
    "seals.carrier": "carrier seal|no carrier seal",
    "seals.shipper": "shipper seal|no shipper seal",
    "consignee.has_eori": "consignee EORI present|consignee EORI missing",
    "goods.kg_per_package": "{:,.0f} kg per package",
    **{f"goods.hs_chapter_{c}": f"goods of HS chapter {c}|no goods of HS chapter {c}" for c in CHAPTERS},
    "goods.hs_chapter_other": "goods of other HS chapters|no goods of other HS chapters",
}
_UNKNOWN: dict[str, str] = {
    "consignee.age_days": "consignee history unknown",
    "shipper.age_days": "shipper history unknown",
    "goods.kg_per_package_log_ratio": "no usual kg per package known for its HS heading",
}


def describe(name: str, value: float | str | None) -> str:
    """A feature with a container's value, in plain words without dots: ``origin EC``, ``reefer``, ..."""
    if value is None:
        return _UNKNOWN.get(name) or f"{name.replace('.', ' ').replace('_', ' ')} unknown"
    if name.endswith(".age_days"):
        party = name.split(".")[0]
        return (
            f"{party} first seen today or never" if value == 0 else f"{party} first seen {value:.0f} days ago"
        )
    if name == "goods.kg_per_package_log_ratio":
        # a log ratio of kg per package to the usual: never that large, but a typo must not crash the text
        ratio = math.exp(min(float(value), 30.0))
        return f"kg per package {100 * ratio:,.0f} % of the usual for its HS heading"
    words = _WORDS.get(name, name.replace(".", " ").replace("_", " ") + " {:.0f}")
    if "|" in words:
        return words.split("|")[0 if value else 1]
    return words.format(value).replace(".", "")
