"""The gate's confidence model: how likely a ranked code is right, from signals of the prediction.

One probability threshold cannot serve every kind of text: the softmax is over-confident on
short activity phrases and under-confident on priorities, whose probability is spread over the
several divisions they span. So the gate reads signals that mean the same on either kind
(selective classification): the code's probability and its lead over the next code, the
entropy of the distribution, whether the linear head and the prototypes pick the same code on
their own, its kNN support, whether its parent (NACE section) or the crosswalk from NACE agrees,
and the text's length. A logistic regression over them, fitted per taxonomy on several
distributions at once (``pipelines.classify.gate_fit``), estimates "this code is right"; the
gate accepts a code whose estimate reaches the threshold chosen so the worst fitting set keeps
precision >= 0.95.

``gate_signals`` is computed once per prediction (``verdicts.predictions``) and carried by the
``Prediction``; ``GateModel`` ships in the calibration (``calibration.json``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from models.classifier.score import TaxonomyScore
from models.classifier.taxonomy_model import TaxonomyModel

SIGNAL_NAMES = (
    "probability",
    "log_probability",
    "margin",  # over the code ranked next
    "entropy",  # of the whole distribution, over log(number of codes)
    "head_agrees",  # the linear head alone ranks this code first
    "head_probability",
    "prototype_agrees",  # the prototype similarity alone ranks it first
    "prototype_lead",  # its prototype similarity minus the best other code's
    "example_support",  # kNN votes of validated examples for it
    "parent_agrees",  # NACE: its section is the most probable section
    "crosswalk_agrees",  # NABS / ecosystems: the NACE prediction mapped here ranks it first
    "log_words",
)
# probabilities are floored here before the log (a softmax can underflow to 0)
_LOG_FLOOR = 1e-6


def gate_signals(
    model: TaxonomyModel, scored: TaxonomyScore, order: np.ndarray, words: Sequence[int]
) -> np.ndarray:
    """(texts, ranks, signals) for the codes ``order`` ranks (columns of ``scored``)."""
    probability = scored.probability.astype(np.float64)
    texts, ranks = order.shape
    rows = np.arange(texts)[:, None]
    p = probability[rows, order]
    following = np.argsort(-probability, axis=1)[:, 1 : ranks + 1]
    nxt = np.zeros_like(p)
    width = min(ranks, following.shape[1])
    nxt[:, :width] = probability[rows, following[:, :width]]
    spread = -(probability * np.log(np.maximum(probability, _LOG_FLOOR))).sum(axis=1)
    entropy = spread / np.log(max(2, probability.shape[1]))
    features = scored.features
    head = features.head.astype(np.float64)
    has_head = bool(np.abs(head).max(initial=0.0) > 0)
    proto = features.prototype.astype(np.float64)
    proto = np.where(np.isfinite(proto), proto, -1.0)
    proto_order = np.argsort(-proto, axis=1)
    best, second = proto[rows[:, 0], proto_order[:, 0]], proto[rows[:, 0], proto_order[:, 1]]
    chosen_proto = proto[rows, order]
    best_other = np.where(order == proto_order[:, :1], second[:, None], best[:, None])
    parent = np.zeros_like(p)
    if model.parents is not None:
        membership = model.parents[1]
        top_parent = (probability @ membership).argmax(axis=1)
        parent = (membership[order].argmax(axis=2) == top_parent[:, None]).astype(np.float64)
    crosswalk = features.crosswalk.astype(np.float64)
    has_crosswalk = bool(np.abs(crosswalk).max(initial=0.0) > 0)
    columns = {
        "probability": p,
        "log_probability": np.log(np.maximum(p, _LOG_FLOOR)),
        "margin": p - nxt,
        "entropy": np.repeat(entropy[:, None], ranks, axis=1),
        "head_agrees": (order == head.argmax(axis=1)[:, None]) * float(has_head),
        "head_probability": np.exp(head[rows, order]) * float(has_head),
        "prototype_agrees": (order == proto_order[:, :1]).astype(np.float64),
        "prototype_lead": chosen_proto - best_other,
        "example_support": features.examples.astype(np.float64)[rows, order],
        "parent_agrees": parent,
        "crosswalk_agrees": (order == crosswalk.argmax(axis=1)[:, None]) * float(has_crosswalk),
        "log_words": np.repeat(np.log1p(np.asarray(words, np.float64))[:, None], ranks, axis=1),
    }
    stacked = np.stack([columns[name].astype(np.float64) for name in SIGNAL_NAMES], axis=2)
    return np.where(np.isfinite(stacked), stacked, 0.0)


@dataclass(frozen=True)
class GateModel:
    """A fitted logistic regression over ``signals`` and the thresholds it is gated at.

    ``threshold`` applies to the top code. ``secondary_threshold`` applies to a code at rank
    2 or lower, and is None when the fitting sets gave no evidence that such a code can be
    accepted on its own at the target precision (the gate then refuses every lower rank).
    """

    signals: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    secondary_threshold: float | None = None

    def confidence(self, values: np.ndarray) -> np.ndarray:
        """Estimated probability that each code is right; ``values`` is (..., signals)."""
        z = np.asarray(values, np.float64) @ np.asarray(self.coef, np.float64) + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))

    def accepts(self, values: Sequence[float], rank: int = 1) -> bool:
        """Whether the code with these signals, at ``rank``, may be accepted unreviewed."""
        wanted = self.threshold if rank == 1 else self.secondary_threshold
        if wanted is None or len(values) != len(self.signals):
            return False
        return bool(self.confidence(np.asarray(values))[()] >= wanted)

    def to_dict(self) -> dict[str, object]:
        """JSON form (in ``calibration.json``)."""
        return {
            "signals": list(self.signals),
            "coef": [round(c, 8) for c in self.coef],
            "intercept": round(self.intercept, 8),
            "threshold": self.threshold,
            "secondary_threshold": self.secondary_threshold,
        }

    @classmethod
    def from_dict(cls, values: Mapping[str, object]) -> GateModel:
        """Read back ``to_dict``."""
        secondary = values.get("secondary_threshold")
        return cls(
            tuple(str(s) for s in values["signals"]),  # type: ignore[union-attr]
            tuple(float(c) for c in values["coef"]),  # type: ignore[union-attr]
            float(values["intercept"]),  # type: ignore[arg-type]
            float(values["threshold"]),  # type: ignore[arg-type]
            None if secondary is None else float(secondary),  # type: ignore[arg-type]
        )
