"""Domain types exchanged between the pipelines, the store and the API.

``*Create`` types are what a producer (ingest, import, classifier, reviewer) hands to the store;
the API defines its own ``*Public`` schemas for what it returns.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

# defined without pydantic, for the commands that need them and no model (classify-text);
# re-exported here beside the models
from observatory.names import TAXONOMY_NAMES as TAXONOMY_NAMES
from observatory.names import LabelSource as LabelSource
from observatory.names import LabelStatus as LabelStatus
from observatory.names import Role as Role

# Column widths of observatory/store/tables.py: checked here, before anything is written, so
# that PostgreSQL (which enforces them, unlike SQLite) never fails half-way through a batch.
MAX_REGION_CHARS = 300
MAX_NUTS_CHARS = 10
MAX_LANGUAGE_CHARS = 8
MAX_PERIOD_CHARS = 60
MAX_KEY_CHARS = 300
MAX_SOURCE_KIND_CHARS = 20
MAX_SOURCE_CHARS = 1000

# C0 and C1 control characters (but tab and newline), lone surrogates and the two
# non-characters: text layers and word processors leak them, XLSX (XML 1.0) cannot hold them,
# PostgreSQL refuses NUL, and a surrogate cannot be encoded as UTF-8.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")


def clean_text(value: str) -> str:
    """Text without control characters: vertical tabs, form feeds and CR become newlines (a
    word processor's manual line break), other controls are dropped."""
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", value))


def one_line_title(value: str) -> str:
    """A title on one line with single spaces; an empty one is refused."""
    value = " ".join(value.split())
    if not value:
        raise ValueError("title is empty")
    return value


def clean_values(data: Any) -> Any:
    """``clean_text`` on every string (and list of strings) of a model's input."""
    if not isinstance(data, dict):
        return data
    cleaned: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, str):
            value = clean_text(value)
        elif isinstance(value, list):
            value = [clean_text(v) if isinstance(v, str) else v for v in value]
        cleaned[key] = value
    return cleaned


def validation_message(exc: ValidationError) -> str:
    """A pydantic error as one line: "field: reason; field: reason"."""
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'value'}: {err['msg']}" for err in exc.errors()
    )


class StrategyCreate(BaseModel):
    """A strategy document (or an imported set of priorities) about to be stored."""

    title: str = Field(min_length=1)
    region: str | None = Field(None, max_length=MAX_REGION_CHARS)
    nuts_code: str | None = Field(None, max_length=MAX_NUTS_CHARS, pattern=r"^[A-Z]{2}[A-Z0-9]*$")
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    language: str | None = Field(None, max_length=MAX_LANGUAGE_CHARS)
    period: str | None = Field(None, max_length=MAX_PERIOD_CHARS)
    source_kind: str = Field("pdf", max_length=MAX_SOURCE_KIND_CHARS)
    source_path: str | None = None
    sha256: str | None = Field(None, min_length=64, max_length=64)
    pages: int | None = Field(None, ge=0)
    warnings: list[str] = Field(default_factory=list)
    key: str | None = Field(
        None,
        max_length=MAX_KEY_CHARS,
        description="Identity across versions; defaults to the territory and period (or the "
        "title), never the file name.",
    )

    _clean = model_validator(mode="before")(clean_values)

    _title = field_validator("title")(one_line_title)


class PriorityCreate(BaseModel):
    """A selected priority of a strategy; ``parent`` names another priority of the same one."""

    title: str = Field(min_length=1)
    description: str = ""
    pages: list[int] = Field(default_factory=list)
    parent: str | None = None
    keywords: list[str] = Field(default_factory=list)
    confidence: float | None = Field(None, ge=0.0, le=1.0)
    language: str | None = Field(None, max_length=MAX_LANGUAGE_CHARS)
    source: str | None = Field(
        None,
        max_length=MAX_SOURCE_CHARS,
        description="Where the priority comes from, as the importer gave it (e.g. 'illustrative "
        "sample written by the S3 Observatory team').",
    )

    _clean = model_validator(mode="before")(clean_values)

    _title = field_validator("title")(one_line_title)

    @field_validator("pages")
    @classmethod
    def _positive_pages(cls, value: list[int]) -> list[int]:
        if any(page < 1 for page in value):
            raise ValueError("pages are counted from 1")
        return value


class LabelCreate(BaseModel):
    """A code attached to a priority, with its provenance."""

    taxonomy: str
    code: str
    status: LabelStatus = LabelStatus.SUGGESTED
    probability: float | None = Field(None, ge=0.0, le=1.0)
    score: float | None = None
    rank: int | None = Field(None, ge=1)
    source_kind: LabelSource = LabelSource.MODEL
    model_id: str | None = None
    model_version: str | None = None
    taxonomy_version: str | None = None
    reviewer: str | None = None
    rationale: list[dict[str, Any]] = Field(default_factory=list)
    in_set: bool = Field(
        True, description="A member of the priority's code set (else a further suggestion)."
    )

    @field_validator("taxonomy")
    @classmethod
    def _known_taxonomy(cls, value: str) -> str:
        if value not in TAXONOMY_NAMES:
            raise ValueError(f"unknown taxonomy {value!r}; expected one of {TAXONOMY_NAMES}")
        return value
