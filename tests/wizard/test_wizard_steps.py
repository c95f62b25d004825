"""Each step's validation, through the test client."""

import pytest

from tests.wizard.walk import CLOUD_ONLY, EXCHANGE_2010, is_checked, partner_fields

pytestmark = pytest.mark.django_db

EOP_MESSAGE = "Standalone Exchange Online Protection filters mail for mailboxes on your own servers"


def page(response):
    return response.content.decode()


def test_unanswered_question_shows_error_summary_linking_to_first_radio(walk):
    response = walk.post("server", {})
    html = page(response)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'href="#id_server-onprem_server_0"' in html
    assert "Select which email servers your organization runs on premises." in html


def test_error_page_title_starts_with_error(walk):
    html = page(walk.post("server", {}))
    assert "<title>Error: Which email servers does your organization run on premises?" in html


def test_error_message_is_beside_the_field_and_describes_the_fieldset(walk):
    html = page(walk.post("server", {}))
    assert 'id="id_server-onprem_server_error"' in html
    assert (
        'aria-describedby="id_server-onprem_server_helptext id_server-onprem_server_error"' in html
    )


def test_unknown_server_value_is_refused(walk):
    response = walk.post("server", {"onprem_server": "exchange-5.5"})
    assert response.status_code == 200
    assert "Select a valid choice" in page(response)


def test_standalone_eop_without_onprem_servers_is_refused_on_subscription_step(walk):
    walk.answer([("server", {"onprem_server": "none"})])
    response = walk.post("subscription", {"subscription": "exchange-online-protection"})
    assert response.status_code == 200
    assert EOP_MESSAGE in page(response)


def test_standalone_eop_with_onprem_servers_is_accepted(walk):
    walk.answer([("server", {"onprem_server": "non-microsoft-smtp"})])
    response = walk.post("subscription", {"subscription": "exchange-online-protection"})
    assert response["Location"] == walk.url("organization")


@pytest.mark.parametrize(
    ("server", "subscription", "next_step"),
    [
        ("exchange-2016", "exchange-online", "hybrid"),
        ("exchange-se", "exchange-online-protection", "organization"),
        ("exchange-2007-or-earlier", "exchange-online", "organization"),
        ("non-microsoft-smtp", "exchange-online", "organization"),
        ("none", "exchange-online", "mx"),
    ],
)
def test_step_after_subscription_depends_on_server_and_subscription(
    walk, server, subscription, next_step
):
    walk.answer([("server", {"onprem_server": server})])
    response = walk.post("subscription", {"subscription": subscription})
    assert response["Location"] == walk.url(next_step)


def test_hybrid_question_requires_an_answer(walk):
    walk.answer(EXCHANGE_2010[:3])
    response = walk.post("hybrid", {})
    assert "Select yes if the Hybrid Configuration Wizard has been run, or no." in page(response)


def test_hybrid_step_explains_how_to_check(walk):
    walk.answer(EXCHANGE_2010[:3])
    assert "How to check whether the wizard has been run" in page(walk.get("hybrid"))


def test_organization_step_accepts_every_field_blank(walk):
    walk.answer(EXCHANGE_2010[:4])
    response = walk.post("organization", {"identify_by": "unknown"})
    assert response["Location"] == walk.url("mx")


def test_organization_reports_each_bad_value_by_name(walk):
    walk.answer(EXCHANGE_2010[:4])
    response = walk.post(
        "organization",
        {"domains": "contoso.com\nnot a domain!, fabrikam..com", "identify_by": "unknown"},
    )
    html = page(response)
    assert "“not a domain!” is not a valid domain name." in html
    assert "“fabrikam..com” is not a valid domain name." in html
    assert 'href="#id_organization-domains"' in html


def test_organization_refuses_a_range_wider_than_24(walk):
    walk.answer(EXCHANGE_2010[:4])
    response = walk.post(
        "organization", {"onprem_sending_ips": "198.51.100.0/16", "identify_by": "ip"}
    )
    assert "/16 is too large" in page(response)


def test_organization_refuses_a_bad_smart_host(walk):
    walk.answer(EXCHANGE_2010[:4])
    response = walk.post(
        "organization", {"onprem_smart_hosts": "mail_01", "identify_by": "unknown"}
    )
    assert "is not a host name like mail.contoso.com or an IPv4 address" in page(response)


def test_organization_refuses_a_bad_certificate_domain(walk):
    walk.answer(EXCHANGE_2010[:4])
    response = walk.post(
        "organization",
        {"onprem_certificate_domain": "mail.*.contoso.com", "identify_by": "unknown"},
    )
    assert "A wildcard may only be the whole first label" in page(response)


