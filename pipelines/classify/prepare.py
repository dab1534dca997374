"""Build the classifier's derived vectors and n-gram matcher ahead of the first request.

Prototype and starter-example vectors depend only on the embedder and the texts, the n-gram
matcher only on the prototype texts (``models.classifier.derived``). The built-in taxonomies'
ship in the package for the default embedder; an imported taxonomy adds prototypes (titles,
notes, translations), whose vectors and matcher are built here, into the data dir, when it is
imported, so no request waits for them.

    python -m pipelines.classify.prepare            # the configured classifier, into the data dir
    python -m pipelines.classify.prepare --ship     # rewrite the shipped files (maintainers)
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from models.classifier import Classifier
from observatory.settings import Settings, load_settings
from pipelines.classify.factory import classifier_from_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrepareReport:
    """What preparing a classifier did."""

    model_id: str
    batches: int  # derived batches the classifier uses
    built: int  # of which were encoded now (the rest were on disk)
    seconds: float
    matchers_fitted: int = 0  # n-gram matchers fitted now (0: read from disk)


def prepared_classifier(settings: Settings, *, backend: str | None = None) -> Classifier:
    """The configured classifier with the prototypes of every language it has embedded."""
    classifier = classifier_from_settings(settings, backend=backend)
    classifier.prepare_languages(classifier.prototype_languages())
    return classifier


def report(classifier: Classifier, started: float) -> PrepareReport:
    """What preparing ``classifier`` did, since ``started`` (``time.perf_counter``)."""
    derived = classifier.derived
    return PrepareReport(
        classifier.embedder.model_id,
        len(derived.used),
        derived.built,
        time.perf_counter() - started,
        classifier.derived_matchers.built,
    )


def prepare(settings: Settings, *, backend: str | None = None) -> PrepareReport:
    """Build every derived batch of the configured classifier that is not on disk yet."""
    started = time.perf_counter()
    return report(prepared_classifier(settings, backend=backend), started)


def ship(backend: str) -> PrepareReport:
    """Make the shipped folders hold exactly the batches (of ``backend``) and the n-gram
    matcher a new installation uses.

    A new installation is a fresh data dir with the default settings (built-in taxonomies,
    starter examples on); files already shipped are kept, new ones copied in, unused removed.
    """
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="s3o-prepare-") as folder:
        settings = load_settings(data_dir=Path(folder), database_url=f"sqlite:///{folder}/s.db")
        classifier = prepared_classifier(settings, backend=backend)
        derived, matchers = classifier.derived, classifier.derived_matchers
        _replace_shipped(derived.shipped, "*.npy", derived.written, derived.used)
        _replace_shipped(matchers.shipped, "*.npz", matchers.written, matchers.used)
    return report(classifier, started)


def _replace_shipped(shipped: Path, pattern: str, written: list[Path], used: list[str]) -> None:
    shipped.mkdir(parents=True, exist_ok=True)
    for path in written:
        shutil.copy2(path, shipped / path.name)
    for stale in set(shipped.glob(pattern)) - {shipped / name for name in used}:
        stale.unlink()


def main(argv: list[str] | None = None) -> int:
    """Command line: prepare the configured classifier, or rewrite the shipped vectors."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", help="embedder backend (default: the configured one)")
    parser.add_argument("--ship", action="store_true", help="rewrite the package's shipped files")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.ship:
        report = ship(args.backend or load_settings().embedding_backend)
    else:
        report = prepare(load_settings(), backend=args.backend)
    print(
        f"{report.model_id}: {report.batches} derived batches, {report.built} encoded now, "
        f"{report.matchers_fitted} n-gram matchers fitted now, {report.seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
