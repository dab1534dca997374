"""Server-side page tests with TestClient: status codes, the no-JS search form, error pages,
review by form posts, and accessibility basics (labels, lang, landmarks)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.pages.geo import load_nuts_map
from observatory.settings import load_settings
from observatory.store import open_store
from observatory.taxonomy_service import load_taxonomy


@pytest.fixture(scope="module")
def client(corpus) -> Iterator[TestClient]:
    with TestClient(create_app(corpus.settings)) as test_client:
        yield test_client


class PageAudit(HTMLParser):
    """Collects what the accessibility checks need from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.tags: list[str] = []
        self.links: list[str] = []
        self._in_label = 0
        self.wrapped: int = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = values.get("lang")
        if tag == "label":
            self._in_label += 1
            if values.get("for"):
                self.label_for.add(values["for"])
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag in ("input", "select", "textarea") and values.get("type") != "hidden":
            self.controls.append({**values, "wrapped": "1" if self._in_label else None})

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._in_label -= 1


def audit(html: str) -> PageAudit:
    parser = PageAudit()
    parser.feed(html)
    return parser


def pages(corpus) -> list[str]:
    return [
        "/search",
        "/search?q=batteries&nace_section=C",
        f"/priorities/{corpus.priority_ids[0]}",
        "/regions/NL1",
        "/compare?a=NL1&b=FI1C",
        "/compare",
        "/map?taxonomy=nabs&code=05",
        "/review",
    ]


def test_every_page_is_served_as_accessible_html(client: TestClient, corpus) -> None:
    for url in pages(corpus):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("text/html")
        page = audit(response.text)
        assert page.lang == "en", url
        assert page.tags.count("main") == 1 and "nav" in page.tags and "header" in page.tags
        assert page.tags.count("h1") == 1, url
        for control in page.controls:
            labelled = (
                control.get("id") in page.label_for
                or control.get("aria-label")
                or control.get("wrapped")
            )
            assert labelled, f"{url}: control without a label: {control}"
    assert client.get("/static/style.css").status_code == 200
    assert ":focus-visible" in client.get("/static/style.css").text


def test_search_form_works_without_javascript(client: TestClient) -> None:
    everything = client.get("/search").text
    total = int(re.search(r'id="results-heading">(\d+) priorit', everything).group(1))
    form = audit(everything)
    assert any(c.get("name") == "q" and c.get("type") == "search" for c in form.controls)
    assert any(c.get("name") == "country" and c.get("type") == "checkbox" for c in form.controls)
    found = client.get("/search", params={"q": "batteries"}).text
    count = int(re.search(r'id="results-heading">(\d+) priorit', found).group(1))
    assert 0 < count < total
    titles = re.findall(r'<h3><a href="/priorities/\d+">([^<]+)</a>', found)
    assert titles and all("batter" in t.lower() for t in titles)


def test_facet_counts_predict_the_filtered_results(client: TestClient) -> None:
    html = client.get("/search", params={"q": "food"}).text
    for facet in ("country", "nace_division", "ecosystem", "status"):
        value, count = re.search(
            rf'name="{facet}" value="([^"]+)" >\s*<label[^>]*>[^<]*<span class="count">\((\d+)\)',
            html,
        ).groups()
        narrowed = client.get("/search", params={"q": "food", facet: value}).text
        shown = int(re.search(r'id="results-heading">(\d+) priorit', narrowed).group(1))
        assert shown == int(count), facet
        assert re.search(rf'name="{facet}" value="{re.escape(value)}" checked', narrowed)


def test_nace_section_filter_keeps_only_priorities_tagged_in_it(client: TestClient) -> None:
    taxonomy = load_taxonomy("nace", load_settings())

    def nace_section(code: str) -> str:
        return taxonomy.roll_up(code, "section")

    html = client.get("/search", params={"nace_section": "I"}).text
    codes = re.findall(r'tag-nace[^"]*">\s*<span class="tag-taxonomy">[^<]*</span>\s*'
                       r'<span class="tag-code">([^<]+)</span>', html)  # fmt: skip
    assert codes
    blocks = html.split('<li class="result">')[1:]
    assert blocks
    for block in blocks:
        nace = re.findall(r'tag-nace[^"]*">\s*<span class="tag-taxonomy">[^<]*</span>\s*'
                          r'<span class="tag-code">([^<]+)</span>', block)  # fmt: skip
        assert "I" in {nace_section(code) for code in nace}


def result_card(html: str, priority_id: int) -> str:
    """The search result card of one priority."""
    for block in html.split('<li class="result">')[1:]:
        if f'href="/priorities/{priority_id}"' in block:
            return block
    raise AssertionError(f"priority {priority_id} is not on the page")


def card_members(card: str) -> list[tuple[str, str, str]]:
    """(taxonomy, code, status text) of each code a card shows."""
    return re.findall(
        r'<li data-taxonomy="([^"]+)" data-code="([^"]+)".*?'
        r'<span class="tag-trust member-status">([^<]+)</span>',
        card,
        flags=re.S,
    )


