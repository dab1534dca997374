"""The routing gate's confidence model, lower ranks, and calibrations that fit what reads them."""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from models.classifier import Classifier, ClassifierParams
from models.classifier.calibration import SHIPPED_DIR, load_shipped, shipped_calibration
from models.classifier.confidence import SIGNAL_NAMES, GateModel
from models.classifier.provenance import RECORD_KEYS, fitting_record
from models.classifier.starter import add_starter_examples, read_starter_examples
from observatory.errors import ConfigurationError
from observatory.settings import load_settings
from pipelines.classify.calibrate import TARGET_PRECISION, save_calibration
from pipelines.classify.factory import classifier_from_settings, user_calibration_dir
from pipelines.classify.realtext import DEFAULT_SHARED, real_sets, sample, split_of

MINILM = "all-MiniLM-L6-v2"
TEXTS = [
    "Manufacture of dairy products and cheese",
    "Offshore wind farms and their grid connection",
    "Hospitals and digital health services",
    "Research and innovation in advanced materials",
]


def _shipped_folders() -> list[Path]:
    return sorted(p for p in SHIPPED_DIR.iterdir() if (p / "config.json").is_file())


@pytest.mark.parametrize("folder", _shipped_folders(), ids=lambda p: p.name)
def test_every_shipped_calibration_fits_the_code(folder: Path) -> None:
    # fails when parameters, features, taxonomies, starter set or heads changed without a refit
    model_id = json.loads((folder / "config.json").read_text("utf-8"))["model_id"]
    calibration = load_shipped(folder, model_id)
    assert set(RECORD_KEYS) <= set(calibration.metadata)
    assert calibration.metadata["features"]["gate"] == list(SIGNAL_NAMES)


def test_a_stale_shipped_calibration_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "calibration"
    shutil.copytree(SHIPPED_DIR / MINILM, folder)
    config = json.loads((folder / "config.json").read_text("utf-8"))
    config["classifier_params"]["knn_k"] += 1
    config["taxonomy_fingerprints"]["nabs"] = "0" * 64
    (folder / "config.json").write_text(json.dumps(config), "utf-8")
    with pytest.raises(ConfigurationError, match=r"other classifier_params, taxonomy_finger"):
        load_shipped(folder, MINILM)


def test_the_ensemble_has_no_stale_calibration_and_loads_defaults(caplog) -> None:
    # its calibration predated the typed scoring; it was deleted rather than refitted
    with caplog.at_level(logging.WARNING):
        calibration = shipped_calibration("all-MiniLM-L6-v2*0.50+use-multilingual-v3*0.50")
    assert not calibration.taxonomies
    assert "no shipped calibration" in caplog.text


def test_a_user_calibration_fitted_under_other_parameters_is_ignored_with_a_warning(
    embedder, tmp_path: Path, caplog
) -> None:
    settings = load_settings(
        data_dir=tmp_path, embedding_backend="sentence-transformers", starter_examples=False
    )
    other = Classifier(embedder, params=ClassifierParams(knn_k=3))
    assert fitting_record(other)["classifier_params"]["knn_k"] == 3
    nace = replace(other.calibration.for_taxonomy("nace"), temperature=0.5)
    folder = user_calibration_dir(settings, MINILM)
    save_calibration(other, other.calibration.replace({"nace": nace}), folder,
                     {"fitted_on": "reviewed labels"})  # fmt: skip
    with caplog.at_level(logging.WARNING):
        running = classifier_from_settings(settings)
    assert running.calibration.metadata["fitted_on"] != "reviewed labels"
    assert running.calibration.for_taxonomy("nace").temperature != 0.5
    [warning] = [r.getMessage() for r in caplog.records if "calibration" in r.getMessage()]
    assert "classifier_params" in warning and "run `observatory calibrate`" in warning
    # the same calibration saved from the classifier that reads it is used
    save_calibration(running, running.calibration.replace({"nace": nace}), folder,
                     {"fitted_on": "reviewed labels"})  # fmt: skip
    assert classifier_from_settings(settings).calibration.for_taxonomy("nace").temperature == 0.5


def test_the_shipped_gate_is_a_fitted_confidence_model(classifier: Classifier) -> None:
    params = classifier.calibration.for_taxonomy("nace")
    model = params.gate_model
    assert model is not None and model.signals == SIGNAL_NAMES
    dairy, wind = (found["nace"] for found in classifier.classify(TEXTS[:2]))
    assert not wind.conflicts and not wind.abstained
    confidence = float(model.confidence(np.array(wind.signals[0])))
    assert classifier.gate(wind) == (confidence >= model.threshold) == (confidence > 0.8)
    # settings' thresholds override the model
    assert classifier.gate(wind, 0.0, 0.0) and not classifier.gate(wind, 1.01)
    # MiniLM's NABS chapter for dairy (06) does not fit NACE 10: however sure, it waits
    assert dairy.conflicts and dairy.codes[0].code == "10"
    assert not classifier.gate(dairy) and not classifier.gate(dairy, 0.0, 0.0)


