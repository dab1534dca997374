"""Access control of EVERY route with OBSERVATORY_PUBLIC_READ=false, malformed credentials,
readable role messages, and the signed, CSRF-protected browser session (issue 15: 1, 15, 16,
17). Real SQLite store, real app; the routes are discovered from the app, never listed here.
Every status an API route answers in the walk is one the spec documents for it (item 14), and
the API's documentation, the favicon and the static files stay open (they hold no data).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route

from api.app import create_app
from observatory.settings import load_settings

# values for path parameters, by name; ids come from the corpus (see ``_path_values``)
STATIC_PATH_VALUES = {"nuts": "ES21", "name": "nace", "code": "35", "page": "1", "task_id": "1"}
# the corpus has no PDF nor extraction of a strategy: these answer 404 once access is granted
NOT_IN_CORPUS = ("{strategy_id}",)
SIGN_IN_MARK = "Your API key"
# the only routes open to anyone when reading is not public: liveness, signing in and out, and
# the API's documentation with its favicon
DOCS_ROUTES = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc", "/favicon.ico"})
PUBLIC_ROUTES = frozenset({"/healthz", "/review/sign-in", "/review/sign-out", *DOCS_ROUTES})
# outside the gate: the spec, and the shipped CSS, JS and documentation assets (one file each)
OPEN_FILES = {"/openapi.json": None, "/static": "style.css", "/static/docs": "swagger-ui.css"}


@pytest.fixture(scope="module")
def private(corpus_app: dict, embedder) -> Iterator[dict]:
    """The corpus served with reading not public, plus one partnership to address."""
    served = corpus_app["app"].state.observatory.settings
    settings = load_settings(
        database_url=served.database_url, data_dir=served.data_dir, public_read=False
    )
    app = create_app(settings)
    admin = {"X-API-Key": corpus_app["keys"]["admin"]}
    with TestClient(app) as client:
        app.state.observatory.service("embedder", lambda: embedder)
        body = {"name": "Access walk", "lead_regions": ["ES21"], "description": "a test"}
        created = client.post("/api/partnerships", json=body, headers=admin)
        assert created.status_code == 201, created.text
        priority_id = min(corpus_app["ids"].values())
        values = {
            **STATIC_PATH_VALUES,
            "priority_id": str(priority_id),
            "partnership_id": str(created.json()["id"]),
            "strategy_id": "1",
        }
        yield {"app": app, "client": client, "values": values, "keys": corpus_app["keys"]}


def _routes(app) -> list[tuple[str, str, str]]:
    """(method, path template, filled path) of every API and page route of the app."""
    found = []
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute):
            continue
        for method in sorted(context.methods):
            found.append((method, context.path, context.path))
    assert len(found) > 30, "the walk must see the whole app"
    return found


def _fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def _is_api(path: str) -> bool:
    return path.startswith("/api")


def _documented(app, method: str, template: str, status: int) -> None:
    """Fail unless the spec documents ``status`` for the operation (when it is in the spec)."""
    operation = app.openapi()["paths"].get(template, {}).get(method.lower())
    if operation is not None:
        assert str(status) in operation["responses"], f"{method} {template}: {status} undocumented"


def test_every_route_refuses_anonymous_callers_when_reading_is_not_public(private) -> None:
    client: TestClient = private["client"]
    client.cookies.clear()
    walked = 0
    for method, template, _ in _routes(private["app"]):
        if template in PUBLIC_ROUTES:
            continue
        url = _fill(template, private["values"])
        answer = client.request(method, url, follow_redirects=False)
        walked += 1
        assert answer.status_code == 401, f"{method} {url} answered {answer.status_code}"
        _documented(private["app"], method, template, 401)
        if _is_api(template) or "html" not in answer.headers["content-type"]:
            body = answer.json()
            assert body["ok"] is False and body["status"] == 401, (method, url)
        else:
            assert SIGN_IN_MARK in answer.text, f"{method} {url} offers no sign-in form"
    assert walked >= 30


def _sign_in(client: TestClient, key: str) -> str:
    """Sign the client in through the form; returns the session's CSRF token."""
    client.cookies.clear()
    form = client.get("/review").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    client.post("/review/sign-in", data={"api_key": key, "csrf_token": token})
    screen = client.get("/review").text
    return re.search(r'name="csrf_token" value="([^"]+)"', screen).group(1)


def test_the_app_opens_exactly_the_public_routes() -> None:
    from api.auth import PUBLIC_ROUTES as opened

    assert opened == PUBLIC_ROUTES


def test_the_documentation_favicon_and_static_files_stay_open(private) -> None:
    """Every public route and every route outside the gate (the spec, the static mounts)
    answers an anonymous caller, and none of them holds stored data."""
    client: TestClient = private["client"]
    client.cookies.clear()
    outside = []
    for route in private["app"].routes:
        if isinstance(route, Mount | Route) and not isinstance(route, APIRoute):
            outside.append(route.path)
            assert route.path in OPEN_FILES, f"{route.path} is outside the gate: list it here"
    assert set(outside) == set(OPEN_FILES)
    urls = [path if name is None else f"{path}/{name}" for path, name in OPEN_FILES.items()]
    urls += sorted(DOCS_ROUTES)
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 200, f"{url} answered {answer.status_code}"
        assert "hydrogen" not in answer.text.lower(), f"{url} shows stored data"
    assert client.get("/api/priorities").status_code == 401
    assert client.get("/search?q=hydrogen").status_code == 401


