"""Fitted scoring of candidate groups: two logistic regressions, weights shipped as data.

1. The layout model scores every group on the cheap features (``features.CHEAP_FEATURES``).
2. The ``SHORTLIST`` best groups get the reading features too (they need the embedder) and the
   full model re-scores them; the best of those is the selection.
Weights come from ``pipelines/ingest/data/group_scoring.json``, written by
``pipelines/ingest/fit.py`` with the feature names, scaling and how they were fitted; a file
whose feature names differ from the code's is refused.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from observatory.errors import ObservatoryError
from pipelines.ingest.detect import Group, same_title
from pipelines.ingest.features import (
    CHEAP_FEATURES,
    READING_FEATURES,
    cheap_features,
    document_view,
)
from pipelines.ingest.reading import reading_features
from pipelines.ingest.structure import Block

WEIGHTS_PATH = Path(__file__).with_name("data") / "group_scoring.json"
SHORTLIST = 10  # groups read by the embedder: the chosen list is among the layout's top ten
OUT_OF_SHORTLIST = 12.0  # logit penalty that keeps unread groups below every read one


@dataclass(frozen=True)
class LogisticModel:
    """A fitted logistic regression over standardised features."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def logit(self, values: dict[str, float]) -> float:
        """The model's log-odds for one feature dict."""
        total = self.intercept
        for name, mean, scale, coef in zip(
            self.features, self.mean, self.scale, self.coef, strict=True
        ):
            total += coef * (values[name] - mean) / scale
        return total

    def to_json(self) -> dict[str, object]:
        """Plain JSON form."""
        return {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
        }

    @classmethod
    def from_json(cls, data: dict, expected: tuple[str, ...]) -> LogisticModel:
        """Read a model, refusing one fitted on other features."""
        if tuple(data["features"]) != expected:
            raise ObservatoryError(
                f"group scoring weights were fitted on other features ({WEIGHTS_PATH}); "
                "refit with pipelines/ingest/fit.py"
            )
        return cls(
            tuple(data["features"]),
            tuple(data["mean"]),
            tuple(data["scale"]),
            tuple(data["coef"]),
            float(data["intercept"]),
        )


@dataclass(frozen=True)
class GroupScorer:
    """The layout model and the full (layout + reading) model."""

    layout: LogisticModel
    full: LogisticModel


@lru_cache(maxsize=4)
def load_scorer(path: Path = WEIGHTS_PATH) -> GroupScorer:
    """The shipped (or given) fitted weights."""
    data = json.loads(path.read_text("utf-8"))
    return GroupScorer(
        LogisticModel.from_json(data["layout"], CHEAP_FEATURES),
        LogisticModel.from_json(data["full"], CHEAP_FEATURES + READING_FEATURES),
    )


def _share_restated(group: Group, other: Group) -> float:
    hits = sum(
        1 for item in group.items if any(same_title(item.title, o.title) for o in other.items)
    )
    return hits / len(group.items)


def group_features(
    groups: list[Group], blocks: list[Block], layout: LogisticModel | None = None
) -> list[Group]:
    """Fill every group's features; with ``layout`` return the shortlist with reading features.

    Without a model (when fitting) every group gets the reading features.
    """
    view = document_view(blocks, groups)
    for group in groups:
        group.features = cheap_features(group, view)
    for group in groups:
        own = {item.block_index for item in group.items}
        others = [g for g in groups if not own & {item.block_index for item in g.items}]
        group.features["corroboration"] = max(
            (_share_restated(group, other) for other in others), default=0.0
        )
    if layout is None:
        shortlist = list(groups)
    else:
        for group in groups:
            group.score = layout.logit(group.features)
        shortlist = sorted(groups, key=lambda g: g.score, reverse=True)[:SHORTLIST]
    for group, reading in zip(shortlist, reading_features(shortlist), strict=True):
        group.features.update(reading)
    return shortlist


def score_groups(groups: list[Group], blocks: list[Block], scorer: GroupScorer) -> list[Group]:
    """Score all groups (log-odds in ``group.score``); returns them best first."""
    shortlist = group_features(groups, blocks, scorer.layout)
    chosen = {id(g) for g in shortlist}
    for group in groups:
        if id(group) in chosen:
            group.score = scorer.full.logit(group.features)
        else:
            group.score -= OUT_OF_SHORTLIST
    return sorted(groups, key=lambda g: g.score, reverse=True)


def probability(logit: float) -> float:
    """Log-odds onto 0..1."""
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))
