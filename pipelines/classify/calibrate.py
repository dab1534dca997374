"""Fit the classifier's calibration on labelled texts and choose gate thresholds.

Two sources of labels:

- reviewed labels in the store: ``observatory calibrate`` (``calibrate_from_reviews``) writes
  the user calibration into ``<data_dir>/calibration/<model>/``, which the classifier then
  prefers over the shipped one;
- a GOLD.csv: ``python -m pipelines.classify.calibrate benchmarks/gold/gold_calib.csv
  [--embedder ensemble] [--no-starter-examples] [--out DIR]`` writes the shipped default when
  ``--out`` is omitted. Fit it on the calibration split: the dev split is the starter examples
  (a dev text would find itself as a perfect neighbour) and the test split stays held out.

Either way it fits one softmax temperature per taxonomy (NACE first: the others read its
probabilities), sets the abstain thresholds and reports the gate thresholds reaching the
target precision.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from models.classifier import TAXONOMY_ORDER, Classifier, Prediction, gate
from models.classifier.calibration import (
    SHIPPED_DIR,
    calibration_slug,
    fit_temperature,
    log_softmax,
)
from models.classifier.starter import (
    STARTER_EXAMPLES,
    StarterExample,
    add_starter_examples,
    read_starter_examples,
)
from observatory import artefacts
from observatory.errors import InvalidInput
from pipelines.classify.evaluation import GoldRow, read_gold

log = logging.getLogger(__name__)

# abstain when the best prototype similarity is below this share of the lowest one seen on
# real priorities (gibberish and off-topic text sit far below)
SIMILARITY_FLOOR_SHARE = 0.8
# abstain below the top-1 probability that only this share of real priorities falls under
ABSTAIN_QUANTILE = 3.0
TARGET_PRECISION = 0.95
# the least share of labels a fitted gate accepts on the texts it is fitted on
COVERAGE_FLOOR = 0.55


def _gold_matrix(rows: Sequence[GoldRow], name: str, codes: list[str]) -> np.ndarray:
    column = {code: i for i, code in enumerate(codes)}
    gold = np.zeros((len(rows), len(codes)), dtype=bool)
    for r, row in enumerate(rows):
        for code in row.codes.get(name, []):
            gold[r, column[code]] = True
    return gold


def fit_calibration(classifier: Classifier, rows: Sequence[GoldRow]) -> dict[str, Any]:
    """Fit temperatures and similarity floors in place; returns the fitted figures."""
    texts = [row.text for row in rows]
    queries, languages = classifier.encode_queries(texts, [row.language for row in rows])
    all_scored = classifier.score(queries, languages, texts)
    fitted: dict[str, Any] = {}
    for name in [n for n in TAXONOMY_ORDER if n in classifier.models]:
        model = classifier.models[name]
        scored = all_scored[name]
        gold = _gold_matrix(rows, name, model.codes)
        labelled = gold.any(axis=1)
        if not labelled.any():
            continue
        params = classifier.calibration.for_taxonomy(name)
        params.temperature = fit_temperature(scored["score"], gold)
        params.min_similarity = round(
            float(scored["best_similarity"][labelled].min()) * SIMILARITY_FLOOR_SHARE, 4
        )
        top_probability = np.exp(log_softmax(scored["score"][labelled], params.temperature)).max(
            axis=1
        )
        params.abstain_probability = round(
            float(np.percentile(top_probability, ABSTAIN_QUANTILE)), 4
        )
        fitted[name] = {
            "temperature": params.temperature,
            "min_similarity": params.min_similarity,
            "abstain_probability": params.abstain_probability,
        }
    return fitted


class GateCandidate(NamedTuple):
    """One (probability, margin) pair and what it does on the fitting rows."""

    coverage: float
    precision: float
    probability: float
    margin: float


def _try_gate(
    pairs: Sequence[tuple[Prediction, bool]], probability: float, margin: float
) -> GateCandidate:
    """Coverage and precision of one gate over (prediction, top code is right) pairs."""
    accepted = [ok for prediction, ok in pairs if gate(prediction, probability, margin)]
    precision = sum(accepted) / len(accepted) if accepted else 0.0
    return GateCandidate(len(accepted) / len(pairs), precision, probability, margin)


def choose_gate(
    classifier: Classifier,
    rows: Sequence[GoldRow],
    target: float = TARGET_PRECISION,
    coverage_floor: float = COVERAGE_FLOOR,
) -> dict[str, Any]:
    """Fit each taxonomy's gate in the classifier's calibration (in place); returns the figures.

    Among the (probability, margin) pairs accepting at least ``coverage_floor`` of the rows,
    take the most precise one (ties: more coverage). Precision first, because a gate chosen
    for the most coverage at exactly the target lets through the uncertain tail, and on new
    text that tail is where precision drops. When no pair reaches ``target`` above the floor,
    the taxonomy gets the pair with the most coverage at ``target``, or none at all.
    """
    predictions = classifier.classify([r.text for r in rows], languages=[r.language for r in rows])
    grid = [
        (round(float(p), 2), round(float(m), 2))
        for p, m in itertools.product(np.arange(0.5, 0.99, 0.02), np.arange(0.0, 0.9, 0.05))
    ]
    chosen: dict[str, Any] = {}
    for name in classifier.models:
        pairs = [
            (p[name], p[name].codes[0].code in row.codes[name])
            for row, p in zip(rows, predictions, strict=True)
            if row.codes.get(name) and p[name].codes
        ]
        if not pairs:
            continue
        reaching = [c for c in (_try_gate(pairs, p, m) for p, m in grid) if c.precision >= target]
        above_floor = [c for c in reaching if c.coverage >= coverage_floor]
        if above_floor:
            best = max(above_floor, key=lambda c: (c.precision, c.coverage))
        elif reaching:
            best = max(reaching, key=lambda c: (c.coverage, c.precision))
        else:
            continue
        params = classifier.calibration.for_taxonomy(name)
        params.gate_probability, params.gate_margin = best.probability, best.margin
        chosen[name] = {
            "min_probability": best.probability,
            "min_margin": best.margin,
            "coverage": round(best.coverage, 4),
            "precision": round(best.precision, 4),
        }
    return chosen


def without_starter_texts(
    rows: Sequence[GoldRow], starters: Sequence[StarterExample]
) -> list[GoldRow]:
    """``rows`` minus those whose text is a starter example: fitting on them would teach the
    classifier the confidence of a perfect neighbour, which new text never has."""
    known = {example.text for example in starters}
    kept = [row for row in rows if row.text not in known]
    if len(kept) < len(rows):
        log.warning("%d of %d rows are starter examples and are left out of the fit",
                    len(rows) - len(kept), len(rows))  # fmt: skip
    if not kept:
        raise InvalidInput("every row is a starter example: fit on the calibration split instead")
    return kept


def fitting_record(classifier: Classifier) -> dict[str, Any]:
    """What fitted temperatures depend on besides the model, for the calibration's config:
    the classifier's parameters and fingerprints of the keywords and starter examples."""
    keywords = {
        name: [
            [
                code.code,
                list(code.keywords),
                {k: list(v) for k, v in code.keywords_by_language.items()},
            ]
            for code in model.taxonomy
        ]
        for name, model in classifier.models.items()
    }
    return {
        "classifier_params": dataclasses.asdict(classifier.params),
        "keyword_fingerprint": artefacts.fingerprint(keywords),
        "starter_fingerprint": artefacts.file_fingerprint(STARTER_EXAMPLES),
    }


