"""The wizard in a real browser: every path admins take, with axe-core on every page."""

import re

import pytest
from playwright.sync_api import expect

from planner.engine.answers import MX_POINTS_TO_CHOICES
from planner.engine.summary import DIRECTION_LABELS
from planner.models import Plan

SERVERS = {
    "2016": "Exchange Server 2016",
    "2019": "Exchange Server 2019",
    "2013": "Exchange Server 2013",
    "2007": "Exchange 2007 or earlier",
    "other": "Non-Microsoft SMTP server",
    "none": "No on-premises email servers",
}
EXCHANGE = ("2016", "2019", "2013")  # the exact versions: the updates question follows
EOP, EXO = "Exchange Online Protection", "Exchange Online"
# The wizard offers the engine's labels (planner.engine.answers), as the check page shows them.
MX_M365, MX_ONPREM, MX_THIRD_PARTY = (label for _, label in MX_POINTS_TO_CHOICES)


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

    def server_and_subscription(
        self, server, subscription, hybrid=None, *, configuration="Full hybrid configuration"
    ):
        """Answer the questions up to the devices one, the new ones with typical answers."""
        self.answer(SERVERS[server])
        if server in EXCHANGE:
            assert self.heading().startswith("Do your Exchange servers have the latest")
            self.answer("Yes")
        self.answer(subscription)
        if hybrid is not None:
            assert self.heading().startswith("Has the Hybrid Configuration Wizard been run")
            self.answer(hybrid)
            if hybrid == "Yes":
                assert self.heading().startswith("Which configuration was chosen")
                self.answer(configuration)
        if server != "none":
            assert self.heading() == "Your organization's mail details"
            # Nothing is pre-selected (review M3): the admin answers how to recognize the server.
            self.page.get_by_label(re.compile("^Not sure")).check()
            self.press("Continue")
        assert self.heading() == "Where do your domains' MX records point?"
        self.answer(MX_M365 if server == "none" else MX_ONPREM)

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
        assert re.search(r"/e/[^/?]+/$", self.page.url), self.page.url  # no ?saved=1
        return Plan.objects.get(name=name)


@pytest.fixture
def wizard(page, check_a11y):
    return Wizard(page, check_a11y)


