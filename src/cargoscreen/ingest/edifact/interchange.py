"""The interchange envelope: UNB … (UNG … UNE) … UNH … UNT … UNZ, and the messages inside it.

An interchange that cannot be read as a whole raises :class:`ParseError` with a locator: a byte the
declared character set does not allow, a garbled segment tag, text after the last terminator, a message
without UNT, a segment outside any message, no UNZ, a UNZ whose reference or message count does not match.
Checks that concern one message (UNT segment count and reference) are left to the message readers, which
reject only that message.

Only segment boundaries and tags are read for the whole interchange; a message's segments are tokenised
when its reader asks for them (:meth:`Message.segments`), so one message at a time is held in memory.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from cargoscreen.domain.errors import ParseError
from cargoscreen.ingest.edifact.syntax import Engine, Segment, Text, decode, is_tag, read_text, tokenise

ENVELOPE_TAGS = frozenset({"UNB", "UNG", "UNE", "UNH", "UNT", "UNZ"})


@dataclass(frozen=True, slots=True)
class Message:
    """One message, UNH … UNT inclusive (positions ``first`` … ``last`` of the interchange text).

    ``version`` joins the S009 version and release (``D95B``).
    """

    reference: str
    message_type: str
    version: str
    text: Text
    first: int
    last: int
    engine: Engine = "fast"

    def segments(self) -> list[Segment]:
        """The message's segments, numbered from UNH = 1 (tokenised on each call)."""
        return tokenise(self.text, self.first, self.last, engine=self.engine)

    def unh(self) -> Segment:
        """The UNH segment alone."""
        return tokenise(self.text, self.first, self.first)[0]

    def raw(self, first: Segment | None = None, last: Segment | None = None, *, limit: int = 20000) -> str:
        """The text from ``first`` to ``last`` (whole message by default), terminators included."""
        start = first.start if first else self.text.starts[self.first]
        end = last.end if last else self.text.ends[self.last]
        raw = self.text.clean[start:end] + self.text.characters.segment_terminator
        return raw if len(raw) <= limit else raw[: limit - 3] + "..."


@dataclass(frozen=True, slots=True)
class Interchange:
    """The UNB identification and the messages of one interchange."""

    syntax: str
    sender: str
    recipient: str
    reference: str
    messages: tuple[Message, ...]


def read_interchange(data: bytes, *, engine: Engine = "fast") -> Interchange:
    """Decode an interchange, find its segments and messages, or raise :class:`ParseError`."""
    decoded, syntax, bad_byte = decode(data)
    try:
        text = read_text(decoded)
        marks = _envelope_marks(text)
    except ParseError:
        if bad_byte is None:
            raise
        line, column = _line_column(decoded, bad_byte)
        raise ParseError(
            _bad_byte_reason(decoded, bad_byte, syntax), locator=f"line {line}, column {column}"
        ) from None
    if bad_byte is not None:
        locator = _locate(decoded, bad_byte, text, marks)
        raise ParseError(_bad_byte_reason(decoded, bad_byte, syntax), locator=locator)
    return _envelope(text, marks, syntax, engine)


def where(seg: Segment, message_ref: str | None = None) -> str:
    """``message <ref>, segment <n> (<TAG>), line <l>`` (without the message when outside one)."""
    head = f"message {message_ref}, " if message_ref is not None else ""
    return f"{head}segment {seg.number} ({seg.tag}), line {seg.line}"


def _segment(text: Text, position: int) -> Segment:
    return tokenise(text, position, position, number=position + 1)[0]


def _envelope_marks(text: Text) -> list[int]:
    """Positions of the envelope segments; every tag checked on the way."""
    marks: list[int] = []
    valid: set[str] = set()
    unh: int | None = None
    for position in range(len(text.starts)):
        tag = text.tag(position)
        if tag not in valid:
            if not is_tag(tag):
                raw = text.clean[text.starts[position] : text.ends[position]][:40]
                locator = _where_position(text, position, unh) + ", element 0"
                raise ParseError(f"garbled segment {raw!r}: no 3-letter tag", locator=locator)
            valid.add(tag)
        if tag in ENVELOPE_TAGS:
            marks.append(position)
            unh = position if tag == "UNH" else (None if tag == "UNT" else unh)
    return marks


