"""Benchmark: batched search over 100,000 random unit 384-d vectors on 2 threads.

Run: ``.venv/bin/python benchmarks/bench_index.py [--n 100000] [--queries 5000]``.
Target: >= 1,000 queries/s with exact flat inner product and batched queries.
"""

from __future__ import annotations

import sys
from pathlib import Path

# run against the code next to this script, whatever the venv's editable install points at
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import time

import numpy as np

from models.embedders import l2_normalise
from models.index import create_index
from models.index.faiss_index import set_threads


def timed_search(index, queries: np.ndarray, batch: int, k: int) -> float:
    """Queries per second for batched searches."""
    started = time.perf_counter()
    for start in range(0, len(queries), batch):
        index.search(queries[start : start + batch], k)
    return len(queries) / (time.perf_counter() - started)


def main() -> None:
    """Build the indexes and print queries/s."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--queries", type=int, default=5_000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    vectors = l2_normalise(rng.normal(size=(args.n, args.dim)).astype(np.float32))
    queries = l2_normalise(rng.normal(size=(args.queries, args.dim)).astype(np.float32))
    set_threads(args.threads)
    print(f"{args.n:,} vectors x {args.dim}-d, {args.queries:,} queries, k={args.k}, "
          f"{args.threads} threads")  # fmt: skip
    for backend, kind in (("faiss", "flat"), ("numpy", "flat"), ("faiss", "hnsw")):
        index = create_index(args.dim, backend=backend, kind=kind)
        started = time.perf_counter()
        index.add(np.arange(args.n), vectors)
        build = time.perf_counter() - started
        index.search(queries[:256], args.k)  # warm-up: first touches of the data are slow
        for batch in (256, 1024):
            qps = timed_search(index, queries, batch, args.k)
            print(f"{backend:>5}/{kind:<5} build {build:6.2f}s  batch {batch:>4}: {qps:9,.0f} q/s")
        allowed = set(range(0, args.n, 10))
        started = time.perf_counter()
        index.search(queries[:256], args.k, allowed_ids=allowed)
        filtered = 256 / (time.perf_counter() - started)
        print(f"{backend:>5}/{kind:<5} filtered (10% of ids allowed): {filtered:9,.0f} q/s")
    index = create_index(args.dim, backend="faiss", omp_threads=1)
    index.add(np.arange(args.n), vectors)
    single = timed_search(index, queries[:200], 1, args.k)
    print(f"faiss/flat single-query serving (1 OpenMP thread): {single:,.0f} q/s")


if __name__ == "__main__":
    main()
