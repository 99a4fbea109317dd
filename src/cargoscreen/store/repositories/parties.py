"""Parties: exact rows by fingerprint, grouped by a normalised name + country ``dedupe_key``."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, select

from cargoscreen.domain.records import Party
from cargoscreen.store.repositories._sql import chunked, insert_ignore
from cargoscreen.store.tables import PartyRow

_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")


def normalise_name(name: str) -> str:
    """Upper-case ASCII letters and digits, single-spaced (``"Café  du-Nord"`` → ``"CAFE DU NORD"``)."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_ALNUM.sub(" ", ascii_only.upper()).strip()


def dedupe_key(party: Party) -> str:
    """The key that groups one trader's spellings: ``"<country>:<normalised name>"``."""
    return f"{party.country}:{normalise_name(party.name)}"


def fingerprint(party: Party) -> str:
    """SHA-256 of every field: equal parties share one row."""
    canonical = json.dumps(party.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def ensure_parties(conn: Connection, parties: Iterable[Party]) -> dict[Party, int]:
    """Store the parties not stored yet and return the row id of each party."""
    by_fingerprint = {fingerprint(party): party for party in set(parties)}
    rows = [_row(key, party) for key, party in by_fingerprint.items()]
    insert_ignore(conn, PartyRow, rows, keys=("fingerprint",))
    ids = party_ids(conn, list(by_fingerprint))
    return {party: ids[key] for key, party in by_fingerprint.items()}


def party_ids(conn: Connection, fingerprints: list[str]) -> dict[str, int]:
    """Row ids of stored parties, by fingerprint."""
    found: dict[str, int] = {}
    for chunk in chunked(fingerprints):
        stmt = select(PartyRow.fingerprint, PartyRow.id).where(PartyRow.fingerprint.in_(chunk))
        found.update({key: row_id for key, row_id in conn.execute(stmt)})
    return found


def parties_by_id(conn: Connection, ids: Iterable[int | None]) -> dict[int, Party]:
    """Domain parties for the given row ids (``None`` ids are ignored)."""
    wanted = sorted({row_id for row_id in ids if row_id is not None})
    columns = (PartyRow.id, PartyRow.name, PartyRow.street, PartyRow.city, PartyRow.postcode)
    found: dict[int, Party] = {}
    for chunk in chunked(wanted):
        stmt = select(*columns, PartyRow.country, PartyRow.eori).where(PartyRow.id.in_(chunk))
        for row in conn.execute(stmt):
            fields = dict(row._mapping)
            row_id = fields.pop("id")
            found[row_id] = Party.model_validate(fields)
    return found


def _row(key: str, party: Party) -> Mapping[str, object]:
    return {"fingerprint": key, "dedupe_key": dedupe_key(party), **party.model_dump()}
