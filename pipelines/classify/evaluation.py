"""Evaluate the classifier against a GOLD.csv of labelled priorities.

GOLD.csv: a ``text`` column and any of ``nace``, ``nabs``, ``ecosystem`` (';'-separated gold
codes; NACE at division or finer, scored at division level), optional ``id`` and ``language``.
"""

from __future__ import annotations

import csv
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.classifier import Classifier, Prediction, gate
from observatory.errors import UnprocessableFile

log = logging.getLogger(__name__)

TAXONOMY_COLUMNS = ("nace", "nabs", "ecosystem")


@dataclass
class GoldRow:
    """One labelled text; ``codes`` maps taxonomy -> gold codes at the predicted level."""

    line: int
    text: str
    id: str = ""
    language: str | None = None
    codes: dict[str, list[str]] = field(default_factory=dict)


def read_gold(path: Path, classifier: Classifier) -> tuple[list[GoldRow], list[str]]:
    """Parse and validate a GOLD.csv; returns rows and the taxonomy columns it holds."""
    path = Path(path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise UnprocessableFile(str(path), f"cannot read: {exc.strerror or exc}") from exc
    with handle:
        reader = csv.DictReader(handle)
        columns = [c.strip().lower() for c in reader.fieldnames or []]
        if "text" not in columns:
            raise UnprocessableFile(str(path), "missing column 'text'", line=1)
        present = [t for t in TAXONOMY_COLUMNS if t in columns and t in classifier.models]
        if not present:
            raise UnprocessableFile(
                str(path), "no taxonomy column: add one of 'nace', 'nabs', 'ecosystem'", line=1
            )
        rows: list[GoldRow] = []
        rolled: dict[str, dict[str, str]] = {name: {} for name in present}  # each code once
        for raw in reader:
            record = {str(k).strip().lower(): (v or "").strip() for k, v in raw.items() if k}
            line = reader.line_num
            if not record.get("text"):
                raise UnprocessableFile(str(path), "empty text", line=line)
            language = record.get("language") or None
            row = GoldRow(line, record["text"], record.get("id", ""), language)
            for name in present:
                codes = [c.strip() for c in record.get(name, "").split(";") if c.strip()]
                if codes:
                    try:
                        row.codes[name] = classifier.normalise_codes(name, codes, rolled[name])
                    except Exception as exc:
                        reason = f"invalid {name} code in {record[name]!r}"
                        raise UnprocessableFile(str(path), reason, line=line) from exc
            rows.append(row)
    if not rows:
        raise UnprocessableFile(str(path), "no rows")
    return rows, present


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def score_predictions(
    rows: Sequence[GoldRow],
    predictions: Sequence[Mapping[str, Prediction]],
    taxonomy: str,
    *,
    min_probability: float | None,
    min_margin: float | None,
    roll_up: Any = None,
    accepts: Callable[[Prediction, float | None, float | None], bool] = gate,
) -> dict[str, Any]:
    """top1/top3/gate figures for one taxonomy (rows without gold codes are skipped)."""
    totals = {"n": 0, "top1": 0, "top3": 0, "section": 0, "auto": 0, "auto_ok": 0}
    by_language: dict[str, dict[str, int]] = {}
    for row, prediction in zip(rows, predictions, strict=True):
        gold = row.codes.get(taxonomy)
        if not gold:
            continue
        pred = prediction[taxonomy]
        ranked = [c.code for c in pred.codes]
        top1 = bool(ranked) and ranked[0] in gold
        top3 = any(code in gold for code in ranked[:3])
        totals["n"] += 1
        totals["top1"] += top1
        totals["top3"] += top3
        if roll_up is not None and pred.rolled_up:
            totals["section"] += pred.rolled_up[0].code in {roll_up(g) for g in gold}
        if accepts(pred, min_probability, min_margin):
            totals["auto"] += 1
            totals["auto_ok"] += top1
        lang = by_language.setdefault(row.language or "unknown", {"n": 0, "top1": 0, "top3": 0})
        lang["n"] += 1
        lang["top1"] += top1
        lang["top3"] += top3
    result: dict[str, Any] = {
        "n": totals["n"],
        "top1": _rate(totals["top1"], totals["n"]),
        "top3": _rate(totals["top3"], totals["n"]),
    }
    if roll_up is not None:
        result["section_top1"] = _rate(totals["section"], totals["n"])
    result["auto_coverage"] = _rate(totals["auto"], totals["n"])
    result["auto_precision"] = _rate(totals["auto_ok"], totals["auto"])
    result["by_language"] = {
        lang: {"n": c["n"], "top1": _rate(c["top1"], c["n"]), "top3": _rate(c["top3"], c["n"])}
        for lang, c in sorted(by_language.items())
    }
    return result


def evaluate_classification(
    path: Path,
    classifier: Classifier,
    *,
    min_probability: float | None = None,
    min_margin: float | None = None,
) -> dict[str, Any]:
    """Classify every gold text and report accuracy and gate figures per taxonomy."""
    started = time.perf_counter()
    rows, present = read_gold(path, classifier)
    _warn_on_examples(rows, classifier)
    languages = [row.language for row in rows]
    predictions = classifier.classify(
        [row.text for row in rows], taxonomies=present, top_k=5, languages=languages
    )
    report: dict[str, Any] = {}
    for name in present:
        roll_up = None
        if name == "nace":
            nace = classifier.models["nace"].taxonomy

            def roll_up(code: str, nace: Any = nace) -> str:
                return nace.roll_up(code, "section")

        report[name] = score_predictions(
            rows, predictions, name,
            min_probability=min_probability, min_margin=min_margin, roll_up=roll_up,
            accepts=classifier.gate,
        )  # fmt: skip
    report["embedder"] = classifier.embedder.model_id
    report["seconds"] = round(time.perf_counter() - started, 3)
    return report


def _warn_on_examples(rows: Sequence[GoldRow], classifier: Classifier) -> None:
    """Say when gold texts are also the classifier's examples: their figures are not a measure
    on unseen text (the dev split is the starter set)."""
    known = {text for model in classifier.models.values() for text in model.examples.texts}
    overlap = sum(row.text in known for row in rows)
    if overlap:
        log.warning(
            "%d of %d gold texts are also validated examples of the classifier (starter examples "
            "or reviews), so they score as seen text; OBSERVATORY_STARTER_EXAMPLES=false leaves "
            "the starter examples out",
            overlap,
            len(rows),
        )
