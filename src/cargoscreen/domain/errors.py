"""Errors raised by the domain and the capabilities; each names what was wrong and where."""

from __future__ import annotations


class CargoscreenError(Exception):
    """Base class of every error the platform raises on purpose."""


class InvalidIdentifier(CargoscreenError, ValueError):
    """A container number, IMO number, UN/LOCODE or HS code that fails its standard's checks."""

    def __init__(self, kind: str, value: str, reason: str) -> None:
        self.kind = kind
        self.value = value
        self.reason = reason
        super().__init__(f"{kind} {value!r}: {reason}")


class ParseError(CargoscreenError):
    """A message that cannot be read at all (truncated, garbled, wrong charset).

    ``locator`` names where: e.g. ``"segment 14 (EQD), element 2"`` or ``"line 7, column amount"``.
    """

    def __init__(self, message: str, *, locator: str = "") -> None:
        self.locator = locator
        super().__init__(f"{locator}: {message}" if locator else message)


class UnknownFormat(CargoscreenError):
    """A file whose format cannot be detected."""


class NotFound(CargoscreenError, LookupError):
    """A record asked for by key that the store does not hold."""


class InputTooLarge(CargoscreenError, ValueError):
    """An input file or upload over the configured size limit."""

    def __init__(self, name: str, size: int, max_bytes: int) -> None:
        self.name = name
        self.size = size
        self.max_bytes = max_bytes
        super().__init__(f"{name}: {size} bytes is more than the limit of {max_bytes} bytes")
