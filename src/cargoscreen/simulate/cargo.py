"""SYNTHETIC cargo: what a container from a given origin carries, in what packages, at what weight.

Every HS 2022 code used here is checked against ``reference.hs_nomenclature()``. Package counts and weights
are *estimates* from trade practice (banana: 1 080–1 200 boxes of ~18 kg net in a 40 ft reefer; green coffee:
275–320 bags of 60–69 kg in a 20 ft box; ...). The country mixes are *estimates* of the share of laden
containers per commodity on the lane to Antwerp. Perishables travel in reefers (size-type 45R1 / 22R1).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from cargoscreen.domain.reference import hs_nomenclature, ports
from cargoscreen.simulate.config import Weighted, parse_weights

#: Tare (kg) and payload limit (kg) per ISO size-type; tare *estimates* for steel boxes and reefers.
TARE_KG = {"22G1": 2_200, "42G1": 3_700, "45G1": 3_900, "22R1": 3_000, "45R1": 4_700}
PAYLOAD_KG = {"22G1": 28_000, "42G1": 26_700, "45G1": 26_500, "22R1": 27_000, "45R1": 29_000}


@dataclass(frozen=True, slots=True)
class CargoProfile:
    """One commodity as it is shipped: HS code, manifest text, packages and weights per container.

    ``packages`` is the count range for a 40 ft box (halved for 20 ft); ``bl_p`` is the success probability
    of the geometric number of containers under one bill of lading (1 → always one container).
    """

    key: str
    hs_code: str
    description: str
    package_type: str
    sizes: str
    packages: tuple[int, int]
    kg_per_package: tuple[float, float]
    sector: str
    bl_p: float

    @property
    def reefer(self) -> bool:
        """Shipped in refrigerated containers (perishables and other temperature-controlled goods)."""
        return "R1" in self.sizes

    @property
    def perishable(self) -> bool:
        """Fresh or chilled goods that lose value by the hour (fruit, flowers, fish)."""
        return self.sector in {"fruit", "flowers", "seafood"}


# key  HS  package  size-types  packages per 40 ft  kg per package  sector  bl_p  manifest description
_PROFILE_TABLE = """
banana         080390 BX 45R1:95,22R1:5     1080-1200 19.2-20.2 fruit   0.30 FRESH BANANAS CAVENDISH
plantain       080310 BX 45R1:1              960-1080 23.0-24.0 fruit   0.40 FRESH PLANTAINS
pineapple      080430 BX 45R1:1             1480-1600 12.5-13.5 fruit   0.35 FRESH PINEAPPLES MD2
grapes         080610 BX 45R1:1             2000-2400 8.6-9.2   fruit   0.40 FRESH TABLE GRAPES
avocado        080440 BX 45R1:1             5200-5800 4.2-4.4   fruit   0.40 FRESH AVOCADOS HASS
blueberry      081040 BX 45R1:1             4400-4800 2.0-2.3   fruit   0.50 FRESH BLUEBERRIES
mango          080450 BX 45R1:1             4800-5400 4.3-4.6   fruit   0.50 FRESH MANGOES
citrus         080510 BX 45R1:1             1540-1680 15.5-16.5 fruit   0.40 FRESH ORANGES
apples         080810 BX 45R1:1             1380-1500 18.5-19.5 fruit   0.50 FRESH APPLES
flowers        060311 BX 45R1:1               650-900 14.0-18.0 flowers 0.60 FRESH CUT ROSES
shrimp         030617 CT 45R1:1             1200-1350 20.5-21.5 seafood 0.60 FROZEN SHRIMP VANNAMEI
fish           030489 CT 45R1:1             1000-1200 21.0-23.0 seafood 0.70 FROZEN FISH FILLETS
tuna           160414 CT 22G1:8,45G1:2      3600-4000 12.0-13.0 food    0.60 CANNED TUNA
juice          200911 DR 22R1:1               160-168 265-275   food    0.50 FROZEN CONCENTRATED ORANGE JUICE
juice_tropical 200949 DR 22R1:1               160-168 250-265   food    0.60 PINEAPPLE JUICE CONCENTRATE
beef           020230 CT 45R1:1             1000-1150 24.0-26.0 food    0.60 FROZEN BONELESS BEEF
chicken        020714 CT 45R1:1             1800-2000 14.5-15.5 food    0.50 FROZEN CHICKEN CUTS
cheese         040690 CT 45R1:1             1800-2100 10.0-11.0 food    0.60 CHEESE
pharma         300490 PX 45R1:1                 18-22 250-500   general 0.80 MEDICAMENTS
coffee         090111 BG 22G1:1               550-640 60.3-69.5 coffee  0.50 GREEN COFFEE BEANS
cocoa          180100 BG 22G1:1               780-840 62.5-64.0 coffee  0.40 RAW COCOA BEANS
tea            090240 BG 22G1:1               720-800 50.5-55.0 coffee  0.60 BLACK TEA
soymeal        230400 BG 22G1:1             1000-1080 50.1-50.3 agri    0.25 SOYBEAN MEAL
sugar          170114 BG 22G1:1             1000-1080 50.1-50.3 agri    0.30 RAW CANE SUGAR
rice           100630 BG 22G1:1             2000-2160 25.0-25.2 agri    0.40 MILLED RICE
cashew         080132 BG 22G1:1               640-700 79.5-80.5 agri    0.40 CASHEW NUTS SHELLED
rubber         400122 BL 22G1:1             1120-1160 35.0-35.5 agri    0.40 NATURAL RUBBER TSNR
cotton         520100 BL 45G1:1               100-112 225-235   agri    0.40 RAW COTTON
charcoal       440290 BG 45G1:1             1900-2100 9.9-10.3  agri    0.50 WOOD CHARCOAL
logs           440399 LG 45G1:6,42G1:4          14-24 900-1600  timber  0.30 TROPICAL HARDWOOD LOGS
sawn           440729 BE 45G1:5,42G1:5          14-20 1200-1700 timber  0.40 SAWN TROPICAL HARDWOOD
paper          480100 RL 45G1:1                 20-26 900-1100  general 0.30 NEWSPRINT IN REELS
machinery      847989 CS 45G1:5,22G1:3,42G1:2    4-14 700-2600  general 0.80 MACHINERY AND PARTS
furniture      940360 CT 45G1:8,42G1:2        300-600 14.0-32.0 general 0.70 WOODEN FURNITURE
electronics    851762 CT 45G1:1              700-1100 8.0-14.0  general 0.80 NETWORK EQUIPMENT
solar          854143 PX 45G1:1                 20-24 600-720   general 0.50 PHOTOVOLTAIC MODULES
textiles       610910 CT 45G1:1               600-900 9.0-14.0  general 0.70 COTTON T-SHIRTS
footwear       640299 CT 45G1:1              800-1200 7.0-11.0  general 0.80 FOOTWEAR
toys           950300 CT 45G1:1              900-1400 5.0-9.0   general 0.80 TOYS
steel          721049 CL 22G1:1                  8-10 4500-6500 general 0.40 GALVANISED STEEL COILS
tiles          690721 PX 22G1:1                 40-48 1000-1150 general 0.60 CERAMIC TILES
polymer        390120 BG 45G1:1             1080-1120 25.1-25.2 general 0.30 POLYETHYLENE GRANULES
vehicles       870323 NE 45G1:1                   2-4 1400-2100 general 0.70 PASSENGER CARS
wine           220421 CT 22G1:7,45G1:3      2200-2600 15.0-16.5 food    0.70 WINE IN BOTTLES
whisky         220830 CT 22G1:1             2000-2400 9.5-11.0  food    0.80 WHISKY IN BOTTLES
beer           220300 CT 22G1:6,45G1:4      3000-3400 9.0-10.0  food    0.50 BEER IN BOTTLES
olive_oil      150920 CT 22G1:1             2400-2800 9.0-10.0  food    0.70 EXTRA VIRGIN OLIVE OIL
mixed          392690 PK 45G1:8,22G1:2       400-1200 5.0-20.0  general 1.00 GENERAL CARGO STC PLASTICWARE
"""


def _range(text: str) -> tuple[float, float]:
    lo, hi = text.split("-")
    return float(lo), float(hi)


def _parse_profile(line: str) -> CargoProfile:
    key, hs, pkg, sizes, packages, kg, sector, bl_p, *text = line.split()
    lo, hi = _range(packages)
    return CargoProfile(
        key,
        hs,
        " ".join(text),
        pkg,
        sizes.replace(",", " "),
        (int(lo), int(hi)),
        _range(kg),
        sector,
        float(bl_p),
    )


PROFILES: dict[str, CargoProfile] = {
    p.key: p for p in (_parse_profile(line) for line in _PROFILE_TABLE.strip().splitlines())
}

#: Goods of consolidated (LCL) containers and of extra goods items: one HS code per house consignment.
GENERAL_GOODS = ("mixed", "furniture", "textiles", "footwear", "toys", "electronics", "machinery")

_REGION_MIXES = {
    "east_asia": "machinery:16 furniture:12 electronics:15 solar:8 textiles:10 footwear:7 toys:8 steel:5 "
    "mixed:15 fish:4",
    "southeast_asia": "furniture:20 footwear:15 textiles:15 electronics:15 rubber:8 fish:6 mixed:21",
    "south_asia": "textiles:35 rice:10 machinery:10 polymer:8 footwear:8 pharma:4 tea:5 mixed:20",
    "middle_east": "polymer:50 machinery:15 mixed:30 citrus:5",
    "north_america": "machinery:22 vehicles:8 polymer:20 paper:10 pharma:5 mixed:25 logs:5 apples:5",
    "latin_america": "banana:30 coffee:20 sugar:15 mixed:25 fish:10",
    "caribbean": "banana:30 cocoa:20 mixed:50",
    "west_africa": "cocoa:30 logs:15 sawn:10 cashew:15 rubber:5 mixed:25",
    "africa_other": "citrus:25 tea:10 mixed:45 machinery:10 grapes:10",
    "europe": "machinery:22 polymer:18 paper:10 mixed:32 vehicles:6 cheese:6 tiles:6",
    "oceania": "beef:20 apples:20 wine:20 mixed:40",
}

_COUNTRY_MIXES = {
    "EC": "banana:60 shrimp:14 plantain:3 cocoa:6 tuna:5 flowers:2 fish:2 sawn:2 mixed:2 juice_tropical:2 "
    "coffee:2",
    "CO": "banana:45 coffee:20 flowers:3 plantain:4 avocado:6 juice_tropical:2 sugar:3 cocoa:2 mixed:15",
    "CR": "pineapple:50 banana:30 juice_tropical:6 coffee:4 mixed:10",
    "PA": "banana:40 mixed:35 shrimp:5 coffee:5 sugar:5 pineapple:10",
    "GT": "banana:40 coffee:20 sugar:20 mixed:20",
    "HN": "banana:30 coffee:35 fish:10 shrimp:10 mixed:15",
    "NI": "coffee:40 sugar:30 mixed:30",
    "SV": "coffee:40 sugar:30 mixed:30",
    "DO": "banana:35 cocoa:25 avocado:10 mixed:30",
    "PE": "grapes:20 avocado:25 blueberry:15 mango:10 coffee:8 banana:8 mixed:14",
    "CL": "grapes:20 apples:15 blueberry:10 wine:25 fish:10 mixed:20",
    "BR": "coffee:20 juice:10 chicken:10 beef:8 sugar:8 sawn:8 soymeal:5 mango:4 machinery:5 mixed:22",
    "AR": "beef:15 wine:15 soymeal:10 apples:10 shrimp:15 citrus:10 mixed:25",
    "UY": "beef:40 rice:15 citrus:10 cheese:5 sawn:10 mixed:20",
    "PY": "beef:20 charcoal:25 soymeal:20 sugar:10 sawn:10 mixed:15",
    "VE": "mixed:60 cocoa:25 fish:15",
    "MX": "avocado:10 beer:25 machinery:20 mixed:25 polymer:15 coffee:5",
    "SL": "cocoa:20 logs:20 cashew:15 soymeal:5 mixed:40",
    "CI": "cocoa:50 cashew:15 rubber:15 logs:5 banana:5 pineapple:3 mixed:7",
    "GH": "cocoa:45 cashew:10 logs:8 sawn:7 rubber:5 pineapple:3 mixed:22",
    "NG": "cocoa:30 cashew:10 rubber:10 mixed:50",
    "CM": "logs:35 sawn:25 cocoa:15 banana:15 mixed:10",
    "SN": "fish:30 mixed:55 cotton:15",
    "TG": "cashew:20 cotton:20 mixed:60",
    "BJ": "cashew:20 cotton:30 mixed:50",
    "ZA": "citrus:35 grapes:15 wine:15 apples:10 mixed:15 machinery:10",
    "KE": "flowers:20 tea:35 mixed:35 coffee:10",
    "MA": "citrus:30 mixed:50 fish:20",
    "EG": "citrus:40 mixed:45 cotton:15",
    "TR": "textiles:20 steel:20 machinery:20 mixed:30 furniture:10",
    "GR": "olive_oil:20 mixed:60 citrus:20",
    "IT": "tiles:30 olive_oil:10 wine:15 machinery:20 mixed:25",
    "ES": "tiles:25 olive_oil:15 wine:10 citrus:20 mixed:30",
    "PT": "wine:20 paper:20 mixed:40 tiles:20",
    "IN": "textiles:25 rice:10 machinery:10 polymer:10 footwear:10 pharma:5 tea:5 mixed:25",
    "BD": "textiles:90 mixed:10",
    "LK": "tea:40 textiles:30 rubber:10 mixed:20",
    "VN": "furniture:30 footwear:20 textiles:20 fish:10 coffee:10 mixed:10",
    "GB": "whisky:15 machinery:20 mixed:45 polymer:10 paper:10",
    "IE": "cheese:20 pharma:20 mixed:60",
    "NO": "fish:40 paper:20 mixed:40",
    "SE": "paper:40 machinery:25 mixed:35",
    "FI": "paper:50 machinery:20 mixed:30",
    "PL": "furniture:30 machinery:20 mixed:50",
}


def check_reference() -> None:
    """Fail loudly, listing them, when an HS code or profile the cargo tables use is unknown."""
    hs = hs_nomenclature()
    missing = sorted(p.hs_code for p in PROFILES.values() if p.hs_code not in hs)
    keys = [k for text in (*_REGION_MIXES.values(), *_COUNTRY_MIXES.values()) for k in parse_weights(text)]
    unknown = sorted({k for k in keys if k not in PROFILES})
    if missing or unknown:
        raise LookupError(
            f"simulator cargo tables: HS codes not in HS 2022 {missing}, unknown profiles {unknown}"
        )


def base_mix(country: str) -> dict[str, float]:
    """Share of laden containers per commodity from ``country`` (estimate), before the reefer tilt."""
    if country in _COUNTRY_MIXES:
        return parse_weights(_COUNTRY_MIXES[country])
    regions = {p.country: p.region for p in ports().values()}
    return parse_weights(_REGION_MIXES.get(regions.get(country, "europe"), _REGION_MIXES["europe"]))


def reefer_fraction(mix: dict[str, float], tilt: float) -> float:
    """Share of reefer containers in a mix once reefer commodities are weighted by ``tilt``."""
    reefer = sum(w for k, w in mix.items() if PROFILES[k].reefer) * tilt
    dry = sum(w for k, w in mix.items() if not PROFILES[k].reefer)
    return reefer / (reefer + dry) if reefer + dry > 0 else 0.0


def solve_reefer_tilt(country_weights: dict[str, float], target: float) -> float:
    """The factor on reefer commodities that makes the expected reefer share of laden boxes ``target``."""
    mixes = {c: base_mix(c) for c in country_weights}
    total = sum(country_weights.values())

    def share(tilt: float) -> float:
        return sum(w * reefer_fraction(mixes[c], tilt) for c, w in country_weights.items()) / total

    lo, hi = 1e-6, 1e6
    for _ in range(80):  # bisection in log space: share() is increasing in the tilt
        mid = float(np.sqrt(lo * hi))
        lo, hi = (mid, hi) if share(mid) < target else (lo, mid)
    return float(np.sqrt(lo * hi))


@cache
def _sizes(profile_key: str) -> Weighted[str]:
    weights = parse_weights(PROFILES[profile_key].sizes)
    return Weighted(list(weights), list(weights.values()))


def bill_mix(country: str, tilt: float) -> Weighted[str]:
    """Commodity per bill of lading: container shares divided by the mean containers per bill."""
    mix = base_mix(country)
    keys = list(mix)
    weights = [mix[k] * (tilt if PROFILES[k].reefer else 1.0) * PROFILES[k].bl_p for k in keys]
    return Weighted(keys, weights)


def stuff(profile: CargoProfile, rng: np.random.Generator) -> tuple[str, int, float]:
    """Size-type, package count and cargo gross kg (with packaging, without tare) of one container."""
    size_type = _sizes(profile.key).draw(rng)
    packages, kg = part_load(profile, size_type, 1.0, rng)
    return size_type, packages, kg


def part_load(
    profile: CargoProfile, size_type: str, share: float, rng: np.random.Generator
) -> tuple[int, float]:
    """Packages and kg of ``share`` of a full ``size_type`` box of ``profile`` (within the payload limit)."""
    lo, hi = profile.packages
    factor = 0.5 if size_type.startswith("2") else 1.0
    kg_each = float(rng.uniform(*profile.kg_per_package))
    packages = round(rng.uniform(lo, hi) * factor * share)
    packages = max(1, min(packages, int(PAYLOAD_KG[size_type] * share / kg_each)))
    return packages, round(packages * kg_each, 1)
