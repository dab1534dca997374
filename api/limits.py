"""What a request may hold, shared by every route and page: ids the store can hold, bounded
strings and lists, and no NUL character anywhere.

- ``path_id(what)``: an id in a URL. A number no stored row can have answers 404, like any id
  that names nothing; one that is not a number answers 400.
- ``StoredId`` (JSON bodies) and ``form_id`` (form fields): an id a request body names;
  out of range is malformed input (400).
- ``refuse_nul``: installed app-wide; a NUL in the path, the query or the body answers 400.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Path, Request
from pydantic import AfterValidator, Field

from observatory.errors import InvalidInput, NotFound

# The store's id columns are INTEGER, 32-bit on PostgreSQL (SQLite would take 64 bits, but an
# id must mean the same on both); a larger number cannot name a stored row, and PostgreSQL
# refuses to compare one with an INTEGER column instead of answering "no such row".
MAX_ID = 2**31 - 1
ID_RANGE = {"minimum": 1, "maximum": MAX_ID}

# Sizes of request bodies: each list and string has a bound, so that no request makes the
# server validate, store or compute far more than any real use needs.
# a correction names a priority's codes: a handful in practice (a priority spans few activities)
MAX_CODES_PER_DECISION = 50
# a taxonomy code: the label table's code column is 40 characters (NACE '01.11', 'renewable-energy')
MAX_CODE_CHARS = 40
# a reviewer's note on a decision: a long paragraph, short enough to read in the audit trail
MAX_DECISION_COMMENT_CHARS = 5000
# a country filter is an ISO 3166 two-letter code (as the strategies' country column)
MAX_COUNTRY_CHARS = 2
# a NUTS prefix filter: a NUTS 3 code, the longest, has 5 characters (e.g. ES511)
MAX_NUTS_CHARS = 5
# pages a reviewed priority cites: far more than any priority spans, yet a bounded list
MAX_PAGES_PER_ITEM = 500
# a PDF page number: far above OBSERVATORY_MAX_PDF_PAGES's default (2000) and any strategy
MAX_PAGE_NUMBER = 100_000
# candidate lists are numbered from 0 per strategy; the extractor offers a few dozen at most
MAX_CANDIDATE_LIST = 1000
# a text to classify: it is truncated to OBSERVATORY_MAX_TEXT_CHARS (20,000 by default) before
# embedding; up to 100,000 a pasted section is cut with a warning rather than refused
MAX_CLASSIFY_TEXT_CHARS = 100_000
# taxonomy names in one classification: three exist, and a client repeating one is
# de-duplicated rather than refused; a list of thousands is refused before any work
MAX_TAXONOMY_NAMES = 10

# the bodies whose strings are checked: JSON (every API body) and forms (every page body)
JSON_CONTENT = "application/json"
FORM_CONTENT = ("application/x-www-form-urlencoded", "multipart/form-data")
NUL = "\x00"


def path_id(what: str) -> Any:
    """The type of a path id of ``what`` (e.g. "priority"): 404 outside ``1..MAX_ID``."""

    def existing(value: int) -> int:
        if not 1 <= value <= MAX_ID:
            raise NotFound(f"no {what} with id {value}")
        return value

    return Annotated[
        int,
        Path(description=f"The {what}'s id.", json_schema_extra=ID_RANGE),
        AfterValidator(existing),
    ]


StoredId = Annotated[int, Field(ge=1, le=MAX_ID, description="A stored row's id.")]


def form_id(text: str, field: str) -> int | None:
    """The id a form field holds (None when empty); InvalidInput outside ``1..MAX_ID``."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise InvalidInput(f"{field} must be an id between 1 and {MAX_ID}, not {text[:40]!r}")
    return int(text)


def _strings(value: Any) -> list[str]:
    """Every string in a parsed JSON value (keys included), without recursion."""
    found, pending = [], [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            found.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return found


async def _body_strings(request: Request) -> list[str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type.startswith(FORM_CONTENT):
        form = await request.form()  # cached: the route reads the same parsed form
        return [text for pair in form.multi_items() for text in pair if isinstance(text, str)]
    if not request.headers.get("content-length") and "transfer-encoding" not in request.headers:
        return []
    if content_type == JSON_CONTENT or content_type.endswith("+json"):
        try:
            return _strings(json.loads(await request.body()))
        except (ValueError, RecursionError):
            return []  # malformed JSON: the route's own parsing answers 400
    return []


async def refuse_nul(request: Request) -> None:
    """Refuse a NUL character in the path, the query or the body (400).

    PostgreSQL cannot store or even compare a text holding NUL, and no name, code, filter or
    text the observatory knows contains one; refusing it here, once, keeps every route and page
    (and any added later) from failing on it deep in a query."""
    where = None
    if NUL in request.scope.get("path", ""):
        where = "the path"
    elif any(NUL in text for pair in request.query_params.multi_items() for text in pair):
        where = "the query"
    elif request.method in ("POST", "PUT", "PATCH") and any(
        NUL in text for text in await _body_strings(request)
    ):
        where = "the body"
    if where is not None:
        raise InvalidInput(f"{where} contains a NUL character")
