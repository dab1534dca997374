"""Score the extractor against a ground-truth file (format of expected_priorities.json).

A priority counts as found when an extracted title matches its title or an alias after
normalisation (fuzzy). Sub-priorities count separately. Extracted items that match a
``not_selected`` entry scored ``false_positive`` (or nothing at all, or an already found
priority) are false positives; ``borderline`` ones are neutral.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from observatory.errors import InvalidInput, ObservatoryError
from pipelines.ingest.detect import normalise

MATCH_THRESHOLD = 85


@dataclass
class DocumentScore:
    """Scores of one document."""

    document: str
    expected: int
    found: int
    recall: float
    precision: float
    sub_expected: int
    sub_found: int
    sub_recall: float | None
    true_positives: int
    false_positives: int
    neutral: int
    ranks: dict[str, int | None] = field(default_factory=dict)
    false_positive_titles: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    error: str | None = None


def titles_match(extracted: str, names: list[str]) -> bool:
    """Whether an extracted title names the same thing as any of ``names`` (fuzzy)."""
    a = normalise(extracted)
    if not a:
        return False
    for name in names:
        b = normalise(name)
        if not b:
            continue
        if a == b or max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)) >= MATCH_THRESHOLD:
            return True
        shorter, longer = sorted((a.split(), b.split()), key=len)
        # a short title contained in a short longer one ("Logistics" / "Logistics sector")
        if set(shorter) <= set(longer) and len(longer) <= len(shorter) + 2:
            return True
    return False


def _names(entry: dict[str, Any]) -> list[str]:
    return [entry["title"], *entry.get("aliases", [])]


def _not_selected_names(entry: dict[str, Any]) -> list[str]:
    """A not-selected entry may list several titles ("Label: a; b; c")."""
    title = entry["title"]
    head, _, rest = title.partition(": ")
    parts = [title, head, *re.split(r"\s*[;,]\s*", rest or "")]
    parts += [re.sub(r"\s*\(.*?\)", "", title)]
    return [p for p in parts if p.strip()]


def score_document(name: str, expected: dict[str, Any], titles: list[str]) -> DocumentScore:
    """Score the ranked extracted titles of one document against its expected entry."""
    top = expected.get("priorities", [])
    subs = [s for p in top for s in p.get("sub_priorities", [])]
    found_top: dict[str, int] = {}
    found_sub: dict[str, int] = {}
    tp = fp = neutral = 0
    false_titles: list[str] = []
    for rank, title in enumerate(titles, start=1):
        hit = next(
            (
                p["title"]
                for p in top
                if p["title"] not in found_top and titles_match(title, _names(p))
            ),
            None,
        )
        if hit:
            found_top[hit] = rank
            tp += 1
            continue
        sub = next(
            (
                s["title"]
                for s in subs
                if s["title"] not in found_sub and titles_match(title, _names(s))
            ),
            None,
        )
        if sub:
            found_sub[sub] = rank
            tp += 1
            continue
        rejected = next(
            (
                n
                for n in expected.get("not_selected", [])
                if titles_match(title, _not_selected_names(n))
            ),
            None,
        )
        if rejected is not None and rejected.get("scoring") == "borderline":
            neutral += 1
            continue
        fp += 1
        false_titles.append(title)
    ranks = {p["title"]: found_top.get(p["title"]) for p in top}
    return DocumentScore(
        document=name,
        expected=len(top),
        found=len(found_top),
        recall=round(len(found_top) / len(top), 3) if top else 1.0,
        precision=round(tp / (tp + fp), 3) if tp + fp else 0.0,
        sub_expected=len(subs),
        sub_found=len(found_sub),
        sub_recall=round(len(found_sub) / len(subs), 3) if subs else None,
        true_positives=tp,
        false_positives=fp,
        neutral=neutral,
        ranks=ranks,
        false_positive_titles=false_titles,
        missed=[p["title"] for p in top if p["title"] not in found_top],
    )


def load_expected(path: Path) -> dict[str, Any]:
    """Read and check a ground-truth file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot read ground truth ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("documents"), dict):
        raise InvalidInput(f"{path}: ground truth needs a 'documents' object")
    return data


def evaluate_extraction(folder: Path, expected_path: Path) -> dict[str, Any]:
    """Extract every document named in the ground truth from ``folder`` and score it."""
    from pipelines.ingest.extract import extract

    expected = load_expected(expected_path)
    scores: list[DocumentScore] = []
    for name, entry in expected["documents"].items():
        path = folder / name
        try:
            extraction = extract(path, with_keywords=False)
        except ObservatoryError as exc:
            empty = score_document(name, entry, [])
            empty.error = exc.message
            scores.append(empty)
            continue
        scores.append(score_document(name, entry, [p.title for p in extraction.priorities]))
    return {"documents": [asdict(s) for s in scores], "overall": _overall(scores)}


def _overall(scores: list[DocumentScore]) -> dict[str, Any]:
    expected = sum(s.expected for s in scores)
    found = sum(s.found for s in scores)
    tp = sum(s.true_positives for s in scores)
    fp = sum(s.false_positives for s in scores)
    sub_expected = sum(s.sub_expected for s in scores)
    return {
        "documents": len(scores),
        "failed": sum(1 for s in scores if s.error),
        "recall": round(found / expected, 3) if expected else None,
        "precision": round(tp / (tp + fp), 3) if tp + fp else 0.0,
        "sub_recall": round(sum(s.sub_found for s in scores) / sub_expected, 3)
        if sub_expected
        else None,
        "macro_recall": round(sum(s.recall for s in scores) / len(scores), 3) if scores else None,
        "macro_precision": round(sum(s.precision for s in scores) / len(scores), 3)
        if scores
        else None,
    }
