"""What the classifier reports per code: evidence for a score, and roll-ups to parents."""

from __future__ import annotations

import numpy as np

from models.classifier.results import Evidence, ScoredCode
from models.classifier.score import TaxonomyScore
from models.classifier.taxonomy_model import TaxonomyModel


def scored_code(
    model: TaxonomyModel,
    scored: TaxonomyScore,
    row: int,
    col: int,
    rank: int,
    min_example_similarity: float,
) -> ScoredCode:
    """One ranked code with its evidence: the nearest prototype, then validated examples."""
    proto = model.prototypes[int(scored.evidence_row[row, col])]
    similarity = round(float(scored.evidence_similarity[row, col]), 4)
    evidence = [Evidence("prototype", proto.text, similarity, proto.kind)]
    examples = scored.examples  # the snapshot the votes used
    for slot, example_row in enumerate(scored.neighbours[row]):
        if examples.labels[example_row, col] > 0:
            sim = float(scored.neighbour_similarity[row, slot])
            if sim >= min_example_similarity:
                example_id = int(examples.ids[example_row])
                # negative ids are the shipped starter examples, positive ones priority ids
                source = str(example_id) if example_id > 0 else "starter"
                evidence.append(Evidence("example", examples.texts[example_row], round(sim, 4),
                                         source))  # fmt: skip
    return ScoredCode(
        code=model.codes[col],
        probability=round(float(scored.probability[row, col]), 6),
        score=round(float(scored.logits[row, col]), 6),
        rank=rank,
        rationale=tuple(evidence[:4]),
        title=model.taxonomy.codes[model.codes[col]].title,
    )


def rolled_up(model: TaxonomyModel, probability: np.ndarray) -> list[ScoredCode]:
    """The three most probable codes one level up (NACE sections), children's sums."""
    if model.parents is None:
        return []
    parents, membership = model.parents
    totals = probability @ membership
    ranked = np.argsort(-totals)[:3]
    out = []
    for rank, i in enumerate(ranked, start=1):
        total = round(float(totals[i]), 6)
        title = model.taxonomy.codes[parents[i]].title
        out.append(ScoredCode(parents[i], total, total, rank, (), title))
    return out
