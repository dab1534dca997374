"""The review screen shows a task's whole code set; the reviewer keeps or rejects each code
with the keyboard in a real Chromium, and each verdict reaches the labels and the audit trail."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from tests.web.shots import shot

pytestmark = pytest.mark.browser


def test_keep_one_code_and_reject_another_with_the_keyboard(page, corpus) -> None:
    key = corpus.reviewer_key("set-reviewer")
    page.goto("/review")
    page.get_by_label("Your API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#next-form")
    page.get_by_label("Review tags of").select_option("nace")
    with page.expect_navigation():
        page.get_by_role("button", name="Take the next item").click()
    page.wait_for_selector("#set-form")
    members = page.locator("#set-form .member").evaluate_all(
        "items => items.map(item => item.getAttribute('data-code'))"
    )
    assert len(members) == 2  # the theme's two divisions; the alternatives are not in the set
    task = page.locator("#set-form input[name=task_id]").get_attribute("value")
    href = page.locator("#item-heading a").get_attribute("href")
    priority_id = re.search(r"/priorities/(\d+)", href).group(1)

    # one verdict is not enough: the item stays, with the reason beside the form
    page.keyboard.press("y")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "every member" in page.locator("#set-error").inner_text()
    assert page.locator("#set-form input[name=task_id]").get_attribute("value") == task

    page.keyboard.press("y")  # keep the first code
    page.keyboard.press("x")  # reject the second
    shot(page, "review-code-set")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".flash").inner_text() == "Saved your decision on each code."

    page.goto(f"/priorities/{priority_id}")
    nace = page.locator("#code-sets ol[aria-labelledby=code-set-nace] li")
    assert nace.evaluate_all("items => items.map(item => item.getAttribute('data-code'))") == [
        members[0]
    ]
    assert "checked by a reviewer" in nace.first.inner_text()
    assert "AI tag, not reviewed" in page.locator("#code-sets").inner_text()
    shot(page, "priority-code-set")
    # the search result card shows the same set: the kept code checked, the rejected one gone
    title = page.locator("h1").inner_text()
    page.goto("/search?" + urlencode({"q": title}))
    card = page.locator(".result", has=page.locator(f"a[href='/priorities/{priority_id}']"))
    card_nace = card.locator("li.tag[data-taxonomy=nace]")
    assert card_nace.evaluate_all("items => items.map(item => item.dataset.code)") == [members[0]]
    assert card_nace.first.locator(".member-status").inner_text() == "checked by a reviewer"
    assert "AI tag, not reviewed" in card.locator("li.tag[data-taxonomy=nabs]").inner_text()
    shot(page, "search-card-code-set")
    detail = page.request.get(f"/api/priorities/{priority_id}").json()
    verdicts = {(entry["action"], entry["after"]["code"]) for entry in detail["audit"]}
    assert {("review.code.accept", members[0]), ("review.code.reject", members[1])} <= verdicts
    assert detail["code_sets"]["nace"]["data"][0]["status"] == "accepted"
