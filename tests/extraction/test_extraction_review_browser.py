"""The extraction review end to end in a real headless Chromium against the real app (uvicorn)
on a real SQLite store holding a real PDF: open the queue, see the page image, pick a list, edit
a title, add a missed priority, merge and remove items, submit; then ingest the same file again
(also re-extracted) and check that the reviewed list survives.

Saves test-artifacts/screenshots/extraction_review*.png for a person to look at.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from api.app import create_app
from observatory.domain import Role
from observatory.settings import load_settings
from observatory.store import open_store
from observatory.store.strategies import list_strategies
from observatory.users import create_user
from pipelines.ingest.job import ingest_file

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REVIEWED = ["Marine robotics", "Smart dairy value chains", "Blue biotechnology"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def site(tmp_path: Path, strategy_pdf: Path) -> Iterator[dict]:
    """The app on a free port over a store holding the strategy, waiting for review."""
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium (make chromium)")
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'site.db'}",
        data_dir=tmp_path / "data",
        extraction_review_below=1.0,
        embedding_backend="lexical",  # the pages' search needs no neural model here
    )
    store = open_store(settings)
    assert ingest_file(store, strategy_pdf, settings=settings).status == "created"
    with store.transaction(write=True) as session:
        key = create_user(session, "rita", Role.REVIEWER)[1]
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=_free_port(), log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield {"url": f"http://127.0.0.1:{server.config.port}", "key": key, "store": store,
               "settings": settings, "pdf": strategy_pdf}  # fmt: skip
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.close()


@pytest.fixture
def page(site: dict) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=site["url"], viewport={"width": 1280, "height": 900})
        yield context.new_page()
        context.close()
        browser.close()


def _current(store) -> tuple[int, list[str]]:
    with store.transaction() as session:
        (strategy,) = list_strategies(session)
        return strategy.id, [p.title for p in strategy.priorities]


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_review_an_extraction_end_to_end_and_reingest(site: dict, page) -> None:
    store = site["store"]
    strategy_id, extracted = _current(store)
    # before the review: the priority page says so, and links to its page of the PDF
    with store.transaction() as session:
        first_priority = list_strategies(session)[0].priorities[0].id
    page.goto(f"/priorities/{first_priority}")
    assert page.locator("#extraction-unreviewed").is_visible()
    assert page.locator("#source-page").get_attribute("href") == (
        f"/strategies/{strategy_id}/pdf#page=2"
    )
    page.goto("/search")
    assert page.locator(".result .extraction-unreviewed").count() == len(extracted)
    # each result links to the PDF at its priority's page, and the link serves the PDF
    links = page.locator(".result a.source-page")
    assert links.count() == len(extracted)
    href = links.first.get_attribute("href")
    assert re.fullmatch(rf"/strategies/{strategy_id}/pdf#page=\d+", href)
    served = page.request.get(href.split("#")[0])
    assert served.ok and served.body().startswith(b"%PDF")
    # sign in, open the queue, open the strategy
    page.goto("/review")
    page.get_by_label("Your API key").fill(site["key"])
    page.get_by_role("button", name="Sign in").click()
    page.locator("#extraction-review-link").click()
    page.wait_for_url(re.compile(r"/review/extraction$"))
    queue = page.locator("#extraction-queue")
    assert "low confidence" in queue.inner_text()
    queue.get_by_role("link", name=re.compile("Testland")).click()
    page.wait_for_url(re.compile(rf"/review/extraction/{strategy_id}$"))
    # each candidate list shows its PDF page drawn as an image
    image = page.get_by_role("img", name=re.compile("Page 2 of the strategy's PDF")).first
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 400", arg=image.element_handle()
    )
    assert page.locator(".candidate").count() >= 2
    # pick the list the strategy selects (the extractor's choice, not the decoy objectives)
    chosen = page.locator(".candidate", has_text="chosen by the extractor")
    chosen.get_by_role("link", name="Use this list").click()
    page.wait_for_url(re.compile(r"list=\d+"))
    assert page.get_by_label("Title of row 1").input_value() == extracted[0]
    page.get_by_label("Title of row 4").fill("Smart dairy value chains")  # edit a title
    page.get_by_label("What to do with row 3").select_option("remove")  # Precision forestry
    page.get_by_label("What to do with row 2").select_option("merge:0")
    page.get_by_label("Missed priority 1: title").fill("Blue biotechnology")
    page.get_by_label("Missed priority 1: text").fill("Algae, marine enzymes and biorefineries.")
    page.get_by_label("Missed priority 1: pages").fill("4")
    page.get_by_label("Comment for the audit trail (optional)").fill("textiles belong to marine")
    _shot(page, "extraction_review_edit")
    page.get_by_role("button", name="Save the reviewed list").click()
    page.wait_for_url(re.compile(r"done=decided"))
    assert "Saved" in page.locator(".flash").inner_text()
    assert page.locator("#extraction-status").inner_text() == "reviewed"
    assert [page.get_by_label(f"Title of row {n}").input_value() for n in (1, 2, 3)] == REVIEWED
    assert "textiles belong to marine" in page.locator("#events-heading + table").inner_text()
    _shot(page, "extraction_review")
    reviewed_id, titles = _current(store)
    assert titles == REVIEWED and reviewed_id != strategy_id
    with store.transaction() as session:
        marine = list_strategies(session)[0].priorities[0]
        # the merged row's text went into the row it was merged into
        assert "Circular textiles and precision forestry" in marine.description
        assert marine.pages == [2]
    # the same file again, and again re-read by the extractor: the reviewed list survives
    for reextract, status in ((False, "unchanged"), (True, "reviewed list kept")):
        outcome = ingest_file(store, site["pdf"], settings=site["settings"], reextract=reextract)
        assert (outcome.status, outcome.strategy_id) == (status, reviewed_id)
        assert _current(store) == (reviewed_id, REVIEWED)
    page.goto("/review/extraction")
    assert "Nothing waits" in page.locator("main").inner_text()
    page.goto(f"/review/extraction/{reviewed_id}")
    assert [page.get_by_label(f"Title of row {n}").input_value() for n in (1, 2, 3)] == REVIEWED
    page.goto(f"/priorities/{marine.id}")
    assert page.locator("#extraction-unreviewed").count() == 0
    page.goto("/search")
    assert page.locator(".result").count() == len(REVIEWED)
    assert page.locator(".result .extraction-unreviewed").count() == 0
