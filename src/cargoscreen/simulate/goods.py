"""SYNTHETIC goods items (HS code, text, packages, weight per container) and misdeclarations."""

from __future__ import annotations

import numpy as np

from cargoscreen.domain.records import GoodsItem, GoodsPlacement
from cargoscreen.simulate.cargo import GENERAL_GOODS, PROFILES, CargoProfile
from cargoscreen.simulate.truth import Misdeclaration

MISSING_HS_SHARE = 0.02  # goods items declared by text only, without an HS code (estimate)
SECOND_ITEM_SHARE = 0.15  # general-cargo bills declaring a second commodity (estimate)
_VAGUE = {"fruit": "FRUIT", "food": "FOODSTUFF", "general": "GENERAL MERCHANDISE"}
Placements = list[tuple[str, int]]


def goods_item(
    number: int, profile: CargoProfile, placements: list[tuple[str, int]], kg: float, *, with_hs: bool = True
) -> GoodsItem:
    """A goods item of ``profile`` stowed in the given containers (packages per container)."""
    code = profile.hs_code if with_hs else None
    return GoodsItem(
        item_number=number,
        hs_code=code,
        hs_raw=code or "",
        description=profile.description,
        packages=sum(p for _, p in placements),
        package_type=profile.package_type,
        gross_kg=round(kg, 1),
        # container numbers come from validated Equipment: no need to check their digits again
        placements=tuple(
            GoodsPlacement.model_construct(container_number=c, packages=p) for c, p in placements
        ),
    )


def goods_items(
    profile: CargoProfile, placements: Placements, kg: float, rng: np.random.Generator
) -> list[GoodsItem]:
    """The goods items of a bill: one commodity (general cargo: sometimes a second in the same boxes)."""
    with_hs = rng.random() >= MISSING_HS_SHARE
    if profile.sector != "general" or profile.reefer or rng.random() >= SECOND_ITEM_SHARE:
        return [goods_item(1, profile, placements, kg, with_hs=with_hs)]
    other = PROFILES[str(rng.choice([k for k in GENERAL_GOODS if k != profile.key]))]
    share = float(rng.uniform(0.5, 0.8))
    total = sum(p for _, p in placements)
    kg_each = sum(other.kg_per_package) / 2
    first = [(c, max(1, round(p * share))) for c, p in placements]
    second = [(c, max(1, round(kg * p / total * (1 - share) / kg_each))) for c, p in placements]
    return [
        goods_item(1, profile, first, kg * share, with_hs=with_hs),
        goods_item(2, other, second, kg * (1 - share), with_hs=with_hs),
    ]


def misdeclare(
    bill: str, items: list[GoodsItem], profile: CargoProfile, rng: np.random.Generator
) -> tuple[list[GoodsItem], Misdeclaration | None]:
    """Front companies sometimes declare vaguely or understate the weight; the truth records what was done."""
    first, draw = items[0], rng.random()
    changes: dict[str, object]
    if draw < 0.4:
        text = _VAGUE.get(profile.sector, "GENERAL MERCHANDISE")
        heading = profile.hs_code[:4]
        changes = {"description": text, "hs_code": heading, "hs_raw": heading}
        kind, declared, actual = (
            "vague_description",
            f"{heading} {text}",
            f"{profile.hs_code} {profile.description}",
        )
    elif draw < 0.6 and first.gross_kg:
        declared_kg = round(first.gross_kg * float(rng.uniform(0.65, 0.85)), 1)
        changes = {"gross_kg": declared_kg}
        kind, declared, actual = "weight_understated", f"{declared_kg} kg", f"{first.gross_kg} kg"
    else:
        return items, None
    truth = Misdeclaration(
        bill_of_lading=bill,
        container_numbers=tuple(p.container_number for p in first.placements),
        kind=kind,
        declared=declared,
        actual=actual,
    )
    return [GoodsItem.model_validate(first.model_dump() | changes), *items[1:]], truth
