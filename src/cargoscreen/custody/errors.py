"""Errors of the custody capability: every refusal names the case, the rule and what was wrong."""

from __future__ import annotations

from cargoscreen.domain.errors import CargoscreenError


class CustodyError(CargoscreenError):
    """A custody event refused: it would break the chain of custody."""


class InvalidTransition(CustodyError):
    """An event that the case's state does not allow (e.g. destruction before the prosecutor's order)."""


class TwoPersonRuleViolation(CustodyError):
    """Drugs handled, moved or burnt without two different people signing."""


class UnknownBag(CustodyError):
    """An evidence bag the case does not hold (never packaged, already burnt, or a typo)."""


class LedgerError(CustodyError):
    """A ledger that cannot be written as asked (e.g. a signing key too short)."""
