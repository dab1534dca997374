"""Where models run and with which batch size: the resolution logic, tested on the CPU.

A GPU is simulated only by the device count given to ``choose_device``; the real embedders
built here run on this machine's CPU, as every test does.
"""

from __future__ import annotations

import pytest

from models.embedders import embedder_from_settings
from models.embedders.base import (
    CPU_BATCH_SIZE,
    GPU_BATCH_SIZE,
    choose_device,
    cuda_device_count,
    resolve_batch_size,
)
from models.embedders.use import USE_BATCH_SIZE
from observatory.errors import ConfigurationError
from observatory.settings import load_settings


@pytest.mark.parametrize(
    ("setting", "gpus", "expected"),
    [
        ("auto", 0, "cpu"),
        ("auto", 1, "cuda"),
        ("cpu", 2, "cpu"),
        ("cuda", 1, "cuda"),
        ("cuda:1", 2, "cuda:1"),
    ],
)
def test_device_setting_resolves_to_a_device_torch_sees(setting, gpus, expected) -> None:
    assert choose_device(setting, cuda_devices=gpus) == expected


@pytest.mark.parametrize(("setting", "gpus"), [("cuda", 0), ("cuda:1", 1)])
def test_a_missing_gpu_is_one_clear_error(setting, gpus) -> None:
    with pytest.raises(ConfigurationError, match=f"OBSERVATORY_DEVICE={setting}.*{gpus} CUDA"):
        choose_device(setting, cuda_devices=gpus)


def test_unknown_devices_are_refused_by_settings_and_resolver() -> None:
    with pytest.raises(ConfigurationError, match="OBSERVATORY_DEVICE"):
        load_settings(device="gpu")
    assert load_settings(device="cuda:0").device == "cuda:0"
    with pytest.raises(ConfigurationError, match="unknown device"):
        choose_device("mps")


def test_batch_size_per_device_unless_set() -> None:
    assert resolve_batch_size("cpu", None) == CPU_BATCH_SIZE
    assert resolve_batch_size("cuda", None) == GPU_BATCH_SIZE
    assert resolve_batch_size("cuda:1", None) == GPU_BATCH_SIZE
    assert resolve_batch_size("cuda", 48) == 48
    assert resolve_batch_size("cpu", None, cpu=64, gpu=512) == 64
    with pytest.raises(ConfigurationError, match="at least 1"):
        resolve_batch_size("cpu", 0)


def test_real_embedders_take_the_resolved_device_and_batch(
    embedder, use_embedder, tmp_path
) -> None:
    """On this machine 'auto' is whatever torch sees; the shipped models follow it."""
    expected = "cuda" if cuda_device_count() else "cpu"
    assert choose_device("auto") == expected
    assert (embedder.device, embedder.batch_size) == ("cpu", CPU_BATCH_SIZE)
    # a CPU engine keeps its own batch size whatever the device setting
    assert (use_embedder.device, use_embedder.batch_size) == ("cpu", USE_BATCH_SIZE)
    settings = load_settings(
        embedding_backend="sentence-transformers", device="cpu", batch_size=7, data_dir=tmp_path
    )
    chosen = embedder_from_settings(settings)
    assert (chosen.device, chosen.batch_size) == ("cpu", 7)
    assert chosen.encode(["wind energy", "dairy"]).shape == (2, chosen.dimension)