MATRIX = [
    pytest.param("2016", EXO, "Yes", "created-by-hybrid-wizard", id="2016-exo-hcw-yes"),
    pytest.param("2016", EXO, "No", "consider-hybrid", id="2016-exo-hcw-no"),
    pytest.param("2016", EOP, None, "manual-connectors", id="2016-eop"),
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
    assert wizard.heading() == "Where do your domains' MX records point?"


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
    # No SMTP AUTH at all: the OAuth question does not apply.
    assert wizard.heading().startswith("Do you exchange mail with partner organizations")
    wizard.answer("No")
    assert "203.0.113.10" in page.locator(".summary-list").inner_text()
    plan = wizard.save("Devices")
    assert plan.answers["devices"] == {
        "send_mail": True,
        "external_recipients": True,
        "smtp_auth_capable": False,
        "sending_ips": ["203.0.113.10"],
        "oauth_capable": None,
    }
    assert any(c["purpose"] == "device-relay" for c in plan.recommendation["connectors"])


def fill_partner(
    page, number, *, name, domains, direction=None, ips=None, sending_cert=None, mx_cert=None
):
    card = page.locator(f"#partner-{number - 1}")
    card.get_by_label("Partner name", exact=True).fill(name)
    card.get_by_label("Partner's email domains", exact=True).fill(domains)
    # Nothing is pre-selected (review M3): choose the direction, and tick Require TLS.
    card.get_by_label(direction or DIRECTION_LABELS["both"], exact=True).check()
    card.get_by_label("Require TLS for mail with this partner", exact=True).check()
    if ips:
        card.get_by_label("IP addresses the partner sends from", exact=True).fill(ips)
    if sending_cert:
        card.get_by_label("Domain on the partner's sending certificate", exact=True).fill(
            sending_cert
        )
    if mx_cert:
        card.get_by_label("Domain on the partner's receiving (MX) certificate", exact=True).fill(
            mx_cert
        )


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
        direction=DIRECTION_LABELS["inbound"],
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
    assert wizard.heading() == "Where do your domains' MX records point?"
    wizard.press("Back")
    assert wizard.heading() == "Your organization's mail details"
    wizard.press("Back")
    assert page.get_by_label(EXO, exact=True).is_checked()
    wizard.press("Back")
    wizard.answer(SERVERS["other"])
    wizard.press("Continue")
    wizard.press("Continue")
    wizard.answer(MX_ONPREM)
    wizard.no_devices_no_partners()
    page.get_by_role("link", name="Change on-premises email organization").click()
    wizard.checked()
    wizard.answer(SERVERS["2016"])
    assert wizard.heading().startswith("Do your Exchange servers have the latest")
    wizard.answer("Yes")
    assert wizard.heading().startswith("Has the Hybrid Configuration Wizard been run")
    wizard.answer("Yes")
    assert wizard.heading().startswith("Which configuration was chosen")
    wizard.answer("Full hybrid configuration")
    assert wizard.heading() == "Check your answers before saving your plan"
    summary = page.locator(".summary-list").inner_text()
    assert "Exchange Server 2016" in summary
    assert "Hybrid Configuration Wizard run" in summary
    plan = wizard.save("Changed")
    assert plan.recommendation["own_servers"] == "created-by-hybrid-wizard"


ERROR_STATES = [
    pytest.param([], lambda w: w.press("Continue"), id="server"),
    pytest.param(["2016"], lambda w: w.press("Continue"), id="updates"),
    pytest.param(["none"], lambda w: w.answer(EOP), id="subscription"),
    pytest.param(["2016", "Yes", EXO], lambda w: w.press("Continue"), id="hybrid"),
    pytest.param(["2016", "Yes", EXO, "Yes"], lambda w: w.press("Continue"), id="configuration"),
    pytest.param(
        ["2007", EXO],
        lambda w: (w.fill("Accepted domains", "contoso.com\nnot a domain"), w.press("Continue")),
        id="organization",
    ),
    pytest.param(["none", EXO], lambda w: w.press("Continue"), id="mx"),
    pytest.param(["none", EXO, MX_M365], lambda w: w.press("Continue"), id="devices"),
    pytest.param(["none", EXO, MX_M365, "Yes"], lambda w: w.press("Continue"), id="oauth"),
    pytest.param(["none", EXO, MX_M365, "No"], lambda w: w.press("Continue"), id="partners"),
    pytest.param(["none", EXO, MX_M365, "No", "Yes"], lambda w: w.press("Continue"), id="partner"),
    pytest.param(
        ["none", EXO, MX_M365, "No", "Yes"],
        lambda w: (
            fill_partner(w.page, 1, name="Fabrikam", domains="fabrikam.com", mx_cert="mx..bad"),
            w.press("Continue"),
        ),
        id="partner-receiving-certificate",
    ),
    pytest.param(
        ["none", EXO, MX_M365, "No", "No"],
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
    wizard.start().answer(SERVERS["2019"])
    wizard.answer("I don't know")
    wizard.answer(EXO)
    wizard.answer("Yes")
    wizard.answer("I don't know")  # the Hybrid Configuration Wizard's configuration
    page.get_by_label(re.compile("^Not sure")).check()
    wizard.press("Continue")
    wizard.answer(MX_THIRD_PARTY)
    wizard.devices("Yes")
    page.get_by_role("group", name=re.compile("outside your organization")).get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_role("group", name=re.compile("SMTP AUTH")).get_by_label(
        re.compile("^Not sure")
    ).check()
    wizard.fill("Their static IP addresses", "10.0.5.20")
    wizard.press("Continue")
    assert wizard.heading().startswith("Can the devices and applications sign in to SMTP AUTH")
    wizard.answer("Yes")
    wizard.answer("Yes")
    fill_partner(
        page,
        1,
        name="Fabrikam",
        domains="fabrikam.com",
        sending_cert="out.fabrikam.com",
        mx_cert="mx.fabrikam.com",
    )
    wizard.press("Add another partner")
    fill_partner(page, 2, name="Contoso Bank", domains="contosobank.com")
    wizard.press("Continue")
    page.get_by_role("link", name="Change devices or applications send mail").click()
    wizard.devices("No")
    wizard.press("Continue")
    assert "Devices' static public IP addresses" not in page.locator(".summary-list").inner_text()
    plan = wizard.save("No JavaScript")
    assert [p["name"] for p in plan.answers["partners"]] == ["Fabrikam", "Contoso Bank"]
    assert plan.answers["partners"][0]["certificate_domain"] == "out.fabrikam.com"
    assert plan.answers["partners"][0]["mx_certificate_domain"] == "mx.fabrikam.com"
    assert plan.answers["devices"] == {
        "send_mail": False,
        "external_recipients": None,
        "smtp_auth_capable": None,
        "sending_ips": [],
        "oauth_capable": None,
    }
    assert plan.answers["onprem_server"] == "exchange-2019"
    assert plan.answers["onprem_up_to_date"] is None
    assert plan.answers["hybrid_configuration"] is None
    assert plan.answers["mx_points_to"] == "third-party-service"


def test_new_questions_walk_saves_every_answer(wizard, screenshot):
    wizard.start()
    page = wizard.page
    assert "Get-ExchangeServer" in page.locator("details").text_content()
    wizard.answer(SERVERS["2019"])
    assert "HealthChecker.ps1" in page.locator("details").text_content()
    wizard.answer("No")
    wizard.answer(EXO)
    wizard.answer("Yes")
    page.locator("details summary").click()  # the help opens, and stays accessible
    wizard.checked()
    wizard.answer("Minimal hybrid configuration")
    wizard.fill("Accepted domains", "contoso.com")
    page.get_by_label(re.compile("^Not sure")).check()
    wizard.press("Continue")
    assert "Resolve-DnsName -Type MX contoso.com" in page.locator("details").text_content()
    screenshot(page, "wizard-mx-step")
    wizard.answer(MX_THIRD_PARTY)
    wizard.devices("Yes")
    page.get_by_role("group", name=re.compile("outside your organization")).get_by_label(
        re.compile("^Not sure")
    ).check()
    page.get_by_role("group", name=re.compile("SMTP AUTH")).get_by_label("Yes", exact=True).check()
    wizard.press("Continue")
    wizard.answer("No")  # OAuth
    wizard.answer("Yes")
    fill_partner(
        page,
        1,
        name="Fabrikam",
        domains="fabrikam.com",
        sending_cert="out.fabrikam.com",
        mx_cert="mx.fabrikam.com",
    )
    wizard.press("Continue")
    summary = page.locator(".summary-list").inner_text()
    assert "Exchange Server 2019" in summary and "mx.fabrikam.com" in summary
    screenshot(page, "wizard-check-page-v2")
    plan = wizard.save("Rules version 2")
    assert plan.answers["onprem_up_to_date"] is False
    assert plan.answers["hybrid_configuration"] == "minimal"
    assert plan.answers["mx_points_to"] == "third-party-service"
    assert plan.answers["devices"]["oauth_capable"] is False
    assert plan.answers["partners"][0]["mx_certificate_domain"] == "mx.fabrikam.com"


def test_blocked_server_plan_says_so_first_and_is_accessible(wizard, screenshot):
    wizard.start().server_and_subscription("2013", EXO, "No")
    wizard.no_devices_no_partners()
    page = wizard.page
    expect(page.locator(".blocker-callout")).to_contain_text("mail cannot flow")
    wizard.save("Blocked")
    callout = page.locator(".blocker-callout")
    expect(callout).to_contain_text("This plan has blockers: mail cannot flow as answered")
    wizard.checked()
    screenshot(page, "plan-with-blockers")


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
