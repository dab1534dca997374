"""The classifier's knobs, chosen on the dev gold set (see models/README.md)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ClassifierParams:
    """Knobs chosen on the dev gold set (see models/README.md)."""

    knn_k: int = 10
    knn_min_similarity: float = 0.5
    knn_weight: float = 0.3
    # a validated example stands in for a prototype of its codes only when the text is nearly
    # the same; looser neighbours just vote (as prototypes they outranked the codes' own
    # descriptions on any text phrased like them)
    example_prototype_similarity: float = 0.9
    # kNN weight for languages the embedder does not read: there texts in one script look
    # alike whatever their topic, so a neighbour's vote is weaker evidence (on the calibration
    # split's 79 such texts, 0.15 beat 0.3 and 0 in all three taxonomies)
    unread_knn_weight: float = 0.15
    # weight of the NACE probabilities mapped onto NABS chapters / ecosystems
    crosswalk_weight: dict[str, float] = field(
        default_factory=lambda: {"nabs": 0.2, "ecosystem": 0.2}
    )
    # (an ensemble's per-language member weights belong to the embedder:
    # models.embedders.LanguageWeights)
    # weight of the character n-gram match: English, other languages the embedder reads, and
    # languages it does not read (there spelling shared with own-language phrases is the signal)
    lexical_weight: dict[str, float] = field(
        default_factory=lambda: {"en": 0.3, "read": 0.0, "unread": 2.0}
    )
    min_words: int = 2
    # share of the code score taken from its three best prototypes' mean (rest: the best one)
    support_weight: float = 0.75