def test_result_cards_show_each_code_set_with_its_members_status(
    client: TestClient, corpus
) -> None:
    from tests.web.conftest import THEMES

    def nace_statuses(pid: int) -> set[str]:
        sets = client.get(f"/api/priorities/{pid}").json()["code_sets"]
        return {member["status"] for member in sets["nace"]["data"]}

    # a priority whose NACE set still waits (other tests review some of them)
    waiting = next(
        pid for pid in corpus.priority_ids if pid % 3 == 0 and nace_statuses(pid) == {"suggested"}
    )
    gated = next(pid for pid in corpus.priority_ids if pid % 3 != 0)
    for pid in (waiting, gated):
        title = re.search(r"<h1>([^<]+)</h1>", client.get(f"/priorities/{pid}").text).group(1)
        theme = next(t for t in THEMES if t[0] == title)
        html = client.get("/search", params={"q": title}).text
        members = card_members(result_card(html, pid))
        # the whole NACE set (the theme's two divisions, the second below the tag threshold
        # when it waits for review), never the alternatives outside the set
        assert [code for taxonomy, code, _ in members if taxonomy == "nace"] == theme[2]
        assert [code for taxonomy, code, _ in members if taxonomy == "nabs"] == [theme[3]]
        assert [code for taxonomy, code, _ in members if taxonomy == "ecosystem"] == [theme[4]]
        nace_status = {status for taxonomy, _, status in members if taxonomy == "nace"}
        expected = "waiting for review" if pid == waiting else "passed the gate"
        assert nace_status == {f"AI tag, not reviewed ({expected})"}


def test_export_link_carries_the_same_filters(client: TestClient) -> None:
    params = {"q": "hydrogen", "country": "nl", "region": "NL1", "nace_section": "D"}
    html = client.get("/search", params=params).text
    href = re.search(r'href="(/api/export\?[^"]+)"', html).group(1).replace("&amp;", "&")
    query = parse_qs(urlparse(href).query)
    assert query["q"] == ["hydrogen"] and query["country"] == ["NL"]
    assert query["nuts"] == ["NL1"] and query["nace"] == ["D"]
    assert query["format"] == ["csv"]


def test_priority_page_shows_passage_pages_provenance_and_history(
    client: TestClient, corpus
) -> None:
    html = client.get(f"/priorities/{corpus.priority_ids[1]}").text
    assert re.search(r"pp\. \d+–\d+", html)
    assert "model test-minilm 0.1" in html
    assert "History" in html and ("tag auto_accepted" in html or "tag suggested" in html)
    assert 'href="/regions/NL1"' in html


def test_missing_things_get_an_html_error_page_with_the_status(client: TestClient) -> None:
    missing = client.get("/priorities/999999")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "no priority with id 999999" in missing.text
    assert client.get("/priorities/not-a-number").status_code == 400
    assert client.get("/regions/not a code").status_code == 400
    assert client.get("/regions/ZZ9").status_code == 404
    assert client.get("/map", params={"taxonomy": "nope"}).status_code == 400
    # the JSON API keeps its JSON error body
    assert client.get("/api/no-such-thing").json()["ok"] is False


def test_region_page_profile_and_partners(client: TestClient, corpus) -> None:
    html = client.get("/regions/nl1").text
    assert "Noord-Nederland" in html
    listed = html.split('id="priorities"')[1]
    links = re.findall(r'<a href="/priorities/(\d+)">', listed)
    assert len(links) == len(corpus.themes_by_region["NL1"])
    widths = [float(w) for w in re.findall(r'class="bar-fill" style="width: ([\d.]+)%"', html)]
    assert widths and all(0 < w <= 100 for w in widths)
    scores = [float(s) for s in re.findall(r"Match ([\d.]+): shared codes", html)]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    # explained in words first, the figures behind it on request
    assert "Both prioritise" in html and re.search(r"weight \d+\.\d\d", html)
    # the matching service explains partners with the most similar pairs of priorities
    assert "closest pair:" in html and re.search(r"cosine 0\.\d\d", html)
    # a country page gathers its regions: FI has FI1C and FI194
    finland = client.get("/regions/FI").text.split('id="priorities"')[1]
    assert len(re.findall(r'<a href="/priorities/\d+">', finland)) == len(
        corpus.themes_by_region["FI1C"]
    ) + len(corpus.themes_by_region["FI194"])


def test_map_without_a_boundaries_file_says_how_to_add_one(corpus) -> None:
    settings = load_settings(
        database_url=corpus.settings.database_url, data_dir=corpus.settings.data_dir
    )
    with TestClient(create_app(settings)) as plain:
        response = plain.get("/map", params={"taxonomy": "ecosystem", "code": "health"})
    assert response.status_code == 200
    assert "OBSERVATORY_NUTS_GEOJSON" in response.text and "<svg" not in response.text
    assert re.search(r"<td>\d+</td>", response.text)


