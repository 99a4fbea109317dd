"""Normalised forms for matching: party names without accents, punctuation or legal forms; identifiers compact.

``normalise_party("Exportadora Frutas del Sur, S.A.C.")`` → ``"EXPORTADORA FRUTAS DEL SUR"``: upper case, accents
folded (``Cía`` → ``CIA``), ``&`` read as ``AND``, dotted initials joined (``S. A.`` → ``SA``), punctuation dropped and
legal-form words removed (``SA``, ``SAC``, ``LTDA``, ``NV``, ``BVBA``, ``GMBH``, ``CIA``, ...). Word order is left
alone: the fuzzy scorer (token sort) handles it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from cargoscreen.domain.errors import InvalidIdentifier
from cargoscreen.domain.ids import parse_container_number, parse_imo_number
from cargoscreen.domain.targeting import normalise_bill_of_lading

# Legal forms as they read once dots and blanks between initials are gone (S.A. de C.V. → SA DE CV).
# fmt: off
LEGAL_FORMS: frozenset[str] = frozenset({
    "SA", "SAS", "SAC", "SAA", "SRL", "SRLTDA", "SARL", "SPA", "SL", "SLU", "SCS", "SCA", "SCRL", "SPRL",
    "SC", "SNC", "SAU", "SAPI", "SPR", "EIRL", "EURL", "CV", "RL", "DECV", "LTDA", "LTD", "LIMITED", "LLC",
    "LLP", "LP", "PLC", "INC", "INCORPORATED", "CORP", "CORPORATION", "CO", "COMPANY", "CIA", "COMPANIA",
    "COMPANHIA", "NV", "BV", "BVBA", "CVBA", "VOF", "CVA", "GMBH", "AG", "KG", "OHG", "UG", "EK", "AB",
    "OY", "OYJ", "AS", "ASA", "APS", "KFT", "SRO", "ZOO", "DOO", "OOO", "ZAO", "PJSC", "JSC", "PTE", "PTY",
    "BHD", "SDN", "TBK", "PT", "CORPORACION",
})
# fmt: on
# Words that only glue legal forms together ("SA DE CV", "CIA Y LTDA", "& CO"): dropped when they end a name.
_GLUE: frozenset[str] = frozenset({"DE", "Y", "E", "AND", "ET", "UND", "EN"})
_PUNCT = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")
# Dotted initials: S.A., S. A. C., N.V, R.L. (a run of "letter." ending with a letter, dotted or not).
_INITIALS = re.compile(r"\b(?:[A-Z]\.\s?)+[A-Z]\b\.?")
# Legal forms that keep a word between their initials once joined (S. de R.L. → S DE RL).
_PHRASES = re.compile(r"\b(?:S DE RL|S EN C|S EN NC|S EN CS)\b")


@lru_cache(maxsize=200_000)
def normalise_party(name: str) -> str:
    """The comparable form of a party name; empty only when the name is nothing but a legal form."""
    words = _words(name)
    kept = [w for w in words if w not in LEGAL_FORMS]
    while kept and kept[-1] in _GLUE:
        kept.pop()
    while kept and kept[0] in _GLUE:
        kept.pop(0)
    return " ".join(kept) if kept else " ".join(words)


def _words(name: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in folded if not unicodedata.combining(ch)).upper()
    text = _INITIALS.sub(lambda m: re.sub(r"[.\s]", "", m.group(0)) + " ", text)
    text = text.replace("&", " AND ").replace("'", "")
    text = _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()
    text = _PHRASES.sub(" ", text)
    return text.split()


def normalise_container(value: str) -> str | None:
    """Compact ISO 6346 form, or ``None`` when the text is not a valid container number."""
    try:
        return parse_container_number(value)
    except InvalidIdentifier:
        return None


def normalise_imo(value: str) -> str | None:
    """Seven-digit IMO number (``IMO 9321483`` → ``9321483``), or ``None`` when invalid."""
    try:
        return parse_imo_number(value.upper().replace("IMO", "").strip())
    except InvalidIdentifier:
        return None


def normalise_bill(value: str) -> str:
    """Upper case, letters and digits only."""
    return normalise_bill_of_lading(value)
