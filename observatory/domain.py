"""Domain types exchanged between the pipelines, the store and the API.

``*Create`` types are what a producer (ingest, import, classifier, reviewer) hands to the store;
the API defines its own ``*Public`` schemas for what it returns.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, field_validator

TAXONOMY_NAMES = ("nace", "nabs", "ecosystem")


class Role(StrEnum):
    """What a user may do: analysts read, reviewers decide, adjudicators settle conflicts."""

    ANALYST = "analyst"
    REVIEWER = "reviewer"
    ADJUDICATOR = "adjudicator"
    ADMIN = "admin"


class LabelStatus(StrEnum):
    """Life of a label: suggested by a model, then accepted (automatically or by a person)."""

    SUGGESTED = "suggested"
    AUTO_ACCEPTED = "auto_accepted"
    ACCEPTED = "accepted"
    CORRECTED = "corrected"
    REJECTED = "rejected"


class LabelSource(StrEnum):
    """Who produced a label."""

    MODEL = "model"
    REVIEWER = "reviewer"
    IMPORT = "import"


class StrategyCreate(BaseModel):
    """A strategy document (or an imported set of priorities) about to be stored."""

    title: str = Field(min_length=1)
    region: str | None = None
    nuts_code: str | None = None
    country: str | None = Field(None, min_length=2, max_length=2)
    language: str | None = None
    period: str | None = None
    source_kind: str = "pdf"
    source_path: str | None = None
    sha256: str | None = Field(None, min_length=64, max_length=64)
    pages: int | None = Field(None, ge=0)
    warnings: list[str] = Field(default_factory=list)
    key: str | None = Field(
        None,
        description="Identity across versions; defaults to the territory and period (or the "
        "title), never the file name.",
    )


class PriorityCreate(BaseModel):
    """A selected priority of a strategy; ``parent`` names another priority of the same one."""

    title: str = Field(min_length=1)
    description: str = ""
    pages: list[int] = Field(default_factory=list)
    parent: str | None = None
    keywords: list[str] = Field(default_factory=list)
    confidence: float | None = Field(None, ge=0.0, le=1.0)
    language: str | None = None

    @field_validator("title")
    @classmethod
    def _strip_title(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("title is empty")
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

    @field_validator("taxonomy")
    @classmethod
    def _known_taxonomy(cls, value: str) -> str:
        if value not in TAXONOMY_NAMES:
            raise ValueError(f"unknown taxonomy {value!r}; expected one of {TAXONOMY_NAMES}")
        return value
