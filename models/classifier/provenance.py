"""What a calibration was fitted under, and whether it still fits the classifier that reads it.

Fitted weights, temperatures and gates hold only for the scoring they were fitted on: the
classifier's parameters, the feature and gate-signal sets, the taxonomies (codes, texts,
keywords), the starter examples and the linear heads. ``fitting_record`` writes all of that
into the calibration's ``config.json``; ``mismatches`` names what differs from another record.

- The **shipped** calibration is checked against the code (``shipped_record``: default
  parameters, built-in taxonomies, the shipped starter set and heads); a mismatch is an error,
  since it means the repository was changed without refitting (a test loads every shipped one).
- A **user** calibration (``observatory calibrate``) is checked against the running
  classifier; a mismatch means it is not used (``pipelines.classify.factory``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any, Protocol

from models.classifier.confidence import SIGNAL_NAMES
from models.classifier.features import FEATURE_NAMES
from models.classifier.head import LinearHead
from models.classifier.params import ClassifierParams
from models.classifier.starter import STARTER_EXAMPLES
from observatory import artefacts
from observatory.names import TAXONOMY_NAMES
from taxonomies import Taxonomy


class Fitted(Protocol):
    """What a record is read from (a ``Classifier``; no import of it, which imports this)."""

    @property
    def params(self) -> ClassifierParams: ...
    @property
    def taxonomies(self) -> Mapping[str, Taxonomy]: ...
    @property
    def heads(self) -> Mapping[str, LinearHead]: ...


RECORD_KEYS = (
    "classifier_params",
    "features",
    "taxonomy_fingerprints",
    "starter_fingerprint",
    "head_fingerprints",
)


def record_of(
    params: ClassifierParams,
    taxonomies: Mapping[str, Taxonomy],
    heads: Mapping[str, LinearHead],
) -> dict[str, Any]:
    """The fitting record of a classifier built from these parts."""
    return {
        "classifier_params": asdict(params),
        "features": {"score": list(FEATURE_NAMES), "gate": list(SIGNAL_NAMES)},
        "taxonomy_fingerprints": {
            name: artefacts.fingerprint(taxonomy.to_dict())
            for name, taxonomy in sorted(taxonomies.items())
        },
        "starter_fingerprint": artefacts.file_fingerprint(STARTER_EXAMPLES),
        "head_fingerprints": {name: head.fingerprint() for name, head in sorted(heads.items())},
    }


def fitting_record(classifier: Fitted) -> dict[str, Any]:
    """What ``classifier``'s fitted weights depend on besides the model (for ``config.json``)."""
    return record_of(classifier.params, classifier.taxonomies, classifier.heads)


def shipped_record(model_id: str, dimension: int) -> dict[str, Any]:
    """The record a shipped calibration must carry to fit the code as it is."""
    from models.classifier.head import shipped_heads
    from taxonomies import load

    heads = shipped_heads(model_id, dimension, artefacts.slug(model_id))  # calibration_slug
    return record_of(ClassifierParams(), {n: load(n) for n in TAXONOMY_NAMES}, heads)


def mismatches(metadata: Mapping[str, Any], expected: Mapping[str, Any]) -> list[str]:
    """The record fields where ``metadata`` (a calibration's config) differs from ``expected``
    (a missing field counts as different)."""
    return [key for key in RECORD_KEYS if metadata.get(key) != expected.get(key)]
