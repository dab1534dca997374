"""API documentation that works offline (``/docs``, ``/redoc``) and the site's favicon.

FastAPI's default pages load Swagger UI and ReDoc from a CDN, so they are blank without a
network. The ``fastapi-offline`` package ships those assets; they are served from
``/static/docs`` here and the two pages point at them.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.pages.rendering import STATIC_DIR

DOCS_ASSETS_URL = "/static/docs"
DOCS_URL = "/docs"
OAUTH_REDIRECT_URL = "/docs/oauth2-redirect"
REDOC_URL = "/redoc"
FAVICON_URL = "/favicon.ico"
# they describe the API and hold no stored data: open even when reading is not public
DOCS_ROUTES = frozenset({DOCS_URL, OAUTH_REDIRECT_URL, REDOC_URL, FAVICON_URL})
FAVICON = STATIC_DIR / "favicon.svg"
# The pages may load nothing from elsewhere: ReDoc's footer logo would otherwise come from
# cdn.redoc.ly. Both pages start with an inline script, and ReDoc searches in a blob: worker.
DOCS_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; font-src 'self' data:"
)


def _local_only(response: HTMLResponse) -> HTMLResponse:
    response.headers["Content-Security-Policy"] = DOCS_POLICY
    return response


def docs_assets_dir() -> Path:
    """The folder of Swagger UI and ReDoc files shipped by ``fastapi-offline``."""
    try:
        import fastapi_offline
    except ImportError as exc:  # pragma: no cover - a runtime dependency
        raise ImportError(
            "the offline API docs need fastapi-offline: pip install fastapi-offline"
        ) from exc
    return Path(fastapi_offline.__file__).resolve().parent / "static"


def install_docs(app: FastAPI) -> None:
    """Serve ``/docs`` (Swagger UI), ``/redoc`` and ``/favicon.ico`` without any CDN.

    The app must be built with ``docs_url=None, redoc_url=None``."""
    app.mount(DOCS_ASSETS_URL, StaticFiles(directory=docs_assets_dir()), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"
    title = app.title

    @app.get(DOCS_URL, include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return _local_only(
            get_swagger_ui_html(
                openapi_url=openapi_url,
                title=f"{title} · API",
                oauth2_redirect_url=OAUTH_REDIRECT_URL,
                swagger_js_url=f"{DOCS_ASSETS_URL}/swagger-ui-bundle.js",
                swagger_css_url=f"{DOCS_ASSETS_URL}/swagger-ui.css",
                swagger_favicon_url=FAVICON_URL,
            )
        )

    @app.get(OAUTH_REDIRECT_URL, include_in_schema=False)
    def swagger_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC_URL, include_in_schema=False)
    def redoc() -> HTMLResponse:
        return _local_only(
            get_redoc_html(
                openapi_url=openapi_url,
                title=f"{title} · API",
                redoc_js_url=f"{DOCS_ASSETS_URL}/redoc.standalone.js",
                redoc_favicon_url=FAVICON_URL,
                with_google_fonts=False,
            )
        )

    @app.get(FAVICON_URL, include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(FAVICON, media_type="image/svg+xml")
