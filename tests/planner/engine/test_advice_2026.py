"""Rules version 2: every finding of shared/reviews/2026-12-advice.md (F1-F20), as answers ->
expected note codes, connector settings, checklist steps and script lines.

Each test reproduces the finding with the review's own answers where it gives them.
"""

import re

import pytest

from planner.engine import RULES_VERSION, parse_answers, recommend
from tests.factories import (
    E2007,
    E2010,
    E2010_EXACT,
    E2013,
    E2016,
    E2019,
    EOP,
    EXO,
    NON_MS,
    SE,
    recommend_for,
)

CONTOSO = {
    "domains": ["contoso.com"],
    "onprem_smart_hosts": ["mail.contoso.com"],
    "onprem_certificate_domain": "mail.contoso.com",
}
FILTER_IP = {
    "name": "Mimecast",
    "domains": ["*"],
    "direction": "inbound",
    "require_tls": True,
    "sender_ips": ["203.0.113.0/24"],
}
FILTER_CERT = {
    "name": "Proofpoint",
    "domains": ["*"],
    "direction": "inbound",
    "require_tls": True,
    "certificate_domain": "*.pphosted.com",
}
BANK = {
    "name": "Contoso Bank",
    "domains": ["contosobank.com"],
    "direction": "both",
    "require_tls": True,
    "certificate_domain": "mail.contosobank.com",
}


def codes(result):
    return [note.code for note in result.notes]


def by_id(result):
    return {c.id: c for c in result.connectors}


def texts(result, phase=None):
    return [i.text for i in result.checklist if phase in (None, i.phase)]


MX_TO_M365 = re.compile(
    r"(point|move|switch) (your domains' )?MX( records)? (records )?(to|at) Microsoft 365"
    r"|MX records point to Microsoft 365",
    re.I,
)


def tells_to_point_mx_at_microsoft_365(text: str) -> bool:
    return bool(MX_TO_M365.search(text)) and not re.search(
        r"Keep your domains' MX records pointed at", text
    )


def test_rules_version_is_2():
    assert RULES_VERSION == 2
    assert recommend_for().rules_version == 2


# --- F1: third-party filter in front: no "MX to Microsoft 365", EF as a script line ------------


@pytest.mark.parametrize("filter_partner", [FILTER_IP, FILTER_CERT], ids=["ip", "certificate"])
def test_f1_filter_in_front_keeps_mx_on_the_service_with_enhanced_filtering(filter_partner):
    result = recommend_for(partners=[filter_partner])
    assert not any(tells_to_point_mx_at_microsoft_365(t) for t in texts(result))
    step = next(t for t in texts(result, "configure") if "Keep your domains' MX records" in t)
    assert filter_partner["name"] in step
    assert "enhanced-filtering" in codes(result)
    inbound = [c for c in result.connectors if c.cmdlet == "New-InboundConnector"]
    script = result.powershell["exchange_online"]
    if "sender_ips" in filter_partner:
        assert inbound[0].settings["EFSkipIPs"] == ["203.0.113.0/24"]
        assert "EFSkipIPs = @('203.0.113.0/24')" in script
    else:
        assert inbound[0].settings["EFSkipLastIP"] is True
        assert "EFSkipLastIP = $true" in script


def test_f1_filter_with_standalone_eop_has_no_mx_switch_step():
    result = recommend_for(onprem_server=NON_MS, subscription=EOP, partners=[FILTER_IP])
    assert not any("straight to Exchange Online Protection" in t for t in texts(result))


def test_f1_mx_answer_contradicting_the_filter_is_warned():
    result = recommend_for(mx_points_to="microsoft-365", partners=[FILTER_IP])
    assert "mx-contradicts-filter" in codes(result)


# --- F2: Exchange 2007 is a blocker ------------------------------------------------------------


@pytest.mark.parametrize("subscription", [EXO, EOP])
def test_f2_exchange_2007_is_a_blocker_with_the_ways_forward(subscription):
    result = recommend_for(onprem_server=E2007, subscription=subscription, organization=CONTOSO)
    first = result.notes[0]
    assert (first.code, first.severity) == ("exchange-version-blocked", "blocker")
    assert "will not carry mail" in first.text
    for way in ("migrate", "supported server in front", "New-TenantExemptionInfo", "90 days"):
        assert way in first.text
    assert result.summary.startswith("Blocker:")
    assert "exchange-2007-limited-hybrid" in codes(result)  # the contract code stays
    assert "is history" in next(n.text for n in result.notes if n.code.endswith("hybrid"))
    for script in result.powershell.values():
        assert "BLOCKER: Exchange Online refuses mail from Exchange 2007" in script
    assert any(i.note == "exchange-version-blocked" for i in result.checklist)


