"""The OpenAPI description says what each route really answers.

Every error leaves the app as the one error body (``ErrorBody``) with status 400, never
FastAPI's 422, so the generated 422 is dropped. The errors every route shares come from the
gates it passes, read from its dependencies: 400 (the input checks), 401 (any route that reads
a key, or that the site gate closes when reading is not public), 403 (a role is required) and,
on the methods that carry a body, 413 (the body cap).
Errors that depend on what a route does (404, 409) and other successes (201, 204) are declared
on the route with ``errors(...)`` or ``responses=``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from pydantic import BaseModel, Field

from api.auth import PUBLIC_ROUTES, api_key
from observatory.domain import Role

ERROR_SCHEMA = "ErrorBody"
DESCRIPTIONS = {
    400: "Invalid request: a parameter or body field that is malformed, out of bounds or holds "
    "a NUL character, or a value the observatory refuses (an unknown code, taxonomy...).",
    401: "No valid API key: a malformed or unknown one, or none where one is needed (writes, "
    "and reads when OBSERVATORY_PUBLIC_READ is false).",
    403: "The API key's role may not do this.",
    404: "What the request names does not exist.",
    409: "The request clashes with the current state.",
    413: "The request body is larger than OBSERVATORY_MAX_BODY_MB.",
}
# the methods that carry a body, so the body cap (api/body_limit.py) can refuse them
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class ErrorBody(BaseModel):
    """The one error body of every route."""

    ok: Literal[False]
    error: str = Field(description="What went wrong, for people.")
    status: int = Field(description="The HTTP status, repeated.")
    errors: list[Any] = Field(description="Detail items (one per problem), possibly empty.")


def errors(*statuses: int, **described: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for error statuses with the error body; a keyword ``e404="..."``
    replaces the default description of that status."""
    return {
        status: {
            "model": ErrorBody,
            "description": described.get(f"e{status}", DESCRIPTIONS[status]),
        }
        for status in statuses
    }


def _calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def shared_errors(route: RouteContext) -> list[int]:
    """The error statuses a route's gates (its dependencies, the app's included) can answer."""
    calls = list(_calls(route.dependant))
    statuses = [400]
    if route.path_format not in PUBLIC_ROUTES or api_key in calls:
        statuses.append(401)
    # a role gate that admits every role refuses nobody
    if any(set(getattr(call, "roles", Role)) != set(Role) for call in calls):
        statuses.append(403)
    return statuses


def _error_response(status: int) -> dict[str, Any]:
    return {
        "description": DESCRIPTIONS[status],
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}}
        },
    }


def install_openapi(app: FastAPI) -> None:
    """Generate the spec with the shared errors added and FastAPI's unused 422 removed."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        spec = generate()
        for route in iter_route_contexts(app.routes):
            if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
                continue
            for method in route.methods:
                responses = spec["paths"][route.path_format][method.lower()]["responses"]
                responses.pop("422", None)
                statuses = shared_errors(route) + ([413] if method in BODY_METHODS else [])
                for status in statuses:
                    responses.setdefault(str(status), _error_response(status))
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault(ERROR_SCHEMA, ErrorBody.model_json_schema())
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