def test_organization_duplicate_domain_is_reported_by_the_engine(walk):
    walk.answer(EXCHANGE_2010[:4])
    response = walk.post(
        "organization", {"domains": "contoso.com\nContoso.com", "identify_by": "unknown"}
    )
    assert "contoso.com is listed twice." in page(response)


def test_organization_keeps_what_was_typed_after_an_error(walk):
    walk.answer(EXCHANGE_2010[:4])
    typed = "contoso.com\nbad..domain"
    response = walk.post(
        "organization",
        {"domains": typed, "onprem_smart_hosts": "mail.contoso.com", "identify_by": "ip"},
    )
    html = page(response)
    assert "contoso.com\nbad..domain</textarea>" in html
    assert "mail.contoso.com</textarea>" in html
    assert is_checked(html, "ip")


def test_organization_step_is_skipped_without_onprem_servers(walk):
    walk.answer(CLOUD_ONLY[:2])
    assert walk.get("organization")["Location"] == walk.url("mx")


def test_devices_refuse_a_private_address(walk):
    walk.answer(CLOUD_ONLY[:2])
    response = walk.post("devices", {"send_mail": "yes", "sending_ips": "192.168.1.20"})
    assert "192.168.1.20 is not a public address" in page(response)


def test_devices_follow_ups_are_ignored_after_no(walk):
    walk.answer(CLOUD_ONLY[:2])
    response = walk.post("devices", {"send_mail": "no", "sending_ips": "not an address"})
    assert response["Location"] == walk.url("partners")


def test_devices_question_requires_an_answer(walk):
    walk.answer(CLOUD_ONLY[:2])
    response = walk.post("devices", {})
    assert "Select yes if devices or applications need to send email, or no." in page(response)


def test_partners_question_requires_an_answer(walk):
    walk.answer(CLOUD_ONLY[:4])
    response = walk.post("partners", {})
    assert "Select yes if partner organizations need TLS, certificate or IP restrictions" in page(
        response
    )


def test_partners_yes_leads_to_the_partner_list(walk):
    walk.answer(CLOUD_ONLY[:4])
    assert walk.post("partners", {"partners": "yes"})["Location"] == walk.url("partner")


@pytest.fixture
def at_partner_step(walk):
    walk.answer([*CLOUD_ONLY[:4], ("partners", {"partners": "yes"})])
    return walk


def test_partner_needs_a_name_and_a_domain(at_partner_step):
    response = at_partner_step.post(
        "partner",
        partner_fields({"name": "", "domains": "", "certificate_domain": "mail.fabrikam.com"}),
    )
    html = page(response)
    assert "Partner 1: Enter the partner name." in html
    assert "Partner 1: Enter at least one of the partner&#x27;s email domains." in html
    assert 'href="#id_partner-0-name"' in html


def test_partner_with_sender_ips_cannot_be_outbound_only(at_partner_step):
    response = at_partner_step.post(
        "partner",
        partner_fields(
            {
                "name": "Fabrikam",
                "domains": "fabrikam.com",
                "direction": "outbound",
                "sender_ips": "203.0.113.5",
            }
        ),
    )
    assert "Sender IP addresses restrict mail from the partner" in page(response)
    assert 'href="#id_partner-0-sender_ips"' in page(response)


def test_same_domain_for_two_partners_is_reported_on_the_second(at_partner_step):
    response = at_partner_step.post(
        "partner",
        partner_fields(
            {"name": "Fabrikam", "domains": "fabrikam.com"},
            {"name": "Fabrikam Bank", "domains": "fabrikam.com"},
        ),
    )
    assert "Partner 2: fabrikam.com is already listed for partner 1." in page(response)


def test_partner_name_too_long_for_connector_names_is_refused(at_partner_step):
    response = at_partner_step.post(
        "partner", partner_fields({"name": "F" * 49, "domains": "fabrikam.com"})
    )
    assert "The partner name must be 48 characters or fewer." in page(response)


def test_add_another_partner_keeps_what_was_typed(at_partner_step):
    walk = at_partner_step
    response = walk.post(
        "partner",
        partner_fields({"name": "Fabrikam", "domains": "fabrikam.com"}),
        extra={"partner_action": "add"},
    )
    assert response["Location"] == walk.url("partner") + "#partner-1"
    html = page(walk.get("partner"))
    assert 'value="Fabrikam"' in html
    assert 'id="id_partner-1-name"' in html
    assert "There is a problem" not in html


