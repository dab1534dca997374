"""Calibration: the fitted feature weights and temperature of each taxonomy, and its thresholds.

A calibration is fitted on labelled texts (``fit_weights``) and saved as a small folder:
``calibration.json`` (per-taxonomy parameters) plus ``config.json`` (``observatory.artefacts``:
model id, dimension, taxonomy versions, how it was fitted, time, package version). The default
calibration ships in ``models/classifier/data/calibration/<model>/``. Calibrations are
immutable: fitting returns a new one (``Calibration.replace``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import numpy as np

from models.classifier.confidence import GateModel
from models.classifier.features import ScoreWeights, capped_softmax, log_softmax, logits_of
from observatory import artefacts
from observatory.errors import ConfigurationError

log = logging.getLogger(__name__)

SHIPPED_DIR = Path(__file__).resolve().parent / "data" / "calibration"
CALIBRATION_FILE = "calibration.json"
KIND = "calibration"
REMEDY = "refit it (observatory calibrate) or delete the folder"
# config.json keys the artefact module writes itself (a loaded calibration's metadata holds them)
_WRITTEN_BY_ARTEFACTS = frozenset({artefacts.TIME_KEY, "package_version"})
JsonValue = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


@dataclass(frozen=True)
class TaxonomyCalibration:
    """Parameters of one taxonomy: feature weights, temperature, abstain and gate thresholds."""

    temperature: float = 0.03
    # below this top-1 probability the text is "too generic" to classify
    abstain_probability: float = 0.15
    # below this best prototype similarity the text resembles no code at all (gibberish)
    min_similarity: float = 0.2
    # routing gate of this taxonomy (None: the module defaults in models.classifier.gate)
    gate_probability: float | None = None
    gate_margin: float | None = None
    weights: ScoreWeights = field(default_factory=ScoreWeights)
    # the fitted confidence model of the gate (None: the (probability, margin) pair decides)
    gate_model: GateModel | None = None

    def to_dict(self) -> dict[str, JsonValue]:
        """JSON form."""
        out = asdict(self)
        out["gate_model"] = None if self.gate_model is None else self.gate_model.to_dict()
        return out  # type: ignore[return-value]

    @classmethod
    def from_dict(cls, values: Mapping[str, JsonValue]) -> TaxonomyCalibration:
        """Read back ``to_dict`` (unknown keys are ignored, missing ones take defaults)."""
        known = {f.name for f in fields(cls)} - {"weights", "gate_model"}
        kept = {k: v for k, v in values.items() if k in known}
        raw = values.get("weights")
        weights = ScoreWeights.from_dict(raw) if isinstance(raw, dict) else ScoreWeights()
        model = values.get("gate_model")
        gate_model = GateModel.from_dict(model) if isinstance(model, dict) else None
        return cls(**kept, weights=weights, gate_model=gate_model)  # type: ignore[arg-type]


DEFAULT_TAXONOMY_CALIBRATION = TaxonomyCalibration()


@dataclass(frozen=True)
class Calibration:
    """Per-taxonomy calibration of one embedder, plus the metadata of how it was fitted."""

    model_id: str
    taxonomies: Mapping[str, TaxonomyCalibration] = field(
        default_factory=lambda: MappingProxyType({})
    )
    metadata: Mapping[str, JsonValue] = field(default_factory=lambda: MappingProxyType({}))

    def for_taxonomy(self, name: str) -> TaxonomyCalibration:
        """The parameters of ``name`` (defaults when it was never fitted); a pure lookup."""
        return self.taxonomies.get(name, DEFAULT_TAXONOMY_CALIBRATION)

    def replace(
        self,
        taxonomies: Mapping[str, TaxonomyCalibration] | None = None,
        metadata: Mapping[str, JsonValue] | None = None,
    ) -> Calibration:
        """A new calibration with some taxonomies' parameters (or the metadata) replaced."""
        merged = {**self.taxonomies, **(taxonomies or {})}
        return replace(
            self,
            taxonomies=MappingProxyType(merged),
            metadata=MappingProxyType(dict(self.metadata if metadata is None else metadata)),
        )

    def save(self, folder: Path, *, dimension: int, taxonomy_versions: dict[str, str]) -> None:
        """Write ``calibration.json`` and ``config.json`` into ``folder``.

        ``metadata`` (how it was fitted: sets, rows, gate, classifier parameters and
        fingerprints) goes into ``config.json``; the build time and package version are the
        artefact module's, never an older copy held in ``metadata``.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        body = {name: params.to_dict() for name, params in self.taxonomies.items()}
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
        taxonomies = {name: TaxonomyCalibration.from_dict(p) for name, p in body.items()}
        return cls(config["model_id"], MappingProxyType(taxonomies), MappingProxyType(config))


def calibration_slug(model_id: str) -> str:
    """Folder name of a model's shipped calibration."""
    return artefacts.slug(model_id)


