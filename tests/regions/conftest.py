"""Shared fixtures for the NUTS regions tests: registries are built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from observatory.regions import RegionRegistry

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


@pytest.fixture(scope="session")
def registry() -> RegionRegistry:
    """NUTS 2024 without the UK, the default."""
    return RegionRegistry.load()


@pytest.fixture(scope="session")
def registry_2021() -> RegionRegistry:
    """NUTS 2021."""
    return RegionRegistry.load("2021")


@pytest.fixture(scope="session")
def registry_with_uk() -> RegionRegistry:
    """NUTS 2024 plus the UK's NUTS 2018 regions."""
    return RegionRegistry.load(include_uk=True)


@pytest.fixture(scope="session")
def shared_nuts() -> Path:
    """../shared/nuts, or skip when the reference data is absent."""
    folder = SHARED / "nuts"
    if not (folder / "nuts2024_official.csv").exists():
        pytest.skip(f"reference NUTS files not found in {folder.resolve()}")
    return folder
