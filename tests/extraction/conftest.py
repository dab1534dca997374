"""Fixtures of the extraction review tests: a real strategy PDF written at test time."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location("xreview_pdfs", Path(__file__).with_name("pdfs.py"))
pdfs = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(pdfs)  # pytest's importlib mode forbids sibling imports


@pytest.fixture
def strategy_pdf(tmp_path: Path) -> Path:
    """The four-page Testland strategy (priority list on page 2, decoy objectives on page 3)."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    return pdfs.write_strategy_pdf(folder / "testland_s3.pdf")


@pytest.fixture
def strategy_titles() -> tuple[str, ...]:
    """The priorities the PDF selects."""
    return pdfs.PRIORITIES
