"""Users (argon2 password hashes, roles) and API tokens (SHA-256 of a random secret, one role each)."""

from __future__ import annotations

import builtins
import hashlib
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, select, update

from cargoscreen.domain.errors import CargoscreenError
from cargoscreen.domain.ids import parse_un_locode
from cargoscreen.store.repositories._sql import AnyRow, insert_returning_ids
from cargoscreen.store.tables import ApiTokenRow, UserRow

_U, _T = UserRow, ApiTokenRow
_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10
TOKEN_PREFIX = "cst_"


class Role(StrEnum):
    """What a person or a system may do; routes name the roles they admit (deny by default)."""

    TARGETING_ANALYST = "targeting_analyst"
    IMAGE_ANALYST = "image_analyst"
    INSPECTION_OFFICER = "inspection_officer"
    CUSTODY_OFFICER = "custody_officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    PARTNER_PORT = "partner_port"
    DEVICE = "device"


#: Roles a person can hold; partner ports and devices are systems with API tokens.
PERSON_ROLES = frozenset(Role) - {Role.PARTNER_PORT, Role.DEVICE}


class AuthError(CargoscreenError, ValueError):
    """A user or token that cannot be created or changed as asked (the message says why)."""


@dataclass(frozen=True, slots=True)
class User:
    """A person who logs in with a password."""

    id: int
    username: str
    roles: tuple[Role, ...]
    disabled: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A system's bearer token (the secret itself is never stored)."""

    id: int
    owner: str
    role: Role
    partner_port: str | None
    created_at: datetime
    revoked_at: datetime | None


def token_digest(secret: str) -> str:
    """How a token is stored and looked up: the SHA-256 of the secret (secrets are 256 random bits)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _hasher() -> PasswordHasher:
    return PasswordHasher()


class UserRepository:
    """Users of one unit of work; usernames are unique and lower case, passwords never leave as text."""

    def __init__(self, connection: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = connection
        self._clock = clock
        self._hasher = _hasher()

    def add(self, username: str, password: str, roles: Iterable[Role | str]) -> User:
        """Create a user; ``AuthError`` for a bad or taken name, a short password or no/unknown role."""
        name = _checked_username(username)
        wanted = _person_roles(roles)
        if len(password) < MIN_PASSWORD:
            raise AuthError(f"password of {name!r} is shorter than {MIN_PASSWORD} characters")
        if self.get(name) is not None:
            raise AuthError(f"user {name!r} exists already")
        row = {
            "username": name,
            "password_hash": self._hasher.hash(password),
            "roles": [str(role) for role in wanted],
            "disabled": False,
            "created_at": self._clock(),
        }
        insert_returning_ids(self._conn, _U, [row])
        user = self.get(name)
        assert user is not None
        return user

    def get(self, username: str) -> User | None:
        """A user by name (any case), or None."""
        row = self._conn.execute(select(_U).where(_U.username == username.strip().lower())).first()
        return None if row is None else _user(row)

    def by_id(self, user_id: int) -> User | None:
        """A user by id, or None."""
        row = self._conn.execute(select(_U).where(_U.id == user_id)).first()
        return None if row is None else _user(row)

    def list(self) -> builtins.list[User]:
        """Every user, by name."""
        return [_user(row) for row in self._conn.execute(select(_U).order_by(_U.username))]

    def set_disabled(self, username: str, disabled: bool = True) -> bool:
        """Disable (or enable) a user; False when there is no such user."""
        stmt = update(_U).where(_U.username == username.strip().lower()).values(disabled=disabled)
        return bool(self._conn.execute(stmt).rowcount)

    def set_password(self, username: str, password: str) -> bool:
        """Replace a user's password; False when there is no such user."""
        if len(password) < MIN_PASSWORD:
            raise AuthError(f"password is shorter than {MIN_PASSWORD} characters")
        stmt = (
            update(_U)
            .where(_U.username == username.strip().lower())
            .values(password_hash=self._hasher.hash(password))
        )
        return bool(self._conn.execute(stmt).rowcount)

    def authenticate(self, username: str, password: str) -> User | None:
        """The enabled user whose password this is, else None (the same work is done for unknown names)."""
        row = self._conn.execute(select(_U).where(_U.username == username.strip().lower()).limit(1)).first()
        stored = row.password_hash if row is not None else _DUMMY_HASH.value(self._hasher)
        try:
            self._hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if row is None or row.disabled:
            return None
        if self._hasher.check_needs_rehash(stored):
            self._conn.execute(
                update(_U).where(_U.id == row.id).values(password_hash=self._hasher.hash(password))
            )
        return _user(row)