# --- F3: the exact Exchange version decides ----------------------------------------------------

VERSIONS = [
    (E2010_EXACT, "exchange-version-blocked", "blocker"),
    (E2013, "exchange-version-blocked", "blocker"),
    (E2016, "exchange-out-of-support", "warning"),
    (E2019, "exchange-out-of-support", "warning"),
    (E2010, "exchange-version-unknown", "warning"),
]


@pytest.mark.parametrize(("version", "code", "severity"), VERSIONS)
def test_f3_each_exchange_version_gets_its_verdict(version, code, severity):
    result = recommend_for(onprem_server=version, subscription=EXO, hybrid_completed=False)
    note = next(n for n in result.notes if n.code == code)
    assert note.severity == severity
    assert result.own_servers == "consider-hybrid"  # Table B row 2 applies to each version
    assert {c.id for c in result.connectors} == {"own-servers-outbound", "own-servers-inbound"}


def test_f3_out_of_support_names_the_report_and_the_upgrade():
    note = next(
        n
        for n in recommend_for(onprem_server=E2019, subscription=EOP).notes
        if n.severity == "warning"
    )
    assert note.code == "exchange-out-of-support"
    assert "Out-of-date connecting on-premises Exchange servers" in note.text
    assert "Exchange Server Subscription Edition" in note.text
    assert "14 October 2025" in note.text


def test_f3_current_up_to_date_se_gets_no_version_warning():
    result = recommend_for(onprem_server=SE, subscription=EOP, onprem_up_to_date=True)
    assert not {
        "exchange-version-blocked",
        "exchange-out-of-support",
        "exchange-version-unknown",
        "outdated-exchange-throttling",
    } & set(codes(result))
    assert "outdated-exchange-throttling" in codes(
        recommend_for(onprem_server=SE, subscription=EOP, onprem_up_to_date=False)
    )


def test_f3_consider_hybrid_names_the_dedicated_app_and_current_updates():
    note = next(
        n
        for n in recommend_for(onprem_server=SE, subscription=EXO, hybrid_completed=False).notes
        if n.code == "consider-hybrid-wizard"
    )
    assert "dedicated Exchange hybrid application" in note.text
    assert "latest cumulative and security update" in note.text


# --- F4: partner outbound TLS validates the RECEIVING certificate, never forced -----------------


def test_f4_sending_certificate_never_becomes_the_outbound_tls_domain():
    outbound = by_id(recommend_for(partners=[BANK]))["partner-1-outbound"]
    assert outbound.settings["TlsSettings"] == "CertificateValidation"
    assert "TlsDomain" not in outbound.settings


def test_f4_mx_certificate_domain_is_validated():
    result = recommend_for(
        partners=[{**BANK, "mx_certificate_domain": "*.mail.protection.outlook.com"}]
    )
    outbound = by_id(result)["partner-1-outbound"]
    assert outbound.settings["TlsSettings"] == "DomainValidation"
    assert outbound.settings["TlsDomain"] == "*.mail.protection.outlook.com"
    assert any("partner's MX servers" in t for t in texts(result, "test"))


def test_f4_require_tls_false_gets_no_outbound_connector():
    result = recommend_for(partners=[{**BANK, "require_tls": False}])
    assert "partner-1-outbound" not in by_id(result)
    assert "partner-outbound-opportunistic" in codes(result)


# --- F5: certificate names must be accepted domains ---------------------------------------------


@pytest.mark.parametrize("onprem", [E2016, NON_MS, E2007])
def test_f5_host_name_certificate_becomes_the_accepted_domain_wildcard(onprem):
    org = {**CONTOSO, "domains": ["contoso.com", "fabrikam.com"]}
    result = recommend_for(onprem_server=onprem, subscription=EOP, organization=org)
    inbound = by_id(result)["own-servers-inbound"]
    assert inbound.settings["TlsSenderCertificateName"] == "*.contoso.com"
    assert "certificate-name-not-accepted-domain" in codes(result)
    # Exchange Online still connects to the host, so outbound keeps the host name.
    assert by_id(result)["own-servers-outbound"].settings["TlsDomain"] == "mail.contoso.com"