def test_map_paths_come_from_the_geojson(corpus) -> None:
    path = corpus.settings.nuts_geojson
    if path is None:
        pytest.skip("../shared/nuts/NUTS_RG_20M_2024_4326.geojson is absent")
    nuts_map = load_nuts_map(path, (0, 2))
    assert {"NL", "FI", "DE"} <= {s.code for s in nuts_map.at_level(0)}
    oberbayern = nuts_map.shapes["DE21"]
    numbers = [float(n) for n in re.findall(r"-?\d+\.\d", oberbayern.path)]
    xs, ys = numbers[0::2], numbers[1::2]
    assert all(0 <= x <= nuts_map.width for x in xs) and all(0 <= y <= nuts_map.height for y in ys)
    # Bavaria lies south-east of North Holland on the map
    holland = [float(n) for n in re.findall(r"-?\d+\.\d", nuts_map.shapes["NL32"].path)]
    assert min(xs) > min(holland[0::2]) and min(ys) > min(holland[1::2])


def test_review_by_form_posts(client: TestClient, corpus) -> None:
    client.cookies.clear()
    form = client.get("/review").text
    assert "Your API key" in form
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    bad = client.post("/review/sign-in", data={"api_key": "s3o_wrong", "csrf_token": token})
    assert bad.status_code == 401 and "invalid" in bad.text
    key = corpus.reviewer_key("form-reviewer")
    signed = client.post(
        "/review/sign-in", data={"api_key": key, "csrf_token": token}, follow_redirects=False
    )
    assert signed.status_code == 303
    assert "httponly" in signed.headers["set-cookie"].lower()
    assert key not in signed.headers["set-cookie"]
    idle = client.get("/review").text
    assert 'name="task_id"' not in idle  # showing the screen claims nothing
    token = re.search(r'name="csrf_token" value="([^"]+)"', idle).group(1)
    screen = client.post("/review/next", data={"csrf_token": token}).text
    task_id = re.search(r'name="task_id" value="(\d+)"', screen).group(1)
    waiting = int(re.search(r"Waiting in the queue</span> <strong>(\d+)", screen).group(1))
    alternative = re.search(r'id="choose-2">.*?name="code" value="([^"]+)"', screen, re.S).group(1)
    done = client.post(
        "/review/decide",
        data={"task_id": task_id, "action": "accept", "code": alternative, "csrf_token": token},
    )
    assert done.status_code == 200 and "Accepted." in done.text
    assert int(re.search(r"Waiting in the queue</span> <strong>(\d+)", done.text).group(1)) == (
        waiting - 1
    )
    assert re.search(r'data-action="accept">1<', done.text)
    priority_id = re.search(r"/priorities/(\d+)", screen).group(1)
    priority = client.get(f"/priorities/{priority_id}").text
    assert "reviewer form-reviewer" in priority and "review accept" in priority
    undone = client.post("/review/undo", data={"csrf_token": token})
    assert "undone" in undone.text
    client.post("/review/sign-out", data={"csrf_token": token})
    client.cookies.clear()
    assert "Your API key" in client.get("/review").text


def test_pages_render_the_built_in_sample_corpus(tmp_path) -> None:
    """The shipped sample (imported as ``demo load`` does, not yet classified) renders on every
    read page, and every page says it is an illustrative sample."""
    from pipelines.ingest.manual_import import SAMPLE_SOURCE_KIND, import_priorities

    sample = Path(__file__).resolve().parents[2] / "observatory" / "sample" / "priorities.csv"
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 's.db'}", data_dir=tmp_path)
    store = open_store(settings)
    try:
        report = import_priorities(store, sample, source_kind=SAMPLE_SOURCE_KIND)
    finally:
        store.close()
    assert report.priorities >= 300
    with TestClient(create_app(settings)) as sample_client:
        html = sample_client.get("/search").text
        total = int(re.search(r'id="results-heading">(\d+) priorit', html).group(1))
        assert total == report.priorities
        assert "No tags" in html
        assert html.count('class="sample-mark"') == 20  # every hit of the first page
        region = re.search(r'href="/regions/([A-Z0-9]+)"', html).group(1)
        priority = re.search(r'href="/priorities/(\d+)"', html).group(1)
        pages = {
            "/search": html,
            f"/regions/{region}": sample_client.get(f"/regions/{region}").text,
            "/map": sample_client.get("/map", params={"code": "C"}).text,
            f"/priorities/{priority}": sample_client.get(f"/priorities/{priority}").text,
            "/about": sample_client.get("/about").text,
            "/regions": sample_client.get("/regions").text,
        }
        for url, text in pages.items():
            banner = re.search(r'id="sample-banner">(.*?)</p>', text, re.S)
            assert banner, url
            assert f"{report.priorities} of the priorities" in banner.group(1), url
        assert "not a real strategy" in pages[f"/priorities/{priority}"]
