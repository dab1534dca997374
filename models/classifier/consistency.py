"""Cross-taxonomy checks: does a text's NABS chapter or ecosystem fit its NACE division?

The three taxonomies describe one priority. When the top NACE division's ecosystems (from the
ecosystem composition) do not include the top ecosystem, or our NACE -> NABS mapping does not
reach the top NABS chapter, one of the three is probably wrong; such a text goes to a reviewer
instead of being accepted automatically.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def crosswalk_conflicts(
    probabilities: Mapping[str, np.ndarray],
    crosswalks: Mapping[str, np.ndarray],
    codes: Mapping[str, Sequence[str]],
) -> list[list[str]]:
    """One list of conflict notes per text (empty when the top codes agree).

    ``probabilities`` maps taxonomy -> (texts x codes) probabilities (``TaxonomyScore``'s)."""
    if "nace" not in probabilities:
        return []
    nace_top = probabilities["nace"].argmax(axis=1)
    notes: list[list[str]] = [[] for _ in nace_top]
    for name in ("ecosystem", "nabs"):
        if name not in probabilities or name not in crosswalks:
            continue
        other_top = probabilities[name].argmax(axis=1)
        fits = crosswalks[name][nace_top, other_top] > 0
        for row in np.flatnonzero(~fits):
            division = codes["nace"][nace_top[row]]
            other = codes[name][other_top[row]]
            notes[row].append(f"{name} {other} does not fit NACE {division}")
    return notes
