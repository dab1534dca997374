"""A small labelled corpus built in code, served by a real app (SQLite, MiniLM, FAISS)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from observatory.domain import LabelCreate, LabelStatus, PriorityCreate, Role, StrategyCreate
from observatory.settings import load_settings
from observatory.store import open_store
from observatory.store.labels import add_labels
from observatory.store.strategies import save_strategy
from observatory.users import create_user
from tests.store_fixtures import database_url

# region -> (country, name, [(title, description, {taxonomy: [codes]}, status)])
CORPUS: dict[str, tuple[str, str, list[tuple[str, str, dict[str, list[str]], str]]]] = {
    "ES21": (
        "ES",
        "País Vasco",
        [
            (
                "Green hydrogen production",
                "Electrolysers powered by renewable electricity produce hydrogen for the "
                "steel and chemical plants of the Basque coast.",
                {"nace": ["35"], "ecosystem": ["renewable-energy"], "nabs": ["05"]},
                "accepted",
            ),
            (
                "Hydrogen storage and fuel cells for heavy transport",
                "Tanks, refuelling stations and fuel cell trucks for logistics corridors.",
                {"nace": ["28", "29"], "ecosystem": ["renewable-energy"], "nabs": ["05"]},
                "suggested",
            ),
            (
                "Advanced manufacturing for wind turbines",
                "Machine tools and composite blades for offshore wind farms.",
                {"nace": ["28"], "ecosystem": ["renewable-energy"], "nabs": ["06"]},
                "auto_accepted",
            ),
        ],
    ),
    "NL11": (
        "NL",
        "Groningen",
        [
            (
                "Hydrogen valley",
                "Electrolysis of water with wind power and hydrogen pipelines feeding the "
                "chemical industry of the northern Netherlands.",
                {"nace": ["35", "20"], "ecosystem": ["renewable-energy"], "nabs": ["05"]},
                "corrected",
            ),
            (
                "Energy transition of industry",
                "Carbon capture and hydrogen-based heat for energy intensive plants.",
                {"nace": ["35"], "ecosystem": ["energy-intensive"], "nabs": ["05"]},
                "suggested",
            ),
        ],
    ),
    "ITF3": (
        "IT",
        "Campania",
        [
            (
                "Sustainable coastal tourism",
                "Hotels, beaches and cultural routes attract visitors outside the summer "
                "season with digital booking and heritage experiences.",
                {"nace": ["55", "79"], "ecosystem": ["tourism"], "nabs": ["10"]},
                "suggested",
            ),
            (
                "Cultural heritage and museums",
                "Archaeological sites and museums use virtual reality for visitors.",
                {"nace": ["91"], "ecosystem": ["cultural-creative", "tourism"], "nabs": ["10"]},
                "accepted",
            ),
        ],
    ),
    "ITC4": (
        "IT",
        "Lombardia",
        [
            (
                "Electrical equipment for renewable power",
                "Transformers, inverters and grid equipment for solar and wind power plants.",
                {"nace": ["27"], "ecosystem": ["renewable-energy"], "nabs": ["05"]},
                "suggested",
            ),
            (
                "Renewable energy services",
                "Engineering of solar parks and small wind power projects.",
                {"nace": ["35"], "ecosystem": ["renewable-energy"], "nabs": ["05"]},
                "suggested",
            ),
            (
                "Food processing and agri-food quality",
                "Dairy and cured meat producers improve traceability and food safety.",
                {"nace": ["10"], "ecosystem": ["agri-food"], "nabs": ["08"]},
                "suggested",
            ),
        ],
    ),
    "FRK2": (
        "FR",
        "Rhône-Alpes",
        [
            (
                "Agri-food innovation",
                "Cheese and wine producers develop new products with food technology labs.",
                {"nace": ["10", "11"], "ecosystem": ["agri-food"], "nabs": ["08"]},
                "suggested",
            ),
            (
                "Mountain tourism all year round",
                "Ski resorts diversify into summer hiking and wellness tourism.",
                {"nace": ["55", "93"], "ecosystem": ["tourism"], "nabs": ["10"]},
                "suggested",
            ),
        ],
    ),
}


def build_corpus(store) -> dict[str, int]:
    """Store the corpus with labels; returns priority ids by title."""
    ids: dict[str, int] = {}
    with store.transaction(write=True) as session:
        for nuts, (country, name, priorities) in CORPUS.items():
            saved = save_strategy(
                session,
                StrategyCreate(
                    title=f"Smart specialisation strategy of {name}",
                    region=name,
                    nuts_code=nuts,
                    country=country,
                    language="en",
                    period="2021-2027",
                    source_kind="import",
                ),
                [
                    PriorityCreate(title=t, description=d, language="en")
                    for t, d, _, _ in priorities
                ],
            )
            for priority_id, (title, _, labels, status) in zip(
                saved.priority_ids, priorities, strict=True
            ):
                ids[title] = priority_id
                for taxonomy, codes in labels.items():
                    add_labels(
                        session,
                        priority_id,
                        [
                            LabelCreate(
                                taxonomy=taxonomy,
                                code=code,
                                status=LabelStatus(status),
                                probability=0.9 - 0.1 * rank,
                                rank=rank + 1,
                                model_id="test-model",
                                model_version="test-1",
                            )
                            for rank, code in enumerate(codes)
                        ],
                    )
    return ids


@pytest.fixture(scope="module")
def corpus_app(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[dict]:
    """A served app over the corpus, the real MiniLM and a FAISS index, with three users."""
    folder: Path = tmp_path_factory.mktemp("api")
    settings = load_settings(
        database_url=f"sqlite:///{folder / 'api.db'}", data_dir=folder / "data"
    )
    store = open_store(settings)
    ids = build_corpus(store)
    keys = {}
    with store.transaction(write=True) as session:
        for role in (Role.ANALYST, Role.REVIEWER, Role.ADMIN):
            _, keys[role.value] = create_user(session, f"{role.value}-user", role)
    store.close()
    app = create_app(settings)
    with TestClient(app) as client:
        # the shared session embedder stands in for the configured one (same model)
        app.state.observatory.service("embedder", lambda: embedder)
        yield {"client": client, "ids": ids, "keys": keys, "app": app}


@pytest.fixture
def client(corpus_app: dict) -> TestClient:
    """The corpus app's client."""
    return corpus_app["client"]


def assert_error_body(body: dict, status: int) -> None:
    """The common error body."""
    assert set(body) == {"ok", "error", "status", "errors"}
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]


@pytest.fixture(scope="session")
def corpus_builder():
    """``build_corpus`` for tests that build their own app."""
    return build_corpus


@contextmanager
def lexical_admin_client(
    backend: str, folder: Path, seed: Callable | None = None, **overrides
) -> Iterator[tuple[object, TestClient]]:
    """The corpus app on one store backend with the lexical embedders (no model) and an admin
    key; ``seed(session, ids)`` adds rows first, ``overrides`` are settings."""
    with database_url(backend, folder) as url:
        settings = load_settings(
            database_url=url,
            data_dir=folder / "data",
            embedding_backend="lexical",
            search_embedding_backend="lexical",
            starter_examples=False,
            **overrides,
        )
        store = open_store(settings)
        ids = build_corpus(store)
        with store.transaction(write=True) as session:
            _, key = create_user(session, "lexical-admin", Role.ADMIN)
            if seed is not None:
                seed(session, ids)
        store.close()
        app = create_app(settings)
        with TestClient(app, raise_server_exceptions=False) as client:
            client.headers["X-API-Key"] = key
            yield app, client
