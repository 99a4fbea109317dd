"""SYNTHETIC liner services calling Antwerp: rotations, schedules, vessel pools and voyage numbers.

The services are modelled on real trades (Asia–North Europe loops, an Ecuador–Colombia–Panama reefer loop, an
East Coast South America service, West Africa, feeders) but names, vessels and IMO numbers are invented.
``volume_share`` is our *estimate* of the share of Antwerp's discharged containers each trade brings:
Far East 33 %, Middle East / India 9 %, North America 9 %, Latin America ≈ 3.3 % (South America ≈ 2.75 %,
DOMAIN.md: ~330 000 of 12 M a year), Africa 6 %, Mediterranean 9.5 %, UK/Ireland 10 %, Scandinavia/Baltic
12 %, North-range shuttles 9.5 %.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from cargoscreen.domain.reference import ports
from cargoscreen.simulate.config import Weighted, parse_weights

PORT_OF_CALL = "BEANR"
_EPOCH = date(2020, 1, 6)  # a Monday: call counters run from here so voyages are stable across runs


@dataclass(frozen=True, slots=True)
class Lane:
    """Where a container on a service comes from: its origin port, and the hub it was transhipped at."""

    origin: str
    hub: str | None


@dataclass(frozen=True, slots=True)
class Service:
    """A liner service: rotation ending at BEANR, carrier, frequency and where its cargo is loaded.

    ``loads`` weighs the rotation ports by the Antwerp-bound cargo loaded there; ``feeders`` maps a hub to
    the origins whose cargo it tranships onto this service, weighted on the same scale.
    """

    code: str
    name: str
    carrier: str
    rotation: tuple[str, ...]
    loads: dict[str, float]
    feeders: dict[str, dict[str, float]]
    calls_per_week: int
    volume_share: float
    empty_share: float
    transit_days: int
    terminal: str
    vessel_prefix: str

    @property
    def previous_ports(self) -> tuple[str, ...]:
        """The ports called before Antwerp, in call order."""
        return self.rotation[:-1]

    def lane_weights(self) -> list[tuple[Lane, float]]:
        """Origins of this service's Antwerp-bound cargo with their weights (feeder cargo via its hub)."""
        lanes: list[tuple[Lane, float]] = []
        for port, weight in self.loads.items():
            lanes.append((Lane(port, None), weight))
            lanes.extend((Lane(origin, port), share) for origin, share in self.feeders.get(port, {}).items())
        return [(lane, weight) for lane, weight in lanes if weight > 0]

    def lanes(self) -> Weighted[Lane]:
        """The lanes as a sampler."""
        pairs = self.lane_weights()
        return Weighted([lane for lane, _ in pairs], [weight for _, weight in pairs])


