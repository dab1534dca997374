"""What the classifier reports per code: evidence for a score, and roll-ups to parents.

Built for every text of a call at once: the ranked codes' numbers are gathered with NumPy and
read as Python floats (``tolist``) before the per-code objects are made, since indexing NumPy
scalars one by one was most of the Python cost of a batch evaluation.
"""

from __future__ import annotations

import numpy as np

from models.classifier.results import Evidence, ScoredCode
from models.classifier.score import TaxonomyScore
from models.classifier.taxonomy_model import TaxonomyModel

MAX_EVIDENCE = 4  # the nearest prototype, then up to three validated examples


def ranked_codes(
    model: TaxonomyModel, scored: TaxonomyScore, order: np.ndarray, min_example_similarity: float
) -> list[list[ScoredCode]]:
    """The codes ``order`` ranks for each text (columns of ``scored``), each with its evidence:
    the nearest prototype, then the validated examples among the text's neighbours that carry
    the code, nearest first, at ``min_example_similarity`` or above."""
    rows = np.arange(len(order))[:, None]
    probability = scored.probability[rows, order].tolist()
    score = scored.logits[rows, order].tolist()
    prototype_row = scored.evidence_row[rows, order].tolist()
    prototype_similarity = scored.evidence_similarity[rows, order].tolist()
    examples = scored.examples  # the snapshot the votes used
    neighbours = scored.neighbours
    similarity = scored.neighbour_similarity.astype(np.float64)
    # (texts, neighbours, ranks): the neighbour carries the ranked code, near enough to show
    shown = (examples.labels[neighbours[:, :, None], order[:, None, :]] > 0) & (
        similarity[:, :, None] >= min_example_similarity
    )
    any_shown = shown.any(axis=1).tolist()
    codes = model.codes
    titles = [model.taxonomy.codes[code].title for code in codes]
    out = []
    for row, columns in enumerate(order.tolist()):
        ranked = []
        for rank, col in enumerate(columns):
            proto = model.prototypes[prototype_row[row][rank]]
            evidence = [
                Evidence("prototype", proto.text, round(prototype_similarity[row][rank], 4),
                         proto.kind)
            ]  # fmt: skip
            slots = np.flatnonzero(shown[row, :, rank]).tolist() if any_shown[row][rank] else []
            for slot in slots[: MAX_EVIDENCE - 1]:
                example = int(neighbours[row, slot])
                example_id = int(examples.ids[example])
                # negative ids are the shipped starter examples, positive ones priority ids
                source = str(example_id) if example_id > 0 else "starter"
                sim = round(float(similarity[row, slot]), 4)
                evidence.append(Evidence("example", examples.texts[example], sim, source))
            ranked.append(
                ScoredCode(
                    code=codes[col],
                    probability=round(probability[row][rank], 6),
                    score=round(score[row][rank], 6),
                    rank=rank + 1,
                    rationale=tuple(evidence),
                    title=titles[col],
                )
            )
        out.append(ranked)
    return out


def rolled_up(model: TaxonomyModel, probability: np.ndarray) -> list[ScoredCode]:
    """The three most probable codes one level up (NACE sections), children's sums."""
    if model.parents is None:
        return []
    parents, membership = model.parents
    totals = probability @ membership
    ranked = np.argsort(-totals)[:3].tolist()
    out = []
    for rank, (i, total) in enumerate(zip(ranked, totals[ranked].tolist(), strict=True), start=1):
        total = round(total, 6)
        title = model.taxonomy.codes[parents[i]].title
        out.append(ScoredCode(parents[i], total, total, rank, (), title))
    return out
