"""Rule conditions: ``all`` / ``any`` / ``not`` over tests of the case fields, checked and evaluated in bulk.

A leaf names a field of :data:`~cargoscreen.risk.case.FIELDS` and one operator (``{field: origin.country,
in: [EC, CO]}``); each field kind allows some operators (``OPERATORS``). Text
comparisons ignore case; ``contains_any`` on text looks for substrings, on a set for common members;
``startswith`` on a set: a member starts with a prefix. A field without a value (``None``: unknown) matches no
operator except ``exists: false`` (so ``not:`` of a test on it holds).
:class:`CaseColumns` reads each field once per batch; :func:`evaluate` gives one boolean per case (numpy).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from cargoscreen.domain.reference import ports
from cargoscreen.risk.case import FIELDS, ContainerCase, FieldKind, FieldValue

Mask = np.ndarray[Any, np.dtype[np.bool_]]
OPERATORS: dict[FieldKind, tuple[str, ...]] = {
    FieldKind.TEXT: ("eq", "ne", "in", "not_in", "contains_any", "startswith", "exists"),
    FieldKind.NUMBER: ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "between", "exists"),
    FieldKind.FLAG: ("eq", "ne", "exists"),
    FieldKind.SET: ("contains_any", "startswith", "exists"),
}
_ALL_OPERATORS = OPERATORS[FieldKind.NUMBER] + ("contains_any", "startswith")


def unknown_field_message(name: str) -> str:
    """``unknown field 'origin.contry' (did you mean 'origin.country'?)``."""
    close = difflib.get_close_matches(name, FIELDS, n=1, cutoff=0.6)
    return f"unknown field {name!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


_STRICT = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
_FORMATS = {"goods.hs_chapters": 2, "goods.hs_headings": 4}
_PORT_FIELDS = {name for name in FIELDS if name.endswith("ports")} | {"route.risky_hubs"}


class Leaf(BaseModel):
    """``{field: <name>, <operator>: <value>}``: exactly one operator."""

    model_config = _STRICT
    field: str
    eq: Any = None
    ne: Any = None
    in_: Any = Field(default=None, alias="in")
    not_in: Any = None
    contains_any: Any = None
    gt: Any = None
    gte: Any = None
    lt: Any = None
    lte: Any = None
    between: Any = None
    startswith: Any = None
    exists: Any = None
    _op: str = ""
    _operand: Any = None

    @field_validator("field")
    @classmethod
    def _known(cls, name: str) -> str:
        if name not in FIELDS:
            raise ValueError(unknown_field_message(name))
        return name

    @model_validator(mode="after")
    def _one_operator(self) -> Leaf:
        given = [op for op in _ALL_OPERATORS if ("in_" if op == "in" else op) in self.model_fields_set]
        if len(given) != 1:
            found = ", ".join(given) or "none"
            raise ValueError(f"name exactly one operator for {self.field} (found: {found})")
        op, spec = given[0], FIELDS[self.field]
        if op not in OPERATORS[spec.kind]:
            allowed = ", ".join(OPERATORS[spec.kind])
            raise ValueError(f"operator {op!r} does not apply to {self.field} ({spec.kind}); use {allowed}")
        self._op = op
        self._operand = _operand(self.field, spec.kind, op, getattr(self, "in_" if op == "in" else op))
        return self

    @property
    def op(self) -> str:
        return self._op

    @property
    def operand(self) -> Any:
        return self._operand


class AllOf(BaseModel):
    """Every condition holds."""

    model_config = _STRICT
    all: list[Condition] = Field(min_length=1)


class AnyOf(BaseModel):
    """At least one condition holds."""

    model_config = _STRICT
    any: list[Condition] = Field(min_length=1)


class NotOf(BaseModel):
    """The condition does not hold."""

    model_config = _STRICT
    not_: Condition = Field(alias="not")


def _shape(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    return next((key for key in ("all", "any", "not") if key in value), "leaf")


Condition = Annotated[
    Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")]
    | Annotated[Leaf, Tag("leaf")],
    Discriminator(
        _shape,
        custom_error_type="condition",
        custom_error_message="a condition is all: [...], any: [...], not: {...} or field: + operator",
    ),
]
for _model in (AllOf, AnyOf, NotOf):
    _model.model_rebuild()


def _operand(name: str, kind: FieldKind, op: str, value: Any) -> Any:
    """Check an operator's value against the field's kind and return it in the form evaluation uses."""
    if op == "exists" or kind is FieldKind.FLAG:
        return _flag(value)
    if op == "between":
        bounds = _list(value)
        if len(bounds) != 2 or _number(bounds[0]) > _number(bounds[1]):
            raise ValueError(f"between takes [low, high] with low <= high, not {value!r}")
        return (_number(bounds[0]), _number(bounds[1]))
    if kind is FieldKind.NUMBER:
        return tuple(_number(v) for v in _list(value)) if op in ("in", "not_in") else _number(value)
    texts = tuple(_text(name, v) for v in _list(value))
    if op in ("eq", "ne"):
        if len(texts) != 1:
            raise ValueError(f"{op} takes one value, not a list; use in / not_in")
        return texts[0]
    return texts if op == "startswith" else frozenset(texts)


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, not {value!r}")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, not {value!r}")
    return float(value)


def _text(name: str, value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError(f"value {value!r} is not text: quote it (YAML reads NO, YES, ON, OFF as true/false)")
    if not isinstance(value, str):
        raise ValueError(f"value {value!r} is not text: quote it (YAML drops leading zeros, e.g. '0402')")
    text = value.strip().upper()
    digits = _FORMATS.get(name)
    if digits and not (text.isdigit() and len(text) == digits):
        raise ValueError(f"{name} values have {digits} digits, not {value!r}")
    if name in _PORT_FIELDS and text not in ports():
        raise ValueError(f"{value!r} is not a UN/LOCODE of the shipped port list")
    return text


class CaseColumns:
    """The values of many cases, field by field, read once; leaf results cached by (field, operator, value)."""

    def __init__(self, cases: Sequence[ContainerCase]) -> None:
        self.cases = cases
        self._raw: dict[str, list[FieldValue]] = {}
        self._numbers: dict[str, np.ndarray[Any, np.dtype[np.float64]]] = {}
        self._masks: dict[tuple[str, str, Any], Mask] = {}

    def raw(self, name: str) -> list[FieldValue]:
        if name not in self._raw:
            get = FIELDS[name].get
            self._raw[name] = [get(case) for case in self.cases]
        return self._raw[name]

    def numbers(self, name: str) -> np.ndarray[Any, np.dtype[np.float64]]:
        if name not in self._numbers:
            values = self.raw(name)
            self._numbers[name] = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
        return self._numbers[name]

    def leaf(self, leaf: Leaf) -> Mask:
        key = (leaf.field, leaf.op, leaf.operand)
        if key not in self._masks:
            self._masks[key] = _leaf_mask(self, leaf)
        return self._masks[key]


def condition_fields(condition: Condition) -> tuple[str, ...]:
    """The fields a condition reads, in order of appearance (repeats kept)."""
    if isinstance(condition, Leaf):
        return (condition.field,)
    if isinstance(condition, NotOf):
        return condition_fields(condition.not_)
    parts = condition.all if isinstance(condition, AllOf) else condition.any
    return tuple(name for part in parts for name in condition_fields(part))


def evaluate(condition: Condition, columns: CaseColumns) -> Mask:
    """One boolean per case: does the condition hold?"""
    if isinstance(condition, Leaf):
        return columns.leaf(condition)
    if isinstance(condition, NotOf):
        return ~evaluate(condition.not_, columns)
    parts = condition.all if isinstance(condition, AllOf) else condition.any
    combine = np.logical_and if isinstance(condition, AllOf) else np.logical_or
    result = evaluate(parts[0], columns)
    for part in parts[1:]:
        result = combine(result, evaluate(part, columns))
    return result


def _leaf_mask(columns: CaseColumns, leaf: Leaf) -> Mask:
    kind, op, x = FIELDS[leaf.field].kind, leaf.op, leaf.operand
    if kind is FieldKind.NUMBER:
        return _number_mask(columns.numbers(leaf.field), op, x)
    values = columns.raw(leaf.field)
    if op == "exists":
        present = np.fromiter((_present(v) for v in values), dtype=np.bool_, count=len(values))
        return present if x else ~present
    test = (_SET_TESTS if kind is FieldKind.SET else _TESTS)[op]
    return np.fromiter((v is not None and test(v, x) for v in values), dtype=np.bool_, count=len(values))


def _present(value: Any) -> bool:
    return value is not None and (bool(value) if isinstance(value, str | frozenset) else True)


_SET_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "contains_any": lambda v, x: not v.isdisjoint(x),
    "startswith": lambda v, x: any(m.startswith(x) for m in v),
}
_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda v, x: v == x,
    "ne": lambda v, x: v != x,
    "in": lambda v, x: v in x,
    "not_in": lambda v, x: v not in x,
    "contains_any": lambda v, x: any(part in v for part in x),
    "startswith": lambda v, x: v.startswith(x),
}
_NUMBER_TESTS: dict[str, Callable[[Any, Any], Any]] = {
    "eq": lambda v, x: v == x,
    "ne": lambda v, x: ~np.isnan(v) & (v != x),
    "in": lambda v, x: np.isin(v, x),
    "not_in": lambda v, x: ~np.isnan(v) & ~np.isin(v, x),
    "gt": lambda v, x: v > x,
    "gte": lambda v, x: v >= x,
    "lt": lambda v, x: v < x,
    "lte": lambda v, x: v <= x,
    "between": lambda v, x: (v >= x[0]) & (v <= x[1]),
}


def _number_mask(values: np.ndarray[Any, np.dtype[np.float64]], op: str, x: Any) -> Mask:
    if op == "exists":
        known: Mask = ~np.isnan(values)
        return known if x else ~known
    with np.errstate(invalid="ignore"):
        result: Mask = np.asarray(_NUMBER_TESTS[op](values, x), dtype=np.bool_)
    return result
