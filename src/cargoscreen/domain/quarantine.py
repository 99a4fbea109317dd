"""Rejected input, kept with the reason and the place it was found."""

from __future__ import annotations

from pydantic import Field

from cargoscreen.domain.records import Record


class Rejection(Record):
    """One rejected record of an input file.

    ``locator`` names the place, e.g. ``"message 1, segment 23 (EQD), element 2"`` or ``"line 12, field
    container_number"``; ``scope`` says what was dropped (``message``, ``consignment``, ``equipment``,
    ``event``, ``row``); ``raw`` keeps the offending text.
    """

    source_name: str
    source_format: str
    message_key: str = ""
    scope: str
    locator: str
    reason: str
    raw: str = Field(default="", max_length=20000)
