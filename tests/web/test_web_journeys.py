"""The analyst's, regional officer's and reviewer's journeys of issue 16, in real Chromium.

One live server and one browser per session (tests/web/conftest.py). Every journey asserts
what the page shows against the store or the JSON API, and saves screenshots at desktop and
phone widths under test-artifacts/screenshots/.
"""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.web.shots import shot

pytestmark = pytest.mark.browser

NO_NETWORK_HOSTS = ("127.0.0.1",)


def result_territories(page) -> set[str]:
    """NUTS codes of the results listed on a search page."""
    links = page.locator(".result .meta a[href^='/regions/']").all()
    return {link.get_attribute("href").rsplit("/", 1)[1] for link in links}


def test_search_two_countries_and_a_period_then_download_xlsx(page, phone, corpus) -> None:
    from openpyxl import load_workbook

    page.goto("/search")
    # every value is reachable: the region facet lists all stored regions, the rest behind
    # "Show all"; empty groups are left out instead of saying "None"
    regions = page.locator("#facet-region input[type=checkbox]")
    assert regions.count() == len(corpus.themes_by_region)
    assert page.locator("#facet-region details.facet-more summary").is_visible()
    assert "None" not in page.locator(".facets").inner_text()
    # type-ahead in the country facet; Enter ticks the first match and applies it
    page.get_by_label("Find a country").fill("finl")
    visible = page.locator("#facet-country li:visible")
    assert visible.count() == 1 and "Finland" in visible.inner_text()
    with page.expect_navigation():
        page.get_by_label("Find a country").press("Enter")
    assert parse_qs(urlparse(page.url).query)["country"] == ["FI"]
    # the other countries stay choosable, each with the number it would add
    others = page.locator("#facet-country input[type=checkbox]:not(:checked)")
    assert others.count() == len({code[:2] for code in corpus.themes_by_region}) - 1
    netherlands = page.locator("#facet-country li", has=page.locator("input[value=NL]"))
    adds = int(re.search(r"\((\d+)\)", netherlands.inner_text()).group(1))
    finland = int(page.locator("#results-heading").inner_text().split()[0])
    with page.expect_navigation():
        netherlands.locator("input").check()
    both = int(page.locator("#results-heading").inner_text().split()[0])
    assert both == finland + adds
    # a period: the earlier period's strategies (PT11, CZ01) are elsewhere; 2021-2027 keeps all
    assert page.locator("#facet-period").is_visible()
    with page.expect_navigation():
        page.locator("#facet-period input[value='2021-2027']").check()
    query = parse_qs(urlparse(page.url).query)
    assert query["country"] == ["FI", "NL"] and query["period"] == ["2021-2027"]
    assert result_territories(page) <= {"FI1C", "FI194", "NL1"}
    assert page.locator(".result").count() == both
    # auto-accepted tags say they are not reviewed, beside their probability
    trust = page.locator(".tag.status-auto_accepted .tag-trust").first
    assert trust.inner_text() == "AI tag, not reviewed (passed the gate)"
    assert trust.locator("xpath=preceding-sibling::span[@class='tag-prob']").count() == 1
    shot(page, "search-two-countries-period")
    # downloads next to each other; the XLSX holds exactly the filtered priorities
    assert page.get_by_role("link", name="CSV").is_visible()
    assert page.get_by_role("link", name="JSON").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    data = download.value.path().read_bytes()
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == both
    country = header.index("country")
    period = header.index("period")
    assert {row[country] for row in body} == {"FI", "NL"}
    assert {row[period] for row in body} == {"2021-2027"}
    # on a phone the menu collapses and the filters come below the results
    phone.goto(page.url)
    assert phone.get_by_role("button", name="Menu").is_visible()
    assert not phone.get_by_role("link", name="Partnerships").is_visible()
    results = phone.locator(".results").bounding_box()
    filters = phone.locator(".facets").bounding_box()
    assert filters["y"] > results["y"] + results["height"] - 1
    shot(phone, "search-phone")
    phone.get_by_role("button", name="Menu").click()
    assert phone.get_by_role("link", name="Partnerships").is_visible()
    shot(phone, "search-phone-menu-open")


