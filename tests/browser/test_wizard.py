"""The wizard in a real browser: every path admins take, with axe-core on every page."""

import re

import pytest
from playwright.sync_api import expect

from planner.models import Plan

SERVERS = {
    "2010": "Exchange 2010 or later",
    "2007": "Exchange 2007 or earlier",
    "other": "Non-Microsoft SMTP server",
    "none": "No on-premises email servers",
}
EOP, EXO = "Exchange Online Protection", "Exchange Online"


class Wizard:
    """Drive the wizard like an admin: pick labels, press buttons, check each page with axe."""

    def __init__(self, page, check_a11y):
        self.page = page
        self.check_a11y = check_a11y

    def start(self):
        self.page.goto("/wizard/")
        self.checked()
        return self

    def checked(self):
        self.check_a11y(self.page)

    def heading(self):
        return self.page.get_by_role("heading", level=1).inner_text()

    def choose(self, label):
        self.page.get_by_label(label, exact=True).check()

    def fill(self, label, value):
        self.page.get_by_label(label, exact=True).fill(value)

    def press(self, name, *, check=True):
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=name, exact=True).click()
        if check:
            self.checked()

    def answer(self, *labels):
        for label in labels:
            self.choose(label)
        self.press("Continue")

    def server_and_subscription(self, server, subscription, hybrid=None):
        self.answer(SERVERS[server])
        self.answer(subscription)
        if hybrid is not None:
            assert self.heading().startswith("Has the Hybrid Configuration Wizard been run")
            self.answer(hybrid)
        if server != "none":
            assert self.heading() == "Your organization's mail details"
            self.press("Continue")

    def devices(self, answer):
        question = self.page.get_by_role("group", name=re.compile("^Do printers, scanners"))
        question.get_by_label(answer, exact=True).check()

    def no_devices_no_partners(self):
        self.devices("No")
        self.press("Continue")
        self.answer("No")

    def no_devices_to_partner_details(self):
        """From the devices question to the partner details step; returns the page."""
        self.devices("No")
        self.press("Continue")
        self.answer("Yes")
        return self.page

    def save(self, name="Test plan"):
        assert self.heading() == "Check your answers before saving your plan"
        self.fill("Plan name", name)
        # The plan page is checked once, in test_plan_page_after_saving_is_accessible.
        self.press("Save plan", check=False)
        assert re.search(r"/e/[^/]+/\?saved=1$", self.page.url), self.page.url
        return Plan.objects.get(name=name)


@pytest.fixture
def wizard(page, check_a11y):
    return Wizard(page, check_a11y)


MATRIX = [
    pytest.param("2010", EXO, "Yes", "created-by-hybrid-wizard", id="2010-exo-hcw-yes"),
    pytest.param("2010", EXO, "No", "consider-hybrid", id="2010-exo-hcw-no"),
    pytest.param("2010", EOP, None, "manual-connectors", id="2010-eop"),
    pytest.param("2007", EXO, None, "manual-connectors", id="2007-exo"),
    pytest.param("2007", EOP, None, "manual-connectors", id="2007-eop"),
    pytest.param("other", EXO, None, "manual-connectors", id="other-exo"),
    pytest.param("other", EOP, None, "manual-connectors", id="other-eop"),
    pytest.param("none", EXO, None, None, id="none-exo"),
]


@pytest.mark.parametrize(("server", "subscription", "hybrid", "outcome"), MATRIX)
def test_own_servers_matrix_row_saves_the_expected_plan(
    wizard, server, subscription, hybrid, outcome
):
    wizard.start().server_and_subscription(server, subscription, hybrid)
    wizard.no_devices_no_partners()
    plan = wizard.save(f"Matrix {server} {subscription} {hybrid}")
    assert plan.recommendation["own_servers"] == outcome
    assert plan.answers["hybrid_completed"] == {"Yes": True, "No": False, None: None}[hybrid]