def test_a_lower_rank_passes_only_on_its_own_evidence(classifier: Classifier) -> None:
    predictions = [p["nace"] for p in classifier.classify(TEXTS) if not p["nace"].conflicts]
    assert len(predictions) >= 2
    fitted = classifier.calibration.for_taxonomy("nace")
    without = replace(fitted.gate_model, secondary_threshold=None)
    strict = classifier.with_calibration(
        classifier.calibration.replace({"nace": replace(fitted, gate_model=without)})
    )
    assert not any(strict.gate(p, rank=2) for p in predictions)  # no evidence: never
    lenient = replace(fitted.gate_model, threshold=1.1, secondary_threshold=0.0)
    open_ = classifier.with_calibration(
        classifier.calibration.replace({"nace": replace(fitted, gate_model=lenient)})
    )
    assert all(open_.gate(p, rank=2) for p in predictions)
    assert not any(open_.gate(p) for p in predictions)  # rank 1 keeps its own threshold
    assert not any(open_.gate(p, rank=len(p.codes) + 1) for p in predictions)
    # explicit thresholds (the settings') speak of the first code: never of a lower one
    assert classifier.gate(predictions[0], 0.0, 0.0)
    assert not open_.gate(predictions[0], 0.0, 0.0, rank=2)
    with pytest.raises(ValueError, match="rank"):
        classifier.gate(predictions[0], rank=0)


def test_no_code_passes_on_an_abstained_or_conflicting_prediction(classifier: Classifier) -> None:
    short, wind = classifier.classify(["x y", TEXTS[1]])
    lenient = GateModel(SIGNAL_NAMES, (0.0,) * len(SIGNAL_NAMES), 10.0, 0.0, 0.0)
    calibration = classifier.calibration.replace(
        {n: replace(classifier.calibration.for_taxonomy(n), gate_model=lenient) for n in wind}
    )
    accepting = classifier.with_calibration(calibration)
    assert all(accepting.gate(p, rank=2) for p in wind.values())  # the model accepts anything
    assert short["nace"].abstained and not accepting.gate(short["nace"])
    assert not accepting.gate(replace(wind["nace"], abstained=True))
    assert not accepting.gate(replace(wind["nace"], conflicts=["ecosystem x"]), rank=2)


needs_shared = pytest.mark.skipif(
    not (DEFAULT_SHARED / "nace_text").is_dir(), reason=f"{DEFAULT_SHARED} is absent"
)


@pytest.fixture(scope="module")
def unseen_phrases(classifier: Classifier) -> list[tuple[bool, bool]]:
    """(accepted, right) for English activity phrases of the held-out ``check`` classes: no
    head was trained on them, no weight or gate fitted on them (MiniLM reads English only)."""
    own = classifier.fork()
    add_starter_examples(own, read_starter_examples())
    [notes] = [s for s in real_sets(DEFAULT_SHARED) if s.name == "notes-en"]
    texts = sample(split_of(notes.texts, "check"), 300, 13)
    found = own.classify([t.text for t in texts], taxonomies=["nace"], languages=["en"] * 300)
    return [(own.gate(p["nace"]), t.codes["nace"][0] == p["nace"].codes[0].code)
            for t, p in zip(texts, found, strict=True)]  # fmt: skip


@needs_shared
def test_the_fitted_gate_selects_the_likely_right_codes_of_unseen_classes(
    unseen_phrases: list[tuple[bool, bool]],
) -> None:
    accepted = [right for passed, right in unseen_phrases if passed]
    everything = [right for _, right in unseen_phrases]
    assert len(accepted) >= 0.05 * len(everything), "it accepts some of the clearest phrases"
    # the selection is far more precise than the classifier on the whole held-out set
    assert np.mean(accepted) >= np.mean(everything) + 0.25


@needs_shared
@pytest.mark.xfail(
    strict=True,
    reason="issue 14's 0.95 is not reached on unseen-class phrases (MiniLM's gate keeps less "
    "here; models/README.md has every set's figure)",
)
def test_the_fitted_gate_keeps_the_target_precision_on_unseen_classes(
    unseen_phrases: list[tuple[bool, bool]],
) -> None:
    accepted = [right for passed, right in unseen_phrases if passed]
    assert np.mean(accepted) >= TARGET_PRECISION
