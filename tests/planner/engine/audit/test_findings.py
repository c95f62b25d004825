"""Findings on the tenant's existing settings: each rule fires where it should, and only there."""

import pytest

from planner.engine.audit import FINDING_RULES, compare, schema
from tests.planner.engine.audit.audit_helpers import (
    accepted,
    current,
    ems_export,
    exo_export,
    inbound,
    outbound,
    record,
    sample,
)


def codes(*exports, plan=None) -> list[str]:
    plan = plan or {"connectors": [], "own_servers": None, "devices": None}
    return [finding.code for finding in compare(plan, current(*exports)).findings]


def onprem_in(**values):
    values.setdefault("ConnectorType", "OnPremises")
    values.setdefault("SenderDomains", ["smtp:*;1"])
    return inbound(**values)


CASES = [
    # (exports, code, fires)
    pytest.param(
        [exo_export(inbound_connectors=[inbound(SenderDomains=["smtp:*;1"])])],
        "partner-any-sender-unrestricted",
        True,
        id="partner-star-unrestricted",
    ),
    pytest.param(
        [
            exo_export(
                inbound_connectors=[
                    inbound(
                        SenderDomains=["*"],
                        SenderIPAddresses=["203.0.113.0/24"],
                        RestrictDomainsToIPAddresses=True,
                    )
                ]
            )
        ],
        "partner-any-sender-unrestricted",
        False,
        id="partner-star-restricted-to-ips",
    ),
    pytest.param(
        [exo_export(inbound_connectors=[onprem_in(SenderIPAddresses=["198.51.100.0/22"])])],
        "onprem-inbound-broad-ip-range",
        True,
        id="onprem-slash-22",
    ),
    pytest.param(
        [exo_export(inbound_connectors=[onprem_in(SenderIPAddresses=["198.51.100.0/24"])])],
        "onprem-inbound-broad-ip-range",
        False,
        id="onprem-slash-24",
    ),
    pytest.param(
        [exo_export(inbound_connectors=[onprem_in(SenderIPAddresses=["10.20.0.5"])])],
        "inbound-private-ip-address",
        True,
        id="private-address",
    ),
    pytest.param(
        [exo_export(inbound_connectors=[onprem_in(SenderIPAddresses=["203.0.113.5"])])],
        "inbound-private-ip-address",
        False,
        id="public-address",
    ),
    pytest.param(
        [exo_export(outbound_connectors=[outbound(Enabled=False)])],
        "connector-disabled",
        True,
        id="disabled",
    ),
    pytest.param(
        [exo_export(outbound_connectors=[outbound(IsValidated=False)])],
        "outbound-connector-not-validated",
        True,
        id="not-validated",
    ),
    pytest.param(
        [exo_export(outbound_connectors=[outbound(LastValidationTimestamp=None)])],
        "outbound-connector-not-validated",
        True,
        id="validated-without-timestamp",
    ),
    pytest.param(
        [exo_export(outbound_connectors=[outbound()])],
        "outbound-connector-not-validated",
        False,
        id="validated",
    ),
    pytest.param(
        [exo_export(inbound_connectors=[onprem_in(TlsSenderCertificateName="mail.contoso.com")])],
        "certificate-name-not-accepted-domain",
        True,
        id="host-name-certificate",
    ),
    pytest.param(
        [exo_export(inbound_connectors=[onprem_in(TlsSenderCertificateName="*.contoso.com")])],
        "certificate-name-not-accepted-domain",
        False,
        id="wildcard-of-accepted-domain",
    ),
    pytest.param(
        [
            exo_export(
                inbound_connectors=[onprem_in(TlsSenderCertificateName="mail.contoso.com")],
                accepted_domains=accepted("contoso.com", "mail.contoso.com"),
            )
        ],
        "certificate-name-not-accepted-domain",
        False,
        id="host-name-added-as-accepted-domain",
    ),
    pytest.param(
        [exo_export(smtp_auth_disabled=False)], "smtp-auth-enabled", True, id="smtp-auth-on"
    ),
    pytest.param(
        [exo_export(smtp_auth_disabled=None)], "smtp-auth-enabled", False, id="smtp-auth-unknown"
    ),
    pytest.param(
        [exo_export(reject_direct_send=False)],
        "direct-send-not-rejected",
        True,
        id="direct-send-open",
    ),
    pytest.param(
        [exo_export(reject_direct_send=True)],
        "direct-send-not-rejected",
        False,
        id="direct-send-rejected",
    ),
    pytest.param(
        [
            ems_export(
                send_connectors=[
                    record(
                        schema.SEND_CONNECTOR,
                        Name="To Microsoft 365",
                        SmartHosts=["contoso-com.mail.protection.outlook.com"],
                    )
                ]
            )
        ],
        "onprem-send-connector-without-tls",
        True,
        id="send-connector-without-tls",
    ),
]


