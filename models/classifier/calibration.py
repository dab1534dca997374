"""Calibration: temperatures turning code scores into probabilities, and abstain thresholds.

A calibration is fitted on labelled texts (``fit_temperature``) and saved as a small folder:
``calibration.json`` (per-taxonomy parameters) plus ``config.json`` (``observatory.artefacts``:
model id, dimension, taxonomy versions, how it was fitted, time, package version). The default
calibration, fitted on the calibration gold split, ships in
``models/classifier/data/calibration/<model>/``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from observatory import artefacts
from observatory.errors import ConfigurationError

log = logging.getLogger(__name__)

SHIPPED_DIR = Path(__file__).resolve().parent / "data" / "calibration"
CALIBRATION_FILE = "calibration.json"
KIND = "calibration"
REMEDY = "refit it (observatory calibrate) or delete the folder"


# config.json keys the artefact module writes itself (a loaded calibration's metadata holds them)
_WRITTEN_BY_ARTEFACTS = frozenset({artefacts.TIME_KEY, "package_version"})


@dataclass
class TaxonomyCalibration:
    """Parameters of one taxonomy: softmax temperature and abstain thresholds."""

    temperature: float = 0.03
    # below this top-1 probability the text is "too generic" to classify
    abstain_probability: float = 0.15
    # below this best prototype similarity the text resembles no code at all (gibberish)
    min_similarity: float = 0.2
    # routing gate of this taxonomy (None: the module defaults in models.classifier.gate)
    gate_probability: float | None = None
    gate_margin: float | None = None


@dataclass
class Calibration:
    """Per-taxonomy calibration of one embedder, plus the metadata of how it was fitted."""

    model_id: str
    taxonomies: dict[str, TaxonomyCalibration] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)

    def for_taxonomy(self, name: str) -> TaxonomyCalibration:
        """The parameters of ``name`` (defaults when it was never fitted)."""
        return self.taxonomies.setdefault(name, TaxonomyCalibration())

    def save(self, folder: Path, *, dimension: int, taxonomy_versions: dict[str, str]) -> None:
        """Write ``calibration.json`` and ``config.json`` into ``folder``.

        ``metadata`` (how it was fitted: gold file, rows, gate, classifier parameters and
        fingerprints) goes into ``config.json``; the build time and package version are the
        artefact module's, never an older copy held in ``metadata``.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        body = {name: asdict(params) for name, params in self.taxonomies.items()}
        (folder / CALIBRATION_FILE).write_text(json.dumps(body, indent=2) + "\n", "utf-8")
        identity = {
            "model_id": self.model_id,
            "dimension": dimension,
            "taxonomy_versions": taxonomy_versions,
        }
        skipped = _WRITTEN_BY_ARTEFACTS | identity.keys()
        fitted = {k: v for k, v in self.metadata.items() if k not in skipped}
        artefacts.write_config(folder, {**identity, **fitted})

    @classmethod
    def load(cls, folder: Path, *, model_id: str | None = None) -> Calibration:
        """Read a saved calibration, refusing one fitted for another model."""
        folder = Path(folder)
        config = artefacts.read_config(folder, kind=KIND)
        artefacts.check_compatible(
            config, {"model_id": model_id}, folder=folder, kind=KIND, remedy=REMEDY
        )
        try:
            body = json.loads((folder / CALIBRATION_FILE).read_text("utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ConfigurationError(f"cannot read calibration in {folder}: {exc}") from exc
        known = set(TaxonomyCalibration.__dataclass_fields__)
        taxonomies = {
            name: TaxonomyCalibration(**{k: v for k, v in params.items() if k in known})
            for name, params in body.items()
        }
        return cls(config["model_id"], taxonomies, config)


def calibration_slug(model_id: str) -> str:
    """Folder name of a model's shipped calibration."""
    return artefacts.slug(model_id)


def shipped_calibration(model_id: str) -> Calibration:
    """The calibration shipped for ``model_id``, or defaults (with a log warning)."""
    folder = SHIPPED_DIR / calibration_slug(model_id)
    if artefacts.has_config(folder):
        return Calibration.load(folder, model_id=model_id)
    log.warning("no shipped calibration for %s; using default temperatures", model_id)
    return Calibration(model_id)


def log_softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    """Row-wise log-softmax of ``scores / temperature``."""
    logits = scores / temperature
    logits = logits - logits.max(axis=1, keepdims=True)
    return logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))


def gold_nll(scores: np.ndarray, gold: np.ndarray, temperature: float) -> float:
    """Mean negative log of the probability mass on the gold codes (multi-label rows)."""
    logp = log_softmax(scores, temperature)
    masked = np.where(gold, logp, -np.inf)
    peak = masked.max(axis=1, keepdims=True)
    mass = peak[:, 0] + np.log(np.exp(masked - peak).sum(axis=1))
    return float(-mass.mean())


def fit_temperature(scores: np.ndarray, gold: np.ndarray) -> float:
    """The temperature minimising gold NLL (log-grid search, then a finer grid)."""
    rows = gold.any(axis=1)
    if not rows.any():
        raise ValueError("no labelled rows to calibrate on")
    scores, gold = scores[rows], gold[rows]
    grid = np.exp(np.linspace(np.log(0.002), np.log(1.0), 60))
    best = min(grid, key=lambda t: gold_nll(scores, gold, t))
    fine = np.linspace(best * 0.8, best * 1.25, 30)
    return float(min(fine, key=lambda t: gold_nll(scores, gold, t)))
