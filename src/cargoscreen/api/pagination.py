"""Cursor pagination: an opaque cursor names the last row seen; a page says where the next one starts."""

from __future__ import annotations

import base64
import binascii
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

from cargoscreen.api.problems import Problem

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list; pass ``next_cursor`` as ``cursor`` for the next page (null: no more)."""

    items: list[T]
    next_cursor: str | None = Field(default=None, description="opaque; absent on the last page")


def encode_cursor(position: int) -> str:
    """The opaque cursor of a row position (an id or an offset)."""
    return base64.urlsafe_b64encode(f"c{position}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    """The position a cursor names; ``Problem`` 400 for a cursor this API did not make."""
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise Problem(400, f"cursor {cursor!r} is not one this API made") from None
    if not text.startswith("c") or not text[1:].isdigit() or len(text) > 20:
        raise Problem(400, f"cursor {cursor!r} is not one this API made")
    return int(text[1:])