@pytest.mark.parametrize(
    ("certificate", "flagged"),
    [("contoso.com", False), ("*.contoso.com", False), ("mail.contoso.com", True)],
)
def test_f5_only_non_accepted_names_are_flagged(certificate, flagged):
    org = {**CONTOSO, "onprem_certificate_domain": certificate}
    result = recommend_for(onprem_server=NON_MS, subscription=EOP, organization=org)
    assert ("certificate-name-not-accepted-domain" in codes(result)) is flagged


def test_f5_without_domains_a_host_name_is_flagged_but_kept():
    org = {"onprem_certificate_domain": "mail.contoso.com"}
    result = recommend_for(onprem_server=NON_MS, subscription=EOP, organization=org)
    assert by_id(result)["own-servers-inbound"].settings["TlsSenderCertificateName"] == (
        "mail.contoso.com"
    )
    assert "certificate-name-not-accepted-domain" in codes(result)


# --- F6: coexistence routing without a full hybrid ----------------------------------------------


@pytest.mark.parametrize(
    "answers",
    [
        {"onprem_server": E2016, "hybrid_completed": False},
        {"onprem_server": SE, "hybrid_completed": True, "hybrid_configuration": "minimal"},
        {"onprem_server": NON_MS},
    ],
    ids=["exchange-no-hcw", "minimal-hcw", "postfix"],
)
def test_f6_mixed_mailboxes_get_coexistence_routing(answers):
    result = recommend_for(subscription=EXO, organization=CONTOSO, **answers)
    assert "coexistence-routing" in codes(result)
    assert any(i.note == "coexistence-routing" for i in result.checklist)
    script = result.powershell["on_premises"]
    assert "mail.onmicrosoft.com" in script


def test_f6_full_hybrid_and_eop_get_no_coexistence_note():
    assert "coexistence-routing" not in codes(
        recommend_for(onprem_server=SE, subscription=EXO, hybrid_completed=True)
    )
    assert "coexistence-routing" not in codes(recommend_for(onprem_server=SE, subscription=EOP))


# --- F7: Minimal and Express create no connectors -----------------------------------------------


@pytest.mark.parametrize("configuration", ["minimal", "express"])
def test_f7_minimal_and_express_plan_the_pair_by_hand(configuration):
    result = recommend_for(
        onprem_server=SE,
        subscription=EXO,
        hybrid_completed=True,
        hybrid_configuration=configuration,
    )
    assert {(c.id, c.action) for c in result.connectors} == {
        ("own-servers-outbound", "create"),
        ("own-servers-inbound", "create"),
    }
    assert result.own_servers == "manual-connectors"
    assert "hybrid-no-connectors" in codes(result)


@pytest.mark.parametrize("configuration", ["full", None])
def test_f7_full_reviews_and_the_review_says_what_if_nothing_is_listed(configuration):
    result = recommend_for(
        onprem_server=SE,
        subscription=EXO,
        hybrid_completed=True,
        hybrid_configuration=configuration,
    )
    assert result.own_servers == "created-by-hybrid-wizard"
    assert "hybrid-dedicated-app" in codes(result)
    assert ("hybrid-configuration-unknown" in codes(result)) is (configuration is None)
    assert (
        "Write-Warning 'No connectors made by the Hybrid Configuration Wizard"
        in (result.powershell["exchange_online"])
    )


# --- F8: SMTP AUTH only with OAuth; dates as Microsoft states them ------------------------------


def test_f8_basic_only_devices_are_not_sent_to_smtp_auth():
    result = recommend_for(
        devices={"send_mail": True, "external_recipients": True, "smtp_auth_capable": True}
    )
    assert result.devices.recommended == "smtp-relay"
    note = next(n for n in result.notes if n.code == "smtp-auth-basic-retirement")
    for fact in (
        "end of December 2026",
        "disabled by default for existing tenants",
        "tenants created after December 2026 don't have it",
        "announce the final removal date in the second half of 2027",
    ):
        assert fact in note.text
    keys = {o.key for o in result.devices.options}
    assert {"smtp-auth", "smtp-relay", "hve", "acs-email", "direct-send"} == keys


def test_f8_unknown_capabilities_do_not_claim_tls_sign_in():
    result = recommend_for(devices={"send_mail": True})
    assert result.devices.recommended == "smtp-relay"
    assert not any("can sign in over TLS 1.2" in r.reason for r in result.rules)
    smtp_auth = next(o for o in result.devices.options if o.key == "smtp-auth")
    assert "OAuth" in smtp_auth.why


