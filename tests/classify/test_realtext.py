"""The real-text sets: read from ../shared at run time, held out by class, our labels by hash."""

from __future__ import annotations

import json

import pytest

from pipelines.classify.metrics import expected_calibration_error
from pipelines.classify.realtext import (
    DEFAULT_SHARED,
    STRATEGY_LABELS,
    class_split,
    held_out_classes,
    real_sets,
    split_of,
)

needs_shared = pytest.mark.skipif(
    not (DEFAULT_SHARED / "strategies" / "expected_priorities.json").is_file(),
    reason=f"reference folder {DEFAULT_SHARED} is absent",
)


def test_classes_split_the_same_way_every_time_and_mostly_train() -> None:
    classes = [f"{d:02d}.{c}" for d in range(1, 100) for c in range(10, 20)]
    parts = [class_split(code) for code in classes]
    assert parts == [class_split(code) for code in classes]
    assert 0.6 < parts.count("train") / len(parts) < 0.8
    assert {"fit", "check"} <= set(parts)
    assert held_out_classes(classes) == {c for c, p in zip(classes, parts, strict=True)
                                         if p != "train"}  # fmt: skip


def test_expected_calibration_error() -> None:
    import numpy as np

    right = np.array([True, True, False, False])
    assert expected_calibration_error(np.array([0.55, 0.55, 0.55, 0.55]), right) == pytest.approx(
        0.05
    )
    assert expected_calibration_error(np.array([1.0, 1.0, 1.0, 1.0]), right) == pytest.approx(0.5)


@needs_shared
def test_every_strategy_title_has_our_labels_and_the_repo_holds_no_title() -> None:
    sets = {s.name: s for s in real_sets()}
    ours, reference = sets["strategies"], sets["strategies-ref"]
    assert len(ours.texts) >= len(reference.texts) > 50
    titles = {t.text for t in ours.texts}
    stored = STRATEGY_LABELS.read_text("utf-8")
    assert not [title for title in titles if title in stored]
    labels = json.loads(stored)["labels"]
    assert sum(len(v) for v in labels.values()) == 40
    for text in ours.texts:
        assert {"nace", "nabs", "ecosystem"} <= set(text.codes)


@needs_shared
def test_notes_phrases_are_held_out_by_class() -> None:
    sets = {s.name: s for s in real_sets()}
    for name in ("notes-en", "notes-de", "ateco-it", "pkd-pl"):
        texts = sets[name].texts
        train = {t.nace_class for t in split_of(texts, "train")}
        check = {t.nace_class for t in split_of(texts, "check")}
        assert train and check and not train & check
        assert all(t.codes["nace"][0] == t.nace_class[:2] for t in texts)
