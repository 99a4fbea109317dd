"""SYNTHETIC company names, addresses and EORI numbers in the language of each country.

Names are assembled from word lists ("EXPORTADORA BANANERA DEL PACÍFICO S.A."); any likeness to a real company
is a coincidence. Front companies get the generic names such firms tend to carry ("EURO GLOBAL IMPEX BV").
"""

from __future__ import annotations

from functools import cache

import numpy as np

from cargoscreen.domain.reference import ports

_LANG = {
    **dict.fromkeys(
        [
            "EC",
            "CO",
            "PE",
            "CL",
            "AR",
            "UY",
            "PY",
            "MX",
            "CR",
            "PA",
            "GT",
            "HN",
            "NI",
            "SV",
            "DO",
            "VE",
            "ES",
            "CU",
        ],
        "es",
    ),
    **dict.fromkeys(["BR", "PT", "AO", "MZ", "CV", "GW"], "pt"),
    **dict.fromkeys(
        ["FR", "SN", "GN", "CI", "TG", "BJ", "CM", "GA", "CG", "MA", "DZ", "TN", "MG", "LU", "HT"], "fr"
    ),
    **dict.fromkeys(["BE", "NL", "SR", "CW", "AW"], "nl"),
    **dict.fromkeys(["DE", "AT"], "de"),
    "IT": "it",
    **dict.fromkeys(["CN", "HK", "TW"], "zh"),
}

