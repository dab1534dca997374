"""Calibrated multi-label classifier into NACE divisions, NABS chapters and ecosystems."""

from __future__ import annotations

from models.classifier.calibration import Calibration, TaxonomyCalibration, shipped_calibration
from models.classifier.classifier import TAXONOMY_ORDER, Classifier, ClassifierParams
from models.classifier.gate import GateThresholds, gate, gate_thresholds
from models.classifier.languages import detect_languages
from models.classifier.results import Evidence, Prediction, ScoredCode
from models.classifier.taxonomy_model import TARGET_LEVELS

__all__ = [
    "TARGET_LEVELS",
    "TAXONOMY_ORDER",
    "Calibration",
    "Classifier",
    "ClassifierParams",
    "Evidence",
    "GateThresholds",
    "Prediction",
    "ScoredCode",
    "TaxonomyCalibration",
    "detect_languages",
    "gate",
    "gate_thresholds",
    "shipped_calibration",
]