def test_standalone_eop_without_servers_is_refused_with_the_reason(wizard, screenshot):
    wizard.start().answer(SERVERS["none"])
    wizard.answer(EOP)
    page = wizard.page
    assert page.title().startswith("Error: ")
    summary = page.locator(".error-summary")
    assert "Standalone Exchange Online Protection filters mail" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    screenshot(page, "wizard-error-eop-without-servers")
    wizard.answer(EXO)
    assert wizard.heading().startswith("Do printers, scanners or applications")


def test_device_path_collects_the_follow_ups(wizard):
    wizard.start().server_and_subscription("none", EXO)
    page = wizard.page
    wizard.devices("Yes")
    page.get_by_role(
        "group", name="Do they send to people outside your organization?"
    ).get_by_label("Yes", exact=True).check()
    page.get_by_role("group", name=re.compile("SMTP AUTH")).get_by_label("No", exact=True).check()
    wizard.fill("Their static public IP addresses", "203.0.113.10")
    wizard.press("Continue")
    wizard.answer("No")
    assert "203.0.113.10" in page.locator(".summary-list").inner_text()
    plan = wizard.save("Devices")
    assert plan.answers["devices"] == {
        "send_mail": True,
        "external_recipients": True,
        "smtp_auth_capable": False,
        "sending_ips": ["203.0.113.10"],
    }
    assert any(c["purpose"] == "device-relay" for c in plan.recommendation["connectors"])


def fill_partner(page, number, *, name, domains, direction=None, ips=None):
    card = page.locator(f"#partner-{number - 1}")
    card.get_by_label("Partner name", exact=True).fill(name)
    card.get_by_label("Partner's email domains", exact=True).fill(domains)
    if direction:
        card.get_by_label(direction, exact=True).check()
    if ips:
        card.get_by_label("IP addresses the partner sends from", exact=True).fill(ips)


def test_two_partner_path_with_add_and_remove(wizard, screenshot):
    wizard.start().server_and_subscription("none", EXO)
    page = wizard.no_devices_to_partner_details()
    fill_partner(page, 1, name="Fabrikam Bank", domains="fabrikam.com")
    wizard.press("Add another partner")
    assert page.locator("#partner-0").get_by_label("Partner name").input_value() == "Fabrikam Bank"
    fill_partner(page, 2, name="Mistake", domains="mistake.com")
    wizard.press("Add another partner")
    fill_partner(
        page,
        3,
        name="Woodgrove",
        domains="woodgrove.com",
        direction="Only mail from the partner (inbound)",
        ips="203.0.113.0/24",
    )
    wizard.press("Remove partner 2")
    assert page.locator("fieldset.partner-card").count() == 2
    screenshot(page, "wizard-partner-step")
    wizard.press("Continue")
    screenshot(page, "wizard-check-page")
    plan = wizard.save("Partners")
    assert [p["name"] for p in plan.answers["partners"]] == ["Fabrikam Bank", "Woodgrove"]
    assert plan.answers["partners"][1]["direction"] == "inbound"
    assert plan.answers["partners"][1]["sender_ips"] == ["203.0.113.0/24"]


def test_enter_in_a_partner_field_continues_rather_than_removing(wizard):
    wizard.start().server_and_subscription("none", EXO)
    page = wizard.no_devices_to_partner_details()
    fill_partner(page, 1, name="Fabrikam", domains="fabrikam.com")
    wizard.press("Add another partner")
    fill_partner(page, 2, name="Contoso Bank", domains="contosobank.com")
    page.locator("#partner-1").get_by_label("Partner name").press("Enter")
    page.wait_for_load_state()
    assert wizard.heading() == "Check your answers before saving your plan"
    assert "Contoso Bank" in page.locator(".summary-list").inner_text()


