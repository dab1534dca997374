"""Every error leaves the API as ``{"ok": false, "error", "status", "errors"}``."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from observatory.errors import ObservatoryError, error_body

log = logging.getLogger(__name__)


def _response(message: str, status: int, errors: list | None = None) -> JSONResponse:
    return JSONResponse(error_body(message, status, errors), status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    """Route observatory, validation, HTTP and unexpected errors to the common body."""

    @app.exception_handler(ObservatoryError)
    async def _observatory_error(_request: Request, exc: ObservatoryError) -> JSONResponse:
        return _response(exc.message, exc.status, exc.errors)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {
                "location": ".".join(str(part) for part in err.get("loc", ())),
                "message": err.get("msg", ""),
            }
            for err in exc.errors()
        ]
        summary = "; ".join(f"{p['location']}: {p['message']}" for p in problems[:3])
        return _response(f"invalid request: {summary}", 400, problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        return _response(message, exc.status_code)

    @app.exception_handler(UnicodeDecodeError)
    async def _bad_bytes(_request: Request, _exc: UnicodeDecodeError) -> JSONResponse:
        return _response("request contains bytes that are not valid UTF-8", 400)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return _response("internal error", 500)
