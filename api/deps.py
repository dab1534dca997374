"""Typed FastAPI dependencies: ``SettingsDep``, ``StoreDep``, ``SessionDep``, ``StateDep``, and
the services built once per app: ``SearchDep``, ``MatchingDep``, ``IndexDep``, ``TaxonomiesDep``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api import services
from api.state import AppState
from observatory.matching import MatchingService
from observatory.search import SearchService
from observatory.settings import Settings
from observatory.store import Store
from pipelines.index import PriorityVectors
from taxonomies import Taxonomy


def get_state(request: Request) -> AppState:
    """The state the lifespan built."""
    return request.app.state.observatory


def get_settings(state: Annotated[AppState, Depends(get_state)]) -> Settings:
    """Effective settings of this app."""
    return state.settings


def get_store(state: Annotated[AppState, Depends(get_state)]) -> Store:
    """The app's store."""
    return state.store


def get_session(store: Annotated[Store, Depends(get_store)]) -> Iterator[Session]:
    """A read transaction for one request."""
    with store.transaction() as session:
        yield session


StateDep = Annotated[AppState, Depends(get_state)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
SessionDep = Annotated[Session, Depends(get_session)]


def get_search(state: StateDep) -> SearchService:
    """The hybrid search service."""
    return services.search_service(state)


def get_matching(state: StateDep) -> MatchingService:
    """The partner matching service."""
    return services.matching_service(state)


def get_index(state: StateDep) -> PriorityVectors | None:
    """The priorities' vector index (None when no embedder can be built)."""
    return services.priority_vectors(state)


def get_taxonomies(state: StateDep) -> dict[str, Taxonomy]:
    """The served taxonomies by name."""
    return services.taxonomies(state)


SearchDep = Annotated[SearchService, Depends(get_search)]
MatchingDep = Annotated[MatchingService, Depends(get_matching)]
IndexDep = Annotated[PriorityVectors | None, Depends(get_index)]
TaxonomiesDep = Annotated[dict[str, Taxonomy], Depends(get_taxonomies)]
