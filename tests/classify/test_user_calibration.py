"""``observatory calibrate``: refit the calibration from reviewed labels in a real store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from observatory.domain import LabelCreate, PriorityCreate, StrategyCreate
from observatory.errors import InvalidInput
from observatory.settings import load_settings
from observatory.store.labels import add_labels
from observatory.store.strategies import save_strategy
from pipelines.classify.factory import classifier_from_settings, user_calibration_dir
from pipelines.classify.job import model_version
from pipelines.classify.user_calibration import calibrate_from_reviews

REVIEWED = [  # title, nace, nabs, ecosystem
    ("Dairy and cheese production", "10.51", "08", "agri-food"),
    ("Offshore wind farms and grid connection", "35", "05", "renewable-energy"),
    ("Hospitals and digital health services", "86", "07", "health"),
    ("Software, artificial intelligence and data platforms", "62", "06", "digital"),
    ("Sustainable tourism and hospitality", "55", "10", "tourism"),
    ("Textiles and technical fabrics", "13", "06", "textile"),
    ("Steel and metal processing", "24", "06", "energy-intensive"),
    ("Automotive components and electric vehicles", "29", "04", "mobility-transport-automotive"),
]


@pytest.fixture
def reviewed_store(store):
    with store.transaction(write=True) as session:
        saved = save_strategy(
            session,
            StrategyCreate(title="Calibria S3", nuts_code="NL1", country="NL", language="en",
                           source_kind="import", key="calibria"),
            [PriorityCreate(title=title) for title, *_ in REVIEWED],
        )  # fmt: skip
        for pid, (_, *codes) in zip(saved.priority_ids, REVIEWED, strict=True):
            add_labels(session, pid, [
                LabelCreate(taxonomy=name, code=code, status="accepted",
                            source_kind="reviewer", reviewer="ana")
                for name, code in zip(("nace", "nabs", "ecosystem"), codes, strict=True)
            ])  # fmt: skip
    return store


def _settings(tmp_path: Path):
    return load_settings(
        data_dir=tmp_path, embedding_backend="sentence-transformers", cache_dir=tmp_path / "c"
    )


def test_reviews_refit_the_calibration_that_the_classifier_then_uses(reviewed_store, tmp_path):
    settings = _settings(tmp_path)
    shipped = classifier_from_settings(settings)
    report = calibrate_from_reviews(reviewed_store, settings, min_priorities=5)
    assert report["priorities"] == len(REVIEWED)
    assert report["rows_per_taxonomy"] == {"nace": 8, "nabs": 8, "ecosystem": 8}
    folder = user_calibration_dir(settings, "all-MiniLM-L6-v2")
    assert Path(report["calibration"]) == folder
    config = json.loads((folder / "config.json").read_text("utf-8"))
    assert config["model_id"] == "all-MiniLM-L6-v2" and config["fitted_on"] == "reviewed labels"
    assert config["rows"] == 8 and {"built", "dimension", "package_version"} <= set(config)
    assert config["classifier_params"]["knn_k"] == shipped.params.knn_k
    assert len(config["starter_fingerprint"]) == 64
    assert set(config["taxonomy_fingerprints"]) == {"nace", "nabs", "ecosystem"}
    assert set(config["head_fingerprints"]) == set(shipped.heads)
    fitted = json.loads((folder / "calibration.json").read_text("utf-8"))
    assert fitted["nace"]["temperature"] == report["fitted"]["nace"]["temperature"] > 0
    # the next classifier reads it, and its labels carry a new model version
    refitted = classifier_from_settings(settings)
    assert refitted.calibration.metadata["fitted_on"] == "reviewed labels"
    assert model_version(refitted) != model_version(shipped)


def test_too_few_reviews_are_refused_and_nothing_is_written(reviewed_store, tmp_path):
    settings = _settings(tmp_path)
    with pytest.raises(InvalidInput, match="at least 30 priorities; found 8"):
        calibrate_from_reviews(reviewed_store, settings)
    dry = calibrate_from_reviews(reviewed_store, settings, min_priorities=5, dry_run=True)
    assert dry["calibration"] is None and dry["fitted"]["ecosystem"]["temperature"] > 0
    assert not user_calibration_dir(settings, "all-MiniLM-L6-v2").exists()


def test_cli_reports_refusal_in_one_line(tmp_path):
    executable = Path(sys.executable).with_name("observatory")
    environment = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "OBSERVATORY_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
        "OBSERVATORY_DATA_DIR": str(tmp_path),
    }
    completed = subprocess.run(
        [str(executable), "calibrate"], capture_output=True, text=True, timeout=120,
        env=environment,
    )  # fmt: skip
    assert completed.returncode == 1
    lines = completed.stderr.strip().splitlines()
    assert lines == [
        "error: calibration needs reviewed labels on at least 30 priorities; found 0. "
        "Review more (observatory review) or lower --min-priorities"
    ]


def test_reviews_fit_a_gate_per_taxonomy_within_the_rules(reviewed_store, tmp_path):
    settings = _settings(tmp_path)
    report = calibrate_from_reviews(reviewed_store, settings, min_priorities=5)
    fitted = json.loads(
        (user_calibration_dir(settings, "all-MiniLM-L6-v2") / "calibration.json").read_text()
    )
    assert report["gate"], "eight clear texts must support some gate"
    for name, chosen in report["gate"].items():
        assert chosen["precision"] >= 0.95 and 0.0 < chosen["coverage"] <= 1.0
        assert fitted[name]["gate_probability"] == chosen["min_probability"]
        assert fitted[name]["gate_margin"] == chosen["min_margin"]
    # the refitted classifier gates each taxonomy with its own pair
    refitted = classifier_from_settings(settings)
    for name, chosen in report["gate"].items():
        params = refitted.calibration.for_taxonomy(name)
        assert (params.gate_probability, params.gate_margin) == (
            chosen["min_probability"],
            chosen["min_margin"],
        )