def _where_position(text: Text, position: int, unh: int | None) -> str:
    line = text.line_of(text.starts[position])
    tag = text.tag(position)[:3]
    if unh is None:
        return f"segment {position + 1} ({tag}), line {line}"
    return f"message {_segment(text, unh).value(1)}, segment {position - unh + 1} ({tag}), line {line}"


def _envelope(text: Text, marks: list[int], syntax: str, engine: Engine) -> Interchange:
    if not marks or marks[0] != 0 or text.tag(0) != "UNB":
        raise ParseError("the interchange does not start with UNB", locator=_where_position(text, 0, None))
    unb = _segment(text, 0)
    messages: list[Message] = []
    groups, expected, index = 0, 1, 1
    while index < len(marks):
        position, tag = marks[index], text.tag(marks[index])
        if position != expected:
            outside = f"segment {text.tag(expected)} outside a message (UNH … UNT)"
            raise ParseError(outside, locator=_where_position(text, expected, None) + ", element 0")
        if tag == "UNH":
            messages.append(_message(text, marks, index, engine))
            expected, index = messages[-1].last + 1, index + 2
            continue
        if tag == "UNZ":
            _check_unz(text, position, unb, groups or len(messages))
            return Interchange(syntax, unb.value(2), unb.value(3), unb.value(5), tuple(messages))
        if tag not in ("UNG", "UNE"):
            raise ParseError(
                f"unexpected {tag}", locator=_where_position(text, position, None) + ", element 0"
            )
        groups += tag == "UNG"
        expected, index = position + 1, index + 1
    last = _segment(text, len(text.starts) - 1)
    raise ParseError(
        "no UNZ interchange trailer: the interchange is truncated", locator=where(last) + ", element 0"
    )


def _message(text: Text, marks: list[int], index: int, engine: Engine) -> Message:
    unh = tokenise(text, marks[index], marks[index])[0]
    if index + 1 >= len(marks) or text.tag(marks[index + 1]) != "UNT":
        reason = f"message {unh.value(1)} has no UNT trailer: the interchange is truncated"
        raise ParseError(reason, locator=where(unh, unh.value(1)) + ", element 1")
    version = unh.value(2, 2) + unh.value(2, 3)
    return Message(unh.value(1), unh.value(2, 1), version, text, marks[index], marks[index + 1], engine)


def _check_unz(text: Text, position: int, unb: Segment, count: int) -> None:
    unz = _segment(text, position)
    if position != len(text.starts) - 1:
        extra = _segment(text, position + 1)
        raise ParseError("segments after the UNZ interchange trailer", locator=where(extra) + ", element 0")
    if unz.value(2) != unb.value(5):
        reason = f"UNZ reference {unz.value(2)!r} differs from UNB reference {unb.value(5)!r}"
        raise ParseError(reason, locator=where(unz) + ", element 2")
    if not unz.value(1).isdigit() or int(unz.value(1)) != count:
        reason = f"UNZ counts {unz.value(1)!r} messages, the interchange holds {count}"
        raise ParseError(reason, locator=where(unz) + ", element 1")


def _bad_byte_reason(decoded: str, offset: int, syntax: str) -> str:
    char = decoded[offset]
    return (
        f"byte 0x{ord(char):02X} ({char!r}) is not allowed in character set {syntax}; "
        "the sender must declare UNOC (latin-1) or UNOW (UTF-8)"
    )


def _line_column(decoded: str, offset: int) -> tuple[int, int]:
    return decoded.count("\n", 0, offset) + 1, offset - decoded.rfind("\n", 0, offset)


def _locate(decoded: str, offset: int, text: Text, marks: list[int]) -> str:
    """``[message <ref>, ]segment <n> (<TAG>), line <l>, element <e>, column <c>`` of a raw offset."""
    line, column = _line_column(decoded, offset)
    separators = str(text.characters)
    clean_offset = offset - sum(decoded.count(c, 0, offset) for c in "\r\n" if c not in separators)
    position = max(bisect.bisect_right(text.starts, clean_offset) - 1, 0)
    unh = None
    for mark in marks:
        if mark > position:
            break
        tag = text.tag(mark)
        unh = mark if tag == "UNH" else (None if tag == "UNT" and mark < position else unh)
    prefix = text.clean[text.starts[position] : clean_offset]
    prefix = re.sub(re.escape(text.characters.escape_character) + ".", "", prefix)
    element = prefix.count(text.characters.data_separator)
    where_text = _where_position(text, position, unh).rsplit(", line", 1)[0]
    return f"{where_text}, line {line}, element {element}, column {column}"
