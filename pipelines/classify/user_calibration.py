"""Refit the calibration from what reviewers decided, and find it again at start-up.

Reviewed labels (accepted, corrected or imported) are the best evidence of how sure the model
should be on this deployment's own priorities. The fit runs on a classifier *without* the
reviewed examples: with them, every reviewed text would find itself as a perfect neighbour and
the temperatures would learn a confidence the model does not have on unseen text.
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from sqlalchemy import func, select

from models.classifier import Classifier
from observatory.errors import InvalidInput
from observatory.settings import Settings
from observatory.store import Store
from observatory.store.tables import LabelRow
from pipelines.classify.calibrate import (
    choose_gate,
    classify_sets,
    fit_calibration,
    gate_report,
    save_calibration,
)
from pipelines.classify.evaluation import GoldRow
from pipelines.classify.factory import classifier_from_settings, user_calibration_dir
from pipelines.classify.gate_fit import fit_gate_models, gate_fit_report
from pipelines.classify.job import (
    REVIEWED_SOURCES,
    priority_text,
    reviewed_codes,
    select_priorities,
)

log = logging.getLogger(__name__)

MIN_REVIEWED_PRIORITIES = 30


def count_reviewed_priorities(store: Store) -> int:
    """How many priorities have reviewed labels in force (cheap: no model needed)."""
    with store.transaction() as session:
        return int(
            session.scalar(
                select(func.count(func.distinct(LabelRow.priority_id))).where(
                    LabelRow.is_current.is_(True), LabelRow.source_kind.in_(REVIEWED_SOURCES)
                )
            )
            or 0
        )


def reviewed_rows(store: Store, classifier: Classifier) -> list[GoldRow]:
    """Every priority with reviewed labels in force, as gold rows at the predicted levels."""
    with store.transaction() as session:
        codes: dict[int, dict[str, list[str]]] = {}
        for (priority_id, taxonomy), found in reviewed_codes(session).items():
            if taxonomy in classifier.models:
                codes.setdefault(priority_id, {})[taxonomy] = found
        rows = []
        for priority in select_priorities(session, priority_ids=list(codes)):
            gold = {
                name: classifier.normalise_codes(name, found)
                for name, found in codes[priority.id].items()
            }
            rows.append(
                GoldRow(0, priority_text(priority), str(priority.id), priority.language, gold)
            )
    return rows


def calibrate_from_reviews(
    store: Store,
    settings: Settings,
    *,
    min_priorities: int = MIN_REVIEWED_PRIORITIES,
    dry_run: bool = False,
) -> dict[str, object]:
    """Fit temperatures and abstain thresholds on reviewed labels; save unless ``dry_run``.

    Returns the figures: rows per taxonomy, fitted parameters, the suggested gate and where
    the calibration was written. Refuses (InvalidInput) with too few reviewed priorities.
    """
    found = count_reviewed_priorities(store)
    if found < min_priorities:
        raise InvalidInput(
            f"calibration needs reviewed labels on at least {min_priorities} priorities; "
            f"found {found}. Review more (observatory review) or lower --min-priorities"
        )
    classifier = classifier_from_settings(settings, for_fitting=True)
    embedder = classifier.embedder
    rows = reviewed_rows(store, classifier)
    per_taxonomy = {
        name: sum(1 for row in rows if row.codes.get(name)) for name in classifier.models
    }
    calibration, fitted = fit_calibration(classifier, rows)
    calibrated = classifier.with_calibration(calibration)
    sets = {"reviews": rows}
    predictions = classify_sets(calibrated, sets)
    calibration, gates = choose_gate(calibrated, sets, predictions=predictions)
    # the confidence model needs MIN_GATE_ROWS reviewed texts and some misses to learn from;
    # with fewer, the pair decides
    calibration, models = fit_gate_models(
        calibrated.with_calibration(calibration), sets, predictions, gates
    )
    suggested_gate = {
        name: {k: v for k, v in figures.items() if k != "per_set"}
        for name, figures in gate_report(gates).items()
        if gates[name].probability <= 1.0
    }
    gate_model = {k: v for k, v in gate_fit_report(models).items() if v["used"]}
    folder = user_calibration_dir(settings, embedder.model_id)
    if not dry_run:
        save_calibration(
            classifier, calibration, folder,
            {"fitted_on": "reviewed labels", "rows": len(rows),
             "rows_per_taxonomy": per_taxonomy, "gate": suggested_gate,
             "gate_model": gate_model},
        )  # fmt: skip
    return {
        "model_id": embedder.model_id,
        "priorities": len(rows),
        "rows_per_taxonomy": per_taxonomy,
        "fitted": {name: asdict(figures) for name, figures in fitted.items()},
        "gate": suggested_gate,
        "gate_model": gate_model,
        "calibration": None if dry_run else str(folder),
    }
