"""The FastAPI application factory. No module-global app: call ``create_app``."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from api.auth import site_access
from api.body_limit import MIB, BodySizeLimit
from api.errors import install_error_handlers
from api.limits import refuse_nul
from api.openapi import install_openapi
from api.pages import PAGE_ROUTER_MODULES
from api.pages.docs import install_docs
from api.pages.rendering import STATIC_DIR
from api.state import AppState
from observatory import __version__
from observatory.settings import Settings, load_settings
from observatory.store import open_store

# Routers are added as their modules land; each exposes ``router``.
ROUTER_MODULES = (
    "api.routes.health",
    "api.routes.priorities",
    "api.routes.taxonomies",
    "api.routes.regions",
    "api.routes.partnerships",
    "api.routes.export",
    "api.routes.review",
    "api.routes.classify",
    "api.routes.documents",
    "api.routes.extraction_reviews",
    *PAGE_ROUTER_MODULES,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the store is opened (and migrated) in the lifespan."""
    current = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_store(current)
        app.state.observatory = state = AppState(settings=current, store=store)
        try:
            yield
        finally:
            state.close()
            store.close()

    app = FastAPI(
        title="S3 Observatory",
        version=__version__,
        description="Search, classify, review and match the priorities of EU Smart "
        "Specialisation Strategies.",
        lifespan=lifespan,
        # one gate for every route, so a new page or endpoint is never left open by mistake,
        # then one check of its input, so none fails on a NUL deep in a query
        dependencies=[Depends(site_access), Depends(refuse_nul)],
        docs_url=None,  # served offline by install_docs
        redoc_url=None,
    )
    install_error_handlers(app)
    for name in ROUTER_MODULES:
        app.include_router(importlib.import_module(name).router)
    install_docs(app)
    install_openapi(app)
    app.add_middleware(BodySizeLimit, max_bytes=current.max_body_mb * MIB)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
