"""The extraction review's provenance on a real strategy from ../shared (skipped when absent):
the PDF is kept by content, each candidate list points at a page of it, that page draws, and
every stored priority links to its page."""

from __future__ import annotations

from pathlib import Path

import pytest

from observatory.documents import file_sha256, page_png
from observatory.extraction import candidate_lists
from observatory.extraction.view import extraction_view
from observatory.settings import load_settings
from observatory.store import open_store
from pipelines.ingest.extract import extract
from pipelines.ingest.job import save_extraction

pytestmark = pytest.mark.shared

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "strategies"
REAL_PDF = "LU_Luxembourg_S3_2014.pdf"  # the shortest of the three real strategies


def test_a_real_strategy_links_every_priority_to_a_drawable_page(tmp_path: Path) -> None:
    pdf = SHARED / REAL_PDF
    if not pdf.is_file():
        pytest.skip(f"real strategy not available at {pdf}")
    # SQLite only: the store's part is covered on both backends by the generated PDF's tests
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'real.db'}", data_dir=tmp_path / "data"
    )
    store = open_store(settings)
    extraction = extract(pdf, with_keywords=False)  # keywords play no part here (and are slow)
    outcome = save_extraction(store, extraction, settings=settings)
    assert outcome.created and outcome.priority_ids
    sha = file_sha256(pdf)
    kept = settings.pdf_dir / f"{sha}.pdf"
    assert kept.stat().st_size == pdf.stat().st_size and file_sha256(kept) == sha
    with store.transaction() as session:
        view = extraction_view(session, outcome.strategy_id)
        lists = candidate_lists(session, outcome.strategy_id)
    assert view.status.value in {"pending", "automatic"} and view.confidence is not None
    chosen = [c for c in lists if c.chosen]
    assert len(chosen) == 1 and all(1 <= (c.page or 0) <= view.page_count for c in lists)
    stored = {p.title.casefold() for p in view.priorities}
    assert {i.title.casefold() for i in chosen[0].items} & stored
    for priority in view.priorities:
        assert priority.source_url == (
            f"/strategies/{outcome.strategy_id}/pdf#page={min(priority.pages)}"
        )
    image = page_png(kept, settings.page_image_dir, sha, chosen[0].page)
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    store.close()
