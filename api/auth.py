"""API keys and roles: ``X-API-Key: <key>`` or ``Authorization: Bearer <key>``.

Reading is public when ``settings.public_read`` is true; otherwise any valid key may read.
Writing needs a key (401 without one) whose role is allowed (403 otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api.deps import SettingsDep, StoreDep
from observatory.domain import Role
from observatory.errors import Unauthorized
from observatory.users import Actor, authenticate, require_role

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key.")
_bearer = HTTPBearer(auto_error=False, description="An API key as a bearer token.")


def api_key(
    header_key: Annotated[str | None, Security(_api_key_header)] = None,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
) -> str | None:
    """The API key sent with the request, if any."""
    if header_key:
        return header_key
    if bearer is not None and bearer.credentials:
        return bearer.credentials
    return None


def current_user(store: StoreDep, key: Annotated[str | None, Depends(api_key)]) -> Actor | None:
    """The caller's identity; an invalid key is refused even where reading is public."""
    if key is None:
        return None
    with store.transaction() as session:
        return Actor.of(authenticate(session, key))


CurrentUser = Annotated[Actor | None, Depends(current_user)]


def read_access(settings: SettingsDep, user: CurrentUser) -> Actor | None:
    """Allow reading: always when public, else with any valid key."""
    if user is None and not settings.public_read:
        raise Unauthorized("reading needs an API key (X-API-Key or Authorization: Bearer)")
    return user


ReadAccess = Annotated[Actor | None, Depends(read_access)]


def require_roles(*roles: Role) -> Callable[..., Actor]:
    """A dependency admitting callers with one of ``roles`` (admins always)."""
    allowed = (*roles, Role.ADMIN)

    def dependency(user: CurrentUser) -> Actor:
        if user is None:
            raise Unauthorized("this operation needs an API key (X-API-Key or Bearer)")
        require_role(user, *allowed)
        return user

    return dependency


ReviewerUser = Annotated[Actor, Depends(require_roles(Role.REVIEWER, Role.ADJUDICATOR))]
AdjudicatorUser = Annotated[Actor, Depends(require_roles(Role.ADJUDICATOR))]
AnalystUser = Annotated[
    Actor, Depends(require_roles(Role.ANALYST, Role.REVIEWER, Role.ADJUDICATOR))
]
AdminUser = Annotated[Actor, Depends(require_roles())]
