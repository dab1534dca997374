"""The pages in a real headless Chromium against the real app (uvicorn) and a real store.

Each test saves a screenshot into test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import re

import pytest

from tests.web.shots import shot

pytestmark = pytest.mark.browser


def test_search_filter_and_open_a_priority(page) -> None:
    page.goto("/search")
    total = int(page.locator("#results-heading").inner_text().split()[0])
    page.get_by_label("Words or a phrase about the priority").fill("hydrogen")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"q=hydrogen"))
    titles = page.locator(".result h3 a").all_inner_texts()
    assert titles and all("hydrogen" in t.lower() for t in titles)
    assert len(titles) < total
    # ticking a facet applies it at once (search.js); the count shown in the facet is kept
    facet = page.locator("#facet-country li").first
    expected = int(re.search(r"\((\d+)\)", facet.inner_text()).group(1))
    country = facet.locator("input").get_attribute("value")
    facet.locator("input").check()
    page.wait_for_url(re.compile(rf"country={country}"))
    assert page.locator(".result").count() == expected
    assert f"country={country}" in page.get_by_role("link", name="CSV").get_attribute("href")
    shot(page, "search")
    first = page.locator(".result h3 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/priorities/\d+"))
    assert page.locator("h1").inner_text() == title
    assert page.get_by_role("heading", name="Tags").is_visible()
    assert page.locator("table tbody tr").count() >= 3
    shot(page, "priority")


def test_review_three_items_with_the_keyboard(page, corpus) -> None:
    key = corpus.reviewer_key("browser-reviewer")
    page.goto("/review")
    page.get_by_label("Your API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#next-form")  # signing in claims nothing; "n" takes an item
    with page.expect_navigation():
        page.keyboard.press("n")
    page.wait_for_selector("#accept-form")
    seen = []
    for press in ("a", "2", "r"):
        task = page.locator("#accept-form input[name=task_id]").get_attribute("value")
        seen.append(task)
        with page.expect_navigation():
            page.keyboard.press(press)
        page.wait_for_selector("#my-figures")
    assert len(set(seen)) == 3
    figures = {
        el.get_attribute("data-action"): el.inner_text()
        for el in page.locator("#my-figures strong").all()
    }
    assert figures["accept"] == "2" and figures["reject"] == "1"
    # "/" jumps to the taxonomy search without typing a slash into it
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "correct-code"
    assert page.locator("#correct-code").input_value() == ""
    shot(page, "review")
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.keyboard.press("u")
    assert "undone" in page.locator(".flash").inner_text()


def test_region_partners_and_compare(page) -> None:
    page.goto("/regions/NL1")
    assert "NL1" in page.locator("h1").inner_text()
    bars = page.locator(".bar-fill")
    assert bars.count() >= 3
    partners = page.locator("#partners .partner")
    assert partners.count() >= 1
    assert "Both prioritise" in partners.first.inner_text()
    shot(page, "region")
    partners.first.get_by_role("link", name="Compare side by side").click()
    page.wait_for_url(re.compile(r"/compare\?r=NL1&r="))
    assert page.locator(".columns > section").count() == 2
    shot(page, "compare")


def test_map_draws_regions(page, corpus) -> None:
    if corpus.settings.nuts_geojson is None:
        pytest.skip("../shared/nuts/NUTS_RG_20M_2024_4326.geojson is absent")
    page.goto("/map?taxonomy=nace&code=C")
    regions = page.locator("svg.map g.regions path")
    assert regions.count() >= 10
    assert page.locator("svg.map path.country").count() >= 20
    box = page.locator("svg.map").bounding_box()
    assert box and box["width"] > 600 and box["height"] > 400
    coloured = page.locator("svg.map g.regions path:not([data-count='0'])").count()
    assert coloured >= 1
    shot(page, "map")
