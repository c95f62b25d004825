"""The checklist: DNS, firewall, certificate and test steps where they apply, in phase order."""

import pytest

from planner.engine.checklist import PHASES
from planner.engine.guides import GUIDES
from tests.factories import E2007, E2010, EOP, EXO, NON_MS, NONE, bank_partner, recommend_for

ORG = {
    "domains": ["contoso.com"],
    "onprem_smart_hosts": ["mail.contoso.com"],
    "onprem_certificate_domain": "mail.contoso.com",
    "onprem_sending_ips": ["20.1.2.3"],
}

SCENARIOS = [
    pytest.param({"onprem_server": E2010, "subscription": EOP, "organization": ORG}, id="2010-eop"),
    pytest.param({"onprem_server": E2010, "subscription": EXO}, id="2010-exo-no-hcw"),
    pytest.param(
        {"onprem_server": E2010, "subscription": EXO, "hybrid_completed": True},
        id="2010-exo-hcw-done",
    ),
    pytest.param({"onprem_server": E2007, "subscription": EOP}, id="2007-eop"),
    pytest.param({"onprem_server": E2007, "subscription": EXO}, id="2007-exo"),
    pytest.param({"onprem_server": NON_MS, "subscription": EOP}, id="non-ms-eop"),
    pytest.param({"onprem_server": NON_MS, "subscription": EXO}, id="non-ms-exo"),
    pytest.param({"onprem_server": NONE, "subscription": EXO}, id="cloud-only"),
    pytest.param(
        {"devices": {"send_mail": True, "smtp_auth_capable": True}}, id="devices-smtp-auth"
    ),
    pytest.param(
        {"devices": {"send_mail": True, "smtp_auth_capable": False, "external_recipients": False}},
        id="devices-direct-send",
    ),
    pytest.param(
        {
            "devices": {
                "send_mail": True,
                "smtp_auth_capable": False,
                "sending_ips": ["93.184.216.34"],
            }
        },
        id="devices-smtp-relay",
    ),
    pytest.param(
        {
            "partners": [
                bank_partner(),
                bank_partner(
                    name="O'Brien & Sons",
                    domains=["obrien.com"],
                    certificate_domain="mail.obrien.com",
                    sender_ips=["93.184.215.0/24"],
                ),
            ]
        },
        id="two-partners",
    ),
]

OWN_SERVERS_MANUAL = [
    pytest.param(E2010, EOP, id="2010-eop"),
    pytest.param(E2010, EXO, id="2010-exo-no-hcw"),
    pytest.param(E2007, EXO, id="2007-exo"),
    pytest.param(NON_MS, EOP, id="non-ms-eop"),
]


def _texts(result, phase=None):
    return [i.text for i in result.checklist if phase is None or i.phase == phase]


def _one(result, words, phase=None):
    found = [text for text in _texts(result, phase) if words in text]
    assert len(found) == 1, (words, _texts(result))
    return found[0]


@pytest.mark.parametrize("given_answers", SCENARIOS)
def test_checklist_is_ordered_by_phase(given_answers):
    phases = [PHASES.index(item.phase) for item in recommend_for(**given_answers).checklist]
    assert phases == sorted(phases)


@pytest.mark.parametrize("given_answers", SCENARIOS)
def test_checklist_starts_with_accepted_domains(given_answers):
    first = recommend_for(**given_answers).checklist[0]
    assert (first.phase, first.guide) == ("before", "accepted_domains")


@pytest.mark.parametrize("given_answers", SCENARIOS)
def test_checklist_guides_are_listed_in_the_plan(given_answers):
    result = recommend_for(**given_answers)
    listed = {g.key for g in result.guides}
    used = {item.guide for item in result.checklist if item.guide}
    assert used <= set(GUIDES)
    assert used <= listed


@pytest.mark.parametrize("given_answers", SCENARIOS)
def test_checklist_has_one_spf_record_with_the_microsoft_include(given_answers):
    spf = _one(recommend_for(**given_answers), "v=spf1", "configure")
    assert "exactly one SPF" in spf
    assert "include:spf.protection.outlook.com" in spf


