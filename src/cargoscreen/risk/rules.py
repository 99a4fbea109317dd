"""Rule profiles: targeting rules written in YAML by analysts, checked before use, evaluated on many cases.

A profile file holds ``rules:``; each rule has ``id``, ``title``, ``owner``, ``rationale`` (the words shown to
the officer), ``valid_from`` / ``valid_until`` (days, both included), ``when:`` (see
:mod:`cargoscreen.risk.rule_conditions`) and either ``weight`` (0 < w <= 1, combined noisy-or by
:mod:`cargoscreen.risk.scoring`) or ``channel`` (SCAN or PHYSICAL: the container is forced into that lane).

Every problem of a file is reported at once, each naming the file, the YAML line, the rule id and the field,
e.g. ``rules.yaml line 14, rule EC-BANANA-REEFER: unknown field 'origin.contry' (did you mean ...?)``.
A file with any problem loads nothing; :class:`RuleBook` keeps the rules it had.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cargoscreen.domain.errors import CargoscreenError
from cargoscreen.domain.targeting import Channel
from cargoscreen.risk.case import ContainerCase
from cargoscreen.risk.rule_conditions import CaseColumns, Condition, condition_fields, evaluate

log = logging.getLogger(__name__)
DEFAULT_PROFILE = "default.yaml"


class ProfileError(CargoscreenError):
    """A rule profile (or watch list) that cannot be used; ``problems`` lists every fault with its place."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


class _LineDict(dict[Any, Any]):
    line = 0
    lines: dict[Any, int]


class _LineList(list[Any]):
    line = 0
    lines: list[int]


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader whose mappings and lists remember the line (1-based) of each key and item."""


def _mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    loader.flatten_mapping(node)
    data = _LineDict()
    data.line, data.lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool | date | None):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text", key_node.start_mark
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data.lines[key] = key_node.start_mark.line + 1
    return data


def _sequence(loader: _LineLoader, node: yaml.SequenceNode) -> _LineList:
    data = _LineList(loader.construct_object(child, deep=True) for child in node.value)
    data.line, data.lines = node.start_mark.line + 1, [child.start_mark.line + 1 for child in node.value]
    return data


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load_yaml_with_lines(text: str, source: str) -> Any:
    """Parse YAML; mappings and lists carry ``line`` / ``lines``. Raises :class:`ProfileError` on bad YAML."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise ProfileError(source, [f"{source} line {line}: not valid YAML: {exc.problem}"]) from None
    except yaml.YAMLError as exc:
        raise ProfileError(source, [f"{source}: not valid YAML: {exc}"]) from None


def locate(raw: Any, loc: Sequence[int | str]) -> int:
    """The YAML line of the deepest part of ``raw`` that a pydantic error location reaches."""
    line, node = getattr(raw, "line", 0), raw
    for part in loc:
        in_dict = isinstance(node, _LineDict) and part in node
        if in_dict or (isinstance(node, _LineList) and isinstance(part, int) and part < len(node)):
            line, node = node.lines[part], node[part]
    return line


def describe_error(error: Any) -> str:
    """A pydantic error in plain words: ``unknown key 'wieght'``, ``missing 'rationale'``, ..."""
    key = error["loc"][-1] if error["loc"] else ""
    if error["type"] == "extra_forbidden":
        return f"unknown key {key!r}"
    if error["type"] == "missing":
        return f"missing {key!r}"
    message = str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    plain = error["type"] == "value_error" or not key or not isinstance(key, str)
    return message if plain else f"{key}: {message}"


_RULE = ConfigDict(extra="forbid", frozen=True)


class Rule(BaseModel):
    """One targeting rule."""

    model_config = _RULE
    id: str = Field(pattern=r"^[A-Z0-9][A-Z0-9._-]{1,63}$")
    title: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    rationale: str = Field(min_length=10)
    valid_from: date
    valid_until: date
    when: Condition
    weight: float | None = Field(default=None, gt=0.0, le=1.0)
    channel: Channel | None = None
    _fields: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _effect(self) -> Rule:
        if (self.weight is None) == (self.channel is None):
            raise ValueError(
                "give either weight (0 < w <= 1) or channel (SCAN or PHYSICAL), not both or neither"
            )
        if self.channel is Channel.GREEN:
            raise ValueError("channel forces a lane: SCAN or PHYSICAL (a rule cannot release)")
        if self.valid_until < self.valid_from:
            raise ValueError(f"valid_until {self.valid_until} is before valid_from {self.valid_from}")
        self._fields = tuple(dict.fromkeys(condition_fields(self.when)))
        return self

    def active_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_until

    def fields(self) -> tuple[str, ...]:
        """The fields the rule reads, each once."""
        return self._fields


class RuleProfile(BaseModel):
    """The content of one profile file."""

    model_config = _RULE
    name: str = ""
    description: str = ""
    rules: list[Rule]


