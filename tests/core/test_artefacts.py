"""One artefact module: every saved index, embedding cache and calibration writes the same
config.json (one time key, the package version) and refuses a mismatched load by field name."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

from models.classifier.calibration import Calibration
from models.embedders.cache import EmbeddingCache
from models.index import create_index, load_index
from observatory import artefacts
from observatory.errors import ConfigurationError, NotFound


def test_write_read_round_trip_adds_time_and_version(tmp_path: Path) -> None:
    written = artefacts.write_config(tmp_path / "a", {"model_id": "m", "dimension": 3})
    read = artefacts.read_config(tmp_path / "a", kind="thing")
    assert read == written
    assert read["model_id"] == "m" and read["dimension"] == 3
    assert read[artefacts.TIME_KEY].endswith("Z")
    assert read["package_version"] == metadata.version(artefacts.PACKAGE_NAME)
    assert [p.name for p in (tmp_path / "a").iterdir()] == [artefacts.CONFIG_FILE]  # no temp


def test_missing_and_unreadable_configs_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no saved thing"):
        artefacts.read_config(tmp_path, kind="thing")
    (tmp_path / artefacts.CONFIG_FILE).write_text("{not json", "utf-8")
    with pytest.raises(ConfigurationError, match="cannot read the thing config"):
        artefacts.read_config(tmp_path, kind="thing")


def test_check_compatible_names_the_mismatched_field(tmp_path: Path) -> None:
    config = {"model_id": "m", "dimension": 3}
    artefacts.check_compatible(
        config, {"model_id": "m", "dimension": None}, folder=tmp_path, kind="x", remedy="r"
    )
    with pytest.raises(ConfigurationError, match=r"dimension 3, but 4 is configured; rebuild"):
        artefacts.check_compatible(
            config, {"model_id": "m", "dimension": 4}, folder=tmp_path, kind="x", remedy="rebuild"
        )


def test_slug_and_fingerprint() -> None:
    assert artefacts.slug("all-MiniLM-L6-v2*0.50+use/v3") == "all-MiniLM-L6-v2_0.50_use_v3"
    assert artefacts.slug("***") == "model"
    assert artefacts.fingerprint({"b": [1, 2], "a": "x"}) == artefacts.fingerprint(
        {"a": "x", "b": (1, 2)}
    )
    assert artefacts.fingerprint({"a": 1}) != artefacts.fingerprint({"a": 2})


def test_index_cache_and_calibration_share_one_config_shape(tmp_path: Path) -> None:
    index = create_index(4, backend="numpy", model_id="m")
    index.add([1, 2], np.eye(4, dtype=np.float32)[:2])
    index.save(tmp_path / "index")
    EmbeddingCache(tmp_path / "cache", "m", 4).close()
    Calibration("m").save(tmp_path / "calibration", dimension=4, taxonomy_versions={"nace": "2"})
    for folder in [tmp_path / "index", tmp_path / "cache" / "m", tmp_path / "calibration"]:
        config = json.loads((folder / artefacts.CONFIG_FILE).read_text("utf-8"))
        assert {"model_id", "dimension", artefacts.TIME_KEY, "package_version"} <= set(config)
        assert "created" not in config
    with pytest.raises(ConfigurationError, match="model_id 'm', but 'other' is configured"):
        load_index(tmp_path / "index", model_id="other")
    with pytest.raises(ConfigurationError, match=r"embedding cache .* dimension 4, but 8"):
        EmbeddingCache(tmp_path / "cache", "m", 8)
    with pytest.raises(ConfigurationError, match=r"calibration .* model_id 'm', but 'other'"):
        Calibration.load(tmp_path / "calibration", model_id="other")


def test_a_resaved_calibration_gets_a_fresh_time_and_its_own_identity(tmp_path: Path) -> None:
    Calibration("m").save(tmp_path / "a", dimension=4, taxonomy_versions={"nace": "2"})
    read = Calibration.load(tmp_path / "a")  # immutable: stale metadata comes via replace()
    stale = {**read.metadata, artefacts.TIME_KEY: "2000-01-01T00:00:00Z", "dimension": 99}
    loaded = read.replace(metadata=stale)
    loaded.save(tmp_path / "b", dimension=4, taxonomy_versions={"nace": "2"})
    config = json.loads((tmp_path / "b" / artefacts.CONFIG_FILE).read_text("utf-8"))
    assert config["dimension"] == 4 and config[artefacts.TIME_KEY] != "2000-01-01T00:00:00Z"
