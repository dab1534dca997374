"""``/strategies/{id}/pdf`` and ``/strategies/{id}/pages/{n}.png``: the ingested PDF itself, and
one of its pages drawn as an image, so that every priority links to the page it came from."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session

from api.auth import ReadAccess
from api.deps import SessionDep, SettingsDep
from api.limits import path_id
from api.openapi import errors
from observatory.documents import PAGE_WIDTH_PX, find_pdf, page_png
from observatory.errors import NotFound
from observatory.settings import Settings
from observatory.store.strategies import get_strategy

router = APIRouter(tags=["strategies"])

StrategyId = path_id("strategy")
PageNumber = Annotated[int, Path(ge=1, le=100_000)]
CACHE_SECONDS = 86_400  # a kept PDF never changes: its name is its content hash


def kept_pdf(session: Session, settings: Settings, strategy_id: int) -> tuple[FilePath, str]:
    """The kept PDF of a strategy version and its hash; ``NotFound`` without one."""
    strategy = get_strategy(session, strategy_id)
    sha256 = strategy.source_sha256 or strategy.sha256
    if strategy.source_kind != "pdf" or not sha256:
        raise NotFound(f"strategy {strategy_id} was not read from a PDF")
    return find_pdf(settings.pdf_dir, sha256, strategy.source_path), sha256


def page_image(session: Session, settings: Settings, strategy_id: int, page: int) -> FileResponse:
    """One page of a strategy's PDF as PNG (drawn once, then served from the cache)."""
    pdf, sha256 = kept_pdf(session, settings, strategy_id)
    image = page_png(pdf, settings.page_image_dir, sha256, page, PAGE_WIDTH_PX)
    return FileResponse(
        image, media_type="image/png", headers={"Cache-Control": f"max-age={CACHE_SECONDS}"}
    )


@router.get(
    "/strategies/{strategy_id}/pdf",
    summary="A strategy's PDF",
    response_class=FileResponse,
    responses={
        200: {"content": {"application/pdf": {}}},
        **errors(404, e404="No such strategy, or it was not read from a kept PDF."),
    },
)
def strategy_pdf(
    strategy_id: StrategyId, session: SessionDep, settings: SettingsDep, _reader: ReadAccess
) -> FileResponse:
    """The ingested PDF (open ``#page=N`` to land on a priority's page)."""
    pdf, sha256 = kept_pdf(session, settings, strategy_id)
    return FileResponse(
        pdf,
        media_type="application/pdf",
        content_disposition_type="inline",
        filename=f"strategy-{strategy_id}-{sha256[:12]}.pdf",
        headers={"Cache-Control": f"max-age={CACHE_SECONDS}"},
    )


@router.get(
    "/strategies/{strategy_id}/pages/{page}.png",
    summary="One page of a strategy's PDF as PNG",
    response_class=FileResponse,
    responses={
        200: {"content": {"image/png": {}}},
        **errors(404, e404="No such strategy, kept PDF or page."),
    },
)
def strategy_page_png(
    strategy_id: StrategyId,
    page: PageNumber,
    session: SessionDep,
    settings: SettingsDep,
    _reader: ReadAccess,
) -> FileResponse:
    """The page drawn as an image (for the extraction review)."""
    return page_image(session, settings, strategy_id, page)