# sector order: fruit seafood coffee agri timber flowers food general
_SECTORS = ("fruit", "seafood", "coffee", "agri", "timber", "flowers", "food", "general")
_SECTOR_WORDS = {
    "es": "EXPORTADORA BANANERA,FRUTÍCOLA,AGRÍCOLA FRUTAL|PESQUERA,CAMARONERA,PRODUCTOS DEL MAR|CAFETERA,"
    "CAFÉ Y CACAO,EXPORTADORA DE CAFÉ|AGROINDUSTRIAL,AZUCARERA,GRANOS Y CEREALES|MADERERA,FORESTAL|FLORÍCOLA,"
    "FLORES Y ROSAS|ALIMENTOS,CONSERVERA,JUGOS Y CONCENTRADOS|COMERCIAL,INDUSTRIAS,IMPORTADORA Y EXPORTADORA",
    "pt": "EXPORTADORA DE FRUTAS,FRUTICULTURA|PESQUEIRA,PESCADOS|CAFEEIRA,CAFÉS ESPECIAIS|AGROINDUSTRIAL,"
    "AÇUCAREIRA,GRÃOS|MADEIREIRA,FLORESTAL|FLORES|FRIGORÍFICO,ALIMENTOS,SUCOS|COMÉRCIO,INDÚSTRIA",
    "fr": "FRUITS,SOCIÉTÉ FRUITIÈRE|PÊCHERIES,PRODUITS DE LA MER|CAFÉ CACAO,NÉGOCE CACAO|SOCIÉTÉ AGRICOLE,"
    "AGRO-INDUSTRIE|BOIS,EXPLOITATION FORESTIÈRE|FLEURS|ALIMENTAIRE,CONSERVERIE|NÉGOCE,DISTRIBUTION",
    "nl": "FRUIT IMPORT,GROENTEN EN FRUIT,FRESH|SEAFOOD,VISHANDEL|KOFFIE,CACAO TRADING|AGRO,GRAANHANDEL|"
    "HOUTHANDEL,TIMBER|BLOEMEN|FOOD,VOEDINGSWAREN|TRADING,LOGISTICS,IMPORT-EXPORT",
    "de": "FRUCHTIMPORT,FRUCHTHANDEL|FISCHIMPORT|KAFFEE-HANDELS,KAFFEEIMPORT|AGRARHANDEL|HOLZHANDEL|"
    "BLUMENHANDEL|LEBENSMITTEL|HANDELS,IMPORT,LOGISTIK",
    "it": "ORTOFRUTTA|ITTICA|CAFFÈ|AGRICOLA|LEGNAMI|FIORI|ALIMENTARI|COMMERCIALE,IMPORT EXPORT",
    "zh": "FRUITS|AQUATIC PRODUCTS|FOODSTUFFS|AGRICULTURAL|WOOD INDUSTRY|HORTICULTURE|FOODSTUFFS|"
    "IMPORT & EXPORT,INDUSTRIAL,TRADING,MACHINERY,TEXTILE,ELECTRONIC TECHNOLOGY",
    "en": "FRESH PRODUCE,FRUIT EXPORTS,FARMS|SEAFOODS,FISHERIES|COFFEE & TEA,COMMODITIES|AGRO,GRAINS|TIMBER,"
    "HARDWOODS|FLOWERS,FLORICULTURE|FOODS,BEVERAGES|TRADING,INDUSTRIES,MANUFACTURING,EXPORTS",
}
_CORES = {
    "es": "DEL PACÍFICO,EL ORO,LOS ANDES,SAN JOSÉ,SANTA ROSA,LA ESPERANZA,DEL VALLE,MONTAÑA VERDE,RÍO GRANDE,"
    "DEL CARIBE,SAN MIGUEL,LA UNIÓN,NUEVO AMANECER,TIERRA FÉRTIL,EL PORVENIR,GARCÍA HERMANOS,MUÑOZ E HIJOS",
    "pt": "DO SUL,PAULISTA,SÃO JOÃO,DO CERRADO,PARANAENSE,GAÚCHA,DO VALE,BOA VISTA,ATLÂNTICO,NOVA ESPERANÇA",
    "fr": "DE L'ATLANTIQUE,DU NORD,DU GOLFE,DE LA CÔTE,DU SAHEL,DES LAGUNES,DE L'OUEST,MÉDITERRANÉE",
    "nl": "VAN DEN BERGHE,DE SMET,PEETERS,JANSSENS,MAES,VERMEULEN,DE VRIES,BAKKER,SCHELDE,NOORDZEE,WAASLAND,"
    "KEMPEN,POLDER,DELTA",
    "de": "HANSEATISCHE,NORDDEUTSCHE,RHEIN,ELBE,WESER,MÜLLER,SCHRÖDER,HANSEN,KRÜGER",
    "it": "ROSSI,BIANCHI,ESPOSITO,ROMANO,COLOMBO,ADRIATICA,PADANA,TIRRENA,LIGURE",
    "zh": "HUAXIN,DATONG,HAIYUAN,JINLONG,FENGSHENG,XINGMING,TAIHENG,RUIKANG,ZHONGDA,YONGFA",
    "en": "ATLANTIC,PACIFIC,GOLDEN,SUNRISE,CROWN,EASTERN,PIONEER,HERITAGE,SILVER,UNITED,ROYAL,GREENFIELD",
}
_LEGAL = {
    "EC": "S.A.,CÍA. LTDA.", "CO": "S.A.S.,S.A.", "PE": "S.A.C.,S.A.", "CL": "S.A.,SPA,LTDA.",
    "MX": "S.A. DE C.V.", "CR": "S.A.,S.R.L.", "PA": "S.A.,INC.", "DO": "S.R.L.,S.A.", "VE": "C.A.",
    "AR": "S.A.,S.R.L.", "ES": "S.L.,S.A.", "BR": "LTDA.,S.A.,EIRELI", "PT": "LDA.,S.A.", "FR": "SAS,SARL,SA",
    "BE": "NV,BV,BVBA", "NL": "B.V.", "DE": "GMBH,GMBH & CO. KG,AG", "AT": "GMBH", "IT": "S.R.L.,S.P.A.",
    "US": "INC.,LLC,CORP.", "GB": "LTD,PLC", "IN": "PVT. LTD.,LTD.", "ZA": "(PTY) LTD",
    "SG": "PTE. LTD.", "MY": "SDN. BHD.", "AE": "LLC,FZE", "PL": "SP. Z O.O.", "CZ": "S.R.O.", "SE": "AB",
    "FI": "OY", "DK": "A/S", "NO": "AS", "LT": "UAB", "LU": "S.A.,SARL"
}  # fmt: skip
_LEGAL_FALLBACK = {"es": "S.A.", "pt": "LDA.", "fr": "SARL,SA", "nl": "BV", "de": "GMBH", "it": "S.R.L."}
_LEGAL_FALLBACK |= {"zh": "CO., LTD.", "en": "LTD,LIMITED"}
_NUMBER_FIRST = {"en", "fr"}
_STREETS = {
    "es": "AV. 9 DE OCTUBRE,AV. SAN MARTÍN,CALLE BOLÍVAR,AV. DE LAS AMÉRICAS,CALLE COLÓN,VÍA A LA COSTA KM",
    "pt": "RUA DAS FLORES,AV. DOM PEDRO II,RUA XV DE NOVEMBRO,AV. DOS BANDEIRANTES,RUA DA INDEPENDÊNCIA",
    "fr": "RUE DU PORT,BOULEVARD DE LA RÉPUBLIQUE,RUE DU COMMERCE,ZONE INDUSTRIELLE,AVENUE DE LA PAIX",
    "nl": "NOORDERLAAN,HAVENSTRAAT,KAAISTRAAT,INDUSTRIEWEG,POLDERDIJKWEG,MOLENSTRAAT",
    "de": "HAFENSTRASSE,INDUSTRIEWEG,BAHNHOFSTRASSE,HAUPTSTRASSE,ELBDAMM",
    "it": "VIA ROMA,VIA GARIBALDI,VIA DEL PORTO,VIA DELL'INDUSTRIA,VIA MAZZINI",
    "zh": "JIANGNAN ROAD,BINHAI ROAD,ZHONGSHAN ROAD,RENMIN ROAD,CHANGJIANG ROAD",
    "en": "HARBOUR ROAD,STATION STREET,INDUSTRIAL AVENUE,MARINE DRIVE,KING STREET,PARK ROAD",
}
#: Consignee places: "postcode=CITY" (real postcodes of the places named).
EU_PLACES = {
    "BE": "2000=ANTWERPEN;2030=ANTWERPEN;2040=ANTWERPEN;2100=DEURNE;9000=GENT;1000=BRUSSEL;2800=MECHELEN;"
    "8380=ZEEBRUGGE;9120=BEVEREN;2830=WILLEBROEK;2440=GEEL",
    "NL": "3011 AB=ROTTERDAM;2991 LN=BARENDRECHT;5928 PX=VENLO;5048 AA=TILBURG;1043 BW=AMSTERDAM;"
    "2984 AX=RIDDERKERK",
    "DE": "20457=HAMBURG;28195=BREMEN;47051=DUISBURG;50667=KÖLN;40210=DÜSSELDORF;60311=FRANKFURT AM MAIN",
    "FR": "94150=RUNGIS;59000=LILLE;75008=PARIS;69007=LYON;13002=MARSEILLE;67000=STRASBOURG",
    "IT": "20121=MILANO;37135=VERONA;40121=BOLOGNA", "ES": "28001=MADRID;08039=BARCELONA;46024=VALENCIA",
    "PL": "80-001=GDAŃSK;00-001=WARSZAWA;60-001=POZNAŃ", "CZ": "110 00=PRAHA;602 00=BRNO",
    "AT": "1010=WIEN;4020=LINZ", "LU": "L-3225=BETTEMBOURG;L-1611=LUXEMBOURG",
    "GB": "IP11 3SY=FELIXSTOWE;L20 1BD=LIVERPOOL;EC2A 4NE=LONDON", "IE": "D01 K0F1=DUBLIN;T12 X70A=CORK",
    "SE": "411 05=GÖTEBORG;111 20=STOCKHOLM", "FI": "00100=HELSINKI;48100=KOTKA", "DK": "8000=AARHUS",
    "LT": "LT-91247=KLAIPĖDA", "NO": "0150=OSLO", "PT": "4450-208=MATOSINHOS;1100-148=LISBOA",
}  # fmt: skip
_CITIES = {
    "EC": "GUAYAQUIL,MACHALA,QUITO", "CO": "BOGOTÁ,MEDELLÍN,SANTA MARTA,APARTADÓ", "CR": "SAN JOSÉ,LIMÓN",
    "BR": "SÃO PAULO,SANTOS,CURITIBA,ITAJAÍ", "PE": "LIMA,PIURA", "CL": "SANTIAGO,VALPARAÍSO",
    "PA": "PANAMÁ,COLÓN", "PY": "ASUNCIÓN", "MX": "CIUDAD DE MÉXICO,VERACRUZ,GUADALAJARA",
    "CN": "NINGBO,SHANGHAI,SHENZHEN,QINGDAO,XIAMEN,YIWU,DONGGUAN", "CI": "ABIDJAN,SAN-PÉDRO",
}  # fmt: skip
_EORI = {
    "BE": "0#########", "NL": "#########", "DE": "#######", "FR": "##############", "IT": "###########",
    "ES": "B########", "PL": "##########00000", "CZ": "########", "AT": "EOS##########", "LU": "###########",
    "GB": "############", "IE": "#######T", "SE": "##########", "FI": "########", "DK": "########",
    "LT": "#########", "PT": "#########",
}  # fmt: skip
_FRONT = (
    "EURO GLOBAL NOVA PRIME UNITED ATLAS ALPHA ORION STAR MAXI FIRST",
    "TRADE IMPEX TRADING COMMERCE FOODS FRESH",
)


