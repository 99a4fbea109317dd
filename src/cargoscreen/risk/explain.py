"""Reasons in words an officer can read: rule rationales, watch-list and tip hits, model contributions.

Model features are named in plain language: case fields by their namespace description
(:data:`~cargoscreen.risk.case.FIELDS`), the KCS declaration features (``importer_fraud_rate``,
``unit_price_vs_hs6_median``, ...) by the phrases below; any other name is shown with its underscores as
spaces.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from cargoscreen.domain.targeting import ListKind, Reason, ReasonKind
from cargoscreen.risk.case import FIELDS, FieldValue
from cargoscreen.risk.rules import Rule
from cargoscreen.risk.tips import TipMatch
from cargoscreen.risk.watchlists import WatchListHit

_SUBJECTS: Mapping[str, str] = {
    "importer": "the importer",
    "declarant": "the declarant",
    "seller": "the seller",
    "courier": "the courier",
    "office": "the customs office",
    "hs6": "the HS6 code",
    "hs4": "the HS heading",
    "hs2": "the HS chapter",
    "origin": "the origin country",
    "departure": "the departure country",
    "country_pair": "this departure and origin country pair",
    "tax_type": "the tax type",
    "hs6_origin": "this HS6 code from this origin",
    "hs6_tax_rate": "this HS6 code at this tax rate",
    "importer_seller": "this importer-seller pair",
    "importer_hs6": "this importer with this HS6 code",
    "declarant_importer": "this declarant-importer pair",
    "price": "the same declared price",
    "mass": "the same declared net mass",
    "price_mass": "the same price and mass",
    "price_hs6": "the same price for this HS6 code",
    "mass_hs6": "the same mass for this HS6 code",
}
_STATS: Mapping[str, str] = {
    "n": "how often {} was seen before",
    "fraud_rate": "past fraud rate of {}",
    "critical_rate": "past critical-fraud rate of {}",
}
_PLAIN: Mapping[str, str] = {
    "log_item_price": "declared item price",
    "log_net_mass": "declared net mass",
    "log_unit_price": "declared price per kg",
    "unit_price_vs_hs6_median": "price per kg against the usual for the HS6 code",
    "tax_rate": "tax rate",
    "log_tax_amount": "tax amount",
    "same_departure_origin": "departure country equal to origin country",
    "seller_missing": "seller not named",
    "courier_missing": "courier not named",
}


def feature_label(name: str) -> str:
    """A model feature in plain words: ``importer_fraud_rate`` → ``past fraud rate of the importer``."""
    if name in FIELDS:
        return FIELDS[name].description
    if name in _PLAIN:
        return _PLAIN[name]
    for suffix, phrase in _STATS.items():
        key = name.removesuffix(f"_{suffix}")
        if key != name and key in _SUBJECTS:
            return phrase.format(_SUBJECTS[key])
    if name.startswith("code_"):
        return f"the {name.removeprefix('code_').replace('_', ' ')} code"
    return name.replace("_", " ").replace(".", " ")


def format_value(value: FieldValue) -> str:
    """A field value as shown to the officer: sets sorted and joined, flags yes/no, ``unknown`` for None."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, frozenset):
        return ", ".join(sorted(value)) or "none"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def rule_reason(rule: Rule, facts: Mapping[str, FieldValue]) -> Reason:
    """The rule's rationale, with the facts of the case it read (``details``: field → value as shown)."""
    effect = f"forces {rule.channel.value}" if rule.channel else f"weight {rule.weight:g}"
    shown = {name: format_value(value) for name, value in facts.items()}
    return _reason(
        kind=ReasonKind.RULE,
        code=rule.id,
        text=f"{rule.title}: {rule.rationale}",
        weight=rule.weight or 0.0,
        details={"title": rule.title, "owner": rule.owner, "effect": effect, **shown},
    )


def watchlist_reason(hit: WatchListHit, weight: float) -> Reason:
    """``consignee 'EXPORTADORA X SA' matches watch-list entry 'Exportadora X S.A.' (96 %): <reason>``."""
    entry = hit.entry
    if entry.list_kind is ListKind.PARTY:
        text = f"{hit.role} {hit.value!r} matches watch-list entry {entry.value!r} ({hit.similarity:.0f} %)"
    else:
        text = f"{hit.role} {hit.value} is on the watch list"
    text += f": {entry.reason}"
    details = {
        "list_kind": entry.list_kind.value,
        "entry": entry.value,
        "similarity": f"{hit.similarity:.1f}",
        "normalised_value": hit.normalised_value,
        "normalised_entry": hit.normalised_entry,
        "added_by": entry.added_by,
        "valid_until": str(entry.valid_until) if entry.valid_until else "",
    }
    return _reason(
        kind=ReasonKind.WATCHLIST,
        code=f"{entry.list_kind.value}:{entry.value}",
        text=text,
        weight=weight,
        details=details,
    )


def tip_reason(match: TipMatch) -> Reason:
    """``tip T-17 from <agency> (reliability B) names the vessel '9321483': PHYSICAL until <expiry> UTC``."""
    tip = match.tip
    similar = f" ({match.similarity:.0f} %)" if match.similarity < 100.0 else ""
    text = (
        f"tip {tip.tip_id} from {tip.source_agency} (reliability {tip.reliability.value}) names the "
        f"{match.matched_on} {match.value!r}{similar}: {tip.channel.value} until {tip.expires_at:%Y-%m-%d %H:%M} UTC"
    )
    details = {
        "source_agency": tip.source_agency,
        "reliability": tip.reliability.value,
        "target_kind": tip.target_kind.value,
        "target_value": tip.target_value,
        "matched_on": match.matched_on,
        "similarity": f"{match.similarity:.1f}",
        "channel": tip.channel.value,
        "expires_at": tip.expires_at.isoformat(),
        "note": tip.note,
    }
    return _reason(
        kind=ReasonKind.TIP,
        code=tip.tip_id,
        text=text + (f" ({tip.note})" if tip.note else ""),
        details=details,
    )


def model_reasons(
    probability: float,
    contributions: Sequence[tuple[str, float]] | None,
    *,
    version: str | None = None,
    top: int = 3,
) -> list[Reason]:
    """The model's probability, then its ``top`` largest contributions (by size) in plain words."""
    label = f"model {version}" if version else "model"
    reasons = [
        _reason(
            kind=ReasonKind.MODEL,
            code="probability",
            text=f"{label}: probability {probability:.2f}",
            weight=probability,
        )
    ]
    ranked = sorted(contributions or (), key=lambda c: -abs(c[1]))[:top]
    for name, value in ranked:
        direction = "raises" if value > 0 else "lowers"
        reasons.append(
            _reason(
                kind=ReasonKind.MODEL,
                code=name,
                text=f"{label}: {feature_label(name)} {direction} the risk ({value:+.2f})",
                weight=value,
                details={"feature": name, "contribution": f"{value:+.4f}"},
            )
        )
    return reasons


def _reason(
    *, kind: ReasonKind, code: str, text: str, weight: float = 0.0, details: dict[str, str] | None = None
) -> Reason:
    """A reason built from values made here (texts, floats, str dicts): constructed without re-validation,
    which matters when tens of thousands of containers are assessed at once."""
    return Reason.model_construct(
        kind=kind, code=code, text=text, weight=float(weight), details=details or {}
    )


def texts(reasons: Iterable[Reason]) -> list[str]:
    """The reasons' texts, in order, for a listing or a report."""
    return [reason.text for reason in reasons]