# One block per service (estimates; modelled on real trades, invented names):
#   code carrier calls/week volume-share empty-share transit-days terminal vessel-prefix name
#   rotation in call order with the weight of Antwerp-bound cargo loaded at each port (BEANR is appended)
#   optional: hub>origin:weight,... for cargo transhipped at a hub of the rotation
_SERVICE_TABLE = """
FEX1 MSC   4 0.085 0.03 32 K869  MSC      SIM Far East Express 1
     CNTXG:10 CNTAO:14 CNNGB:24 CNSHA:26 CNYTN:14 SGSIN:4 NLRTM:0
     SGSIN>VNCMT:3,THLCH:2,IDJKT:2,MMRGN:1,PHMNL:1

AEX2 MAEU  4 0.080 0.03 33 K1742 MAERSK   SIM Asia Europe 2
     KRPUS:10 CNTAO:12 CNSHA:24 CNNGB:22 CNXMN:10 CNYTN:14 MYTPP:4 DEHAM:0
     MYTPP>IDSUB:2,VNSGN:2,KHKOS:1

FAL3 CMDU  3 0.070 0.03 34 K913  CMA_CGM  SIM French Asia Line 3
     CNSHA:25 CNNGB:22 CNXMN:10 HKHKG:6 CNYTN:20 SGSIN:3 MYPKG:8 FRLEH:0
     SGSIN>VNCMT:2,THLCH:2,IDJKT:2

NEU4 HLCU  2 0.050 0.03 35 K1742 HAPAG    SIM North Europe Loop 4
     TWKHH:12 CNXMN:10 CNSHA:22 CNNGB:20 CNYTN:16 VNCMT:12 SGSIN:4 NLRTM:0

CEX5 COSU  2 0.045 0.03 36 K913  COSCO    SIM China Europe Express 5
     CNDLC:8 CNTXG:14 CNTAO:16 CNSHA:24 CNNGB:20 CNYTN:14 MYPKG:4 DEHAM:0

MEX6 ONEY  3 0.055 0.06 24 K913  ONE      SIM Middle East India 6
     LKCMB:6 INNSA:30 INMUN:26 PKKHI:12 AEJEA:16 SAJED:10
     LKCMB>INTUT:4,INMAA:4,BDCGP:6 AEJEA>IQUQR:2,KWSWK:2,QAHMD:3

IMX7 EGLV  2 0.035 0.06 22 K1742 EVER     SIM India Med Express 7
     INPAV:12 INNSA:40 INMUN:36 EGPSD:8 ESVLC:4

TAX8 MAEU  4 0.060 0.25 12 K1742 MAERSK   SIM Transatlantic 8
     USHOU:16 USSAV:22 USCHS:16 USORF:16 USNYC:22 CAHAL:8

GFX9 HLCU  2 0.030 0.15 16 K1742 HAPAG    SIM Gulf Mexico Express 9
     MXVER:14 MXATM:8 USHOU:40 USMSY:22 USMOB:16

ECX  MSC   2 0.013 0.02 17 K869  MSC      SIM Ecuador Colombia Express (reefer loop)
     ECPSJ:14 ECGYE:36 ECPBO:16 PEPAI:8 PABLB:10 PAMIT:10 COCTG:6
     PABLB>COBUN:6,ECMEC:2,CRCAL:1,SVAQJ:1,NICIO:1 PAMIT>CRMOB:4,COTRB:4,GTSTC:1,HNPCR:1 COCTG>COSMR:3,COBAQ:2

CBX  MAEU  2 0.008 0.02 14 K1742 MAERSK   SIM Caribbean Central America Express
     GTSTC:12 HNPCR:12 CRMOB:34 PAMIT:14 COCTG:12 DOCAU:16
     PAMIT>PAONX:2,JMKIN:1 DOCAU>HTPAP:1,TTPOS:1,GYGEO:1,SRPBM:1 COCTG>VEPBL:1

BRX  CMDU  2 0.010 0.03 18 K913  CMA_CGM  SIM Brazil Express (East Coast South America)
     ARBUE:10 UYMVD:8 BRRIG:12 BRIOA:10 BRPNG:16 BRSSZ:30 BRRIO:6 BRSSA:8
     UYMVD>PYASU:4,ARROS:1

WSA  HLCU  1 0.005 0.03 25 K1742 HAPAG    SIM West Coast South America
     CLSAI:30 CLVAP:16 PECLL:28 COBUN:14 PABLB:12
     PABLB>ECGYE:4,PEPAI:2

WAF  MSC   3 0.030 0.30 14 K869  MSC      SIM West Africa Express
     CMDLA:14 NGAPP:14 TGLFW:14 GHTEM:16 CIABJ:20 SLFNA:6 GNCKY:6 SNDKR:10
     TGLFW>BJCOO:4,GAOWE:2,CGPNR:2 CIABJ>CISPY:4,LRMLW:2

SAF  CMDU  1 0.015 0.15 22 K913  CMA_CGM  SIM South East Africa
     KEMBA:14 TZDAR:10 MZMPM:8 ZADUR:30 ZAPLZ:14 ZACPT:24

MED  XPRS 14 0.095 0.15  8 K1700 X-PRESS  SIM Mediterranean Feeder
     TRMER:14 TRAMR:16 GRPIR:10 ITGIT:8 ESVLC:20 MAPTM:14 PTSIE:8 PTLEI:10
     GRPIR>EGALY:4,ILASH:2 MAPTM>MACAS:4,DZALG:2

UKI  BGFR 35 0.100 0.25  2 K1700 BG       SIM UK Ireland Shuttle
     IEDUB:22 IEORK:12 GBLIV:16 GBTIL:20 GBFXT:30

NRD  UNIF 28 0.120 0.20  4 K1700 UNI      SIM Nordic Baltic Feeder
     FIKTK:8 FIHEL:12 EEMUG:6 LVRIX:6 LTKLJ:8 PLGDN:20 SEGOT:20 NOOSL:8 DKAAR:12

NRS  SMSK 35 0.095 0.20  2 K1700 SAMSKIP  SIM North Range Shuttle
     ESBIO:14 FRLEH:22 DEBRV:18 DEHAM:26 NLRTM:20
"""


def _parse_service(block: str) -> Service:
    head, rotation, *rest = (line.split() for line in block.strip().splitlines())
    code, carrier, calls, share, empty, transit, terminal, prefix, *name = head
    loads = parse_weights(" ".join(rotation))
    feeders = {}
    for token in rest[0] if rest else []:
        hub, origins = token.split(">")
        feeders[hub] = parse_weights(origins.replace(",", " "))
    return Service(
        code=code,
        name=" ".join(name),
        carrier=carrier,
        rotation=(*loads, PORT_OF_CALL),
        loads=loads,
        feeders=feeders,
        calls_per_week=int(calls),
        volume_share=float(share),
        empty_share=float(empty),
        transit_days=int(transit),
        terminal=terminal,
        vessel_prefix=prefix.replace("_", " "),
    )


