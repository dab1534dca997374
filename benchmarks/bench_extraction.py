"""Extraction speed per document: pages/s, seconds for a 30-page strategy (target < 5 s), and
page reading in one process against reading in worker processes.

Run: HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_extraction.py [--repeat N] [PDF|DIR ...]
(default: the real strategies in ../shared/strategies, best of 2 runs). Pages are printed pages:
a two-up spread counts as two. "read 1p" and "read Np" time text reading alone, serially and in
N worker processes; "full" is the whole extraction (reading in workers, detection, keywords
with spaCy), and "cpu" its processor time including the workers', which is what a busy shared
machine cannot take away: wall times there vary with the other users' load.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable
from pathlib import Path

from pipelines.ingest.extract import extract
from pipelines.ingest.job import collect_pdfs
from pipelines.ingest.page_reader import default_workers
from pipelines.ingest.pdf_text import read_document

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "strategies"
TARGET_SECONDS_PER_30_PAGES = 5.0


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _best(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best wall time of ``repeat`` runs, and the processor time of that run."""
    best = (float("inf"), 0.0)
    for _ in range(repeat):
        cpu, start = _cpu_seconds(), time.perf_counter()
        run()
        wall = time.perf_counter() - start
        if wall < best[0]:
            best = (wall, _cpu_seconds() - cpu)
    return best


def main() -> None:
    """Time serial and parallel reading and full extraction for each PDF."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=2, help="runs per measure; the best counts")
    args = parser.parse_args()
    paths = collect_pdfs(args.paths or [DEFAULT])
    if not paths:
        raise SystemExit(f"no PDFs found (default folder {DEFAULT})")
    workers = default_workers()
    extract(paths[0])  # warm-up: loads spaCy once, as a long ingest run would
    print(f"workers: {workers}; target {TARGET_SECONDS_PER_30_PAGES:.1f} s per 30 pages")
    print(
        f"{'document':34} {'pages':>5} {'read 1p':>7} {f'read {workers}p':>7} {'speedup':>7} "
        f"{'full s':>6} {'cpu s':>6} {'pages/s':>7} {'30p s':>6} {'x target':>8}"
    )
    for path in paths:
        printed = len(read_document(path, workers=1).pages)
        serial, _ = _best(lambda p=path: read_document(p, workers=1), args.repeat)
        parallel, _ = _best(lambda p=path: read_document(p, workers=workers), args.repeat)
        full, cpu = _best(lambda p=path: extract(p, workers=workers), args.repeat)
        per_30 = full / printed * 30
        print(
            f"{path.name[:34]:34} {printed:>5} {serial:7.2f} {parallel:7.2f} "
            f"{serial / parallel:6.2f}x {full:6.2f} {cpu:6.2f} {printed / full:7.1f} "
            f"{per_30:6.2f} {per_30 / TARGET_SECONDS_PER_30_PAGES:8.2f}"
        )


if __name__ == "__main__":
    main()
