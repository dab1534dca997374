"""What ``Classifier.score`` returns: one typed record per taxonomy, arrays per text and code."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.classifier.examples import ExampleSnapshot
from models.classifier.features import Features


@dataclass(frozen=True)
class TaxonomyScore:
    """Scores of one taxonomy for a batch of texts (rows) over its codes (columns)."""

    features: Features
    logits: np.ndarray  # combined score of every code (``features.combine``)
    probability: np.ndarray  # softmax of the logits
    best_similarity: np.ndarray  # per text: its best prototype score over all codes
    evidence_row: np.ndarray  # per (text, code): the prototype row that matched best
    evidence_similarity: np.ndarray  # per (text, code): that prototype's similarity
    neighbours: np.ndarray  # per text: rows of the nearest validated examples
    neighbour_similarity: np.ndarray  # and their similarities
    examples: ExampleSnapshot  # the examples ``neighbours`` index (one consistent state)

    def __len__(self) -> int:
        return len(self.probability)