def test_f8_oauth_devices_get_smtp_auth():
    result = recommend_for(
        devices={"send_mail": True, "smtp_auth_capable": True, "oauth_capable": True}
    )
    assert result.devices.recommended == "smtp-auth"


# --- F9: direct send is not recommended; Reject Direct Send as hardening ------------------------


def test_f9_internal_only_devices_get_the_connector_and_reject_direct_send():
    result = recommend_for(
        devices={
            "send_mail": True,
            "external_recipients": False,
            "smtp_auth_capable": False,
            "sending_ips": ["203.0.113.10"],
        }
    )
    assert result.devices.recommended == "smtp-relay"
    relay = by_id(result)["device-relay-inbound"]
    assert relay.settings["SenderIPAddresses"] == ["203.0.113.10"]
    assert "reject-direct-send" in codes(result)
    assert (
        "# Set-OrganizationConfig -RejectDirectSend $true" in result.powershell["exchange_online"]
    )
    assert not any("Never combine direct send with a connector" in n.text for n in result.notes)


def test_f9_every_exchange_online_plan_suggests_reject_direct_send():
    assert "reject-direct-send" in codes(recommend_for())
    assert "reject-direct-send" not in codes(recommend_for(onprem_server=NON_MS, subscription=EOP))


# --- F10: Enhanced Filtering where MX doesn't point to Microsoft 365 ----------------------------


def test_f10_mx_on_premises_sets_enhanced_filtering_on_the_on_premises_connector():
    org = {**CONTOSO, "onprem_sending_ips": ["198.51.100.25"]}
    result = recommend_for(
        onprem_server=SE,
        subscription=EXO,
        hybrid_completed=False,
        mx_points_to="on-premises",
        organization=org,
    )
    assert by_id(result)["own-servers-inbound"].settings["EFSkipIPs"] == ["198.51.100.25"]
    assert "enhanced-filtering" in codes(result)
    step = next(i for i in result.checklist if i.note == "enhanced-filtering")
    assert "recommended, not required" in step.text


def test_f10_hybrid_review_with_mx_on_premises_gets_the_set_inbound_line():
    result = recommend_for(
        onprem_server=SE, subscription=EXO, hybrid_completed=True, mx_points_to="on-premises"
    )
    assert "Set-InboundConnector -EFSkipLastIP $true" in result.powershell["exchange_online"]
    assert not any(
        t.startswith("Point your domains' MX records to Microsoft 365") for t in texts(result)
    )


def test_f10_hybrid_review_makes_the_mx_move_a_recommendation():
    result = recommend_for(onprem_server=SE, subscription=EXO, hybrid_completed=True)
    step = next(t for t in texts(result, "configure") if "MX" in t)
    assert "recommended (not required)" in step


def test_f10_mx_at_a_third_party_without_a_connector_says_to_create_one():
    result = recommend_for(mx_points_to="third-party-service")
    assert "enhanced-filtering" in codes(result)
    assert any("sender domain *" in t for t in texts(result, "configure"))


# --- F11: standalone EOP spam verdicts -> SCL 6 ------------------------------------------------


@pytest.mark.parametrize("onprem", [E2016, SE, E2007])
def test_f11_standalone_eop_with_exchange_gets_the_scl_rules(onprem):
    result = recommend_for(onprem_server=onprem, subscription=EOP, organization=CONTOSO)
    assert "eop-spam-verdicts" in codes(result)
    script = result.powershell["on_premises"]
    for verdict in ("SFV:SPM", "SFV:SKS", "SFV:SKB"):
        assert (
            "-HeaderContainsMessageHeader 'X-Forefront-Antispam-Report' "
            f"-HeaderContainsWords '{verdict}' -SetSCL 6"
        ) in script


def test_f11_non_microsoft_server_with_eop_gets_the_header_rule_in_words():
    script = recommend_for(onprem_server=NON_MS, subscription=EOP).powershell["on_premises"]
    assert "SFV:SPM" in script


# --- F12: SPF -all, DKIM, DMARC; documentation ranges are not "not public" ----------------------


def test_f12_spf_dkim_dmarc_steps_and_the_spf_guide():
    result = recommend_for(
        onprem_server=E2010,
        subscription=EXO,
        hybrid_completed=False,
        organization={**CONTOSO, "onprem_sending_ips": ["198.51.100.25"]},
    )
    steps = [i for i in result.checklist if i.note == "sender-authentication"]
    assert [i.guide for i in steps] == ["spf_configure", "dkim_configure", "dmarc_configure"]
    assert "ip4:198.51.100.25 -all" in steps[0].text
    assert "not public" not in steps[0].text
    assert "sender-authentication" in codes(result)


