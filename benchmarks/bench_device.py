"""Benchmark: embedding (and optionally classification) throughput on the device at hand.

Run: ``.venv/bin/python benchmarks/bench_device.py [--backends sentence-transformers,use]
[--n 512] [--batch-sizes 16,64,256] [--device auto] [--classify]``.

The device and batch size are resolved exactly as the observatory resolves them
(``OBSERVATORY_DEVICE``, ``OBSERVATORY_BATCH_SIZE``: CUDA when torch sees a GPU, a batch size per
device and model); ``--batch-sizes`` tries others. Texts are a seeded sample of the team's gold
priorities (``benchmarks/gold``), joined in pairs so that none repeats; no embedding cache is
used. Prints, per backend and batch size: device, texts/s, model load seconds and, on CUDA, the
peak GPU memory. ``--classify`` also times ``Classifier.classify`` (all three taxonomies) over
the same texts with the configured embedder, set-up excluded.
"""

from __future__ import annotations

import sys
from pathlib import Path

# run against the code next to this script, whatever the venv's editable install points at
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import csv
import random
import time
from dataclasses import dataclass

GOLD_DIR = Path(__file__).resolve().parent / "gold"
GOLD_FILES = ("gold_dev.csv", "gold_test.csv")
WARM_UP_TEXTS = 8  # one small call first: the first batch pays for lazy initialisation
DEFAULT_N = 512  # ~5 s per backend with MiniLM on the team's 2-core CPU


@dataclass(frozen=True)
class Measurement:
    """Throughput of one backend at one batch size."""

    backend: str
    device: str
    batch_size: int
    texts: int
    seconds: float
    load_seconds: float
    peak_gpu_mib: float | None

    @property
    def per_second(self) -> float:
        """Texts encoded per second."""
        return self.texts / self.seconds if self.seconds else float("inf")


def sample_texts(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct priority-like texts: two gold texts joined, in a seeded order."""
    texts: list[str] = []
    for name in GOLD_FILES:
        path = GOLD_DIR / name
        if path.is_file():
            with path.open(newline="", encoding="utf-8") as handle:
                texts.extend(row["text"] for row in csv.DictReader(handle) if row.get("text"))
    if len(texts) < 2:
        raise SystemExit(f"no gold texts in {GOLD_DIR}")
    rng = random.Random(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        first, second = rng.sample(texts, 2)
        out[f"{first} {second}"] = None
    return list(out)


def cuda_peak_mib(device: str) -> float | None:
    """Peak GPU memory since the last reset (None off CUDA)."""
    if not device.startswith("cuda"):
        return None
    import torch

    torch.cuda.synchronize(device)
    return torch.cuda.max_memory_allocated(device) / 2**20


def reset_cuda_peak(device: str) -> None:
    """Start a new peak-memory measurement on CUDA."""
    if device.startswith("cuda"):
        import torch

        torch.cuda.reset_peak_memory_stats(device)


def measure(backend: str, device: str, batch_sizes: list[int | None], texts: list[str]):
    """Load ``backend`` once on ``device`` and time encoding ``texts`` at each batch size."""
    from models.embedders import create_embedder

    started = time.perf_counter()
    embedder = create_embedder(backend, None, device, None)
    load_seconds = time.perf_counter() - started
    embedder.encode(texts[:WARM_UP_TEXTS], kind="symmetric")
    for batch_size in batch_sizes:
        chosen = batch_size or embedder.batch_size
        reset_cuda_peak(embedder.device)
        started = time.perf_counter()
        embedder.encode(texts, kind="symmetric", batch_size=chosen)
        peak = cuda_peak_mib(embedder.device)  # synchronises before the clock stops
        yield Measurement(
            backend, embedder.device, chosen, len(texts), time.perf_counter() - started,
            load_seconds, peak,
        )  # fmt: skip


def classify_throughput(texts: list[str]) -> tuple[str, float]:
    """The configured classifier's texts/s over ``texts`` (all taxonomies), set-up excluded."""
    from observatory.settings import load_settings
    from pipelines.classify.factory import classifier_from_settings

    classifier = classifier_from_settings(load_settings())
    classifier.classify(texts[:WARM_UP_TEXTS])  # builds prototypes lazily: not timed
    started = time.perf_counter()
    classifier.classify(texts)
    return classifier.embedder.device, len(texts) / (time.perf_counter() - started)


def main() -> None:
    """Parse arguments, measure, print one line per backend and batch size."""
    from models.embedders.base import choose_device, cuda_device_count
    from observatory.settings import load_settings

    settings = load_settings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sentence-transformers,use")
    parser.add_argument("--n", type=int, default=DEFAULT_N)
    parser.add_argument("--batch-sizes", default="", help="comma-separated; empty: per device")
    parser.add_argument("--device", default=settings.device)
    parser.add_argument("--classify", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    device = choose_device(args.device)
    sizes = [int(s) for s in args.batch_sizes.split(",") if s.strip()] or [settings.batch_size]
    texts = sample_texts(args.n, args.seed)
    print(f"device setting {args.device!r} -> {device}; CUDA devices seen: {cuda_device_count()}")
    print(f"{len(texts)} texts (seed {args.seed}); batch sizes {sizes} (None: per device)")
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        for m in measure(backend, device, sizes, texts):
            gpu = f", peak GPU {m.peak_gpu_mib:.0f} MiB" if m.peak_gpu_mib is not None else ""
            print(
                f"{m.backend:<22} on {m.device:<7} batch {m.batch_size:>4}: "
                f"{m.per_second:8.1f} texts/s ({m.seconds:.2f} s; load {m.load_seconds:.1f} s{gpu})"
            )
    if args.classify:
        on, rate = classify_throughput(texts)
        print(f"classify ({settings.embedding_backend}) on {on}: {rate:.1f} texts/s")


if __name__ == "__main__":
    main()
