"""Browser sessions and CSRF tokens for the web pages, signed with a per-installation secret.

The session cookie never holds the API key: it holds ``<user id>.<issued>.<mac>`` where the mac
is an HMAC-SHA256 (stdlib ``hmac``) over the user id, the issue time and the user's stored key
hash. So a cookie cannot be forged without the secret, expires after ``SESSION_SECONDS``, and
stops working the moment the user's key is deactivated or replaced.

Every page form that writes carries a CSRF token: the HMAC of the session cookie (signed-in
forms) or of a random pre-session nonce kept in its own cookie (the sign-in form). A
cross-site page can neither read those cookies nor compute the HMAC.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

from fastapi import Request, Response
from sqlalchemy import select

from api.state import AppState
from observatory.errors import Forbidden
from observatory.store.tables import UserRow
from observatory.users import Actor

SESSION_COOKIE = "s3o_session"
NONCE_COOKIE = "s3o_nonce"  # pre-session CSRF nonce for the sign-in form
COOKIE_PATH = "/"  # every page reads with the session when reading is not public
SESSION_SECONDS = 12 * 3600  # one working day; sign in again after that
SECRET_FILE = "session_secret"
SECRET_BYTES = 32  # 256-bit HMAC key, as long as the SHA-256 block it keys
CSRF_FIELD = "csrf_token"


def _secret_path(state: AppState) -> Path:
    return Path(state.settings.data_dir) / SECRET_FILE


def _load_or_create_secret(path: Path) -> bytes:
    """Read the installation's secret, creating it (mode 0600) on first use."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        value = path.read_text(encoding="ascii").strip()
        return bytes.fromhex(value)
    value = secrets.token_hex(SECRET_BYTES)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(value)
    return bytes.fromhex(value)


def secret(state: AppState) -> bytes:
    """The HMAC secret of this installation (kept in the data dir, built once per app)."""
    return state.service("session_secret", lambda: _load_or_create_secret(_secret_path(state)))


def _state(request: Request) -> AppState:
    return request.app.state.observatory


def _mac(state: AppState, *parts: str) -> str:
    message = "|".join(parts).encode("utf-8")
    return hmac.new(secret(state), message, hashlib.sha256).hexdigest()


def session_token(state: AppState, user: UserRow, issued: int | None = None) -> str:
    """A signed session value for ``user`` (no secret of the user's in it)."""
    issued = int(time.time()) if issued is None else issued
    return (
        f"{user.id}.{issued}.{_mac(state, 'session', str(user.id), str(issued), user.api_key_hash)}"
    )


def session_actor(request: Request) -> Actor | None:
    """The signed-in user of the session cookie, or None (absent, forged, expired, revoked)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    user_id, issued = int(parts[0]), int(parts[1])
    if not 0 <= time.time() - issued <= SESSION_SECONDS or user_id > 2**31 - 1:
        return None
    state = _state(request)
    with state.store.transaction() as session:
        user = session.scalar(select(UserRow).where(UserRow.id == user_id))
        if user is None or not user.active:
            return None
        expected = _mac(state, "session", str(user.id), str(issued), user.api_key_hash)
        if not hmac.compare_digest(expected, parts[2]):
            return None
        return Actor.of(user)


def start_session(request: Request, response: Response, user: UserRow) -> None:
    """Set the session cookie (HttpOnly, SameSite=Strict) and drop the sign-in nonce."""
    response.set_cookie(
        SESSION_COOKIE,
        session_token(_state(request), user),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        path=COOKIE_PATH,
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(NONCE_COOKIE, path=COOKIE_PATH)


def end_session(response: Response) -> None:
    """Forget the session."""
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)


def csrf_token(request: Request) -> str:
    """The CSRF token for forms on this page: bound to the session, else to the nonce."""
    state = _state(request)
    session_value = request.cookies.get(SESSION_COOKIE)
    if session_value:
        return _mac(state, "csrf", session_value)
    nonce = request.cookies.get(NONCE_COOKIE) or request.scope.get("s3o_nonce")
    if not nonce:
        nonce = secrets.token_urlsafe(16)
        request.scope["s3o_nonce"] = nonce  # set on the response by ``keep_nonce``
    return _mac(state, "sign-in", nonce)


def keep_nonce(request: Request, response: Response) -> None:
    """Send the nonce a freshly rendered sign-in form's token is bound to."""
    nonce = request.scope.get("s3o_nonce")
    if nonce and not request.cookies.get(NONCE_COOKIE):
        response.set_cookie(
            NONCE_COOKIE,
            nonce,
            httponly=True,
            samesite="strict",
            path=COOKIE_PATH,
            secure=request.url.scheme == "https",
        )


def check_csrf(request: Request, token: str, *, signing_in: bool = False) -> None:
    """Refuse (403) a form post whose token does not match this browser's session or nonce."""
    state = _state(request)
    if signing_in:
        nonce = request.cookies.get(NONCE_COOKIE)
        expected = _mac(state, "sign-in", nonce) if nonce else ""
    else:
        session_value = request.cookies.get(SESSION_COOKIE)
        expected = _mac(state, "csrf", session_value) if session_value else ""
    if not expected or not token or not hmac.compare_digest(expected, token):
        raise Forbidden("the form is out of date or did not come from this site; reload the page")