@dataclass(frozen=True)
class RuleHits:
    """Which active rule matched which case: ``matched[i, j]`` for case i and ``rules[j]``."""

    rules: tuple[Rule, ...]
    matched: np.ndarray[Any, np.dtype[np.bool_]]
    columns: CaseColumns

    @cached_property
    def weights(self) -> tuple[float, ...]:
        """Each rule's weight (0 for channel rules)."""
        return tuple(rule.weight or 0.0 for rule in self.rules)

    @cached_property
    def fields(self) -> tuple[tuple[str, ...], ...]:
        """The fields each rule reads."""
        return tuple(rule.fields() for rule in self.rules)


@dataclass(frozen=True)
class RuleSet:
    """Rules from one or more profile files (ids unique across them)."""

    rules: tuple[Rule, ...] = ()
    sources: tuple[str, ...] = ()

    def active(self, day: date) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.active_on(day))

    def evaluate(self, cases: Sequence[ContainerCase], *, on: date) -> RuleHits:
        """Evaluate the rules active on ``on`` for every case (one column of results per rule)."""
        rules, columns = self.active(on), CaseColumns(cases)
        matched = np.zeros((len(cases), len(rules)), dtype=np.bool_)
        for j, rule in enumerate(rules):
            matched[:, j] = evaluate(rule.when, columns)
        return RuleHits(rules, matched, columns)


def parse_profile(text: str, source: str) -> RuleSet:
    """Check and load one profile's text; raises :class:`ProfileError` listing every problem."""
    raw = load_yaml_with_lines(text, source)
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list):
        raise ProfileError(source, [f"{source} line 1: a profile is a mapping with a 'rules:' list"])
    try:
        profile = RuleProfile.model_validate(raw)
    except ValidationError as exc:
        errors = sorted(exc.errors(), key=lambda e: locate(raw, e["loc"]))
        raise ProfileError(source, [_problem(source, raw, e) for e in errors]) from None
    _check_unique(source, raw, [rule.id for rule in profile.rules])
    return RuleSet(tuple(profile.rules), (source,))


def _problem(source: str, raw: Any, error: Any) -> str:
    loc = error["loc"]
    where = f"{source} line {locate(raw, loc)}"
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rule = raw["rules"][loc[1]]
        rule_id = rule.get("id") if isinstance(rule, dict) else None
        where += f", rule {rule_id}" if rule_id else f", rule #{loc[1] + 1}"
    return f"{where}: {describe_error(error)}"


def _check_unique(source: str, raw: Any, ids: list[str]) -> None:
    problems = [
        f"{source} line {raw['rules'].lines[i]}, rule {rule_id}: id used twice in the profile"
        for i, rule_id in enumerate(ids)
        if rule_id in ids[:i]
    ]
    if problems:
        raise ProfileError(source, problems)


def load_profile(path: Path | str) -> RuleSet:
    """Load one profile file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(str(path), [f"{path}: cannot read the profile: {exc}"]) from None
    return parse_profile(text, str(path))


def load_profiles(paths: Iterable[Path | str]) -> RuleSet:
    """Load several profile files as one set; every file's problems are reported, and a rule id twice fails."""
    paths = list(paths)
    problems: list[str] = []
    rules: list[Rule] = []
    sources: list[str] = []
    for path in paths:
        try:
            loaded = load_profile(path)
        except ProfileError as exc:
            problems.extend(exc.problems)
            continue
        rules.extend(loaded.rules)
        sources.extend(loaded.sources)
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            problems.append(f"rule {rule.id} is defined in more than one profile ({', '.join(sources)})")
        seen.add(rule.id)
    if problems:
        raise ProfileError(", ".join(str(p) for p in paths), problems)
    return RuleSet(tuple(rules), tuple(sources))


def default_profile() -> RuleSet:
    """The profile shipped with cargoscreen (``risk/profiles/default.yaml``)."""
    text = (
        resources.files("cargoscreen.risk").joinpath("profiles", DEFAULT_PROFILE).read_text(encoding="utf-8")
    )
    return parse_profile(text, f"cargoscreen/risk/profiles/{DEFAULT_PROFILE}")


class RuleBook:
    """The rule set in force; a reload that finds any problem keeps the previous set."""

    def __init__(self, rules: RuleSet | None = None) -> None:
        self.current = rules if rules is not None else RuleSet()

    def reload(self, paths: Iterable[Path | str]) -> tuple[str, ...]:
        """Load the files as the new set; returns the problems (empty when the new set is in force)."""
        try:
            loaded = load_profiles(list(paths))
        except ProfileError as exc:
            log.warning(
                "rule profiles rejected, keeping %d rules",
                len(self.current.rules),
                extra={"problems": exc.problems},
            )
            return exc.problems
        self.current = loaded
        log.info("rule profiles loaded", extra={"rules": len(loaded.rules), "sources": loaded.sources})
        return ()
