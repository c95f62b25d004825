"""Issue 14 in a real browser: sharing can't go wrong (desktop and 375 px), the plan at a
glance (page heights), review-existing cards, the link settings page and its error state,
the 410 page, and reflow. axe finds nothing on any of them."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from planner import services
from planner.engine import parse_answers
from tests.factories import make_answers

BENCH_PLAN = Path(__file__).resolve().parents[2] / "bench" / "plan.json"
# document.body.scrollHeight of the edit page of bench/plan.json (the review's scenario 1 plus
# the mail flow diagram) on main before issue 14, at 1280 and 375 px wide.
HEIGHT_BEFORE = {1280: 19_707, 375: 33_321}


def typical_plan():
    body = json.loads(BENCH_PLAN.read_text())
    return services.create_plan(name=body["name"], answers=parse_answers(body["answers"]))


def test_after_saving_the_address_bar_is_clean_and_the_share_link_leads(page, check_a11y):
    saved = typical_plan()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"/e/{saved.edit_token}/?saved=1")
    assert page.url.endswith(f"/e/{saved.edit_token}/"), page.url  # no ?saved=1 to copy
    assert "private edit page, don't share this address" in page.title()
    panel = page.locator(".confirmation-panel")
    expect(panel.get_by_role("status")).to_have_text("Plan saved")
    expect(panel.get_by_role("heading", name="Send this link to colleagues")).to_be_visible()
    expect(panel.locator("#share-link")).to_have_text(
        f"{page.url.split('/e/')[0]}/p/{saved.share_token}/"
    )
    inset = page.locator(".warning-inset")
    expect(inset).to_contain_text("Your private link to change this plan: don't share it")
    # The share link comes first, and the private link is outside the panel.
    assert panel.locator("#edit-link").count() == 0
    panel.get_by_role("button", name="Copy share link").click()
    assert page.evaluate("navigator.clipboard.readText()").endswith(f"/p/{saved.share_token}/")
    check_a11y(page)
    page.reload()
    expect(page.locator(".confirmation-panel")).to_have_count(0)  # shown once


def test_at_375_px_the_two_links_can_be_told_apart(chromium, live_server, check_a11y, screenshot):
    saved = typical_plan()
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"/e/{saved.edit_token}/")
        for link, token, button in (
            ("#share-link", saved.share_token, "Copy share link"),
            ("#edit-link", saved.edit_token, "Copy private edit link"),
        ):
            box = page.locator(link).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375, (link, box)
            expect(page.locator(link)).to_contain_text(token)  # whole, wrapped: its end shows
            expect(page.get_by_text(f"…{token[-4:]}/", exact=True)).to_be_visible()
            copy = page.get_by_role("button", name=button)
            expect(copy).to_be_visible()
            assert copy.bounding_box()["x"] + copy.bounding_box()["width"] <= 375
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        check_a11y(page)
        screenshot(page, "plan-edit-375")
    finally:
        context.close()


def test_link_settings_are_one_click_from_the_links_card(page, check_a11y):
    saved = typical_plan()
    page.goto(f"/e/{saved.edit_token}/")
    page.locator(".warning-inset").get_by_role("link", name="Link settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Link settings")
    check_a11y(page)
    page.get_by_label("Last day the share link works").fill("2020-01-31")
    page.get_by_role("button", name="Save expiry date").click()
    assert page.title().startswith("Error: ")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    check_a11y(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label("Last day the share link works")).to_be_focused()


def test_compare_error_follows_the_wizard_pattern(page, check_a11y):
    saved = typical_plan()
    page.goto(f"/e/{saved.edit_token}/compare/?from=1&to=1")
    assert page.title().startswith("Error: ")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    check_a11y(page)


@pytest.mark.parametrize("width", [1280, 375])
def test_the_plan_fits_in_half_its_former_height(chromium, live_server, check_a11y, width):
    saved = typical_plan()
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    try:
        page = context.new_page()
        page.goto(f"/e/{saved.edit_token}/")
        height = page.evaluate("document.body.scrollHeight")
        # The import section (issue 16, "Compare with what your tenant already has") came after
        # the "before" figure: leave it out to compare like with like.
        audit = page.evaluate(
            "(() => { const a = document.querySelector('section.audit');"
            " if (!a) return 0; const s = getComputedStyle(a);"
            " return a.offsetHeight + parseFloat(s.marginTop) + parseFloat(s.marginBottom); })()"
        )
        print(
            f"edit page at {width} px: {HEIGHT_BEFORE[width]} px before, {height} px now, "
            f"{height - audit:.0f} px without the import section ({audit:.0f} px)"
        )
        if width == 1280:
            assert height - audit <= HEIGHT_BEFORE[width] / 2
        else:
            assert height - audit < HEIGHT_BEFORE[width] * 0.7
        # The top of the page: warnings, then the summary, then the contents list.
        tops = [
            page.locator(selector).bounding_box()["y"]
            for selector in ("#warnings-heading", "#summary-heading", "#contents-heading")
        ]
        assert tops == sorted(tops)
        contents = page.locator("nav.plan-contents").get_by_role("link").all_inner_texts()
        for name in ("Connectors", "Warnings", "Checklist", "PowerShell", "Guides"):
            assert name in contents
        check_a11y(page)
    finally:
        context.close()


def test_scripts_are_collapsed_and_copy_works_while_collapsed(page):
    saved = typical_plan()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"/p/{saved.share_token}/")
    expect(page.locator("#script-exchange-online")).to_be_hidden()
    page.get_by_role("button", name="Copy the Exchange Online script").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == saved.plan.recommendation["powershell"]["exchange_online"].strip()
    page.get_by_text("Show the Exchange Online script").click()
    expect(page.locator("#script-exchange-online")).to_be_visible()


def test_without_javascript_the_script_downloads_and_copy_stays_hidden(js_disabled_page):
    saved = typical_plan()
    page = js_disabled_page
    page.goto(f"/p/{saved.share_token}/")
    expect(page.get_by_role("button", name="Copy the Exchange Online script")).to_be_hidden()
    link = page.get_by_role("link", name="Download the Exchange Online script (.ps1)")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and "New-InboundConnector" in response.text()


def test_review_existing_cards_say_get_and_show_no_table(page, check_a11y):
    saved = services.create_plan(name="HCW", answers=make_answers(hybrid_completed=True))
    page.goto(f"/p/{saved.share_token}/")
    cards = page.locator(".connector-card").filter(has_text="made by the Hybrid Configuration")
    assert cards.count() >= 2
    for card in cards.all():
        expect(card).to_contain_text("Review with Get-")
        expect(card).to_contain_text("don't create it")
        expect(card).not_to_contain_text("New-")
        expect(card.locator("table")).to_have_count(0)
    check_a11y(page)


def test_expired_share_link_says_so_with_410(page, check_a11y):
    saved = typical_plan()
    services.set_share_expiry(saved.plan, expires_on=__import__("datetime").date(2020, 1, 1))
    response = page.goto(f"/p/{saved.share_token}/")
    assert response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    check_a11y(page)


def test_plan_page_reflows_at_320_px(chromium, live_server):
    saved = typical_plan()
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 320, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"/p/{saved.share_token}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        context.close()