@pytest.mark.parametrize("given_answers", SCENARIOS)
def test_every_connector_to_create_has_a_configure_and_a_test_item(given_answers):
    result = recommend_for(**given_answers)
    for connector in result.connectors:
        if connector.action != "create":
            continue
        name = f"“{connector.settings['Name']}”"
        assert sum(name in text for text in _texts(result, "configure")) == 1
        assert sum(name in text for text in _texts(result, "test")) == 1


@pytest.mark.parametrize(("onprem", "subscription"), OWN_SERVERS_MANUAL)
def test_own_servers_get_certificate_and_firewall_items_before_anything_else(onprem, subscription):
    result = recommend_for(onprem_server=onprem, subscription=subscription, organization=ORG)
    certificate = _one(result, "CA-signed TLS certificate", "before")
    assert "mail.contoso.com" in certificate
    firewall = _one(result, "TCP 25", "before")
    assert "Exchange Online IP ranges" in firewall
    assert any(i.guide == "m365_ip_ranges" and i.phase == "before" for i in result.checklist)


def test_spf_lists_the_on_premises_and_device_addresses():
    result = recommend_for(
        onprem_server=E2010,
        subscription=EOP,
        organization=ORG,
        devices={"send_mail": True, "sending_ips": ["93.184.216.34"]},
    )
    spf = _one(result, "v=spf1")
    # Rules version 2 (F12): -all, as Microsoft recommends with DKIM and DMARC; devices that
    # relay through the on-premises server send from its address, so theirs isn't listed.
    assert "v=spf1 include:spf.protection.outlook.com ip4:20.1.2.3 -all" in spf
    assert "93.184.216.34" not in spf


def test_spf_asks_for_the_server_address_when_unknown():
    spf = _one(recommend_for(onprem_server=NON_MS, subscription=EXO), "v=spf1")
    assert "ip4:<public IP of your on-premises server>" in spf


def test_spf_leaves_out_private_addresses_and_says_why():
    org = {**ORG, "onprem_sending_ips": ["20.1.2.3", "10.0.0.5"]}
    spf = _one(recommend_for(onprem_server=NON_MS, subscription=EXO, organization=org), "v=spf1")
    assert "ip4:10.0.0.5" not in spf
    assert "10.0.0.5 is not public" in spf


def test_spf_of_smtp_relay_devices_lists_their_address():
    spf = _one(
        recommend_for(
            devices={
                "send_mail": True,
                "smtp_auth_capable": False,
                "sending_ips": ["93.184.216.34"],
            }
        ),
        "v=spf1",
    )
    assert "ip4:93.184.216.34" in spf


@pytest.mark.parametrize("given_answers", SCENARIOS)
def test_mx_item_says_to_copy_the_value_not_guess_it(given_answers):
    mx = _one(recommend_for(**given_answers), "MX record")
    assert "admin center" in mx
    assert "don't work it out yourself" in mx


def test_standalone_eop_changes_mx_last_after_the_tests():
    result = recommend_for(onprem_server=E2010, subscription=EOP, organization=ORG)
    items = list(result.checklist)
    mx = next(i for i in items if "MX record" in i.text)
    assert mx.phase == "after"
    assert items.index(mx) > max(n for n, i in enumerate(items) if i.phase == "test")


def test_standalone_eop_locks_port_25_about_72_hours_after_the_mx_change():
    result = recommend_for(onprem_server=NON_MS, subscription=EOP)
    lock = _one(result, "72 hours", "after")
    assert "TCP 25" in lock
    items = [i.text for i in result.checklist]
    assert items.index(lock) > items.index(_one(result, "MX record"))


@pytest.mark.parametrize("onprem", [E2010, E2007, NON_MS])
def test_exchange_online_with_own_servers_points_mx_while_configuring(onprem):
    assert _one(recommend_for(onprem_server=onprem, subscription=EXO), "MX record", "configure")
    # Rules version 2: the only "after" step is the optional Reject Direct Send hardening (F9).
    after = _texts(recommend_for(onprem_server=onprem, subscription=EXO), "after")
    assert after == [next(t for t in after if "RejectDirectSend" in t)]


