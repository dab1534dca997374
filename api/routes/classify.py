"""Classify a text on demand, with the same classifier (and reviewed examples) as the jobs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.auth import ReadAccess
from api.deps import StateDep
from api.services import classifier
from observatory.domain import TAXONOMY_NAMES

router = APIRouter(tags=["classification"])


class ClassifyCreate(BaseModel):
    """A text to classify."""

    text: str = Field(min_length=1, max_length=100_000)
    taxonomies: list[str] = Field(default_factory=lambda: list(TAXONOMY_NAMES))
    top_k: int = Field(5, ge=1, le=20)


@router.post("/api/classify", summary="Classify one text into NACE, NABS and ecosystems")
def classify_text(body: ClassifyCreate, state: StateDep, _reader: ReadAccess) -> dict[str, Any]:
    """Ranked codes with calibrated probabilities, rationale and abstain, per taxonomy."""
    running = classifier(state)
    [result] = running.classify([body.text], taxonomies=body.taxonomies, top_k=body.top_k)
    return {name: prediction.to_dict() for name, prediction in result.items()}