def save_calibration(classifier: Classifier, folder: Path, metadata: dict[str, Any]) -> None:
    """Write the classifier's fitted calibration, with how it was fitted, into ``folder``."""
    classifier.calibration.metadata = {**metadata, **fitting_record(classifier)}
    classifier.calibration.save(
        folder,
        dimension=classifier.embedder.dimension,
        taxonomy_versions={n: m.taxonomy.version for n, m in classifier.models.items()},
    )


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from models.classifier.calibration import Calibration
    from models.embedders import create_embedder
    from observatory.settings import load_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--embedder", default="ensemble")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--no-starter-examples", dest="starter", action="store_false")
    args = parser.parse_args(argv)
    settings = load_settings()
    embedder = create_embedder(args.embedder, cache_dir=settings.cache_dir)
    classifier = Classifier(embedder, calibration=Calibration(embedder.model_id))
    rows, _ = read_gold(args.gold, classifier)
    if args.starter:
        starters = read_starter_examples()
        add_starter_examples(classifier, starters)
        rows = without_starter_texts(rows, starters)
    fitted = fit_calibration(classifier, rows)
    chosen_gate = choose_gate(classifier, rows)
    out = args.out or SHIPPED_DIR / calibration_slug(embedder.model_id)
    save_calibration(
        classifier,
        out,
        {
            "fitted_on": args.gold.name,
            "rows": len(rows),
            "starter_examples": args.starter,
            "gate": chosen_gate,
        },
    )
    print(json.dumps({"calibration": str(out), "fitted": fitted, "gate": chosen_gate}, indent=2))


if __name__ == "__main__":
    main()
