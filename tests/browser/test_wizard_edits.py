"""Issue 14, item 6 in a real browser: editing a saved plan (Cancel, Back, no-change saves,
edit copy), the step counter, nothing pre-selected, focus after "Add another partner", and the
organisation page's private-IP error (review M1-M3, M7, H4). axe finds nothing."""

import re

from playwright.sync_api import expect

from planner import services
from tests.browser.test_wizard import EXO, Wizard, fill_partner
from tests.factories import make_answers


def saved_plan():
    answers = make_answers(
        onprem_server="exchange-2016", onprem_up_to_date=True, mx_points_to="on-premises"
    )
    return services.create_plan(name="Contoso mail flow", answers=answers)


def test_editing_cancel_back_and_a_save_without_change(page, check_a11y):
    saved = saved_plan()
    page.goto(f"/e/{saved.edit_token}/")
    page.get_by_role("link", name="Change answers").click()
    expect(page.get_by_role("button", name="Save as revision 2")).to_be_visible()
    expect(page.get_by_text("Saving gives you")).to_have_count(0)
    check_a11y(page)
    page.get_by_role("link", name="Back to the plan").click()
    assert page.url.endswith(f"/e/{saved.edit_token}/")

    page.get_by_role("link", name="Change answers").click()
    page.get_by_role("link", name=re.compile("^Change .*service subscription")).click()
    page.get_by_role("link", name="Cancel and return to the plan").click()
    assert page.url.endswith(f"/e/{saved.edit_token}/")

    page.get_by_role("link", name="Change answers").click()
    page.get_by_role("button", name="Save as revision 2").click()
    assert page.url.endswith(f"/e/{saved.edit_token}/")
    expect(page.get_by_role("status")).to_have_text(
        "Nothing changed: revision 1 is still the current one."
    )
    saved.plan.refresh_from_db()
    assert saved.plan.revision == 1


def test_the_counter_has_no_total_and_nothing_is_pre_selected(page, check_a11y):
    wizard = Wizard(page, check_a11y)
    wizard.start()
    expect(page.locator(".step-progress")).to_have_text("Question 1")
    assert page.locator("input[type=radio]:checked, input[type=checkbox]:checked").count() == 0


def test_organization_page_refuses_a_private_ip_when_identifying_by_ip(page, check_a11y):
    wizard = Wizard(page, check_a11y)
    wizard.start().answer("Exchange Server 2016")
    wizard.answer("Yes")
    wizard.answer(EXO)
    wizard.answer("No")
    assert wizard.heading() == "Your organization's mail details"
    assert page.locator("input[type=radio]:checked").count() == 0
    wizard.fill("Accepted domains", "contoso.com")
    page.get_by_label("Public IP addresses your server sends from").fill("10.1.2.3")
    page.get_by_label("By IP address", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    assert page.title().startswith("Error: ")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(
        "10.1.2.3 is not a public address. Exchange Online sees your public (NAT) address"
    )
    check_a11y(page)


def test_focus_stays_on_the_new_partner_after_add_another(page, check_a11y):
    wizard = Wizard(page, check_a11y)
    wizard.start().server_and_subscription("none", EXO)
    wizard.no_devices_to_partner_details()
    fill_partner(page, 1, name="Fabrikam", domains="fabrikam.com")
    page.get_by_role("button", name="Add another partner").click()
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)  # after the browser's scroll to #partner-1
    assert page.evaluate("document.activeElement.id") == "id_partner-1-name"
