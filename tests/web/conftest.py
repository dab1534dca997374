"""A small real corpus for the page tests, built once per session in a SQLite file.

Regions get priorities on a handful of themes (deterministically), each tagged by a "model"
with a top code and lower-ranked alternatives; a third of the NACE pairs wait for review.
The browser tests also get the real app served by uvicorn on a free local port.
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn

from api.app import create_app
from observatory.domain import LabelCreate, LabelStatus, PriorityCreate, Role, StrategyCreate
from observatory.partnerships import PartnershipCreate, save_partnerships
from observatory.review.queue import enqueue
from observatory.settings import Settings, load_settings
from observatory.store import open_store
from observatory.store.labels import add_labels
from observatory.store.strategies import save_strategy
from observatory.users import create_user

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WARM_UP_SECONDS = 120  # loading the embedding model on a busy 2-core machine
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NUTS_GEOJSON = REPO / ".." / "shared" / "nuts" / "NUTS_RG_20M_2024_4326.geojson"
MODEL = ("test-minilm", "0.1")

# (title, description in our own words, NACE divisions, NABS chapter, ecosystem)
THEMES = [
    ("Hydrogen valleys", "Electrolysers, storage and use of green hydrogen in heavy industry.",
     ["35", "28"], "05", "renewable-energy"),
    ("Medical devices and diagnostics", "Imaging, in-vitro diagnostics and digital health tools.",
     ["32", "26"], "07", "health"),
    ("Digital twins for manufacturing", "Simulation and data platforms for smart factories.",
     ["62", "28"], "06", "digital"),
    ("Sustainable food processing", "New ingredients, food safety and low-waste dairy chains.",
     ["10", "11"], "08", "agri-food"),
    ("Batteries and electric mobility", "Cell production, recycling and electric vehicles.",
     ["27", "29"], "04", "mobility-transport-automotive"),
    ("Games and creative media", "Game studios, film post-production and immersive media.",
     ["59", "58"], "11", "cultural-creative"),
    ("Smart tourism", "Data-driven visitor services and sustainable destinations.",
     ["55", "79"], "09", "tourism"),
    ("Circular construction", "Low-carbon cement, timber buildings and reuse of materials.",
     ["23", "41"], "02", "construction"),
]  # fmt: skip
ALTERNATIVES = {"nace": ["72", "71", "26", "62"], "nabs": ["13", "06", "01", "02"],
                "ecosystem": ["digital", "energy-intensive", "electronics", "retail"]}  # fmt: skip
REGIONS = [
    ("NL1", "Noord-Nederland", "nl"), ("FI1C", "Etelä-Suomi", "fi"), ("DE21", "Oberbayern", "de"),
    ("ES51", "Cataluña", "es"), ("ITC4", "Lombardia", "it"), ("PL21", "Małopolskie", "pl"),
    ("SE11", "Stockholm", "sv"), ("IE05", "Southern Region", "en"), ("AT13", "Wien", "de"),
    ("PT11", "Norte", "pt"), ("CZ01", "Praha", "cs"), ("FI194", "Keski-Suomi", "fi"),
    ("ES24", "Aragón", "es"), ("EL52", "Kentriki Makedonia", "el"),
]  # fmt: skip
# strategies of an earlier programming period, for the period filter
EARLIER_PERIOD = {"PT11": "2014-2020", "CZ01": "2014-2020"}
# (name, platform, lead, members, interested): thematic partnerships over the regions above
PARTNERSHIPS = [
    ("Hydrogen Valleys", "Energy", ["NL1"], ["ES51", "AT13"], ["CZ01"]),
    ("Medical technologies", "Industrial modernisation", ["SE11"], ["DE21"], []),
]  # fmt: skip


@dataclass
class Corpus:
    """What the tests need to know about the built database."""

    settings: Settings
    priority_ids: list[int] = field(default_factory=list)
    themes_by_region: dict[str, list[int]] = field(default_factory=dict)
    pending_tasks: int = 0

    def reviewer_key(self, name: str) -> str:
        """Create a reviewer and return its API key."""
        store = open_store(self.settings, migrate=False)
        try:
            with store.transaction(write=True) as session:
                _user, key = create_user(session, name, Role.REVIEWER)
        finally:
            store.close()
        return key


def _labels(theme: int, pending: bool) -> dict[str, list[LabelCreate]]:
    _title, _description, nace, nabs, ecosystem = THEMES[theme]
    top = {"nace": nace, "nabs": [nabs], "ecosystem": [ecosystem]}
    found: dict[str, list[LabelCreate]] = {}
    for taxonomy, codes in top.items():
        status = (
            LabelStatus.SUGGESTED if pending and taxonomy == "nace" else LabelStatus.AUTO_ACCEPTED
        )
        first = 0.55 if status == LabelStatus.SUGGESTED else 0.93
        ranked = codes + [c for c in ALTERNATIVES[taxonomy] if c not in codes]
        labels = []
        for rank, code in enumerate(ranked[:5], start=1):
            is_top = rank <= len(codes)
            labels.append(
                LabelCreate(
                    taxonomy=taxonomy,
                    code=code,
                    status=status if is_top else LabelStatus.SUGGESTED,
                    probability=round(first / rank, 3),
                    rank=rank,
                    model_id=MODEL[0],
                    model_version=MODEL[1],
                    rationale=[{"text": f"close to the examples of {code}"}],
                    in_set=is_top,  # the theme's codes form the set; the rest are alternatives
                )
            )
        found[taxonomy] = labels
    return found


def build_corpus(settings: Settings) -> Corpus:
    """Store strategies, priorities, model labels and review tasks."""
    corpus = Corpus(settings=settings)
    store = open_store(settings)
    try:
        with store.transaction(write=True) as session:
            for index, (code, name, language) in enumerate(REGIONS):
                themes = sorted({(index + step * 3) % len(THEMES) for step in range(4)})
                corpus.themes_by_region[code] = themes
                result = save_strategy(
                    session,
                    StrategyCreate(
                        title=f"Smart specialisation strategy of {name} 2021-2027",
                        region=name,
                        nuts_code=code,
                        country=code[:2],
                        language=language,
                        period=EARLIER_PERIOD.get(code, "2021-2027"),
                        source_path=f"/strategies/{code.lower()}.pdf",
                        pages=80,
                    ),
                    [
                        PriorityCreate(
                            title=THEMES[theme][0],
                            description=THEMES[theme][1],
                            pages=[10 + theme, 11 + theme],
                            language="en",
                        )
                        for theme in themes
                    ],
                )
                for pid, theme in zip(result.priority_ids, themes, strict=True):
                    pending = pid % 3 == 0
                    for labels in _labels(theme, pending).values():
                        add_labels(session, pid, labels)
                    if pending:
                        enqueue(session, pid, "nace", doubt=0.45, model_version=MODEL[1])
                        corpus.pending_tasks += 1
                    corpus.priority_ids.append(pid)
            save_partnerships(
                session,
                [
                    PartnershipCreate(
                        name=name,
                        thematic_platform=platform,
                        description=f"Regions working together on {name.lower()}.",
                        lead_regions=lead,
                        member_regions=members,
                        interested_regions=interested,
                    )
                    for name, platform, lead, members, interested in PARTNERSHIPS
                ],
            )
    finally:
        store.close()
    return corpus


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The corpus, built once, with the NUTS GeoJSON when ../shared has it."""
    folder = tmp_path_factory.mktemp("web")
    settings = load_settings(
        database_url=f"sqlite:///{folder / 'web.db'}",
        data_dir=folder / "data",
        nuts_geojson=NUTS_GEOJSON.resolve() if NUTS_GEOJSON.is_file() else None,
    )
    return build_corpus(settings)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(corpus: Corpus) -> Iterator[str]:
    """The real app served by uvicorn in a thread; yields its base URL."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(corpus.settings), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    # the first search builds the catalog and loads the embedder: do it before any browser
    # test starts its navigation timer
    urllib.request.urlopen(f"{base}/search?q=warm", timeout=WARM_UP_SECONDS).read()
    yield base
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium driven by Playwright (never a downloaded browser), once per session."""
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium (make chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server: str):
    """A desktop-sized tab on the live server."""
    context = browser.new_context(base_url=live_server, viewport=DESKTOP, accept_downloads=True)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def phone(browser, live_server: str):
    """A phone-sized tab (touch, small viewport) on the live server."""
    context = browser.new_context(
        base_url=live_server, viewport=PHONE, is_mobile=True, has_touch=True
    )
    tab = context.new_page()
    yield tab
    context.close()
