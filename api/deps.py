"""Typed FastAPI dependencies: ``SettingsDep``, ``StoreDep``, ``SessionDep``, ``StateDep``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.state import AppState
from observatory.settings import Settings
from observatory.store import Store


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
