"""Starter examples: labelled priorities written by the team, loaded as validated kNN examples.

A fresh installation has no reviewed labels, so the kNN vote would sit idle until reviewers
have worked for weeks. The team's development gold set (``data/starter_examples.csv``, the
same file as ``benchmarks/gold/gold_dev.csv``: 538 priorities in 21 languages with codes in all
three taxonomies) fills that gap: on the separate calibration split it lifts NACE top-1 from
0.852 to 0.897 (``models/README.md``). Reviewed labels are added on top and win on
near-duplicates; ``OBSERVATORY_STARTER_EXAMPLES=false`` leaves them out.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from observatory.errors import UnprocessableFile

STARTER_EXAMPLES = Path(__file__).resolve().parent / "data" / "starter_examples.csv"
TAXONOMY_COLUMNS = ("nace", "nabs", "ecosystem")


@dataclass(frozen=True)
class StarterExample:
    """One labelled text; ``codes`` maps taxonomy -> codes, most appropriate first."""

    id: str
    text: str
    language: str | None
    codes: dict[str, list[str]] = field(default_factory=dict)


def read_starter_examples(path: Path = STARTER_EXAMPLES) -> list[StarterExample]:
    """Rows of a GOLD.csv-shaped file (``text`` plus any of nace/nabs/ecosystem)."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if "text" not in (reader.fieldnames or []):
                raise UnprocessableFile(str(path), "no 'text' column")
            rows = list(reader)
    except OSError as exc:
        raise UnprocessableFile(str(path), f"cannot read: {exc.strerror}") from exc
    examples = []
    for row in rows:
        codes = {
            name: [c.strip() for c in (row.get(name) or "").split(";") if c.strip()]
            for name in TAXONOMY_COLUMNS
        }
        if (row.get("text") or "").strip():
            examples.append(
                StarterExample(
                    id=row.get("id") or "",
                    text=row["text"].strip(),
                    language=row.get("language") or None,
                    codes={name: found for name, found in codes.items() if found},
                )
            )
    return examples


class Learner(Protocol):
    """What starter examples are added to (a ``Classifier``, which the calibration's provenance
    check imports this module for: no import of it here)."""

    @property
    def models(self) -> Mapping[str, object]: ...
    def derived_vectors(self, texts: Sequence[str]) -> np.ndarray: ...
    def add_examples(
        self,
        texts_or_vectors: np.ndarray,
        taxonomy: str,
        codes: Sequence[Sequence[str]],
        ids: Sequence[int] | None = None,
        *,
        texts: Sequence[str] | None = None,
    ) -> list[int]: ...


def add_starter_examples(classifier: Learner, examples: list[StarterExample]) -> int:
    """Add ``examples`` to every taxonomy they label; returns how many texts were added.

    They get negative ids, so they never collide with reviewed labels (keyed by priority id)
    and their evidence reads as ``starter``. Texts are encoded once for all taxonomies.
    """
    if not examples:
        return 0
    vectors = classifier.derived_vectors([example.text for example in examples])
    for name in classifier.models:
        rows = [i for i, example in enumerate(examples) if example.codes.get(name)]
        if rows:
            classifier.add_examples(
                vectors[rows],
                name,
                [examples[i].codes[name] for i in rows],
                ids=[-(i + 1) for i in rows],
                texts=[examples[i].text for i in rows],
            )
    return len(examples)
