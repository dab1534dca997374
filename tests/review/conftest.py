"""Shared store fixtures (until tests/conftest.py lists ``tests.store_fixtures`` as a plugin)."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from tests.store_fixtures import seeded_store, store  # noqa: F401
