"""Migration 0006 marks the members of each stored code set: reviewed labels and the model's top
code are members; a lower model suggestion is one when it reaches its taxonomy's set threshold
within the maximum set size (SQLite and PostgreSQL)."""

from __future__ import annotations

import logging

from alembic import command
from alembic.config import Config
from sqlalchemy import select, text

from observatory.domain import PriorityCreate, StrategyCreate
from observatory.store.database import MIGRATIONS_DIR
from observatory.store.strategies import save_strategy
from observatory.store.tables import LabelRow

_LABEL = (
    "INSERT INTO labels (priority_id, taxonomy, code, status, probability, rank, source_kind, "
    "rationale, is_current, created_at) VALUES (:pid, :taxonomy, :code, :status, :p, :rank, "
    ":kind, '[]', :current, '2026-01-01 00:00:00')"
)


def _downgrade(store, revision: str) -> None:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_stored_labels_get_their_set_membership(store) -> None:
    with store.transaction(write=True) as session:
        saved = save_strategy(
            session,
            StrategyCreate(title="Oldland S3", country="NL", source_kind="import", key="old"),
            [PriorityCreate(title="Dairy"), PriorityCreate(title="Wind")],
        )
    dairy, wind = saved.priority_ids
    _downgrade(store, "0005")
    rows = [  # (priority, taxonomy, code, status, probability, rank, source kind)
        (dairy, "nace", "10", "suggested", 0.60, 1, "model"),
        (dairy, "nace", "01", "suggested", 0.20, 2, "model"),
        (dairy, "nace", "11", "suggested", 0.09, 3, "model"),
        (dairy, "nace", "46", "suggested", 0.085, 4, "model"),  # beyond three members
        (dairy, "nace", "72", "suggested", 0.01, 5, "model"),
        (dairy, "nabs", "08", "suggested", 0.55, 1, "model"),
        (dairy, "nabs", "06", "suggested", 0.09, 2, "model"),  # under NABS's 0.10
        (wind, "nace", "35", "accepted", 0.40, 1, "reviewer"),
        (wind, "nace", "28", "corrected", None, 2, "reviewer"),
        (wind, "ecosystem", "renewable-energy", "auto_accepted", 0.9, 1, "model"),
        (wind, "ecosystem", "energy-intensive", "suggested", 0.08, 2, "model"),
    ]
    with store.engine.begin() as connection:
        for pid, taxonomy, code, status, p, rank, kind in rows:
            connection.execute(
                text(_LABEL),
                {"pid": pid, "taxonomy": taxonomy, "code": code, "status": status, "p": p,
                 "rank": rank, "kind": kind, "current": True},
            )  # fmt: skip
    store.migrate()
    with store.transaction() as session:
        found = {
            (row.priority_id, row.taxonomy, row.code): row.in_set
            for row in session.scalars(select(LabelRow))
        }
    members = {key for key, in_set in found.items() if in_set}
    assert members == {
        (dairy, "nace", "10"),
        (dairy, "nace", "01"),
        (dairy, "nace", "11"),
        (dairy, "nabs", "08"),
        (wind, "nace", "35"),
        (wind, "nace", "28"),
        (wind, "ecosystem", "renewable-energy"),
        (wind, "ecosystem", "energy-intensive"),
    }
    assert len(found) == len(rows)
