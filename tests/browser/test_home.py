from playwright.sync_api import expect


def test_home_page_has_no_accessibility_violations(page, check_a11y, screenshot):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_a11y(page)
    screenshot(page)


def test_start_a_plan_links_to_the_wizard(page):
    page.goto("/")
    link = page.get_by_role("link", name="Start a plan")
    assert link.get_attribute("href") == "/wizard/"


def test_skip_link_is_the_first_focusable_element(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"


def test_home_page_works_without_javascript(js_disabled_page):
    js_disabled_page.goto("/")
    expect(js_disabled_page.get_by_text("Start a plan")).to_be_visible()


def test_not_found_page_has_no_accessibility_violations(page, check_a11y):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    check_a11y(page)
