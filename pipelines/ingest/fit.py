"""Fit the group scoring on labelled candidate groups; evaluate held out.

Labelled documents come from two sources: the real strategies with their expected priorities
(``../shared/strategies``, read at run time) and the generated corpus (``synthetic``). A group
is a positive example when most of its items are expected priorities and it holds at least
half of them. The layout model is fitted on the cheap features, the full model on all features
(scikit-learn logistic regression on standardised features, classes balanced).

Run: ``python -m pipelines.ingest.fit [--write] [--loo]``: ``--loo`` prints
leave-one-document-out figures on the real strategies and held-out-language and held-out-layout
figures on the generated corpus; ``--write`` fits on everything and writes
``pipelines/ingest/data/group_scoring.json``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.ingest.candidate_groups import candidate_groups
from pipelines.ingest.detect import Group
from pipelines.ingest.evaluate import score_document, titles_match
from pipelines.ingest.features import CHEAP_FEATURES, READING_FEATURES
from pipelines.ingest.pdf_text import read_document
from pipelines.ingest.scoring import WEIGHTS_PATH, GroupScorer, LogisticModel, group_features
from pipelines.ingest.select import select_priorities
from pipelines.ingest.structure import Block, build_blocks

if TYPE_CHECKING:  # the generator needs reportlab, a dev dependency
    from pipelines.ingest.synthetic.generate import GeneratedStrategy

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "strategies"
ITEM_PRECISION = 0.6  # a positive group: at least this share of its items are expected ...
TRUTH_COVERAGE = 0.5  # ... and it names at least this share of the expected priorities
C = 1.0  # inverse regularisation strength (scikit-learn's default)
TRAIN_SEEDS = (0, 1)  # generated corpus used for fitting; tests use other seeds
TRAIN_LANGUAGES = ("en", "de", "fr", "es")  # the held-out-language split fits on these only


@dataclass
class LabelledDocument:
    """One document's blocks and candidate groups (with features), and what it selects."""

    name: str
    source: str  # "real" | "generated"
    layout: str
    language: str
    blocks: list[Block]
    groups: list[Group]
    truth: list[list[str]]  # names (title and aliases) of each selected priority
    decoys: list[str]
    expected: dict | None = None  # the real document's ground-truth entry


def _names(entry: dict) -> list[str]:
    return [entry["title"], *entry.get("aliases", [])]


def is_positive(group: Group, truth: list[list[str]]) -> bool:
    """Whether a group states the document's selection (most items expected, half covered)."""
    hits = [
        next((k for k, names in enumerate(truth) if titles_match(i.title, names)), None)
        for i in group.items
    ]
    matched = [h for h in hits if h is not None]
    return (
        len(matched) / len(group.items) >= ITEM_PRECISION
        and len(set(matched)) / max(1, len(truth)) >= TRUTH_COVERAGE
    )


def labelled_document(path: Path, **fields: object) -> LabelledDocument:
    """Read a PDF into blocks and candidate groups with all their features."""
    blocks = build_blocks(read_document(path).lines)
    groups = candidate_groups(blocks)
    group_features(groups, blocks)
    return LabelledDocument(name=path.name, blocks=blocks, groups=groups, **fields)  # type: ignore[arg-type]


def real_documents(folder: Path = SHARED) -> list[LabelledDocument]:
    """The real strategies with their expected priorities (empty when absent)."""
    truth_path = folder / "expected_priorities.json"
    if not truth_path.is_file():
        return []
    data = json.loads(truth_path.read_text("utf-8"))
    return [
        labelled_document(
            folder / name,
            source="real",
            layout="real",
            language=entry.get("language", "?"),
            truth=[_names(p) for p in entry["priorities"]],
            decoys=[],
            expected=entry,
        )
        for name, entry in data["documents"].items()
    ]


def generated_documents(
    folder: Path, seeds: tuple[int, ...] = TRAIN_SEEDS
) -> list[LabelledDocument]:
    """The generated corpus (every layout and language per seed), labelled."""
    from pipelines.ingest.synthetic.generate import generate_corpus

    return [labelled_generated(strategy) for strategy in generate_corpus(folder, seeds=seeds)]


def labelled_generated(strategy: GeneratedStrategy) -> LabelledDocument:
    """One generated strategy as a labelled document: its selected titles and its decoys."""
    return labelled_document(
        strategy.path,
        source="generated",
        layout=strategy.layout,
        language=strategy.language,
        truth=[[title] for title in strategy.selected],
        decoys=list(strategy.decoys),
    )


def _fit_one(documents: list[LabelledDocument], features: tuple[str, ...]) -> LogisticModel:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    rows = [(g.features, is_positive(g, d.truth)) for d in documents for g in d.groups]
    x = np.array([[f[name] for name in features] for f, _ in rows])
    y = np.array([label for _, label in rows])
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
    model.fit((x - scaler.mean_) / scale, y)
    return LogisticModel(
        features,
        tuple(float(v) for v in scaler.mean_),
        tuple(float(v) for v in scale),
        tuple(round(float(v), 6) for v in model.coef_[0]),
        round(float(model.intercept_[0]), 6),
    )


def fit_scorer(documents: list[LabelledDocument]) -> GroupScorer:
    """Fit the layout and full models on the groups of ``documents``."""
    return GroupScorer(
        _fit_one(documents, CHEAP_FEATURES),
        _fit_one(documents, CHEAP_FEATURES + READING_FEATURES),
    )


