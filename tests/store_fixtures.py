"""Pytest plugin with store fixtures shared by every area's tests.

- ``store``: a fresh, migrated ``SQLStore`` per test. SQLite file in ``tmp_path`` always; when
  ``OBSERVATORY_TEST_POSTGRES_URL`` is set (see ``.ci/postgres.sh``) the same test also runs on
  PostgreSQL, in a fresh schema that is dropped afterwards.
- ``seeded_store``: the same, holding ``SEED_STRATEGIES`` (2 countries, 6 priorities) with the
  model's top-5 suggestions for the 3 taxonomies (``SEED_SUGGESTIONS``).

Enable with ``pytest_plugins = ["tests.store_fixtures"]`` in a conftest.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from models.classifier.results import ScoredCode
from observatory.domain import LabelCreate, PriorityCreate, StrategyCreate
from observatory.store.database import SQLStore
from observatory.store.labels import add_labels
from observatory.store.strategies import save_strategy
from pipelines.classify.code_set import code_set

POSTGRES_ENV = "OBSERVATORY_TEST_POSTGRES_URL"
SEED_MODEL = ("test-model", "v1")

# (strategy, priorities); titles and descriptions are our own examples
SEED_STRATEGIES: list[tuple[StrategyCreate, list[PriorityCreate]]] = [
    (
        StrategyCreate(
            title="Smart specialisation strategy of Galicia (test)",
            region="Galicia",
            nuts_code="ES11",
            country="ES",
            language="es",
            key="test:es11",
        ),
        [
            PriorityCreate(title="Blue growth", description="Aquaculture and sustainable fishing."),
            PriorityCreate(title="Dairy and cheese", description="Milk processing plants."),
            PriorityCreate(title="Health technologies", description="Medical devices, e-health."),
        ],
    ),
    (
        StrategyCreate(
            title="Smart specialisation strategy of Uusimaa (test)",
            region="Helsinki-Uusimaa",
            nuts_code="FI1B",
            country="FI",
            language="en",
            key="test:fi1b",
        ),
        [
            PriorityCreate(title="Software and AI", description="Data platforms and AI services."),
            PriorityCreate(title="Forest bioeconomy", description="Wood and pulp products."),
            PriorityCreate(title="Smart energy", description="Smart grids and hydrogen."),
        ],
    ),
]

# per priority (in seed order) and taxonomy: the five suggested codes, best first
SEED_SUGGESTIONS: list[dict[str, list[str]]] = [
    {
        "nace": ["03", "10", "50", "72", "52"],
        "nabs": ["02", "06", "01", "13", "03"],
        "ecosystem": ["agri-food", "tourism", "mobility-transport-automotive", "retail", "health"],
    },
    {
        "nace": ["10", "01", "46", "11", "72"],
        "nabs": ["06", "02", "13", "01", "03"],
        "ecosystem": ["agri-food", "retail", "energy-intensive", "health", "tourism"],
    },
    {
        "nace": ["32", "26", "86", "21", "62"],
        "nabs": ["04", "13", "07", "08", "05"],
        "ecosystem": ["health", "electronics", "digital", "retail", "textile"],
    },
    {
        "nace": ["62", "63", "58", "72", "26"],
        "nabs": ["07", "13", "08", "05", "09"],
        "ecosystem": ["digital", "electronics", "cultural-creative", "retail", "health"],
    },
    {
        "nace": ["16", "02", "17", "20", "38"],
        "nabs": ["06", "02", "03", "13", "07"],
        "ecosystem": ["construction", "energy-intensive", "renewable-energy", "textile", "retail"],
    },
    {
        "nace": ["35", "27", "20", "42", "71"],
        "nabs": ["05", "07", "13", "02", "03"],
        "ecosystem": ["renewable-energy", "energy-intensive", "construction", "digital", "retail"],
    },
]

# first-suggestion probabilities per priority; the others share what is left
SEED_TOP_PROBABILITY = [0.96, 0.55, 0.42, 0.91, 0.30, 0.70]


def seed(store: SQLStore) -> list[int]:
    """Store the seed strategies and suggestions; returns the priority ids in seed order."""
    priority_ids: list[int] = []
    with store.transaction(write=True) as session:
        for strategy, priorities in SEED_STRATEGIES:
            saved = save_strategy(session, strategy, priorities, actor="test")
            priority_ids.extend(saved.priority_ids)
        for priority_id, by_taxonomy, top in zip(
            priority_ids, SEED_SUGGESTIONS, SEED_TOP_PROBABILITY, strict=True
        ):
            for taxonomy, codes in by_taxonomy.items():
                add_labels(session, priority_id, suggestion_labels(taxonomy, codes, top))
    return priority_ids


def suggestion_labels(
    taxonomy: str, codes: list[str], top: float, model: tuple[str, str] = SEED_MODEL
) -> list[LabelCreate]:
    """A model's ranked suggestions as the classification job stores them (the first ones
    members of the code set, by ``pipelines.classify.code_set``)."""
    rest = (1.0 - top) / max(len(codes) - 1, 1)
    ranked = [
        ScoredCode(code, round(top if rank == 1 else rest * (1 - 0.1 * rank), 4), 0.0, rank)
        for rank, code in enumerate(codes, start=1)
    ]
    members = len(code_set(ranked, taxonomy))
    return [
        LabelCreate(
            taxonomy=taxonomy,
            code=scored.code,
            probability=scored.probability,
            rank=scored.rank,
            model_id=model[0],
            model_version=model[1],
            rationale=[{"kind": "test", "rank": scored.rank}],
            in_set=scored.rank <= members,
        )
        for scored in ranked
    ]


def _postgres_params() -> list[object]:
    reason = f"PostgreSQL tests need {POSTGRES_ENV} (run .ci/postgres.sh to get a server)"
    marks = [pytest.mark.postgres]
    if not os.environ.get(POSTGRES_ENV):
        marks.append(pytest.mark.skip(reason=reason))
    return [pytest.param("postgresql", marks=marks)]


# the store backends a test runs on: ``params=BACKENDS`` on a fixture, then ``database_url``
BACKENDS = ["sqlite", *_postgres_params()]


@contextmanager
def database_url(backend: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database: a SQLite file in ``folder``, or a throw-away PostgreSQL
    schema (on ``OBSERVATORY_TEST_POSTGRES_URL``'s server) dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'observatory.db'}"
        return
    base_url = os.environ[POSTGRES_ENV]
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SQLStore]:
    """A fresh migrated store (SQLite file, or a throw-away PostgreSQL schema)."""
    with database_url(request.param, tmp_path_factory.mktemp("store")) as url:
        fresh = SQLStore(url)
        try:
            fresh.migrate()
            yield fresh
        finally:
            fresh.close()


@pytest.fixture
def seeded_store(store: SQLStore) -> SQLStore:
    """A store holding the seed strategies, priorities and model suggestions."""
    seed(store)
    return store


def load_demo_sample(folder: Path) -> dict[str, str]:
    """Load the illustrative sample into a SQLite store in ``folder`` with ``observatory demo
    load`` (unclassified, lexical embedder: no model); returns the environment pointing at it."""
    from cli import main

    env = {
        "OBSERVATORY_DATABASE_URL": f"sqlite:///{folder / 'observatory.db'}",
        "OBSERVATORY_DATA_DIR": str(folder),
        "OBSERVATORY_EMBEDDING_BACKEND": "lexical",
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        with pytest.raises(SystemExit) as done:
            main(["demo", "load", "--skip-classify"])
        assert done.value.code in (0, None)
    return env