@pytest.mark.parametrize(("exports", "code", "fires"), CASES)
def test_finding(exports, code, fires):
    assert (code in codes(*exports)) is fires


@pytest.mark.parametrize(
    ("version", "code"),
    [
        pytest.param("Version 8.3 (Build 83.6)", "exchange-server-blocked", id="2007"),
        pytest.param("Version 14.3 (Build 123.4)", "exchange-server-blocked", id="2010"),
        pytest.param("Version 15.0 (Build 1497.2)", "exchange-server-blocked", id="2013"),
        pytest.param("Version 15.1 (Build 2507.6)", "exchange-server-out-of-support", id="2016"),
        pytest.param("Version 15.2 (Build 1748.10)", "exchange-server-out-of-support", id="2019"),
        pytest.param("Version 15.2 (Build 2562.17)", None, id="subscription-edition"),
    ],
)
def test_exchange_server_version_finding(version, code):
    found = [c for c in codes(ems_export(servers=[("EX01", version)])) if c.startswith("exchange")]
    assert found == ([code] if code else [])


def test_tls_weaker_than_plan_compares_the_matched_connector():
    plan = {
        "connectors": [
            {
                "id": "out",
                "title": "Out",
                "cmdlet": "New-OutboundConnector",
                "action": "create",
                "settings": {
                    "Name": "Out",
                    "ConnectorType": "Partner",
                    "TlsSettings": "DomainValidation",
                },
            }
        ]
    }
    export = exo_export(outbound_connectors=[outbound(Name="Out", TlsSettings="EncryptionOnly")])
    assert "tls-weaker-than-plan" in codes(export, plan=plan)


def test_smtp_auth_finding_speaks_of_the_devices_when_the_plan_uses_smtp_auth():
    plan = {"connectors": [], "devices": {"recommended": "smtp-auth"}}
    (finding,) = compare(plan, current(exo_export(smtp_auth_disabled=False))).findings
    assert "devices' mailboxes" in finding.text


def test_direct_send_finding_stays_quiet_when_the_plan_uses_direct_send():
    plan = {"connectors": [], "devices": {"recommended": "direct-send"}}
    assert compare(plan, current(exo_export(reject_direct_send=False))).findings == ()


def test_sample_tenant_raises_every_connector_finding():
    plan = {"connectors": [], "devices": None}
    found = {finding.code for finding in compare(plan, sample()).findings}
    assert found >= {
        "partner-any-sender-unrestricted",
        "onprem-inbound-broad-ip-range",
        "inbound-private-ip-address",
        "connector-disabled",
        "outbound-connector-not-validated",
        "certificate-name-not-accepted-domain",
        "smtp-auth-enabled",
        "direct-send-not-rejected",
        "exchange-server-blocked",
        "exchange-server-out-of-support",
        "onprem-send-connector-without-tls",
    }


def test_every_rule_has_a_unique_code_and_a_microsoft_source():
    rule_codes = [rule.code for rule in FINDING_RULES]
    assert len(rule_codes) == len(set(rule_codes))
    assert all(rule.source.startswith("https://learn.microsoft.com/") for rule in FINDING_RULES)
    assert all(rule.rule and rule.severity in ("warning", "info") for rule in FINDING_RULES)