def test_back_and_change_alter_an_earlier_answer(wizard):
    wizard.start().server_and_subscription("2007", EXO)
    page = wizard.page
    wizard.press("Back")
    assert wizard.heading() == "Your organization's mail details"
    wizard.press("Back")
    assert page.get_by_label(EXO, exact=True).is_checked()
    wizard.press("Back")
    wizard.answer(SERVERS["other"])
    wizard.press("Continue")
    wizard.press("Continue")
    wizard.no_devices_no_partners()
    page.get_by_role("link", name="Change on-premises email organization").click()
    wizard.checked()
    wizard.answer(SERVERS["2010"])
    assert wizard.heading().startswith("Has the Hybrid Configuration Wizard been run")
    wizard.answer("Yes")
    assert wizard.heading() == "Check your answers before saving your plan"
    summary = page.locator(".summary-list").inner_text()
    assert "Exchange 2010 or later" in summary
    assert "Hybrid Configuration Wizard run" in summary
    plan = wizard.save("Changed")
    assert plan.recommendation["own_servers"] == "created-by-hybrid-wizard"


ERROR_STATES = [
    pytest.param([], lambda w: w.press("Continue"), id="server"),
    pytest.param(["none"], lambda w: w.answer(EOP), id="subscription"),
    pytest.param(["2010", EXO], lambda w: w.press("Continue"), id="hybrid"),
    pytest.param(
        ["2007", EXO],
        lambda w: (w.fill("Accepted domains", "contoso.com\nnot a domain"), w.press("Continue")),
        id="organization",
    ),
    pytest.param(["none", EXO], lambda w: w.press("Continue"), id="devices"),
    pytest.param(["none", EXO, "No"], lambda w: w.press("Continue"), id="partners"),
    pytest.param(["none", EXO, "No", "Yes"], lambda w: w.press("Continue"), id="partner"),
    pytest.param(
        ["none", EXO, "No", "No"],
        lambda w: (w.fill("Plan name", ""), w.press("Save plan")),
        id="check",
    ),
]


@pytest.mark.parametrize(("before", "make_error"), ERROR_STATES)
def test_every_step_error_state_is_accessible_and_linked(wizard, before, make_error, screenshot):
    wizard.start()
    if before:
        wizard.answer(SERVERS[before[0]])
    for label in before[1:]:
        if wizard.heading() == "Your organization's mail details":
            wizard.press("Continue")
        if wizard.heading().startswith("Do printers"):
            wizard.devices(label)
            wizard.press("Continue")
        else:
            wizard.answer(label)
    make_error(wizard)  # press() runs axe on the error state
    page = wizard.page
    assert page.title().startswith("Error: ")
    link = page.locator(".error-summary a").first
    target = link.get_attribute("href")
    link.click()
    assert page.evaluate("document.activeElement.id") == target[1:]
    if before == ["2007", EXO]:
        screenshot(page, "wizard-error-organization")


def test_whole_walk_works_without_javascript(js_disabled_page):
    # axe-core needs JavaScript, so this walk checks function only; the same pages are
    # checked with axe in the tests above.
    page = js_disabled_page
    wizard = Wizard(page, check_a11y=lambda page: None)
    wizard.start().server_and_subscription("2010", EXO, "No")
    wizard.devices("Yes")
    wizard.fill("Their static public IP addresses", "203.0.113.10")
    wizard.press("Continue")
    wizard.answer("Yes")
    fill_partner(page, 1, name="Fabrikam", domains="fabrikam.com")
    wizard.press("Add another partner")
    fill_partner(page, 2, name="Contoso Bank", domains="contosobank.com")
    wizard.press("Continue")
    page.get_by_role("link", name="Change devices or applications send mail").click()
    wizard.devices("No")
    wizard.press("Continue")
    assert "Devices' static public IP addresses" not in page.locator(".summary-list").inner_text()
    plan = wizard.save("No JavaScript")
    assert [p["name"] for p in plan.answers["partners"]] == ["Fabrikam", "Contoso Bank"]
    assert plan.answers["devices"] == {
        "send_mail": False,
        "external_recipients": None,
        "smtp_auth_capable": None,
        "sending_ips": [],
    }


def test_plan_page_after_saving_is_accessible(wizard):
    wizard.start().server_and_subscription("other", EXO)
    wizard.no_devices_no_partners()
    wizard.save("Plan page")
    wizard.checked()


def test_expired_session_page_is_accessible(page, check_a11y):
    response = page.goto("/wizard/expired/server/")
    assert response.status == 410
    expect(page.get_by_role("link", name="Start a new plan")).to_be_visible()
    check_a11y(page)