# --- F13: device relay ranges -------------------------------------------------------------------


def test_f13_private_device_addresses_are_accepted_with_an_on_premises_server():
    result = recommend_for(
        onprem_server=SE,
        subscription=EXO,
        hybrid_completed=True,
        devices={"send_mail": True, "sending_ips": ["10.1.2.3"]},
    )
    script = result.powershell["on_premises"]
    assert "-RemoteIPRanges @('10.1.2.3')" in script
    assert "$CreateDeviceRelayConnector = $false" in script  # opt-in in a hybrid review
    note = next(n for n in result.notes if n.code == "devices-relay-via-onprem")
    assert "internal addresses" in note.text and "/32" in note.text


def test_f13_device_ranges_wider_than_one_address_are_warned():
    result = recommend_for(
        onprem_server=SE,
        subscription=EXO,
        hybrid_completed=True,
        devices={"send_mail": True, "sending_ips": ["203.0.113.0/24"]},
    )
    assert "device-relay-ranges" in codes(result)
    assert "device-relay-ranges" not in codes(
        recommend_for(devices={"send_mail": True, "sending_ips": ["203.0.113.10"]})
    )


# --- F14: names fit 64 characters --------------------------------------------------------------


def test_f14_longest_partner_name_fits_and_stays_unique():
    long_a = "A" * 48
    result = recommend_for(
        partners=[
            {
                "name": long_a,
                "domains": ["x.com"],
                "certificate_domain": "mail.x.com",
                "sender_ips": ["203.0.113.1"],
            },
            {"name": long_a[:-1] + "B", "domains": ["y.com"], "certificate_domain": "mail.y.com"},
        ]
    )
    names = [c.settings["Name"] for c in result.connectors]
    assert all(len(name) <= 64 for name in names)
    assert len(set(names)) == len(names)
    assert f"Name = '{names[0]}'" in result.powershell["exchange_online"]


# --- F15: partner notes -------------------------------------------------------------------------


def test_f15_split_says_either_or():
    result = recommend_for(partners=[{**BANK, "sender_ips": ["203.0.113.0/24"]}])
    note = next(n for n in result.notes if n.code == "ip-and-certificate-split")
    assert "either" in note.text


def test_f15_no_contradictory_no_connector_note():
    result = recommend_for(
        partners=[
            {
                "name": "Fabrikam",
                "domains": ["fabrikam.com"],
                "require_tls": False,
                "sender_ips": ["203.0.113.0/24"],
            }
        ]
    )
    assert "partner-1-inbound-ip" in by_id(result)
    assert "partner-no-connector-needed" not in codes(result)


def test_f15_restrict_overrides_allow_only_for_shared_domains():
    result = recommend_for(
        partners=[
            {"name": "A", "domains": ["a.com"], "require_tls": True},
            {"name": "B", "domains": ["b.com"], "sender_ips": ["203.0.113.5"]},
        ]
    )
    assert "restrict-overrides-allow" not in codes(result)


# --- F16: RequireTls with certificate identification -------------------------------------------


def test_f16_certificate_identified_on_premises_connector_requires_tls():
    result = recommend_for(onprem_server=SE, subscription=EOP, organization=CONTOSO)
    assert by_id(result)["own-servers-inbound"].settings["RequireTls"] is True
    ip = recommend_for(
        onprem_server=SE,
        subscription=EOP,
        organization={"onprem_sending_ips": ["198.51.100.25"], "identify_by": "ip"},
    )
    assert "RequireTls" not in by_id(ip)["own-servers-inbound"].settings


# --- F17: the hybrid review script --------------------------------------------------------------


def test_f17_hybrid_review_checks_tls_domain_capabilities_and_the_dedicated_app():
    script = recommend_for(onprem_server=SE, subscription=EXO, hybrid_completed=True).powershell[
        "on_premises"
    ]
    receive = next(line for line in script.splitlines() if line.startswith("Get-ReceiveConnector"))
    assert "TlsDomainCapabilities" in receive
    assert "CloudServicesMailEnabled" not in receive
    assert "AcceptCloudServicesMail" in script
    assert "dedicated Exchange hybrid application" in script


# --- F18: TBE report and pause ------------------------------------------------------------------


def test_f18_tbe_note_gives_the_report_the_pause_and_its_guide():
    result = recommend_for(onprem_server=E2016, subscription=EOP)
    note = next(n for n in result.notes if n.code == "outdated-exchange-throttling")
    for detail in (
        "Out-of-date connecting on-premises Exchange servers",
        "Get-OnPremServerReportInfo",
        "New-TenantExemptionInfo -BlockingScenario UnpatchedOnPremServer",
        "90 days per calendar year",
    ):
        assert detail in note.text
    assert note.guide == "tbe"
    assert "techcommunity.microsoft.com" in next(g.url for g in result.guides if g.key == "tbe")


# --- F19: DANE/DNSSEC, MTA-STS, attribution ------------------------------------------------------


def test_f19_dane_mta_sts_and_attribution_rules():
    result = recommend_for(onprem_server=SE, subscription=EOP, organization=CONTOSO)
    dane = next(n for n in result.notes if n.code == "inbound-dane-mta-sts")
    assert "mx.microsoft" in dane.text and "MTA-STS" in dane.text
    relay = next(n for n in result.notes if n.code == "relay-needs-certificate-or-accepted-domains")
    assert "MC1226222" in relay.text


# --- F20: smaller items -------------------------------------------------------------------------


def test_f20a_standalone_eop_tests_internet_mail_only_after_the_mx_switch():
    result = recommend_for(onprem_server=SE, subscription=EOP, organization=CONTOSO)
    phases = [(i.phase, i.text) for i in result.checklist]
    internet = [p for p, t in phases if "from an internet mailbox to an on-premises mailbox" in t]
    assert internet == ["after"]
    switch = next(n for n, (_, t) in enumerate(phases) if "straight to Exchange Online" in t)
    test = next(n for n, (_, t) in enumerate(phases) if "After the MX change, send" in t)
    assert switch < test


@pytest.mark.parametrize(
    ("answers", "shown"),
    [
        ({"onprem_server": NON_MS, "subscription": EXO}, False),
        ({"onprem_server": E2007, "subscription": EXO}, False),
        ({"onprem_server": SE, "subscription": EOP}, False),
        ({"onprem_server": SE, "subscription": EXO, "hybrid_completed": False}, True),
    ],
)
def test_f20b_cloud_services_mail_note_only_where_hcw_applies(answers, shown):
    assert ("leave-cloud-services-mail-to-hcw" in codes(recommend_for(**answers))) is shown


def test_f20d_existing_internet_send_connector_is_addressed():
    result = recommend_for(onprem_server=SE, subscription=EXO, hybrid_completed=False)
    assert (
        "Get-SendConnector | Where-Object { $_.AddressSpaces -match '\\*' }"
        in (result.powershell["on_premises"])
    )
    assert any("existing Send connector for address space *" in t for t in texts(result))


def test_f20e_postfix_steps_name_the_client_certificate():
    script = recommend_for(
        onprem_server=NON_MS,
        subscription=EXO,
        organization={"onprem_certificate_domain": "*.contoso.com"},
    ).powershell["on_premises"]
    for parameter in (
        "relayhost",
        "smtp_tls_security_level",
        "smtp_tls_cert_file",
        "smtp_tls_key_file",
    ):
        assert parameter in script


def test_f20f_smtp_auth_guide_has_no_drifting_anchor():
    result = recommend_for(
        devices={"send_mail": True, "smtp_auth_capable": True, "oauth_capable": True}
    )
    url = next(g.url for g in result.guides if g.key == "mfd_option1_smtp_auth")
    assert "#option-1-recommended" not in url


# --- the contract's example answers keep working -------------------------------------------------


def test_contract_example_still_plans_with_version_2_notes():
    answers = parse_answers(
        {
            "onprem_server": E2010,
            "subscription": EXO,
            "hybrid_completed": False,
            "organization": {
                "domains": ["contoso.com"],
                "onprem_smart_hosts": ["mail.contoso.com"],
                "onprem_certificate_domain": "mail.contoso.com",
                "onprem_sending_ips": ["198.51.100.25"],
            },
            "devices": {
                "send_mail": True,
                "external_recipients": True,
                "smtp_auth_capable": False,
                "sending_ips": ["203.0.113.10"],
            },
            "partners": [{**BANK, "sender_ips": ["203.0.113.0/24"]}],
        }
    )
    result = recommend(answers)
    assert {"open-relay", "ip-and-certificate-split", "exchange-version-unknown"} <= set(
        codes(result)
    )
    assert [n.severity for n in result.notes][0] in ("blocker", "warning")
