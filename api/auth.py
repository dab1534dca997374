"""API keys and roles: ``X-API-Key: <key>`` or ``Authorization: Bearer <key>``.

Reading is public when ``settings.public_read`` is true; otherwise any valid key may read.
Writing needs a key (401 without one) whose role is allowed (403 otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api.deps import SettingsDep, StoreDep
from api.pages.docs import DOCS_ROUTES
from api.sessions import session_actor
from observatory.domain import Role
from observatory.errors import Unauthorized
from observatory.users import Actor, authenticate, require_role

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key.")
_bearer = HTTPBearer(auto_error=False, description="An API key as a bearer token.")


def api_key(
    request: Request,
    header_key: Annotated[str | None, Security(_api_key_header)] = None,
    _bearer_doc: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
) -> str | None:
    """The API key sent with the request, if any.

    Credentials that are present but malformed (an ``Authorization`` header that is not
    ``Bearer <key>``, an empty key) are refused with 401, never read as "anonymous".
    """
    if "x-api-key" in request.headers:
        if not (header_key or "").strip():
            raise Unauthorized("the X-API-Key header is empty")
        return header_key
    authorization = request.headers.get("authorization")
    if authorization is None:
        return None
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise Unauthorized("the Authorization header must be 'Bearer <API key>'")
    if not credentials.strip():
        raise Unauthorized("the Bearer token is empty")
    return credentials.strip()


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

# Paths anyone may call even when reading is not public. /healthz tells
# liveness probes the service is up and holds no data; the sign-in and sign-out forms must be
# reachable to get a session at all; /docs, /redoc and /favicon.ico describe the API (a client
# needs them to learn how to authenticate) and hold no stored data. /openapi.json and /static
# (the shipped CSS and JS, Swagger UI and ReDoc) are outside the gate altogether.
PUBLIC_ROUTES = frozenset({"/healthz", "/review/sign-in", "/review/sign-out", *DOCS_ROUTES})


def site_access(request: Request, settings: SettingsDep, store: StoreDep) -> None:
    """Every route's gate (installed app-wide): when reading is not public, a request needs a
    valid API key (API and pages) or a signed-in session (pages only)."""
    if settings.public_read or request.scope.get("path") in PUBLIC_ROUTES:
        return
    key = api_key(request, request.headers.get("x-api-key"))
    if key is not None:
        current_user(store, key)  # raises Unauthorized for an invalid key
        return
    # the session cookie counts for pages only: API writes by cookie would invite CSRF
    if not request.url.path.startswith("/api") and session_actor(request) is not None:
        return
    raise Unauthorized("reading needs an API key (X-API-Key or Authorization: Bearer)")


def require_roles(*roles: Role) -> Callable[..., Actor]:
    """A dependency admitting callers with one of ``roles`` (admins always)."""
    allowed = (*roles, Role.ADMIN)

    def dependency(user: CurrentUser) -> Actor:
        if user is None:
            raise Unauthorized("this operation needs an API key (X-API-Key or Bearer)")
        require_role(user, *allowed)
        return user

    dependency.roles = allowed  # type: ignore[attr-defined]  # the spec documents its 403
    return dependency


ReviewerUser = Annotated[Actor, Depends(require_roles(Role.REVIEWER, Role.ADJUDICATOR))]
AdjudicatorUser = Annotated[Actor, Depends(require_roles(Role.ADJUDICATOR))]
AnalystUser = Annotated[
    Actor, Depends(require_roles(Role.ANALYST, Role.REVIEWER, Role.ADJUDICATOR))
]
AdminUser = Annotated[Actor, Depends(require_roles())]