def test_open_a_region_steer_its_partners_and_compare_three_by_name(page, phone) -> None:
    page.goto("/regions")
    assert page.locator("#regions-table tbody tr").count() >= 14
    with page.expect_navigation():
        page.locator("#facet-country input[value=ES]").check()
    listed = page.locator("#regions-table tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(listed) == ["ES24", "ES51"]
    shot(page, "regions-spain")
    page.get_by_role("link", name=re.compile("Cataluña")).click()
    page.wait_for_url(re.compile(r"/regions/ES51"))
    # the region's own priorities come first, then partners explained in words
    order = page.evaluate(
        "[...document.querySelectorAll('main section h2')].map(h => h.id)"
    )  # fmt: skip
    assert order.index("priorities-heading") < order.index("partners-heading")
    sentences = page.locator("#partners .partner-sentence").all_inner_texts()
    assert sentences and all(
        re.match(r"(Both prioritise|Similar priorities)", s) for s in sentences
    )
    assert "weight" not in " ".join(sentences)
    shot(page, "region")
    # steer: other countries only, limited to NACE 35 (type-ahead from the taxonomy)
    page.get_by_label(re.compile("Only other countries")).check()
    page.get_by_label("Limited to a code or ecosystem").fill("NACE 35")
    with page.expect_navigation():
        page.get_by_role("button", name="Update suggestions").click()
    codes = [
        href.rsplit("/", 1)[1]
        for href in page.locator("#partners .partner h3 a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
    ]
    assert codes and not any(code.startswith("ES") for code in codes)
    for code in codes:  # every partner really has a priority tagged NACE 35
        found = page.request.get(f"/api/priorities?nuts={code}&nace=35&limit=1").json()
        assert found["count"] >= 1, code
    # complement mode and like/unlike examples by name
    page.get_by_label("Complementary strengths").check()
    page.get_by_label("Limited to a code or ecosystem").fill("")
    page.get_by_label("More like these regions").fill("Wien")
    with page.expect_navigation():
        page.get_by_role("button", name="Update suggestions").click()
    assert "mode=complement" in page.url and not page.locator(".field-error").count()
    # an unknown code gives a message beside its field
    page.get_by_label("Limited to a code or ecosystem").fill("NACE 00")
    with page.expect_navigation():
        page.get_by_role("button", name="Update suggestions").click()
    assert "no code '00' in NACE" in page.locator("#focus-error").inner_text()
    shot(page, "region-steered")
    # compare three regions typed by name
    page.goto("/compare")
    assert page.locator("#region-options option").count() > 100
    page.get_by_label("First region").fill("Aragón")
    page.get_by_label("Second region").fill("Bavaria")
    page.get_by_label("Third region (optional)").fill("Noord-Nederland")
    with page.expect_navigation():
        page.get_by_role("button", name="Compare").click()
    headings = page.locator(".columns > section > h2").all_inner_texts()
    assert len(headings) == 3
    assert "(ES24)" in headings[0] and "(DE2)" in headings[1] and "(NL1)" in headings[2]
    assert "Bavaria" in headings[1]  # the English name beside the official one
    assert page.locator("#match .pair-match").count() == 3
    assert page.locator("#match .pair-match .partner-sentence").count() == 3
    shot(page, "compare-three")
    phone.goto(page.url)
    shot(phone, "compare-three-phone")
    # Greek names in Greek script with the English name beside, not the stored Latin spelling
    page.goto("/regions/EL52")
    title = page.locator("h1").inner_text()
    assert "Κεντρική Μακεδονία (Central Macedonia)" in title and "Kentriki" not in title


def test_browse_partnerships(page) -> None:
    page.goto("/partnerships")
    names = page.locator("#partnerships-table tbody tr td:first-child a").all_inner_texts()
    assert names == ["Hydrogen Valleys", "Medical technologies"]
    shot(page, "partnerships")
    page.get_by_role("link", name="Hydrogen Valleys").click()
    page.wait_for_url(re.compile(r"/partnerships/\d+$"))
    assert "Noord-Nederland" in page.locator(".role-lead").inner_text()
    members = {"NL1", "ES51", "AT13"}
    candidates = [
        href.rsplit("/", 1)[1]
        for href in page.locator("#candidates .partner h3 a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
    ]
    assert candidates and not members & set(candidates)
    assert page.locator("#candidates .partner-sentence").count() == len(candidates)
    if "CZ01" in candidates:
        interested = page.locator(
            "#candidates .partner", has=page.locator("a[href='/regions/CZ01']")
        )
        assert "already interested" in interested.inner_text()
    shot(page, "partnership")


def test_review_with_the_keyboard_including_an_unknown_code(page, phone, corpus) -> None:
    page.goto("/review")
    assert "observatory users add" in page.locator("main").inner_text()
    key = corpus.reviewer_key("journey-reviewer")
    page.get_by_label("Your API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#next-form")  # signing in claims nothing
    # a taxonomy choice on the page: take the next item of one taxonomy
    page.get_by_label("Review tags of").select_option("nace")
    with page.expect_navigation():
        page.get_by_role("button", name="Take the next item").click()
    page.wait_for_selector("#accept-form")
    assert "NACE Rev. 2 tags for" in page.locator("#item-heading").inner_text()
    # the item's five suggestions are suggestions, not tags in force
    meta = page.locator("#item-heading + .meta").inner_text()
    assert "no tag in force yet" in meta
    task = page.locator("#correct-form input[name=task_id]").get_attribute("value")
    # "/" opens the taxonomy search; an unknown code is refused beside the box, same item
    page.keyboard.press("/")
    page.keyboard.type("zz99")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "has no code 'zz99'" in page.locator("#correct-error").inner_text()
    assert page.locator("#correct-form input[name=task_id]").get_attribute("value") == task
    assert page.evaluate("document.activeElement.id") == "correct-code"
    shot(page, "review-unknown-code")
    page.keyboard.press("Control+A")
    page.keyboard.type("72")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".flash").inner_text() == "Corrected."
    assert page.locator("#correct-form input[name=task_id]").get_attribute("value") != task
    assert page.locator("#my-figures [data-action=correct]").inner_text() == "1"
    shot(page, "review")
    phone.goto("/review")
    shot(phone, "review-signin-phone")


def test_docs_work_without_a_network(browser, live_server) -> None:
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    elsewhere: list[str] = []

    def only_local(route) -> None:
        host = urlparse(route.request.url).hostname
        if host in NO_NETWORK_HOSTS:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    try:
        page.goto("/docs")
        page.wait_for_selector(".swagger-ui .opblock-tag", timeout=15000)
        assert page.locator(".swagger-ui .opblock").count() > 10
        shot(page, "docs")
        page.goto("/redoc")
        page.wait_for_selector("h1:has-text('S3 Observatory')", timeout=15000)
        shot(page, "redoc")
        assert page.request.get("/favicon.ico").headers["content-type"] == "image/svg+xml"
    finally:
        context.close()
    assert not elsewhere, elsewhere


def test_about_the_data_shows_the_readme_figures(page) -> None:
    from api.pages.about import QUALITY_HEADING, readme_text, section

    page.goto("/about")
    shown = page.locator("#quality").inner_text()
    figures = re.findall(r"\b\d\.\d{3}\b", section(readme_text(), QUALITY_HEADING))
    assert figures and all(figure in shown for figure in figures)
    shot(page, "about")


def test_map_draws_outermost_regions_and_refuses_unknown_codes(page, phone, corpus) -> None:
    if corpus.settings.nuts_geojson is None:
        pytest.skip("../shared/nuts/NUTS_RG_20M_2024_4326.geojson is absent")
    page.goto("/map?taxonomy=nace&code=C&level=0")
    coloured = page.locator("svg.map g.regions path").evaluate_all(
        "paths => paths.map(p => p.dataset.code)"
    )
    assert coloured and all(len(code) == 2 for code in coloured)  # countries at NUTS 0
    assert page.locator("svg.map rect.inset").count() >= 2  # the Canaries, the Azores, ...
    shot(page, "map-countries")
    page.get_by_label("Taxonomy", exact=True).select_option("ecosystem")
    assert page.get_by_label(re.compile("^Code")).get_attribute("list") == "codes-ecosystem"
    page.get_by_label(re.compile("^Code")).fill("nonsense")
    with page.expect_navigation():
        page.get_by_role("button", name="Draw").click()
    assert "no code 'nonsense'" in page.locator("#code-error").inner_text()
    assert page.locator("svg.map").count() == 0
    phone.goto("/map?taxonomy=ecosystem&code=health&level=2")
    shot(phone, "map-phone")