class TokenRepository:
    """API tokens of one unit of work: issued with one role, looked up by hash, revoked, never deleted."""

    def __init__(self, connection: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = connection
        self._clock = clock

    def issue(self, owner: str, role: Role | str, *, partner_port: str | None = None) -> tuple[ApiToken, str]:
        """A new token and its secret (shown once). A partner token names its port; no other token does."""
        kind = Role(role)
        port = parse_un_locode(partner_port) if partner_port else None
        if (kind is Role.PARTNER_PORT) != (port is not None):
            raise AuthError("a partner_port token names its partner port (UN/LOCODE), and only it does")
        if not owner.strip():
            raise AuthError("a token names its owner")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = {
            "token_hash": token_digest(secret),
            "owner": owner.strip()[:80],
            "role": str(kind),
            "partner_port": port,
            "created_at": self._clock(),
            "revoked_at": None,
        }
        (token_id,) = insert_returning_ids(self._conn, _T, [row])
        found = self._conn.execute(select(_T).where(_T.id == token_id)).one()
        return _token(found), secret

    def resolve(self, secret: str) -> ApiToken | None:
        """The live (not revoked) token of a secret, or None."""
        if not secret.startswith(TOKEN_PREFIX):
            return None
        stmt = select(_T).where(_T.token_hash == token_digest(secret), _T.revoked_at.is_(None))
        row = self._conn.execute(stmt).first()
        return None if row is None else _token(row)

    def revoke(self, token_id: int) -> bool:
        """Revoke a token; False when there is no live token with this id."""
        stmt = update(_T).where(_T.id == token_id, _T.revoked_at.is_(None)).values(revoked_at=self._clock())
        return bool(self._conn.execute(stmt).rowcount)

    def list(self) -> builtins.list[ApiToken]:
        """Every token (revoked ones too), oldest first."""
        return [_token(row) for row in self._conn.execute(select(_T).order_by(_T.id))]


class _LazyHash:
    """A hash of a random password, made once: verified against when the username is unknown."""

    def __init__(self) -> None:
        self._value: str | None = None

    def value(self, hasher: PasswordHasher) -> str:
        if self._value is None:
            self._value = hasher.hash(secrets.token_urlsafe(16))
        return self._value


_DUMMY_HASH = _LazyHash()


def _checked_username(username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise AuthError(
            f"username {username!r}: 2-64 characters, a letter first, then letters, digits, '.', '_' or '-'"
        )
    return name


def _person_roles(roles: Iterable[Role | str]) -> tuple[Role, ...]:
    wanted: list[Role] = []
    for value in roles:
        try:
            role = Role(str(value).strip().lower())
        except ValueError:
            raise AuthError(f"unknown role {value!r}; roles: {', '.join(sorted(PERSON_ROLES))}") from None
        if role not in PERSON_ROLES:
            raise AuthError(f"role {role} belongs to API tokens, not to people")
        if role not in wanted:
            wanted.append(role)
    if not wanted:
        raise AuthError("a user needs at least one role")
    return tuple(wanted)


def _user(row: AnyRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        roles=tuple(Role(value) for value in row.roles),
        disabled=bool(row.disabled),
        created_at=row.created_at,
    )


def _token(row: AnyRow) -> ApiToken:
    return ApiToken(
        id=row.id,
        owner=row.owner,
        role=Role(row.role),
        partner_port=row.partner_port,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )
