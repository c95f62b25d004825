"""Devices, partners and own-server details: what the plan says for each kind of answer."""

import pytest

from tests.factories import E2007, E2010, EOP, EXO, NON_MS, bank_partner, recommend_for


def codes(result):
    return {note.code for note in result.notes}


def by_id(result):
    return {connector.id: connector for connector in result.connectors}


# --- devices (§4.5) -------------------------------------------------------------------------

# Rules version 2 (F8, F9): SMTP AUTH is recommended only with OAuth; everything else gets
# the relay connector (Option 3); direct send is never recommended.
DEVICE_CASES = [
    pytest.param(
        {"smtp_auth_capable": True, "external_recipients": True, "oauth_capable": True},
        "smtp-auth",
        id="can-auth",
    ),
    pytest.param(
        {"smtp_auth_capable": True, "external_recipients": False, "oauth_capable": True},
        "smtp-auth",
        id="can-auth-internal",
    ),
    pytest.param(
        {"smtp_auth_capable": True, "external_recipients": True},
        "smtp-relay",
        id="can-auth-oauth-unknown",
    ),
    pytest.param(
        {"smtp_auth_capable": True, "oauth_capable": False},
        "smtp-relay",
        id="basic-auth-only",
    ),
    pytest.param(
        {"smtp_auth_capable": False, "external_recipients": False},
        "smtp-relay",
        id="internal-only",
    ),
    pytest.param(
        {"smtp_auth_capable": None, "external_recipients": False},
        "smtp-relay",
        id="internal-auth-unknown",
    ),
    pytest.param(
        {"smtp_auth_capable": False, "external_recipients": True},
        "smtp-relay",
        id="external-no-auth",
    ),
    pytest.param(
        {"smtp_auth_capable": False, "external_recipients": None},
        "smtp-relay",
        id="no-auth-unknown-recipients",
    ),
    pytest.param({}, "smtp-relay", id="nothing-known"),
]


@pytest.mark.parametrize(("answers", "option"), DEVICE_CASES)
def test_cloud_only_devices_get_one_recommended_option(answers, option):
    result = recommend_for(devices={"send_mail": True, **answers})
    assert result.devices.recommended == option
    verdicts = {o.key: o.verdict for o in result.devices.options}
    assert list(verdicts.values()).count("recommended") == 1
    assert verdicts[option] == "recommended"


@pytest.mark.parametrize(("answers", "option"), DEVICE_CASES)
def test_cloud_only_devices_list_the_relay_connector_as_optional(answers, option):
    result = recommend_for(devices={"send_mail": True, **answers})
    relay = by_id(result)["device-relay-inbound"]
    assert (relay.required, relay.action, relay.connector_type) == (False, "create", "OnPremises")


def test_direct_send_is_unsuitable_for_external_recipients():
    result = recommend_for(
        devices={"send_mail": True, "external_recipients": True, "smtp_auth_capable": False}
    )
    assert {o.key: o.verdict for o in result.devices.options}["direct-send"] == "unsuitable"


def test_internal_only_devices_get_the_relay_connector_and_reject_direct_send():
    # Rules version 2 (F9): direct send is a last resort, never the recommendation.
    result = recommend_for(
        devices={"send_mail": True, "external_recipients": False, "smtp_auth_capable": False}
    )
    assert "reject-direct-send" in codes(result)
    verdicts = {o.key: o.verdict for o in result.devices.options}
    assert verdicts["direct-send"] == "possible"
    assert "Last resort" in next(o.why for o in result.devices.options if o.key == "direct-send")


def test_smtp_auth_warns_about_limits_and_basic_auth_retirement():
    result = recommend_for(
        devices={"send_mail": True, "smtp_auth_capable": True, "oauth_capable": True}
    )
    assert {
        "smtp-auth-limits",
        "smtp-auth-disabled-by-default",
        "smtp-auth-basic-retirement",
    } <= codes(result)


def test_smtp_relay_uses_the_device_ips():
    result = recommend_for(
        devices={
            "send_mail": True,
            "external_recipients": True,
            "smtp_auth_capable": False,
            "sending_ips": ["203.0.113.10"],
        }
    )
    relay = by_id(result)["device-relay-inbound"]
    assert relay.settings["SenderIPAddresses"] == ["203.0.113.10"]
    assert relay.fill_in == ()
    assert "smtp-relay-static-ip" in codes(result)


def test_smtp_relay_without_ips_asks_for_them():
    result = recommend_for(
        devices={"send_mail": True, "external_recipients": True, "smtp_auth_capable": False}
    )
    relay = by_id(result)["device-relay-inbound"]
    assert relay.settings["SenderIPAddresses"] is None
    assert [f.parameter for f in relay.fill_in] == ["SenderIPAddresses"]
    # Rules version 2: the fill-in is the checklist step; no separate note repeats it.
    assert "device-ips-missing" not in codes(result)


@pytest.mark.parametrize("onprem", [E2010, E2007, NON_MS])
def test_devices_relay_through_an_on_premises_server(onprem):
    result = recommend_for(onprem_server=onprem, subscription=EOP, devices={"send_mail": True})
    assert result.devices.recommended == "onprem-relay"
    assert "device-relay-inbound" not in by_id(result)
    assert "devices-relay-via-onprem" in codes(result)


def test_no_device_advice_without_devices():
    assert recommend_for().devices is None


# --- partners (§4.6) ------------------------------------------------------------------------


def test_partner_requiring_tls_gets_domain_scoped_connectors_both_ways():
    result = recommend_for(partners=[bank_partner()])
    connectors = by_id(result)
    assert connectors["partner-1-inbound"].settings == {
        "Name": "Contoso Bank inbound",
        "ConnectorType": "Partner",
        "SenderDomains": ["contosobank.com"],
        "RequireTls": True,
    }
    assert connectors["partner-1-outbound"].settings == {
        "Name": "Contoso Bank outbound",
        "ConnectorType": "Partner",
        "RecipientDomains": ["contosobank.com"],
        "UseMXRecord": True,
        "TlsSettings": "CertificateValidation",
    }


def test_partner_certificate_restricts_by_certificate_and_requires_tls():
    result = recommend_for(
        partners=[bank_partner(require_tls=False, certificate_domain="mail.contosobank.com")]
    )
    inbound = by_id(result)["partner-1-inbound-certificate"]
    assert inbound.settings["TlsSenderCertificateName"] == "mail.contosobank.com"
    assert inbound.settings["RestrictDomainsToCertificate"] is True
    assert inbound.settings["RequireTls"] is True


def test_partner_mx_certificate_makes_outbound_validate_the_domain():
    # Rules version 2 (F4): only the receiving (MX) certificate name goes in TlsDomain.
    result = recommend_for(
        partners=[bank_partner(mx_certificate_domain="*.contosobank.com", direction="outbound")]
    )
    assert by_id(result)["partner-1-outbound"].settings["TlsSettings"] == "DomainValidation"
    assert by_id(result)["partner-1-outbound"].settings["TlsDomain"] == "*.contosobank.com"
    sending = recommend_for(partners=[bank_partner(certificate_domain="*.contosobank.com")])
    assert by_id(sending)["partner-1-outbound"].settings["TlsSettings"] == "CertificateValidation"
    assert "TlsDomain" not in by_id(sending)["partner-1-outbound"].settings


def test_partner_ips_restrict_by_ip():
    result = recommend_for(
        partners=[bank_partner(sender_ips=["203.0.113.0/24"], require_tls=False)]
    )
    inbound = by_id(result)["partner-1-inbound-ip"]
    assert inbound.settings["SenderIPAddresses"] == ["203.0.113.0/24"]
    assert inbound.settings["RestrictDomainsToIPAddresses"] is True
    assert inbound.settings["RequireTls"] is False


def test_partner_with_ips_and_certificate_gets_two_inbound_connectors():
    result = recommend_for(
        partners=[
            bank_partner(certificate_domain="mail.contosobank.com", sender_ips=["203.0.113.7"])
        ]
    )
    inbound = [c for c in result.connectors if c.cmdlet == "New-InboundConnector"]
    assert [c.id for c in inbound] == ["partner-1-inbound-certificate", "partner-1-inbound-ip"]
    assert "TlsSenderCertificateName" not in inbound[1].settings
    assert "SenderIPAddresses" not in inbound[0].settings
    assert "ip-and-certificate-split" in codes(result)


def test_partner_asking_for_nothing_gets_no_connector():
    result = recommend_for(partners=[bank_partner(require_tls=False)])
    assert result.connectors == ()
    assert result.connectors_needed == "none"
    assert "partner-no-connector-needed" in codes(result)


def test_inbound_only_partner_gets_no_outbound_connector():
    result = recommend_for(partners=[bank_partner(direction="inbound")])
    assert [c.id for c in result.connectors] == ["partner-1-inbound"]


def test_allow_by_domain_beside_restricting_partner_connector_is_warned():
    # Rules version 2 (F15c): only when they share a sender domain.
    result = recommend_for(
        partners=[
            bank_partner(domains=["contosobank.com"]),
            bank_partner(name="Fabrikam", domains=["*.contosobank.com"], sender_ips=["192.0.2.5"]),
        ]
    )
    assert "restrict-overrides-allow" in codes(result)
    unrelated = recommend_for(
        partners=[
            bank_partner(),
            bank_partner(name="Fabrikam", domains=["fabrikam.com"], sender_ips=["192.0.2.5"]),
        ]
    )
    assert "restrict-overrides-allow" not in codes(unrelated)


def test_only_restricting_partner_connectors_are_not_warned():
    result = recommend_for(partners=[bank_partner(sender_ips=["192.0.2.5"])])
    assert "restrict-overrides-allow" not in codes(result)


def test_all_senders_partner_warns_about_lost_mail_and_enhanced_filtering():
    result = recommend_for(
        partners=[
            bank_partner(
                name="Filter", domains=["*"], direction="inbound", sender_ips=["192.0.2.5"]
            )
        ]
    )
    # Rules version 2 (F1, F10): the note is enhanced-filtering, and it is a setting too.
    assert {"all-inbound-mail-restricted", "enhanced-filtering"} <= codes(result)
    assert by_id(result)["partner-1-inbound-ip"].settings["EFSkipIPs"] == ["192.0.2.5"]


def test_private_partner_address_is_warned():
    assert "private-ip-address" in codes(
        recommend_for(partners=[bank_partner(sender_ips=["10.5.3.2/24"])])
    )


def test_two_partners_keep_their_order():
    result = recommend_for(
        partners=[
            bank_partner(name="A", domains=["a.com"]),
            bank_partner(name="B", domains=["b.com"]),
        ]
    )
    assert [c.partner for c in result.connectors] == ["A", "A", "B", "B"]


def test_several_outbound_connectors_warn_about_overlapping_scopes():
    result = recommend_for(onprem_server=NON_MS, partners=[bank_partner()])
    # Rules version 2: validation is the checklist's test steps, no longer a note as well.
    assert "overlapping-scopes" in codes(result)
    assert any("Validate-OutboundConnector" in i.text for i in result.checklist)


# --- own-server details (§4.1, §4.2) ---------------------------------------------------------


def test_own_server_details_fill_the_connectors():
    result = recommend_for(
        onprem_server=NON_MS,
        subscription=EXO,
        organization={
            "domains": ["contoso.com"],
            "onprem_smart_hosts": ["mail.contoso.com"],
            "onprem_certificate_domain": "*.contoso.com",
        },
    )
    connectors = by_id(result)
    assert connectors["own-servers-outbound"].settings == {
        "Name": "Outbound to on-premises",
        "ConnectorType": "OnPremises",
        "AllAcceptedDomains": True,
        "UseMXRecord": False,
        "SmartHosts": ["mail.contoso.com"],
        "TlsSettings": "DomainValidation",
        "TlsDomain": "*.contoso.com",
    }
    assert connectors["own-servers-inbound"].settings == {
        "Name": "Inbound from on-premises",
        "ConnectorType": "OnPremises",
        "SenderDomains": ["*"],
        "TlsSenderCertificateName": "*.contoso.com",
        "RequireTls": True,  # rules version 2 (F16)
    }
    assert not connectors["own-servers-inbound"].fill_in