def shipped_calibration(model_id: str) -> Calibration:
    """The calibration shipped for ``model_id``, or defaults (with a log warning).

    A shipped calibration that no longer fits the code (``provenance.shipped_record``: other
    classifier parameters, features, taxonomies, starter set or heads) is a ConfigurationError:
    the repository was changed without refitting it.
    """
    folder = SHIPPED_DIR / calibration_slug(model_id)
    if not artefacts.has_config(folder):
        log.warning("no shipped calibration for %s; using default weights", model_id)
        return Calibration(model_id)
    return _cached_shipped(folder, model_id, _config_stamp(folder))


def load_shipped(folder: Path, model_id: str) -> Calibration:
    """Read a shipped calibration, refusing one that no longer fits the code."""
    from models.classifier.provenance import mismatches, shipped_record

    calibration = Calibration.load(folder, model_id=model_id)
    dimension = int(calibration.metadata.get("dimension") or 0)  # type: ignore[arg-type]
    stale = mismatches(calibration.metadata, shipped_record(model_id, dimension))
    if stale:
        raise ConfigurationError(
            f"the shipped calibration in {folder} was fitted under other {', '.join(stale)} "
            f"than the code has; refit it (python -m pipelines.classify.fit_shipped) or delete it"
        )
    return calibration


def _config_stamp(folder: Path) -> tuple[int, int]:
    stat = (folder / artefacts.CONFIG_FILE).stat()
    return stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=8)
def _cached_shipped(folder: Path, model_id: str, _stamp: tuple[int, int]) -> Calibration:
    # the check reads every built-in taxonomy; a calibration is immutable, so one is shared
    return load_shipped(folder, model_id)


def gold_nll(logits: np.ndarray, gold: np.ndarray, row_weight: np.ndarray | None = None) -> float:
    """Mean negative log of the probability mass on the gold codes (multi-label rows)."""
    logp = log_softmax(logits)
    masked = np.where(gold, logp, -np.inf)
    peak = masked.max(axis=1, keepdims=True)
    mass = peak[:, 0] + np.log(np.exp(masked - peak).sum(axis=1))
    return float(-np.average(mass, weights=row_weight))


def fit_weights(
    stacked: np.ndarray,
    gold: np.ndarray,
    *,
    usable: np.ndarray | None = None,
    row_weight: np.ndarray | None = None,
) -> tuple[ScoreWeights, float]:
    """Feature weights and temperature minimising gold NLL (weights >= 0, summing to one).

    ``stacked`` is (texts, codes, features) as ``Features.stacked``; ``usable`` marks features
    that may get weight (an all-zero feature, e.g. no head, gets none); ``row_weight`` weighs
    rows (several sets counting equally). Fits ``theta >= 0`` with
    ``logits = stacked @ theta`` by L-BFGS-B on the analytic gradient; weights are
    ``theta / sum(theta)`` and the temperature ``1 / sum(theta)``.
    """
    from scipy.optimize import minimize

    rows = gold.any(axis=1)
    if not rows.any():
        raise ValueError("no labelled rows to calibrate on")
    s = np.where(np.isfinite(stacked[rows]), stacked[rows], 0.0).astype(np.float64)
    g = gold[rows]
    w = np.ones(len(s)) if row_weight is None else np.asarray(row_weight, np.float64)[rows]
    w = w / w.sum()
    if usable is None:
        usable = np.abs(s).reshape(-1, s.shape[2]).max(axis=0) > 0

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        logits = s @ theta
        p = np.exp(log_softmax(logits))
        masked = np.where(g, logits, -np.inf)
        q = np.exp(masked - masked.max(axis=1, keepdims=True))
        q = q / q.sum(axis=1, keepdims=True)
        value = gold_nll(logits, g, w)
        grad = np.einsum("n,nc,ncf->f", w, p - q, s)
        return value, grad

    start = np.where(usable, 10.0, 0.0)
    bounds = [(0.0, None) if ok else (0.0, 0.0) for ok in usable]
    found = minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds)
    theta = np.clip(found.x, 0.0, None)
    total = float(theta.sum())
    if total <= 0:
        raise ValueError("the fit gave every feature zero weight")
    return ScoreWeights.from_array(theta), round(1.0 / total, 6)


def probabilities(stacked: np.ndarray, weights: ScoreWeights, temperature: float) -> np.ndarray:
    """Softmax probabilities of stacked features under fitted weights."""
    return capped_softmax(logits_of(stacked, weights.as_array(), temperature))