def _pick(rng: np.random.Generator, options: str, sep: str = ",") -> str:
    items = options.split(sep)
    return items[int(rng.integers(len(items)))]


def language(country: str) -> str:
    """The language company names are written in for ``country`` (English where we have no word lists)."""
    return _LANG.get(country, "en")


def company_name(country: str, sector: str, rng: np.random.Generator) -> str:
    """A plausible (invented) company name for a firm of ``sector`` in ``country``."""
    lang = language(country)
    sector_word = _pick(rng, _SECTOR_WORDS[lang].split("|")[_SECTORS.index(sector)])
    core = _pick(rng, _CORES[lang])
    legal = _pick(rng, _LEGAL.get(country, _LEGAL_FALLBACK[lang]))
    if lang == "zh":
        return f"{_pick(rng, _CITIES['CN'])} {core} {sector_word} CO., LTD."
    if lang in {"es", "pt", "fr"}:
        return f"{sector_word} {core} {legal}"
    return f"{core} {sector_word} {legal}"


def front_company_name(country: str, rng: np.random.Generator) -> str:
    """A generic name of the kind recently created front companies carry."""
    first, second = (_pick(rng, words, " ") for words in _FRONT)
    return f"{first} {second} {_pick(rng, _LEGAL.get(country, _LEGAL_FALLBACK[language(country)]))}"


