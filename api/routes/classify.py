"""Classify a text on demand, with the same classifier (and reviewed examples) as the jobs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.auth import ReadAccess
from api.deps import StateDep
from api.schemas import ClassifyCreate
from api.services import classifier

router = APIRouter(tags=["classification"])


@router.post("/api/classify", summary="Classify one text into NACE, NABS and ecosystems")
def classify_text(body: ClassifyCreate, state: StateDep, _reader: ReadAccess) -> dict[str, Any]:
    """Ranked codes with calibrated probabilities, rationale and abstain, per taxonomy."""
    running = classifier(state)
    [result] = running.classify([body.text], taxonomies=body.taxonomies, top_k=body.top_k)
    return {name: prediction.to_dict() for name, prediction in result.items()}
