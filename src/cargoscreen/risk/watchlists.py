"""Watch lists of parties, containers, vessels and bills of lading, and matching cases against them.

Parties match fuzzily: both names are normalised (:func:`~cargoscreen.risk.normalise.normalise_party`: case,
accents, punctuation, legal forms) and compared with rapidfuzz's ``token_sort_ratio`` (word order does not
count) or ``WRatio``; a hit needs a similarity of at least ``threshold`` (default 90 of 100), and every word
must have a counterpart in the other name (:func:`tokens_agree`: one-letter words must be equal). Containers
(ISO 6346), vessels (IMO) and B/Ls match exactly on their normalised forms. An entry counts up to and
including its ``valid_until`` day.

Files are CSV (header ``list_kind,value,reason,added_by,valid_until``) or YAML (a list of such mappings, or
``entries:`` holding one). A file with any bad line loads nothing; the error names every line and column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import ValidationError
from rapidfuzz import fuzz, process

from cargoscreen.domain.targeting import ListKind, WatchListEntry
from cargoscreen.risk.case import ContainerCase
from cargoscreen.risk.normalise import normalise_bill, normalise_party
from cargoscreen.risk.rules import ProfileError, describe_error, load_yaml_with_lines, locate

DEFAULT_THRESHOLD = 90.0
TOKEN_SIMILARITY = 80.0
DEFAULT_WEIGHTS: dict[ListKind, float] = {
    ListKind.PARTY: 0.5,
    ListKind.CONTAINER: 0.8,
    ListKind.VESSEL: 0.3,
    ListKind.BILL_OF_LADING: 0.8,
}
COLUMNS = ("list_kind", "value", "reason", "added_by", "valid_until")
PARTY_ROLES = (("consignor", "shipper"), ("consignee", "consignee"), ("notify", "notify party"))
Scorer = Literal["token_sort", "wratio"]
_SCORERS = {"token_sort": fuzz.token_sort_ratio, "wratio": fuzz.WRatio}


class WatchListError(ProfileError):
    """A watch-list file that cannot be loaded; ``problems`` names each line and column."""


@dataclass(frozen=True, slots=True)
class WatchListHit:
    """A case fact that matches a watch-list entry; ``similarity`` 0-100 (100 for exact matches)."""

    entry: WatchListEntry
    role: str
    value: str
    similarity: float
    normalised_value: str
    normalised_entry: str


class PartyMatcher:
    """Fuzzy matching of many party names against a fixed list of names, in one rapidfuzz call."""

    def __init__(
        self, names: Sequence[str], *, threshold: float = DEFAULT_THRESHOLD, scorer: Scorer = "token_sort"
    ):
        self.names = tuple(names)
        self.normalised = [normalise_party(name) for name in self.names]
        self.threshold = threshold
        self.scorer = scorer

    def match(self, queries: Sequence[str]) -> list[list[tuple[int, float]]]:
        """For each query, the (index into ``names``, similarity) pairs at or above the threshold, best first."""
        if not queries or not self.names:
            return [[] for _ in queries]
        keys = [normalise_party(q) for q in queries]
        unique = list(dict.fromkeys(keys))
        scores = process.cdist(
            unique,
            self.normalised,
            scorer=_SCORERS[self.scorer],
            score_cutoff=self.threshold,
            dtype=np.float32,
        )
        found: dict[str, list[tuple[int, float]]] = {}
        for row, key in enumerate(unique):
            hits = [int(i) for i in np.flatnonzero(scores[row] >= self.threshold)]
            kept = [
                (i, round(float(scores[row, i]), 1)) for i in hits if tokens_agree(key, self.normalised[i])
            ]
            found[key] = sorted(kept, key=lambda h: -h[1])
        return [found[key] for key in keys]


def tokens_agree(a: str, b: str) -> bool:
    """Every word of each name has a counterpart in the other: the same word for words of one or two letters
    (``EXPORTADORA X`` is not ``EXPORTADORA Y``), else a spelling at least ``TOKEN_SIMILARITY`` close, or one
    word holding the other (``AGRO EXPORT`` / ``AGROEXPORT``)."""
    words_a, words_b = a.split(), b.split()
    return all(_counterpart(w, words_b) for w in words_a) and all(_counterpart(w, words_a) for w in words_b)


def _counterpart(word: str, others: list[str]) -> bool:
    if len(word) <= 2:
        return word in others
    return any(fuzz.ratio(word, other) >= TOKEN_SIMILARITY or _holds(word, other) for other in others)


def _holds(a: str, b: str) -> bool:
    return (len(a) >= 4 and a in b) or (len(b) >= 4 and b in a)


class WatchList:
    """Entries of every kind, with the matching threshold and each kind's weight in the score."""

    def __init__(
        self,
        entries: Sequence[WatchListEntry] = (),
        *,
        threshold: float = DEFAULT_THRESHOLD,
        weights: dict[ListKind, float] | None = None,
        scorer: Scorer = "token_sort",
    ) -> None:
        self.entries = tuple(entries)
        self.threshold = threshold
        self.weights = {**DEFAULT_WEIGHTS, **(weights or {})}
        self.scorer = scorer

    def weight(self, hit: WatchListHit) -> float:
        """The hit's contribution: its kind's weight scaled by the similarity."""
        return self.weights[hit.entry.list_kind] * hit.similarity / 100.0

    def match_cases(self, cases: Sequence[ContainerCase], *, on: date) -> list[list[WatchListHit]]:
        """For each case, the hits of entries valid on ``on``."""
        active = [e for e in self.entries if e.active_on(on)]
        hits: list[list[WatchListHit]] = [[] for _ in cases]
        self._match_parties(cases, [e for e in active if e.list_kind is ListKind.PARTY], hits)
        exact: dict[tuple[ListKind, str], WatchListEntry] = {
            (e.list_kind, e.value): e for e in active if e.list_kind is not ListKind.PARTY
        }
        if exact:
            for case, found in zip(cases, hits, strict=True):
                found.extend(_exact_hits(case, exact))
        return hits

    def _match_parties(
        self, cases: Sequence[ContainerCase], entries: list[WatchListEntry], hits: list[list[WatchListHit]]
    ) -> None:
        if not entries:
            return
        queries = [
            (i, role, p.name)
            for i, c in enumerate(cases)
            for attr, role in PARTY_ROLES
            for p in c.parties(attr)
        ]
        matcher = PartyMatcher([e.value for e in entries], threshold=self.threshold, scorer=self.scorer)
        for (i, role, name), matches in zip(queries, matcher.match([q[2] for q in queries]), strict=True):
            for index, similarity in matches:
                normalised = (normalise_party(name), matcher.normalised[index])
                hits[i].append(WatchListHit(entries[index], role, name, similarity, *normalised))