def address(country: str, rng: np.random.Generator) -> tuple[str, str, str]:
    """Street, city and postcode of an (invented) address in ``country``."""
    lang = language(country)
    number = int(rng.integers(1, 400))
    street = _pick(rng, _STREETS[lang])
    if lang == "zh":
        street = f"NO. {number} {street}"
    else:
        street = (
            f"{number} {street}"
            if lang in _NUMBER_FIRST
            else f"{street}{',' if lang == 'pt' else ''} {number}"
        )
    if country in EU_PLACES:
        postcode, city = _pick(rng, EU_PLACES[country], ";").split("=")
        return street, city, postcode
    if country in _CITIES:
        return street, _pick(rng, _CITIES[country]), ""
    names = _port_cities(country)
    return street, (names[int(rng.integers(len(names)))] if names else ""), ""


@cache
def _port_cities(country: str) -> tuple[str, ...]:
    return tuple(sorted(p.name.upper() for p in ports().values() if p.country == country))


def eori(country: str, rng: np.random.Generator) -> str | None:
    """An EORI-shaped number (country code + national digits) where the country issues EORI, else None."""
    pattern = _EORI.get(country)
    if not pattern:
        return None
    digits = iter(rng.integers(0, 10, size=pattern.count("#")).tolist())
    return country + "".join(str(next(digits)) if ch == "#" else ch for ch in pattern)
