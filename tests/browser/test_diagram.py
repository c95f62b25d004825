from planner import services
from tests.factories import make_answers


def test_plan_page_shows_the_mail_flow_diagram_accessibly(
    page, live_server, check_a11y, screenshot
):
    saved = services.create_plan(name="Contoso mail flow", answers=make_answers())
    page.goto(f"/p/{saved.share_token}/")
    diagram = page.get_by_role("img", name="Mail flow diagram")
    assert diagram.is_visible()
    box = diagram.bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    words = page.locator(".mail-flow-text li").all_inner_texts()
    assert words[0].startswith("MX (not stated)")
    assert any("Contoso Bank outbound" in sentence for sentence in words)
    check_a11y(page)
    screenshot(page, "plan-diagram-desktop")

    page.set_viewport_size({"width": 375, "height": 800})
    assert diagram.bounding_box()["width"] <= 375
    check_a11y(page)
    screenshot(page, "plan-diagram-mobile")