@dataclass(frozen=True)
class HeldOutScore:
    """How the extraction did on one held-out document."""

    name: str
    layout: str
    language: str
    recall: float
    precision: float
    decoys_taken: int
    without_page: int


def evaluate(document: LabelledDocument, scorer: GroupScorer) -> HeldOutScore:
    """Extract a document with ``scorer`` (fitted without it) and score the result."""
    selection = select_priorities(document.blocks, [], scorer)
    top = [p for p in selection.priorities if p.parent is None]
    titles = [p.title for p in top]
    without_page = sum(1 for p in selection.priorities if not p.pages)
    if document.expected is not None:
        every = [p.title for p in selection.priorities]  # sub-priorities count, as in evaluate
        score = score_document(document.name, document.expected, every)
        return HeldOutScore(
            document.name,
            document.layout,
            document.language,
            score.recall,
            score.precision,
            0,
            without_page,
        )
    found = sum(1 for names in document.truth if any(titles_match(t, names) for t in titles))
    right = sum(1 for t in titles if any(titles_match(t, names) for names in document.truth))
    decoys = sum(1 for t in titles if titles_match(t, document.decoys))
    return HeldOutScore(
        document.name,
        document.layout,
        document.language,
        round(found / len(document.truth), 3),
        round(right / len(titles), 3) if titles else 0.0,
        decoys,
        without_page,
    )


def _print(title: str, scores: list[HeldOutScore]) -> None:
    print(f"\n{title}")
    for s in scores:
        print(
            f"  {s.name:42} {s.layout:9} {s.language:3} recall {s.recall:.2f} "
            f"precision {s.precision:.2f} decoys {s.decoys_taken} no-page {s.without_page}"
        )


def _by(scores: list[HeldOutScore], key: str) -> None:
    values = sorted({getattr(s, key) for s in scores})
    for value in values:
        part = [s for s in scores if getattr(s, key) == value]
        recall = sum(s.recall for s in part) / len(part)
        worst = min(s.recall for s in part)
        decoys = sum(s.decoys_taken for s in part)
        print(
            f"  {key} {value:9} docs {len(part):2} mean recall {recall:.3f} "
            f"min {worst:.2f} decoys taken {decoys}"
        )


def held_out_report(real: list[LabelledDocument], generated: list[LabelledDocument]) -> None:
    """Print leave-one-document-out (real) and held-out language/layout (generated) figures."""
    loo = [evaluate(d, fit_scorer([o for o in real if o is not d] + generated)) for d in real]
    _print("leave-one-document-out on the real strategies (fitted on the others + generated)", loo)
    scorer = fit_scorer(real + [d for d in generated if d.language in TRAIN_LANGUAGES])
    held = [evaluate(d, scorer) for d in generated if d.language not in TRAIN_LANGUAGES]
    print(f"\nheld-out languages (fitted on real + generated {', '.join(TRAIN_LANGUAGES)})")
    _by(held, "language")
    layouts = sorted({d.layout for d in generated})
    by_layout = []
    for layout in layouts:
        scorer = fit_scorer(real + [d for d in generated if d.layout != layout])
        by_layout += [evaluate(d, scorer) for d in generated if d.layout == layout]
    print("\nheld-out layouts (each fitted on real + the other layouts)")
    _by(by_layout, "layout")


def write_weights(scorer: GroupScorer, documents: list[LabelledDocument], path: Path) -> None:
    """Write the fitted weights with how they were fitted."""
    import sklearn

    positives = sum(is_positive(g, d.truth) for d in documents for g in d.groups)
    config = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "fitted_by": "python -m pipelines.ingest.fit --write",
        "model": "logistic regression on standardised features, classes balanced",
        "C": C,
        "scikit_learn": sklearn.__version__,
        "documents": {
            "real": sorted(d.name for d in documents if d.source == "real"),
            "generated": sum(1 for d in documents if d.source == "generated"),
            "generated_seeds": list(TRAIN_SEEDS),
        },
        "groups": sum(len(d.groups) for d in documents),
        "positive_groups": int(positives),
        "labels": f"item precision >= {ITEM_PRECISION}, coverage >= {TRUTH_COVERAGE}",
    }
    data = {"config": config, "layout": scorer.layout.to_json(), "full": scorer.full.to_json()}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n", "utf-8")


def main() -> None:
    """Fit, report held-out figures, optionally write the shipped weights."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {WEIGHTS_PATH}")
    parser.add_argument("--loo", action="store_true", help="print held-out figures")
    args = parser.parse_args()
    start = time.perf_counter()
    real = real_documents()
    if not real:
        print(f"no real strategies at {SHARED}: fitting on the generated corpus alone")
    with tempfile.TemporaryDirectory() as folder:
        generated = generated_documents(Path(folder))
    print(
        f"{len(real)} real and {len(generated)} generated documents, "
        f"{sum(len(d.groups) for d in real + generated)} candidate groups "
        f"({time.perf_counter() - start:.0f} s)"
    )
    if args.loo:
        held_out_report(real, generated)
    if args.write:
        write_weights(fit_scorer(real + generated), real + generated, WEIGHTS_PATH)
        print(f"\nwrote {WEIGHTS_PATH}")


if __name__ == "__main__":
    main()