SERVICES: tuple[Service, ...] = tuple(_parse_service(b) for b in _SERVICE_TABLE.strip().split("\n\n"))


def service_locodes(services: tuple[Service, ...] = SERVICES) -> set[str]:
    """Every UN/LOCODE the services use (rotations, loading ports, feeder origins)."""
    codes: set[str] = set()
    for service in services:
        codes.update(service.rotation)
        for origins in service.feeders.values():
            codes.update(origins)
    return codes


def check_reference(services: tuple[Service, ...] = SERVICES) -> None:
    """Fail loudly, listing them, when a UN/LOCODE the services use is not in the curated port list."""
    missing = sorted(service_locodes(services) - set(ports()))
    if missing:
        raise LookupError(f"UN/LOCODEs used by the simulator are missing from reference.ports(): {missing}")


@dataclass(frozen=True, slots=True)
class Vessel:
    """A (SYNTHETIC) vessel of a service's pool."""

    imo_number: str
    name: str


@dataclass(frozen=True, slots=True)
class ScheduledCall:
    """One call of a service on a simulated day, before its times and cargo are drawn."""

    service: Service
    vessel: Vessel
    voyage_number: str
    call_counter: int


_NAME_TEXT = (
    "AURORA ALTAIR ADRIANA BEATRICE CARLOTTA DELFINA ELENA FLAVIA GIULIA HELENA ISABELLA LUCIA MARINA NOVA "
    "OLIVIA PALOMA ROSA SOFIA TERESA VALENTINA VEGA ORION LYRA ANTARES POLARIS SIRIUS CAPELLA RIGEL DENEB "
    "ATLAS HORIZON PIONEER MERIDIAN ZENITH TRIDENT EMERALD SAPPHIRE CORAL HARMONY SERENITY LIBERTY FORTUNE"
)
_NAME_WORDS = _NAME_TEXT.split()


def imo_with_check_digit(six_digits: int) -> str:
    """A 7-digit IMO number from its first six digits (weights 7..2, sum mod 10 — as stdnum.imo)."""
    digits = f"{six_digits:06d}"
    check = sum(int(d) * (7 - i) for i, d in enumerate(digits)) % 10
    return f"{digits}{check}"


def pool_size(service: Service) -> int:
    """Vessels needed for the frequency: round trip ≈ twice the transit, capped for feeders."""
    round_trip_weeks = max(1, math.ceil(2 * service.transit_days / 7))
    return max(2, min(24, service.calls_per_week * round_trip_weeks))


def vessel_pools(rng: np.random.Generator) -> dict[str, tuple[Vessel, ...]]:
    """Invented vessels per service with valid IMO numbers, unique across services.

    The numbers lie in the unassigned 1xxxxxx range, so a SYNTHETIC vessel never names a real ship.
    """
    used: set[str] = set()
    pools: dict[str, tuple[Vessel, ...]] = {}
    for service in SERVICES:
        vessels: list[Vessel] = []
        while len(vessels) < pool_size(service):
            imo = imo_with_check_digit(int(rng.integers(100_000, 200_000)))
            name = f"{service.vessel_prefix} {_NAME_WORDS[int(rng.integers(len(_NAME_WORDS)))]}"
            if imo in used or any(v.name == name for v in vessels):
                continue
            used.add(imo)
            vessels.append(Vessel(imo, name))
        pools[service.code] = tuple(vessels)
    return pools


def _week_days(service: Service) -> list[int]:
    """Weekday (0 = Monday) of each of the service's weekly calls; fixed per service."""
    offset = sum(map(ord, service.code)) % 7
    return [(offset + (i * 7) // service.calls_per_week) % 7 for i in range(service.calls_per_week)]


def _direction(service: Service) -> str:
    """Voyage suffix: westbound from Asia, eastbound from the Americas, northbound otherwise."""
    region = ports()[service.rotation[0]].region
    if region in {"east_asia", "southeast_asia", "south_asia", "middle_east"}:
        return "W"
    return "E" if region in {"north_america", "latin_america", "caribbean"} else "N"


def calls_on(day: date, pools: dict[str, tuple[Vessel, ...]]) -> list[ScheduledCall]:
    """The service calls scheduled at Antwerp on ``day``, with vessel and voyage number."""
    week, weekday = divmod((day - _EPOCH).days, 7)
    calls: list[ScheduledCall] = []
    for service in SERVICES:
        pool = pools[service.code]
        for slot, slot_day in enumerate(_week_days(service)):
            if slot_day != weekday:
                continue
            counter = week * service.calls_per_week + slot
            cycle, index = divmod(counter, len(pool))
            voyage = f"{service.code[:2]}{cycle % 1000:03d}{_direction(service)}"
            calls.append(ScheduledCall(service, pool[index], voyage, counter))
    return calls
