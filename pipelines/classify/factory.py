"""Building the configured classifier, and finding the calibration refitted from reviews.

Its own module so that the classify job, the calibration from reviews and the interfaces all
import it without importing each other.
"""

from __future__ import annotations

import logging
from pathlib import Path

from models.classifier import Classifier
from models.classifier.calibration import Calibration, calibration_slug
from models.classifier.provenance import fitting_record, mismatches
from models.classifier.starter import add_starter_examples, read_starter_examples
from models.embedders import embedder_from_settings
from observatory import artefacts
from observatory.names import TAXONOMY_NAMES
from observatory.settings import Settings

log = logging.getLogger(__name__)


def user_calibration_dir(settings: Settings, model_id: str) -> Path:
    """Where the calibration refitted from reviews lives for ``model_id``."""
    return Path(settings.data_dir) / "calibration" / calibration_slug(model_id)


def user_calibration(settings: Settings, classifier: Classifier) -> Calibration | None:
    """The calibration ``observatory calibrate`` refitted for ``classifier``'s model, when
    there is one and it was fitted under what ``classifier`` runs (``provenance``).

    One fitted under other parameters, features, taxonomies, starter set or heads is not used:
    a one-line warning says so, and the caller keeps the shipped calibration.
    """
    model_id = classifier.embedder.model_id
    folder = user_calibration_dir(settings, model_id)
    if not artefacts.has_config(folder):
        return None
    found = Calibration.load(folder, model_id=model_id)
    stale = mismatches(found.metadata, fitting_record(classifier))
    if stale:
        log.warning(
            "the calibration in %s was fitted under other %s; using the shipped one "
            "(run `observatory calibrate` to refit it)", folder, ", ".join(stale),
        )  # fmt: skip
        return None
    log.info("using the calibration refitted from reviews in %s", folder)
    return found


def derived_dir(settings: Settings) -> Path:
    """Where prototype and starter vectors are stored once built (``models.classifier.derived``)."""
    return Path(settings.data_dir) / "derived"


def classifier_from_settings(
    settings: Settings,
    *,
    backend: str | None = None,
    for_fitting: bool = False,
    hidden_codes: frozenset[str] = frozenset(),
    starter: bool | None = None,
    shipped: bool = True,
) -> Classifier:
    """The configured classifier over the taxonomies as served (imported overlays included).

    Its calibration is the one refitted from reviews when ``observatory calibrate`` wrote one
    (and it fits this classifier), else the shipped one; ``for_fitting`` starts from the
    shipped calibration even when a refitted one exists, and ``shipped=False`` from default
    weights (refitting the shipped calibration itself, which may be stale). ``hidden_codes``
    leaves finer codes out of the prototypes (benchmarks holding classes out); ``starter``
    overrides ``settings.starter_examples``.
    """
    from observatory.taxonomy_service import load_taxonomy

    embedder = embedder_from_settings(settings, backend=backend)
    served = {name: load_taxonomy(name, settings) for name in TAXONOMY_NAMES}
    classifier = Classifier(
        embedder,
        served,
        calibration=None if shipped else Calibration(embedder.model_id),
        max_text_chars=settings.max_text_chars,
        hidden_codes=hidden_codes,
        derived_dir=derived_dir(settings),
    )
    refitted = None if for_fitting else user_calibration(settings, classifier)
    if refitted is not None:
        classifier = classifier.with_calibration(refitted)
    if settings.starter_examples if starter is None else starter:
        add_starter_examples(classifier, read_starter_examples())
    return classifier


def benchmark_classifier(
    settings: Settings, *, backend: str | None = None, starter: bool = True, shipped: bool = True
) -> Classifier:
    """The shipped classifier with the held-out NACE classes hidden from its prototypes
    (``pipelines.classify.realtext``), so no test phrase of theirs meets itself. The built-in
    NACE stops at divisions; an imported official file brings class titles and notes."""
    from observatory.taxonomy_service import load_taxonomy
    from pipelines.classify.realtext import held_out_classes

    nace = load_taxonomy("nace", settings)
    classes = [c.code for c in nace.at_level("class")] if "class" in nace.levels else []
    return classifier_from_settings(
        settings, backend=backend, for_fitting=True, hidden_codes=held_out_classes(classes),
        starter=starter, shipped=shipped,
    )  # fmt: skip
