"""Users, tokens, the audit log, decisions and the partner exchange in the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from cargoscreen.store import Database
from cargoscreen.store.repositories.decisions import Verdict
from cargoscreen.store.repositories.users import AuthError, Role


def test_a_user_logs_in_with_the_right_password_only_and_not_once_disabled(db: Database) -> None:
    with db.unit_of_work() as uow:
        user = uow.users.add("Alice", "a long enough password", ["targeting_analyst", "supervisor"])
    assert (user.username, user.roles) == ("alice", (Role.TARGETING_ANALYST, Role.SUPERVISOR))
    with db.unit_of_work() as uow:
        assert uow.users.authenticate("ALICE", "a long enough password") == user
        assert uow.users.authenticate("alice", "wrong password!") is None
        assert uow.users.authenticate("nobody", "a long enough password") is None
        stored = uow.connection.execute(text("SELECT password_hash FROM users")).scalar_one()
        assert stored.startswith("$argon2id$") and "long enough" not in stored
        assert uow.users.set_disabled("alice")
    with db.unit_of_work() as uow:
        assert uow.users.authenticate("alice", "a long enough password") is None
        assert [u.disabled for u in uow.users.list()] == [True]


@pytest.mark.parametrize(
    ("name", "password", "roles", "message"),
    [
        ("bob", "short", ["admin"], "shorter than"),
        ("bob", "a long enough password", [], "at least one role"),
        ("bob", "a long enough password", ["janitor"], "unknown role"),
        ("bob", "a long enough password", ["partner_port"], "belongs to API tokens"),
        ("1bob", "a long enough password", ["admin"], "username"),
    ],
)
def test_bad_users_are_refused_with_the_reason(
    db: Database, name: str, password: str, roles: list[str], message: str
) -> None:
    with pytest.raises(AuthError, match=message), db.unit_of_work() as uow:
        uow.users.add(name, password, roles)


def test_a_username_is_taken_once(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.users.add("carol", "a long enough password", ["admin"])
    with pytest.raises(AuthError, match="exists already"), db.unit_of_work() as uow:
        uow.users.add("Carol", "another long password", ["admin"])


def test_tokens_resolve_by_secret_until_revoked_and_partner_tokens_name_their_port(db: Database) -> None:
    with db.unit_of_work() as uow:
        token, secret = uow.tokens.issue("Guayaquil gateway", Role.PARTNER_PORT, partner_port="ecgye")
        stored = uow.connection.execute(text("SELECT token_hash FROM api_tokens")).scalar_one()
    assert secret not in stored and token.partner_port == "ECGYE"
    with db.unit_of_work() as uow:
        assert uow.tokens.resolve(secret) == token
        assert uow.tokens.resolve(secret + "x") is None
        assert uow.tokens.revoke(token.id)
    with db.unit_of_work() as uow:
        assert uow.tokens.resolve(secret) is None
    with pytest.raises(AuthError, match="partner port"), db.unit_of_work() as uow:
        uow.tokens.issue("no port", Role.PARTNER_PORT)
    with pytest.raises(AuthError, match="partner port"), db.unit_of_work() as uow:
        uow.tokens.issue("sensor gateway", Role.DEVICE, partner_port="ECGYE")


def test_the_audit_log_is_read_newest_first_and_refuses_updates(db: Database) -> None:
    with db.unit_of_work() as uow:
        for n in range(3):
            uow.audit.record(
                actor="user:a", action="read", object_kind="container", object_id=f"C{n}", request_id="r"
            )
        uow.audit.record(
            actor="user:b", action="decide", object_kind="decision", object_id="1", detail={"x": 1}
        )
    with db.unit_of_work() as uow:
        newest = uow.audit.list(limit=2)
        older = uow.audit.list(before_id=newest[-1].id)
        assert [e.object_id for e in newest] == ["1", "C2"] and [e.object_id for e in older] == ["C1", "C0"]
        assert uow.audit.list(actor="user:b")[0].detail == {"x": 1}
    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'someone else'"))


def test_decisions_supersede_each_other(db: Database) -> None:
    with db.unit_of_work() as uow:
        first = uow.decisions.add("MSCU 123456-6", Verdict.RELEASE, reason="clean image", decided_by="user:a")
        second = uow.decisions.add(
            "MSCU1234566",
            "PHYSICAL_INSPECTION",
            reason="tip",
            decided_by="user:b",
            vessel_call=("9321483", "1E"),
        )
    with db.unit_of_work() as uow:
        assert uow.decisions.for_container("MSCU1234566") == [second, first]
        assert uow.decisions.latest_by_container(["MSCU1234566"]) == {"MSCU1234566": second}
    with pytest.raises(ValueError, match="reason"), db.unit_of_work() as uow:
        uow.decisions.add("MSCU1234566", Verdict.RELEASE, reason="  ", decided_by="user:a")


def test_partner_uploads_are_scoped_to_their_partner(db: Database) -> None:
    digest = "ab" * 32
    with db.unit_of_work() as uow:
        upload = uow.exchange.create_upload("ECGYE", filename="a.dcm", sha256=digest, size_bytes=10)
    with db.unit_of_work() as uow:
        assert uow.exchange.upload("ECGYE", upload.upload_id) == upload
        assert uow.exchange.upload("COCTG", upload.upload_id) is None
        assert uow.exchange.upload_by_checksum("COCTG", digest) is None
        uow.exchange.set_received("COCTG", upload.upload_id, 10)  # another partner's write changes nothing
    with db.unit_of_work() as uow:
        assert uow.exchange.upload("ECGYE", upload.upload_id).received == 0  # type: ignore[union-attr]
        uow.exchange.add_submission(
            "ECGYE", checksum_key=digest, files=[{"f": 1}], result={"stored": []}, submitted_by="t"
        )
    with db.unit_of_work() as uow:
        assert [s.checksum_key for s in uow.exchange.submissions("ECGYE")] == [digest]
        assert uow.exchange.submissions("COCTG") == []
