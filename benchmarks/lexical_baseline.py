"""What embeddings add: the lexical TF-IDF baseline against each embedder on a gold set.

Run: ``.venv/bin/python benchmarks/lexical_baseline.py [benchmarks/gold/gold_dev.csv]
[--embedders lexical,sentence-transformers,use,ensemble]``. Prints top-1/top-3 per taxonomy and
the English vs other-language top-1 for each embedder (same prototypes, same evaluation).
"""

from __future__ import annotations

import sys
from pathlib import Path

# run against the code next to this script, whatever the venv's editable install points at
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import os
from pathlib import Path

DEFAULT_GOLD = Path(__file__).resolve().parent / "gold" / "gold_dev.csv"


def main() -> None:
    """Evaluate each embedder and print one table."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from models.classifier import Classifier
    from models.embedders import create_embedder
    from observatory.settings import load_settings
    from pipelines.classify.evaluation import evaluate_classification

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path, nargs="?", default=DEFAULT_GOLD)
    parser.add_argument("--embedders", default="lexical,sentence-transformers,use,ensemble")
    args = parser.parse_args()
    settings = load_settings()
    print(f"{args.gold.name}: top-1 / top-3 (top-1 English | other languages)")
    for backend in args.embedders.split(","):
        embedder = create_embedder(backend, cache_dir=settings.cache_dir)
        report = evaluate_classification(args.gold, Classifier(embedder))
        cells = []
        for name in ("nace", "nabs", "ecosystem"):
            if name not in report:
                continue
            figures = report[name]
            by_language = figures["by_language"]
            english = by_language.get("en", {}).get("top1")
            others = [v for k, v in by_language.items() if k != "en"]
            count = sum(v["n"] for v in others)
            other = sum(v["top1"] * v["n"] for v in others) / count if count else None
            cells.append(
                f"{name} {figures['top1']:.3f}/{figures['top3']:.3f} "
                f"({english if english is not None else '-'} | "
                f"{f'{other:.3f}' if other is not None else '-'})"
            )
        print(f"{backend:>22}: " + "  ".join(cells))


if __name__ == "__main__":
    main()
