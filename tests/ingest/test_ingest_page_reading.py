"""Page reading: the lean character collector and reading in worker processes."""

from __future__ import annotations

from pathlib import Path

import pdfplumber

from pipelines.ingest.extract import extract
from pipelines.ingest.page_reader import (
    PARALLEL_MIN_PAGES,
    page_chars,
    page_chunks,
    read_page_range,
    read_parallel,
)

FIELDS = ("text", "fontname", "size", "upright", "x0", "x1", "top", "bottom")


def _same_chars_as_pdfplumber(path: Path, numbers: list[int]) -> None:
    with pdfplumber.open(path) as pdf:
        for number in numbers:
            page = pdf.pages[number - 1]
            ours = page_chars(pdf, page)
            theirs = [{k: c[k] for k in FIELDS} for c in page.chars]
            assert ours == theirs, f"{path.name} page {number}"


def test_chars_match_pdfplumber_on_a_generated_pdf(tmp_path: Path, pdfs) -> None:
    path = pdfs.write_pdf(tmp_path / "s.pdf", pdfs.strategy_pages(3))
    _same_chars_as_pdfplumber(path, [1, 2, 3])


def test_chars_match_pdfplumber_on_real_pages(shared_strategies: Path) -> None:
    # pages with charts drawn as form XObjects, and a two-up spread
    _same_chars_as_pdfplumber(shared_strategies / "NL_Northern_Netherlands_RIS3.pdf", [1, 4, 24])
    _same_chars_as_pdfplumber(shared_strategies / "FI_South_Ostrobothnia_S3.pdf", [2, 8])


def test_page_chunks_cover_every_page_once_in_order() -> None:
    for page_count in (1, 2, 9, 24, 31, 300):
        for workers in (1, 2, 4):
            chunks = page_chunks(page_count, workers)
            pages = [n for first, last in chunks for n in range(first, last + 1)]
            assert pages == list(range(1, page_count + 1)), (page_count, workers)
            assert len(chunks) <= workers * 2


def test_parallel_and_serial_extraction_give_the_same_json(shared_strategies: Path) -> None:
    path = shared_strategies / "NL_Northern_Netherlands_RIS3.pdf"
    serial = extract(path, with_keywords=False, workers=1).to_json()
    parallel = extract(path, with_keywords=False, workers=2).to_json()
    assert serial["source"]["pages"] > PARALLEL_MIN_PAGES  # so that the workers did run
    assert parallel == serial


def test_worker_processes_return_the_pages_in_order(shared_strategies: Path) -> None:
    path = str(shared_strategies / "FI_South_Ostrobothnia_S3.pdf")
    with pdfplumber.open(path) as pdf:
        count = len(pdf.pages)
    # read_parallel raises on any pool failure, so this checks the workers themselves
    assert read_parallel(path, count, 2) == read_page_range(path, 1, count)
