"""Templates, the HTML error page, and helpers shared by every page router.

Page routes use ``HTMLRoute``: an error raised while handling a page (an ``ObservatoryError``,
an invalid parameter, an ``HTTPException``) becomes an HTML error page with the same message
and status as the JSON error body the API would send.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.sessions import csrf_token, keep_nonce
from observatory.errors import ObservatoryError

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

TAXONOMY_LABELS = {"nace": "NACE Rev. 2", "nabs": "NABS 2007", "ecosystem": "Industrial ecosystem"}
# what a tag's status means for trusting it, shown beside its probability
TRUST_LABELS = {
    "auto_accepted": "AI tag, not reviewed",
    "suggested": "AI suggestion, waiting for review",
    "accepted": "checked by a reviewer",
    "corrected": "set by a reviewer",
}


def member_status(label: Any) -> str:
    """How sure a member of a code set is (a label row or a catalog ``LabelInfo``): reviewed,
    or "AI tag, not reviewed" (and whether it passed the gate or waits for a reviewer)."""
    if label.source_kind in ("reviewer", "import"):
        return TRUST_LABELS.get(label.status, label.status)
    if label.status == "auto_accepted":
        return "AI tag, not reviewed (passed the gate)"
    return "AI tag, not reviewed (waiting for review)"


def percent(value: float | None) -> str:
    """A probability as a whole percentage ('' when unknown)."""
    return "" if value is None else f"{value * 100:.0f}%"


def query_string(params: dict[str, Any]) -> str:
    """Encode non-empty parameters (lists repeat the key) for a link."""
    pairs: list[tuple[str, Any]] = []
    for key, value in params.items():
        values = value if isinstance(value, list | tuple) else [value]
        pairs.extend((key, item) for item in values if item not in (None, ""))
    return urlencode(pairs)


def sample_notice(request: Request) -> str:
    """The sentence of the "illustrative sample" banner, or '' when no sample is stored."""
    from api.pages.sample import sample_sentence  # the pages' helpers import this module

    return sample_sentence(request)


def _build_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.filters["percent"] = percent
    templates.env.globals["taxonomy_labels"] = TAXONOMY_LABELS
    templates.env.globals["query_string"] = query_string
    templates.env.globals["trust_labels"] = TRUST_LABELS
    templates.env.globals["member_status"] = member_status
    templates.env.globals["sample_notice"] = sample_notice
    return templates


templates = _build_templates()


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    """Render a template with the request and the page's CSRF token in its context."""
    context = {"csrf_token": csrf_token(request), **context}
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    keep_nonce(request, response)
    return response


def sign_in_page(request: Request, message: str = "", status_code: int = 200) -> Response:
    """The sign-in form; after signing in the browser comes back to this page."""
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return render(
        request,
        "review_signin.html",
        {"title": "Sign in", "section": "review", "message": message, "next": back},
        status_code=status_code,
    )


def error_page(request: Request, message: str, status_code: int) -> Response:
    """The HTML counterpart of the JSON error body (a 401 offers the sign-in form)."""
    if status_code == 401:
        return sign_in_page(request, message, status_code)
    return render(
        request,
        "error.html",
        {"message": message, "status": status_code, "title": f"Error {status_code}"},
        status_code=status_code,
    )


class HTMLRoute(APIRoute):
    """A page route: errors come back as an HTML page instead of the JSON error body."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap the default handler so that errors render ``error.html``."""
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except ObservatoryError as exc:
                return error_page(request, exc.message, exc.status)
            except RequestValidationError as exc:
                problems = [
                    f"{'.'.join(str(p) for p in err.get('loc', ()))}: {err.get('msg', '')}"
                    for err in exc.errors()
                ]
                return error_page(request, "invalid request: " + "; ".join(problems[:3]), 400)
            except StarletteHTTPException as exc:
                detail = exc.detail if isinstance(exc.detail, str) else "request failed"
                return error_page(request, detail, exc.status_code)

        return handle
