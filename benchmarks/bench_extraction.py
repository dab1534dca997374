"""Extraction speed per document: pages/s, and seconds for a 30-page strategy (target < 5 s).

Run: HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_extraction.py [PDF or folder ...]
(default: the real strategies in ../shared/strategies). Prints text-reading and full-extraction
times separately, so the cost of keywords (spaCy) is visible.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from pipelines.ingest.extract import extract
from pipelines.ingest.job import collect_pdfs
from pipelines.ingest.pdf_text import read_document

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "strategies"
TARGET_SECONDS_PER_30_PAGES = 5.0


def main(argv: list[str]) -> None:
    """Time text reading and full extraction for each PDF."""
    paths = collect_pdfs([Path(a) for a in argv] or [DEFAULT])
    if not paths:
        sys.exit(f"no PDFs found (default folder {DEFAULT})")
    extract(paths[0])  # warm-up: loads spaCy once, as a long ingest run would
    print(f"{'document':42} {'pages':>5} {'read s':>7} {'full s':>7} {'pages/s':>8} {'30p s':>6}")
    for path in paths:
        start = time.perf_counter()
        document = read_document(path)
        read = time.perf_counter() - start
        start = time.perf_counter()
        extract(path)
        full = time.perf_counter() - start
        # two-up spreads carry two printed pages per PDF page
        printed = len(document.pages)
        per_30 = full / printed * 30
        print(
            f"{path.name[:42]:42} {printed:>5} {read:7.2f} {full:7.2f} {printed / full:8.1f} "
            f"{per_30:6.2f} ({per_30 / TARGET_SECONDS_PER_30_PAGES:.2f} x target)"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
