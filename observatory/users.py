"""Users, roles and API keys.

A key is shown once when the user is created and only its SHA-256 hash is stored: keys are 32
random bytes (``secrets.token_urlsafe(32)``), so a fast hash is enough; a slow password hash
would only cost time on every request. A short prefix is kept so people can tell keys apart.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from observatory.domain import Role
from observatory.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from observatory.store.audit import record_audit
from observatory.store.tables import UserRow

KEY_MARKER = "s3o_"
PREFIX_LENGTH = 12  # fits UserRow.key_prefix; marker + 8 random characters


class Identity(Protocol):
    """Anything with a name and a role: a ``UserRow`` or an ``Actor``."""

    @property
    def name(self) -> str: ...

    @property
    def role(self) -> str: ...


@dataclass(frozen=True)
class Actor:
    """A user's identity detached from any session (what the services need)."""

    name: str
    role: Role

    @classmethod
    def of(cls, user: Identity) -> Actor:
        """The identity of a user row (or another identity)."""
        return cls(name=user.name, role=Role(user.role))


@dataclass(frozen=True)
class UserInfo:
    """What may be shown about a user: never the key nor its hash."""

    name: str
    role: str
    key_prefix: str
    active: bool
    created_at: str


def hash_key(api_key: str) -> str:
    """SHA-256 hex digest of an API key (what the store keeps)."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def new_api_key() -> str:
    """A fresh high-entropy API key."""
    return KEY_MARKER + secrets.token_urlsafe(32)


def create_user(
    session: Session, name: str, role: Role | str, *, actor: str = "system"
) -> tuple[UserRow, str]:
    """Create a user and return it with its API key; the key is not stored and cannot be shown
    again."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("a user name must have 1 to 100 characters")
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput(
            f"unknown role {role!r}; expected one of {', '.join(r.value for r in Role)}"
        ) from None
    if session.scalar(select(UserRow).where(UserRow.name == name)) is not None:
        raise Conflict(f"a user named {name!r} already exists")
    api_key = new_api_key()
    user = UserRow(
        name=name,
        role=role.value,
        api_key_hash=hash_key(api_key),
        key_prefix=api_key[:PREFIX_LENGTH],
        active=True,
    )
    session.add(user)
    session.flush()
    record_audit(
        session,
        actor=actor,
        action="user.create",
        entity_type="user",
        entity_id=user.id,
        after={"name": name, "role": role.value, "key_prefix": user.key_prefix},
    )
    return user, api_key


def authenticate(session: Session, api_key: str | None) -> UserRow:
    """The active user owning this API key; ``Unauthorized`` otherwise."""
    if not api_key:
        raise Unauthorized("an API key is required (--api-key or OBSERVATORY_API_KEY)")
    user = session.scalar(select(UserRow).where(UserRow.api_key_hash == hash_key(api_key.strip())))
    if user is None or not user.active:
        raise Unauthorized("invalid or deactivated API key")
    return user


def require_role(user: Identity, *roles: Role | str) -> None:
    """Raise ``Forbidden`` unless the user has one of the roles."""
    allowed = {Role(role) for role in roles}
    if Role(user.role) not in allowed:
        names = ", ".join(sorted(role.value for role in allowed))
        role = Role(user.role).value  # the plain value, never the enum's repr
        raise Forbidden(f"user {user.name!r} has role {role!r}; this needs one of: {names}")


def get_user(session: Session, name: str) -> UserRow:
    """One user by name."""
    user = session.scalar(select(UserRow).where(UserRow.name == name))
    if user is None:
        raise NotFound(f"no user named {name!r}")
    return user


def list_users(session: Session) -> list[UserInfo]:
    """All users, by name, without secrets."""
    rows = session.scalars(select(UserRow).order_by(UserRow.name))
    return [
        UserInfo(
            name=row.name,
            role=row.role,
            key_prefix=row.key_prefix,
            active=row.active,
            created_at=row.created_at.isoformat(),
        )
        for row in rows
    ]


def deactivate_user(session: Session, name: str, *, actor: str = "system") -> UserRow:
    """Switch a user off: the key stops working; the user and their decisions stay."""
    user = get_user(session, name)
    if user.active:
        user.active = False
        record_audit(
            session,
            actor=actor,
            action="user.deactivate",
            entity_type="user",
            entity_id=user.id,
            before={"active": True},
            after={"active": False},
        )
    return user
