"""Store building blocks without a database: party keys, UTC timestamps, engine set-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from cargoscreen.domain.records import Party
from cargoscreen.store import Database
from cargoscreen.store.repositories.parties import dedupe_key, fingerprint, normalise_name
from cargoscreen.store.tables import UtcDateTime


def test_names_normalise_to_plain_upper_case_words() -> None:
    assert normalise_name("  Café  du-Nord, S.A. ") == "CAFE DU NORD S A"
    assert normalise_name("ÉXPORTADORA Ñandú") == "EXPORTADORA NANDU"


def test_dedupe_key_groups_spellings_but_fingerprint_keeps_them_apart() -> None:
    plain = Party(name="Cafe du Nord", country="CO")
    fancy = Party(name="CAFÉ DU-NORD", country="CO", street="Calle 1")
    assert dedupe_key(plain) == dedupe_key(fancy) == "CO:CAFE DU NORD"
    assert dedupe_key(Party(name="Cafe du Nord", country="EC")) != dedupe_key(plain)
    assert fingerprint(plain) != fingerprint(fancy)
    assert fingerprint(plain) == fingerprint(Party(name="Cafe du Nord", country="CO"))


def test_utc_timestamps_are_stored_as_utc_and_read_back_aware() -> None:
    column = UtcDateTime()
    local = datetime(2026, 3, 2, 8, 30, tzinfo=timezone(timedelta(hours=2)))
    stored = column.process_bind_param(local, sqlite.dialect())
    assert stored == datetime(2026, 3, 2, 6, 30) and stored.tzinfo is None
    assert column.process_bind_param(local, postgresql.dialect()) == local
    assert column.process_result_value(stored, sqlite.dialect()) == local
    assert column.process_result_value(stored, sqlite.dialect()).tzinfo == UTC  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="naive datetime"):
        column.process_bind_param(datetime(2026, 3, 2), sqlite.dialect())


def test_in_memory_sqlite_keeps_one_database_across_units_of_work() -> None:
    db = Database("sqlite://")
    db.upgrade()
    with db.unit_of_work() as uow:
        uow.sources.add("a.edi", "cuscar", "1" * 64, 10)
    with db.unit_of_work() as uow:
        assert uow.sources.seen("1" * 64)
    db.dispose()