def _exact_hits(
    case: ContainerCase, exact: Mapping[tuple[ListKind, str], WatchListEntry]
) -> list[WatchListHit]:
    facts = [
        (ListKind.CONTAINER, "container", case.container_number),
        (ListKind.VESSEL, "vessel", case.imo_number),
    ]
    facts += [(ListKind.BILL_OF_LADING, "bill of lading", c.bill_of_lading) for c in case.consignments]
    found = []
    for kind, role, value in facts:
        key = normalise_bill(value) if kind is ListKind.BILL_OF_LADING else value
        entry = exact.get((kind, key))
        if entry is not None:
            found.append(WatchListHit(entry, role, value, 100.0, key, entry.value))
    return found


def load_watchlist(path: Path | str, **options: Any) -> WatchList:
    """Read a CSV or YAML watch list (by suffix: .yaml/.yml, else CSV); ``options`` go to :class:`WatchList`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise WatchListError(str(path), [f"{path}: cannot read the watch list: {exc}"]) from None
    if path.suffix.lower() in (".yaml", ".yml"):
        return WatchList(parse_watchlist_yaml(text, str(path)), **options)
    return WatchList(parse_watchlist_csv(text, str(path)), **options)


def parse_watchlist_csv(text: str, source: str) -> list[WatchListEntry]:
    """Entries of a CSV watch list; raises :class:`WatchListError` naming every bad line and column."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS[:4] if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        detail = f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(unknown)}"
        raise WatchListError(source, [f"{source} line 1: header must be {','.join(COLUMNS)} ({detail})"])
    entries, problems = [], []
    for row in reader:
        values = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if None in row:
            problems.append(f"{source} line {reader.line_num}: more values than columns")
            continue
        try:
            entries.append(
                WatchListEntry.model_validate({**values, "valid_until": values.get("valid_until") or None})
            )
        except ValidationError as exc:
            problems += [_cell(source, reader.line_num, header, e) for e in exc.errors()]
    if problems:
        raise WatchListError(source, problems)
    return entries


def _cell(source: str, line: int, header: list[str], error: Any) -> str:
    column = str(error["loc"][0]) if error["loc"] else ""
    number = header.index(column) + 1 if column in header else 0
    place = f"column {number} ({column})" if number else f"column {column}" if column else "row"
    return f"{source} line {line}, {place}: {describe_error({**error, 'loc': ()})}"


def parse_watchlist_yaml(text: str, source: str) -> list[WatchListEntry]:
    """Entries of a YAML watch list; raises :class:`WatchListError` naming every bad entry and key."""
    raw = load_yaml_with_lines(text, source)
    items = raw.get("entries") if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        raise WatchListError(
            source, [f"{source} line 1: a watch list is a list of entries (or entries: [...])"]
        )
    entries, problems = [], []
    for i, item in enumerate(items):
        line = items.lines[i] if hasattr(items, "lines") else 0
        try:
            entries.append(WatchListEntry.model_validate(item))
        except ValidationError as exc:
            for error in exc.errors():
                key = str(error["loc"][0]) if error["loc"] else "entry"
                where = locate(item, error["loc"]) or line
                problems.append(
                    f"{source} line {where}, column {key}: {describe_error({**error, 'loc': ()})}"
                )
    if problems:
        raise WatchListError(source, problems)
    return entries
