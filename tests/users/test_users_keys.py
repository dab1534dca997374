"""Users, roles and API keys on the real store."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from observatory.domain import Role
from observatory.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from observatory.store.tables import AuditRow, UserRow
from observatory.users import (
    Actor,
    authenticate,
    create_user,
    deactivate_user,
    hash_key,
    list_users,
    require_role,
)


def test_key_is_returned_once_and_only_its_hash_is_stored(store):
    with store.transaction(write=True) as session:
        _user, key = create_user(session, "alice", "reviewer")
        _other, other_key = create_user(session, "bob", Role.ADMIN)
    assert key != other_key and len(key) > 40
    with store.transaction() as session:
        row = session.scalar(select(UserRow).where(UserRow.name == "alice"))
        assert row.api_key_hash == hash_key(key) != key
        assert key.startswith(row.key_prefix) and len(row.key_prefix) == 12
        assert key not in str(session.scalars(select(AuditRow)).all()[-1].after)
        assert authenticate(session, key).name == "alice"
        assert authenticate(session, f"  {other_key}\n").role == "admin"
        listed = list_users(session)
    assert [(u.name, u.role, u.active) for u in listed] == [
        ("alice", "reviewer", True),
        ("bob", "admin", True),
    ]
    assert all(key not in repr(u) and hash_key(key) not in repr(u) for u in listed)


def test_bad_keys_and_deactivated_users_are_refused(store):
    with store.transaction(write=True) as session:
        _user, key = create_user(session, "carol", "reviewer")
    with store.transaction() as session:
        for bad in ("", None, key[:-1], key + "x"):
            with pytest.raises(Unauthorized):
                authenticate(session, bad)
    with store.transaction(write=True) as session:
        deactivate_user(session, "carol", actor="admin")
    with store.transaction() as session:
        with pytest.raises(Unauthorized):
            authenticate(session, key)
        actions = [r.action for r in session.scalars(select(AuditRow).order_by(AuditRow.id))]
        assert actions == ["user.create", "user.deactivate"]
        with pytest.raises(NotFound):
            deactivate_user(session, "nobody")


def test_names_are_unique_and_roles_known(store):
    with store.transaction(write=True) as session:
        create_user(session, "dave", "analyst")
        with pytest.raises(Conflict):
            create_user(session, "dave", "reviewer")
        with pytest.raises(InvalidInput):
            create_user(session, "erin", "superuser")
        with pytest.raises(InvalidInput):
            create_user(session, "   ", "reviewer")


def test_require_role():
    analyst = Actor("anna", Role.ANALYST)
    require_role(Actor("judge", Role.ADJUDICATOR), Role.ADJUDICATOR, Role.ADMIN)
    require_role(analyst, "analyst")
    with pytest.raises(Forbidden, match="anna"):
        require_role(analyst, Role.REVIEWER, Role.ADJUDICATOR)
