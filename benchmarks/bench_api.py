"""API latency benchmark: 100,000 synthetic priorities, served by uvicorn, queried over loopback.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_api.py [--priorities 100000]
        [--regions 300] [--requests 300]

Synthetic priorities recombine the titles and sentences of the built-in sample
(observatory/sample/priorities.csv) with synthetic labels. Their vectors are the normalised mean
of the real MiniLM vectors of their parts (embedding 10^5 texts would take ~6 minutes on two
cores and measure the embedder, not the API). Queries are embedded for real by the server.
Targets (2 cores): /api/priorities?q= p95 < 50 ms, filtered search p95 < 80 ms,
/api/regions/{nuts}/partners over 300 regions p95 < 200 ms.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COUNTRIES = [
    "AT",
    "BE",
    "CZ",
    "DE",
    "DK",
    "EL",
    "ES",
    "FI",
    "FR",
    "HU",
    "IT",
    "NL",
    "PL",
    "PT",
    "SE",
]
STATUSES = ["suggested"] * 6 + ["auto_accepted"] * 2 + ["accepted", "corrected"]


def sample_parts() -> tuple[list[str], list[str]]:
    """Titles and sentences of the built-in sample."""
    with (ROOT / "observatory" / "sample" / "priorities.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    titles = sorted({r["title"] for r in rows})
    sentences = sorted(
        {s.strip() for r in rows for s in re.split(r"(?<=[.!?])\s+", r["description"]) if s.strip()}
    )
    return titles, sentences


def generate(db_url: str, n: int, regions: int, rng: random.Random) -> tuple[np.ndarray, list]:
    """Write strategies, priorities and labels with bulk inserts; return ids and part indexes."""
    import taxonomies
    from observatory.store import SQLStore
    from observatory.store.tables import LabelRow, PriorityRow, StrategyRow

    titles, sentences = sample_parts()
    nace = [c.code for c in taxonomies.load("nace").at_level("division")]
    nabs = [c.code for c in taxonomies.load("nabs")]
    ecosystems = taxonomies.ecosystem_nace_crosswalk(
        taxonomies.load("ecosystem"), taxonomies.load("nace")
    )
    eco_names = sorted(ecosystems)
    store = SQLStore(db_url)
    store.migrate()
    codes = []
    while len(codes) < regions:
        code = f"{rng.choice(COUNTRIES)}{rng.randint(1, 9)}{rng.choice('123456789ABCDEF')}"
        if code not in codes:
            codes.append(code)
    parts: list[tuple[int, int, int]] = []
    with store.engine.begin() as conn:
        conn.execute(
            StrategyRow.__table__.insert(),
            [
                {
                    "id": i + 1,
                    "key": f"bench:{code}",
                    "version": 1,
                    "is_current": True,
                    "title": f"Smart specialisation strategy {code}",
                    "region": f"Region {code}",
                    "nuts_code": code,
                    "country": code[:2],
                    "language": "en",
                    "period": rng.choice(["2014-2020", "2021-2027"]),
                    "source_kind": "import",
                    "warnings": [],
                }
                for i, code in enumerate(codes)
            ],
        )
        priorities, labels = [], []
        for pid in range(1, n + 1):
            t, s1, s2 = (
                rng.randrange(len(titles)),
                rng.randrange(len(sentences)),
                rng.randrange(len(sentences)),
            )
            parts.append((t, s1, s2))
            priorities.append(
                {
                    "id": pid,
                    "strategy_id": rng.randrange(regions) + 1,
                    "rank": pid % 12 + 1,
                    "title": titles[t],
                    "description": f"{sentences[s1]} {sentences[s2]}",
                    "pages": [],
                    "keywords": [],
                    "confidence": round(rng.random(), 3),
                    "language": "en",
                }
            )
            eco = eco_names[t % len(eco_names)]  # the title decides the chain: coherent labels
            chain = ecosystems[eco]
            status = rng.choice(STATUSES)
            for taxonomy, code in (
                ("ecosystem", eco),
                ("nace", chain[(s1 + t) % len(chain)] if rng.random() < 0.8 else rng.choice(nace)),
                ("nabs", nabs[(t * 7) % len(nabs)]),
            ):
                labels.append(
                    {
                        "priority_id": pid,
                        "taxonomy": taxonomy,
                        "code": code,
                        "status": status,
                        "probability": round(0.5 + rng.random() / 2, 3),
                        "rank": 1,
                        "source_kind": "model",
                        "model_version": "bench-1",
                        "rationale": [],
                        "is_current": True,
                    }
                )
        conn.execute(PriorityRow.__table__.insert(), priorities)
        conn.execute(LabelRow.__table__.insert(), labels)
    store.close()
    return np.arange(1, n + 1, dtype=np.int64), [parts, titles, sentences, codes]


def build_vectors(data_dir: Path, ids: np.ndarray, parts: list, titles: list, sentences: list):
    """Priority vectors from the real MiniLM vectors of their parts, saved where the API looks."""
    from models.embedders import create_embedder
    from pipelines.index import PriorityVectors

    embedder = create_embedder("sentence-transformers", device="cpu")
    title_vectors = embedder.encode(titles)
    sentence_vectors = embedder.encode(sentences)
    index = np.array(parts)
    vectors = (
        title_vectors[index[:, 0]] + sentence_vectors[index[:, 1]] + sentence_vectors[index[:, 2]]
    )
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    store = PriorityVectors(embedder, data_dir / "index" / "priorities")
    store.add(ids, vectors.astype(np.float32))


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure(client, paths: list[str]) -> dict[str, float]:
    """Sequential requests: latency percentiles (ms) and throughput (requests/s)."""
    latencies = []
    started = time.perf_counter()
    for path in paths:
        t0 = time.perf_counter()
        response = client.get(path)
        latencies.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} -> {response.status_code}: {response.text[:300]}")
    elapsed = time.perf_counter() - started
    values = np.array(latencies)
    return {
        "p50": float(np.percentile(values, 50)),
        "p95": float(np.percentile(values, 95)),
        "p99": float(np.percentile(values, 99)),
        "rps": len(paths) / elapsed,
    }


def main() -> None:
    """Generate, index, serve, load, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--priorities", type=int, default=100_000)
    parser.add_argument("--regions", type=int, default=300)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import httpx

    rng = random.Random(7)
    folder = Path(tempfile.mkdtemp(prefix="s3o-bench-"))
    db_url = f"sqlite:///{folder / 'bench.db'}"
    t0 = time.perf_counter()
    ids, (parts, titles, sentences, codes) = generate(db_url, args.priorities, args.regions, rng)
    print(f"generated {args.priorities} priorities in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    build_vectors(folder / "data", ids, parts, titles, sentences)
    print(f"built the vector index in {time.perf_counter() - t0:.1f} s")

    port = free_port()
    env = {
        **os.environ,
        "OBSERVATORY_DATABASE_URL": db_url,
        "OBSERVATORY_DATA_DIR": str(folder / "data"),
        "OBSERVATORY_DEVICE": "cpu",
        "OBSERVATORY_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
            for _ in range(600):
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            t0 = time.perf_counter()
            client.get("/api/priorities", params={"q": "warm up"})
            client.get(f"/api/regions/{codes[0]}/partners")
            warm = time.perf_counter() - t0
            print(f"first search + partners (catalog, BM25, profiles) {warm:.1f} s")
            words = sorted({w.lower() for t in titles for w in re.findall(r"[A-Za-z]{5,}", t)})
            # distinct queries per scenario: the server caches query embeddings
            queries = [" ".join(rng.sample(words, 2)) for _ in range(args.requests)]
            other = [" ".join(rng.sample(words, 2)) for _ in range(args.requests)]
            plain = [f"/api/priorities?q={q}" for q in queries]
            sections = ["C", "D", "J", "M", "A", "I"]
            filtered = [
                f"/api/priorities?q={q}&country={rng.choice(COUNTRIES)}&nace={rng.choice(sections)}"
                for q in other
            ]
            partners = [f"/api/regions/{rng.choice(codes)}/partners" for _ in range(args.requests)]
            results = {
                "search /api/priorities?q=": (measure(client, plain), 50),
                "filtered search (q + country + NACE section)": (measure(client, filtered), 80),
                f"partners, {args.regions} regions": (measure(client, partners), 200),
            }
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"\n{args.priorities} priorities, {args.regions} regions, {args.requests} requests each,"
        f" sequential, {os.cpu_count()} cores"
    )
    print(f"{'scenario':48} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>7} {'target':>8}")
    for name, (figures, target) in results.items():
        verdict = "ok" if figures["p95"] < target else "MISSED"
        print(
            f"{name:48} {figures['p50']:8.1f} {figures['p95']:8.1f} {figures['p99']:8.1f} "
            f"{figures['rps']:7.1f} {'<' + str(target):>6} {verdict} "
            f"(p95/target {figures['p95'] / target:.2f})"
        )


if __name__ == "__main__":
    main()