def test_missing_own_server_details_become_fill_ins():
    result = recommend_for(onprem_server=NON_MS)
    fill = {c.id: [f.parameter for f in c.fill_in] for c in result.connectors}
    assert fill == {
        "own-servers-outbound": ["SmartHosts"],
        "own-servers-inbound": ["TlsSenderCertificateName"],
    }
    assert by_id(result)["own-servers-outbound"].settings["TlsSettings"] == "CertificateValidation"


def test_ips_alone_identify_the_server_by_ip_and_warn_about_relay_limits():
    result = recommend_for(
        onprem_server=E2007, organization={"onprem_sending_ips": ["198.51.100.25"]}
    )
    inbound = by_id(result)["own-servers-inbound"]
    assert inbound.settings["SenderIPAddresses"] == ["198.51.100.25"]
    assert "TlsSenderCertificateName" not in inbound.settings
    assert "ip-identification-relay-limits" in codes(result)


def test_certificate_is_preferred_when_both_are_given():
    result = recommend_for(
        onprem_server=E2007,
        organization={
            "onprem_sending_ips": ["198.51.100.25"],
            "onprem_certificate_domain": "contoso.com",
        },
    )
    assert "SenderIPAddresses" not in by_id(result)["own-servers-inbound"].settings


def test_explicit_ip_choice_wins_over_certificate():
    result = recommend_for(
        onprem_server=E2007,
        organization={
            "onprem_sending_ips": ["198.51.100.25"],
            "onprem_certificate_domain": "contoso.com",
            "identify_by": "ip",
        },
    )
    assert "SenderIPAddresses" in by_id(result)["own-servers-inbound"].settings


def test_certificate_outside_the_accepted_domains_is_warned():
    result = recommend_for(
        onprem_server=NON_MS,
        organization={"domains": ["contoso.com"], "onprem_certificate_domain": "mail.fabrikam.com"},
    )
    assert "certificate-domain-must-be-accepted" in codes(result)


def test_certificate_in_a_subdomain_of_an_accepted_domain_is_fine():
    result = recommend_for(
        onprem_server=NON_MS,
        organization={
            "domains": ["contoso.com"],
            "onprem_certificate_domain": "*.mail.contoso.com",
        },
    )
    assert "certificate-domain-must-be-accepted" not in codes(result)


@pytest.mark.parametrize(("onprem", "subscription"), [(E2007, EXO), (NON_MS, EXO)])
def test_treat_as_internal_is_explained_but_never_set(onprem, subscription):
    result = recommend_for(onprem_server=onprem, subscription=subscription)
    assert "treat-messages-as-internal" in codes(result)
    assert all("TreatMessagesAsInternal" not in c.settings for c in result.connectors)


def test_blockers_then_warnings_come_before_information():
    severities = [n.severity for n in recommend_for(onprem_server=E2007).notes]
    order = {"blocker": 0, "warning": 1, "info": 2}
    assert severities == sorted(severities, key=order.__getitem__)
    assert severities[0] == "blocker"


def test_to_dict_has_the_contract_fields():
    data = recommend_for(onprem_server=E2010, subscription=EXO, hybrid_completed=False).to_dict()
    assert {"connectors_needed", "own_servers", "connectors", "guides", "notes"} <= set(data)
    connector = data["connectors"][0]
    assert {
        "id",
        "purpose",
        "from",
        "to",
        "connector_type",
        "cmdlet",
        "required",
        "action",
        "settings",
        "guide",
    } <= set(connector)