def test_without_own_servers_there_is_no_firewall_or_certificate_item():
    result = recommend_for(partners=[bank_partner(certificate_domain="mail.contosobank.com")])
    assert not any("TCP 25" in text for text in _texts(result))
    assert not any("Install a CA-signed" in text for text in _texts(result))


@pytest.mark.parametrize("onprem", [E2010, E2007])
def test_exchange_send_connector_step_points_to_the_on_premises_script(onprem):
    result = recommend_for(onprem_server=onprem, subscription=EOP)
    item = next(i for i in result.checklist if i.guide == "smart_host_send_connector")
    assert item.phase == "configure"
    assert "tenant's MX host" in item.text


def test_outbound_test_uses_validation_with_an_address_behind_the_connector():
    result = recommend_for(onprem_server=E2010, subscription=EOP)
    test = _one(result, "“Outbound to on-premises”", "test")
    assert "Validate-OutboundConnector" in test
    assert "a mailbox on your on-premises server" in test
    assert "both the connection test and the test message succeed" in test


def test_inbound_own_servers_test_uses_message_trace():
    test = _one(
        recommend_for(onprem_server=NON_MS, subscription=EXO), "“Inbound from on-premises”", "test"
    )
    assert "external mailbox" in test
    assert "message trace" in test


def test_partner_inbound_tests_ask_the_partner_to_send_from_its_domain_and_addresses():
    result = recommend_for(
        partners=[
            bank_partner(certificate_domain="mail.contosobank.com", sender_ips=["93.184.215.0/24"])
        ]
    )
    by_ip = _one(result, "“Contoso Bank inbound (ip)”", "test")
    assert "Ask Contoso Bank to send a test message from contosobank.com" in by_ip
    assert "93.184.215.0/24" in by_ip
    assert "rejected" in by_ip
    by_certificate = _one(result, "“Contoso Bank inbound (certificate)”", "test")
    assert "certificate for mail.contosobank.com" in by_certificate


def test_partner_outbound_test_validates_with_an_address_at_the_partner():
    test = _one(recommend_for(partners=[bank_partner()]), "“Contoso Bank outbound”", "test")
    assert "an address at the partner (contosobank.com)" in test


def test_relay_devices_are_tested_from_their_address():
    result = recommend_for(
        devices={"send_mail": True, "smtp_auth_capable": False, "sending_ips": ["93.184.216.34"]}
    )
    test = _one(result, "From a device at 93.184.216.34", "test")
    assert "external" in test
    assert _one(result, "static, public, and not shared", "before")


def test_optional_relay_connector_is_marked_as_an_alternative():
    # Rules version 2 (F8): SMTP AUTH is recommended only with OAuth.
    result = recommend_for(
        devices={"send_mail": True, "smtp_auth_capable": True, "oauth_capable": True}
    )
    assert _one(result, "Optional, only if you choose SMTP relay", "configure")
    assert _one(result, "If you created it", "test")


def test_devices_relaying_through_exchange_get_relay_and_test_items():
    result = recommend_for(
        onprem_server=E2010,
        subscription=EOP,
        devices={"send_mail": True, "sending_ips": ["93.184.216.34"]},
    )
    relay = next(i for i in result.checklist if i.guide == "allow_anonymous_relay")
    assert relay.phase == "configure"
    assert "93.184.216.34 only" in relay.text
    assert _one(result, "through your on-premises server to an external address", "test")


def test_hybrid_done_creates_nothing_and_reviews_the_wizard_connectors_afterwards():
    result = recommend_for(onprem_server=E2010, subscription=EXO, hybrid_completed=True)
    assert not any("Create the connector" in text for text in _texts(result))
    review = next(i for i in result.checklist if i.guide == "hcw")
    assert review.phase == "after"
    assert "rerun the wizard" in review.text


def test_cloud_only_without_connectors_checks_dns_only():
    result = recommend_for()
    # Rules version 2 (F12): SPF on its own article, plus DKIM and DMARC.
    assert [i.guide for i in result.checklist] == [
        "accepted_domains",
        "add_mx_record",
        "spf_configure",
        "dkim_configure",
        "dmarc_configure",
        "cmdlet_set_orgconfig",  # Reject Direct Send, as optional hardening (F9)
    ]
