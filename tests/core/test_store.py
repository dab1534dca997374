"""The store on a real database (SQLite; PostgreSQL when configured): migrations, idempotent
saves, versions, append-only audit."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from observatory.domain import LabelCreate, PriorityCreate, StrategyCreate
from observatory.errors import InvalidInput, NotFound
from observatory.store import SQLStore
from observatory.store.audit import audit_history
from observatory.store.labels import add_labels, current_labels, label_history, retire_labels
from observatory.store.strategies import get_priority, list_strategies, save_strategy


@pytest.fixture
def sqlite_store(store: SQLStore) -> SQLStore:
    """The shared ``store`` fixture: SQLite, plus PostgreSQL when a test server is configured."""
    return store


def _strategy(sha: str, title: str = "RIS3 of Testland") -> StrategyCreate:
    return StrategyCreate(
        title=title,
        region="Testland",
        nuts_code="NL1",
        country="NL",
        language="en",
        period="2021-2027",
        source_path="/data/testland_ris3.pdf",
        sha256=sha * 64,
        pages=12,
    )


PRIORITIES = [
    PriorityCreate(title="Energy transition", description="Hydrogen and smart grids", pages=[4]),
    PriorityCreate(title="Green hydrogen", parent="Energy transition", pages=[5]),
    PriorityCreate(title="Agri-food", description="Dairy and food processing", pages=[6, 7]),
]


def test_migrate_is_idempotent_and_creates_all_tables(sqlite_store: SQLStore) -> None:
    sqlite_store.migrate()
    assert {"strategies", "priorities", "labels", "review_tasks", "audit_log", "users"} <= set(
        sqlite_store.table_names()
    )


def test_save_is_idempotent_by_content_hash(sqlite_store: SQLStore) -> None:
    with sqlite_store.transaction(write=True) as session:
        first = save_strategy(session, _strategy("a"), PRIORITIES)
    with sqlite_store.transaction(write=True) as session:
        again = save_strategy(session, _strategy("a"), PRIORITIES)
        assert len(list_strategies(session, current_only=False)) == 1
    assert first.created and not again.created
    assert again.strategy_id == first.strategy_id


def test_changed_content_becomes_a_new_version(sqlite_store: SQLStore) -> None:
    with sqlite_store.transaction(write=True) as session:
        first = save_strategy(session, _strategy("a"), PRIORITIES)
    with sqlite_store.transaction(write=True) as session:
        second = save_strategy(session, _strategy("b"), PRIORITIES[:1])
    assert (second.version, second.superseded_id) == (2, first.strategy_id)
    with sqlite_store.transaction() as session:
        current = list_strategies(session)
        assert [row.id for row in current] == [second.strategy_id]
        assert len(list_strategies(session, current_only=False)) == 2
        history = audit_history(session, "strategy", second.strategy_id)
        assert history[0].action == "strategy.version"


def test_sub_priorities_point_to_their_parent(sqlite_store: SQLStore) -> None:
    with sqlite_store.transaction(write=True) as session:
        saved = save_strategy(session, _strategy("a"), PRIORITIES)
    with sqlite_store.transaction() as session:
        parent, child, other = (get_priority(session, pid) for pid in saved.priority_ids)
        assert child.parent_id == parent.id and other.parent_id is None
        assert child.language == "en" and child.pages == [5]


def test_unknown_parent_is_refused_and_nothing_is_written(sqlite_store: SQLStore) -> None:
    broken = [PriorityCreate(title="Orphan", parent="Missing domain")]
    with pytest.raises(InvalidInput), sqlite_store.transaction(write=True) as session:
        save_strategy(session, _strategy("c"), broken)
    with sqlite_store.transaction() as session:
        assert list_strategies(session, current_only=False) == []


def test_labels_are_retired_not_overwritten(sqlite_store: SQLStore) -> None:
    with sqlite_store.transaction(write=True) as session:
        saved = save_strategy(session, _strategy("a"), PRIORITIES)
        pid = saved.priority_ids[0]
        rows = add_labels(
            session, pid, [LabelCreate(taxonomy="nace", code="35", probability=0.7, rank=1)]
        )
        retire_labels(session, rows)
        add_labels(
            session,
            pid,
            [
                LabelCreate(
                    taxonomy="nace",
                    code="35",
                    reviewer="ana",
                    source_kind="reviewer",
                    status="accepted",
                )
            ],
        )
    with sqlite_store.transaction() as session:
        assert [row.reviewer for row in current_labels(session, pid)] == ["ana"]
        assert len(label_history(session, pid)) == 2


def test_audit_log_refuses_updates_and_deletes(sqlite_store: SQLStore) -> None:
    with sqlite_store.transaction(write=True) as session:
        save_strategy(session, _strategy("a"), PRIORITIES)
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"):  # noqa: SIM117
            with sqlite_store.transaction(write=True) as session:
                session.execute(text(statement))


def test_missing_priority_is_not_found(sqlite_store: SQLStore) -> None:
    with sqlite_store.transaction() as session, pytest.raises(NotFound):
        get_priority(session, 999)
