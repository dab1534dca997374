"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import SessionDep, SettingsDep
from observatory import __version__

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(session: SessionDep, settings: SettingsDep) -> dict[str, object]:
    """The service answers and its database is reachable."""
    session.execute(text("SELECT 1"))
    backend = settings.database_url.split(":", 1)[0]
    return {"ok": True, "version": __version__, "database": backend}