def test_remove_partner_deletes_that_row_only(at_partner_step):
    walk = at_partner_step
    walk.post(
        "partner",
        partner_fields(
            {"name": "Fabrikam", "domains": "fabrikam.com"},
            {"name": "Contoso Bank", "domains": "contosobank.com"},
            {"name": "Woodgrove", "domains": "woodgrove.com"},
        ),
        extra={"partner_action": "remove-1"},
    )
    html = page(walk.get("partner"))
    assert 'value="Fabrikam"' in html
    assert 'value="Woodgrove"' in html
    assert "Contoso Bank" not in html


def test_blank_partner_rows_are_dropped(at_partner_step):
    walk = at_partner_step
    response = walk.post(
        "partner",
        partner_fields(
            {"name": "Fabrikam", "domains": "fabrikam.com"}, {"name": "", "domains": ""}
        ),
    )
    assert response["Location"] == walk.url("check")
    assert walk.stored("partner")["partner-TOTAL_FORMS"] == ["1"]


def test_partner_list_refuses_more_than_fifty(at_partner_step):
    partners = [{"name": f"Partner {n}", "domains": f"partner{n}.com"} for n in range(51)]
    fields = partner_fields(*partners)
    response = at_partner_step.post("partner", fields)
    assert response.status_code == 200
    assert "You can add at most 50 partners to one plan." in page(response)


def test_partner_list_needs_one_partner(at_partner_step):
    response = at_partner_step.post("partner", partner_fields())
    assert response.status_code == 200
    assert "Add at least one partner, or go back and answer no." in page(response)


def test_require_tls_is_not_pre_checked_for_a_new_partner(at_partner_step):
    html = page(at_partner_step.get("partner"))
    assert not is_checked(html, "", "partner-0-require_tls")
    assert 'aria-describedby="id_partner-0-require_tls_helptext"' in html


def test_check_needs_a_plan_name(walk):
    walk.answer(CLOUD_ONLY)
    response = walk.post("check", {"name": "  "})
    assert "Enter a name for the plan." in page(response)


def test_check_refuses_a_plan_name_over_120_characters(walk):
    walk.answer(CLOUD_ONLY)
    response = walk.post("check", {"name": "x" * 121})
    assert "The plan name must be 120 characters or fewer." in page(response)


def test_partner_list_shown_after_add_can_be_submitted_unchanged(at_partner_step):
    walk = at_partner_step
    walk.post(
        "partner",
        partner_fields({"name": "Fabrikam", "domains": "fabrikam.com"}),
        extra={"partner_action": "add"},
    )
    # What the browser sends back from the re-rendered page: the counter says 2 initial rows.
    fields = partner_fields(
        {"name": "Fabrikam", "domains": "fabrikam.com"},
        {"name": "Contoso", "domains": "contoso.com"},
    )
    response = walk.post("partner", {**fields, "INITIAL_FORMS": "2"})
    assert response["Location"] == walk.url("check")


def test_every_free_text_wizard_field_has_a_max_length():
    from django import forms

    from wizard import forms as wizard_forms

    unbounded = []
    for name in dir(wizard_forms):
        form = getattr(wizard_forms, name)
        if isinstance(form, type) and issubclass(form, forms.BaseForm):
            for field_name, field in form.base_fields.items():
                if isinstance(field, forms.CharField) and field.max_length is None:
                    unbounded.append(f"{name}.{field_name}")
    assert unbounded == []


def test_organization_refuses_a_private_ip_when_identifying_by_ip_like_devices(walk):
    """Review H4: the organisation page refuses 10.x with the devices page's words."""
    walk.answer(EXCHANGE_2010[:4])
    response = walk.post(
        "organization",
        {"domains": "contoso.com", "onprem_sending_ips": "10.1.2.3", "identify_by": "ip"},
    )
    assert response.status_code == 200
    assert (
        "10.1.2.3 is not a public address. Exchange Online sees your public (NAT) address: "
        "enter that one."
    ) in page(response)


def test_device_follow_ups_need_an_answer_after_yes(walk):
    """Review M3: no default, so "Yes" asks each follow-up ("Not sure" is a choice)."""
    walk.answer(CLOUD_ONLY[:3])
    html = page(walk.post("devices", {"send_mail": "yes"}))
    assert "Select yes if they send to people outside your organization, no, or not sure." in html
    assert "Select yes if they can sign in with SMTP AUTH, no, or not sure." in html
    assert not is_checked(html, "unknown", "devices-smtp_auth_capable")
