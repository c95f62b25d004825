from playwright.sync_api import expect

from planner import services
from tests.factories import make_answers
from tests.planner.test_old_rules import OLD, make_old_plan


def create_plan():
    return services.create_plan(name="Contoso mail flow", answers=make_answers())


def test_share_link_from_the_edit_page_opens_a_read_only_plan(
    page, chromium, live_server, check_a11y, screenshot
):
    saved = create_plan()
    page.goto(f"/e/{saved.edit_token}/?saved=1")
    assert page.get_by_role("status").first.inner_text().startswith("Plan saved")
    share_url = page.locator("#share-link").inner_text()
    assert page.locator("#edit-link").inner_text().endswith(f"/e/{saved.edit_token}/")
    check_a11y(page)
    screenshot(page, "plan-edit")

    context = chromium.new_context()
    try:
        shared = context.new_page()
        shared.goto(share_url)
        assert shared.get_by_role("heading", level=1).inner_text() == "Contoso mail flow"
        titles = shared.locator(".connector-card h3").all_inner_texts()
        assert titles == [c["title"] for c in saved.plan.recommendation["connectors"]]
        html = shared.content()
        assert saved.edit_token not in html
        assert shared.locator("#edit-link").count() == 0
        assert shared.locator("form").count() == 0
        check_a11y(shared)
        screenshot(shared, "plan-shared")
    finally:
        context.close()


def test_copy_button_copies_the_share_link(page, live_server):
    saved = create_plan()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"/e/{saved.edit_token}/")
    page.get_by_role("button", name="Copy share link").click()
    assert page.evaluate("navigator.clipboard.readText()").endswith(f"/p/{saved.share_token}/")


def test_new_share_link_without_javascript(js_disabled_page, live_server):
    saved = create_plan()
    page = js_disabled_page
    page.goto(f"/e/{saved.edit_token}/")
    assert page.get_by_role("button", name="Copy share link").is_hidden()
    page.get_by_role("link", name="Link settings").click()
    page.get_by_role("button", name="Make a new share link").click()
    assert "New share link made" in page.get_by_role("status").inner_text()
    new_share_url = page.locator("#share-link").inner_text()
    assert saved.share_token not in new_share_url
    assert page.goto(f"/p/{saved.share_token}/").status == 404
    assert page.goto(new_share_url).status == 200


def test_expiry_error_keeps_the_date_and_passes_axe(page, live_server, check_a11y):
    saved = create_plan()
    page.goto(f"/e/{saved.edit_token}/links/")
    page.get_by_label("Last day the share link works").fill("2020-01-31")
    page.get_by_role("button", name="Save expiry date").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.get_by_label("Last day the share link works").input_value() == "2020-01-31"
    check_a11y(page)


def test_revision_and_compare_pages_pass_axe(page, live_server, check_a11y):
    saved = create_plan()
    services.update_plan(
        saved.plan,
        name="Contoso, cloud only",
        answers=make_answers({"onprem_server": "none", "subscription": "exchange-online"}),
        expected_revision=1,
    )
    page.goto(f"/p/{saved.share_token}/revisions/1/")
    check_a11y(page)
    page.goto(f"/p/{saved.share_token}/")
    page.get_by_role("link", name="What changed in revision 2").click()
    expect(page.get_by_role("heading", name="Revision 1 and revision 2")).to_be_visible()
    check_a11y(page)


def test_old_plan_edit_page_offers_the_current_rules_and_is_accessible(page, check_a11y):
    saved = make_old_plan()
    page.goto(f"/e/{saved.edit_token}/")
    notice = page.locator(".rules-notice")
    expect(notice).to_contain_text(f"version {OLD} of the planner's rules")
    expect(notice).to_contain_text("What the current rules would change")
    check_a11y(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Save a new revision with the current rules").click()
    assert page.url.endswith(f"/e/{saved.edit_token}/")
    assert "with version" in page.get_by_role("status").inner_text()
    expect(page.locator(".rules-notice")).to_have_count(0)
    check_a11y(page)