def test_every_route_serves_a_valid_key(private) -> None:
    """The API with the key in a header; pages, whose forms need a browser, with the session
    (and its CSRF token) the sign-in form gives for the same key."""
    client: TestClient = private["client"]
    key = {"X-API-Key": private["keys"]["admin"]}
    token = _sign_in(client, private["keys"]["admin"])
    for method, template, _ in _routes(private["app"]):
        if template in PUBLIC_ROUTES - {"/healthz"}:
            continue  # signing in and out: tested on their own below
        url = _fill(template, private["values"])
        if _is_api(template) or template.startswith("/strategies") or template == "/healthz":
            answer = client.request(method, url, headers=key, follow_redirects=False)
        else:
            data = {"csrf_token": token} if method == "POST" else None
            answer = client.request(method, url, data=data, follow_redirects=False)
        assert answer.status_code not in (401, 403), f"{method} {url}: {answer.text[:200]}"
        assert answer.status_code < 500, f"{method} {url}: {answer.text[:200]}"
        _documented(private["app"], method, template, answer.status_code)
        if method == "GET" and not any(part in template for part in NOT_IN_CORPUS):
            assert answer.status_code in (200, 204, 303, 307), (url, answer.status_code)


def test_pages_read_with_a_signed_in_session_and_not_with_a_forged_one(private) -> None:
    client: TestClient = private["client"]
    client.cookies.clear()
    refused = client.get("/search")
    assert refused.status_code == 401 and SIGN_IN_MARK in refused.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', refused.text).group(1)
    key = private["keys"]["analyst"]
    signed = client.post(
        "/review/sign-in",
        data={"api_key": key, "csrf_token": token, "next": "/search?q=hydrogen"},
        follow_redirects=False,
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/search?q=hydrogen"
    cookie = client.cookies.get("s3o_session")
    assert cookie and key not in cookie and key not in signed.headers["set-cookie"]
    for url in ("/search", "/map", "/compare?a=ES21&b=NL11", "/regions/ES21"):
        assert client.get(url).status_code == 200, url
    priority = private["values"]["priority_id"]
    assert client.get(f"/priorities/{priority}").status_code == 200
    # the cookie never opens the API (a cross-site form could otherwise write with it)
    assert client.get("/api/priorities").status_code == 401
    # a tampered or made-up session is no session
    user_id, issued, mac = cookie.split(".")
    other = int(user_id) + 1
    for forged in (f"{user_id}.{issued}.{'0' * len(mac)}", f"{other}.{issued}.{mac}", key):
        client.cookies.clear()
        client.cookies.set("s3o_session", forged)
        assert client.get("/search").status_code == 401, forged
    client.cookies.clear()


def test_an_open_redirect_after_sign_in_goes_home(private) -> None:
    client: TestClient = private["client"]
    client.cookies.clear()
    form = client.get("/review").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    signed = client.post(
        "/review/sign-in",
        data={"api_key": private["keys"]["reviewer"], "csrf_token": token, "next": "//evil.eu"},
        follow_redirects=False,
    )
    assert signed.headers["location"] == "/review"
    client.cookies.clear()


@pytest.mark.parametrize(
    "header",
    [
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer"},
        {"Authorization": "Token s3o_something"},
        {"X-API-Key": ""},
    ],
)
def test_malformed_credentials_are_refused_even_where_reading_is_public(
    client: TestClient, header: dict[str, str]
) -> None:
    assert client.get("/api/priorities").status_code == 200  # public: anonymous reads
    answer = client.get("/api/priorities", headers=header)
    assert answer.status_code == 401, answer.text
    assert answer.json()["status"] == 401
    assert client.get("/search", headers=header).status_code in (200, 401)


def test_role_messages_name_the_role_not_the_enum(client: TestClient, corpus_app: dict) -> None:
    reviewer = {"X-API-Key": corpus_app["keys"]["reviewer"]}
    body = {"name": "Textiles", "lead_regions": ["ES21"]}
    answer = client.post("/api/partnerships", json=body, headers=reviewer)
    assert answer.status_code == 403
    message = answer.json()["error"]
    assert "'reviewer'" in message and "Role." not in message and "<" not in message


def test_sign_in_needs_the_form_csrf_token(client: TestClient, corpus_app: dict) -> None:
    client.cookies.clear()
    key = corpus_app["keys"]["reviewer"]
    # a cross-site form post carries no token (and cannot read the page to get one)
    forged = client.post("/review/sign-in", data={"api_key": key}, follow_redirects=False)
    assert forged.status_code == 403 and "s3o_session" not in client.cookies
    form = client.get("/review").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    wrong = client.post(
        "/review/sign-in", data={"api_key": key, "csrf_token": token[::-1]}, follow_redirects=False
    )
    assert wrong.status_code == 403
    good = client.post(
        "/review/sign-in", data={"api_key": key, "csrf_token": token}, follow_redirects=False
    )
    assert good.status_code == 303 and "s3o_session" in client.cookies
    # every writing form of the screen needs the session's token
    for url in ("/review/next", "/review/undo", "/review/decide"):
        data = {"task_id": "1", "action": "skip"} if url.endswith("decide") else {}
        assert client.post(url, data=data).status_code == 403, url
    screen = client.get("/review").text
    forms = re.findall(r'<form method="post"(.*?)</form>', screen, re.S)
    assert forms and all('name="csrf_token"' in form for form in forms)
    client.cookies.clear()


def test_the_session_secret_lives_in_the_data_dir(corpus_app: dict) -> None:
    settings = corpus_app["app"].state.observatory.settings
    secret = settings.data_dir / "session_secret"
    assert secret.is_file() and secret.stat().st_mode & 0o077 == 0
    assert len(bytes.fromhex(secret.read_text())) == 32
