"""Every plan the engine can produce obeys the cmdlet constraints of reference §9."""

import ipaddress
import itertools
import re

import pytest

from planner.engine import recommend
from planner.engine.guides import GUIDES
from planner.engine.notes import NOTES
from planner.engine.rules import RULES
from tests.factories import E2007, E2010, EOP, EXO, NON_MS, NONE, engine_answers

PARTNER_ONLY = {"RequireTls", "RestrictDomainsToIPAddresses", "RestrictDomainsToCertificate"}
ONPREM_ONLY_WHEN_TRUE = {
    "AllAcceptedDomains",
    "RouteAllMessagesViaOnPremises",
    "SenderRewritingEnabled",
}
DOMAIN_FIELDS = {"SenderDomains", "RecipientDomains", "TlsDomain", "TlsSenderCertificateName"}
DOMAIN = re.compile(r"^(\*\.)?([a-z0-9-]+\.)+[a-z]{2,63}$")

ORGANIZATIONS = [
    {},
    {
        "domains": ["contoso.com"],
        "onprem_smart_hosts": ["mail.contoso.com"],
        "onprem_certificate_domain": "*.contoso.com",
        "onprem_sending_ips": ["198.51.100.25"],
    },
    {"onprem_sending_ips": ["198.51.100.0/24"], "identify_by": "ip"},
    {"onprem_certificate_domain": "mail.contoso.com", "identify_by": "certificate"},
]
DEVICES = [
    None,
    {"send_mail": True},
    {"send_mail": True, "external_recipients": True, "smtp_auth_capable": True},
    {"send_mail": True, "external_recipients": False, "smtp_auth_capable": False},
    {
        "send_mail": True,
        "external_recipients": True,
        "smtp_auth_capable": False,
        "sending_ips": ["203.0.113.10"],
    },
]
PARTNERS = [
    [],
    [
        {"name": "Bank", "domains": ["contosobank.com"], "require_tls": True},
        {
            "name": "Fabrikam",
            "domains": ["fabrikam.com", "*.fabrikam.net"],
            "direction": "inbound",
            "require_tls": False,
            "sender_ips": ["192.0.2.0/25"],
        },
    ],
    [
        {
            "name": "Both",
            "domains": ["woodgrove.com"],
            "certificate_domain": "mail.woodgrove.com",
            "sender_ips": ["203.0.113.0/24", "198.51.100.7"],
        },
        {"name": "Out", "domains": ["tailspin.com"], "direction": "outbound"},
        {"name": "Loose", "domains": ["litware.com"], "require_tls": False},
        {"name": "Filter", "domains": ["*"], "direction": "inbound", "sender_ips": ["192.0.2.1"]},
    ],
]


def _scenarios():
    for onprem, subscription in itertools.product([E2010, E2007, NON_MS, NONE], [EOP, EXO]):
        if onprem == NONE and subscription == EOP:
            continue
        hybrids = [False, True] if (onprem, subscription) == (E2010, EXO) else [None]
        orgs = ORGANIZATIONS if onprem != NONE else [{}]
        for hybrid, org, devices, partners in itertools.product(hybrids, orgs, DEVICES, PARTNERS):
            data = {"onprem_server": onprem, "subscription": subscription, "partners": partners}
            if hybrid is not None:
                data["hybrid_completed"] = hybrid
            if org:
                data["organization"] = org
            if devices:
                data["devices"] = devices
            yield data


SCENARIOS = list(_scenarios())
PLANS = [(data, recommend(engine_answers(**data))) for data in SCENARIOS]


def _connectors():
    for data, result in PLANS:
        for connector in result.connectors:
            yield data, result, connector


def test_the_matrix_is_broad():
    assert len(PLANS) > 300


def test_restrict_and_require_tls_only_on_partner_connectors():
    for _, _, c in _connectors():
        if c.connector_type != "Partner":
            assert not PARTNER_ONLY & set(c.settings), c


def test_treat_messages_as_internal_only_on_premises_without_cloud_services_mail():
    for _, _, c in _connectors():
        if c.settings.get("TreatMessagesAsInternal"):
            assert c.connector_type == "OnPremises"
            assert c.settings.get("CloudServicesMailEnabled") is not True


def test_on_premises_only_switches_require_on_premises_type():
    for _, _, c in _connectors():
        for key in ONPREM_ONLY_WHEN_TRUE:
            if c.settings.get(key) is True:
                assert c.connector_type == "OnPremises", c


def test_smart_hosts_exactly_when_mx_routing_is_off():
    for _, _, c in _connectors():
        if c.settings.get("UseMXRecord") is False:
            filled = c.settings.get("SmartHosts")
            assert filled or "SmartHosts" in {f.parameter for f in c.fill_in}, c
        else:
            assert "SmartHosts" not in c.settings, c


def test_tls_domain_only_with_domain_validation():
    for _, _, c in _connectors():
        if "TlsDomain" in c.settings:
            assert c.settings["TlsSettings"] == "DomainValidation", c


def test_sender_ip_addresses_are_ipv4_24_to_32():
    for _, _, c in _connectors():
        for value in c.settings.get("SenderIPAddresses") or ():
            network = ipaddress.ip_network(value)
            assert network.version == 4 and 24 <= network.prefixlen <= 32


def test_domain_fields_use_whole_leading_label_wildcards_only():
    for _, _, c in _connectors():
        for key in DOMAIN_FIELDS & set(c.settings):
            values = c.settings[key]
            for value in values if isinstance(values, list) else [values]:
                if value is None:
                    assert key in {f.parameter for f in c.fill_in}
                elif value == "*":
                    assert key in {"SenderDomains", "RecipientDomains"}
                else:
                    assert DOMAIN.match(value), (key, value)


def test_partner_inbound_never_holds_ip_and_certificate_restrictions():
    for _, _, c in _connectors():
        if c.connector_type == "Partner" and c.cmdlet == "New-InboundConnector":
            assert not {"SenderIPAddresses", "TlsSenderCertificateName"} <= set(c.settings), c


def test_a_partner_with_ips_and_certificate_gets_two_inbound_connectors_and_the_note():
    for data, result, _ in [(d, r, None) for d, r in PLANS]:
        both = [p for p in data["partners"] if p.get("certificate_domain") and p.get("sender_ips")]
        if both:
            inbound = [
                c
                for c in result.connectors
                if c.partner == both[0]["name"] and c.cmdlet == "New-InboundConnector"
            ]
            assert len(inbound) == 2
            assert "ip-and-certificate-split" in {n.code for n in result.notes}


def test_hybrid_done_creates_no_own_server_connector():
    for data, result in PLANS:
        if data.get("hybrid_completed"):
            assert not [
                c for c in result.connectors if c.purpose == "own-servers" and c.action == "create"
            ]


def test_devices_with_an_on_premises_server_get_no_extra_connector():
    for data, result in PLANS:
        if data["onprem_server"] != NONE and data.get("devices"):
            assert not [c for c in result.connectors if c.purpose == "device-relay"]
            assert "devices-relay-via-onprem" in {n.code for n in result.notes}


def test_names_fit_the_cmdlets_64_characters_and_are_unique_per_plan():
    for _, result in PLANS:
        names = [c.settings["Name"] for c in result.connectors if "Name" in c.settings]
        assert all(len(name) <= 64 for name in names)
        assert len(names) == len(set(names))


def test_connector_ids_are_unique_per_plan():
    for _, result in PLANS:
        ids = [c.id for c in result.connectors]
        assert len(ids) == len(set(ids))


def test_every_guide_used_is_listed_once_with_a_learn_url():
    for _, result in PLANS:
        data = result.to_dict()
        listed = [g["key"] for g in data["guides"]]
        assert len(listed) == len(set(listed))
        used = {c["guide"] for c in data["connectors"]} | {
            n["guide"] for n in data["notes"] if n["guide"]
        }
        assert used <= set(listed)
        assert all(g["url"].startswith("https://learn.microsoft.com/") for g in data["guides"])


def test_connectors_needed_matches_the_connectors():
    for _, result in PLANS:
        create = [c for c in result.connectors if c.action == "create"]
        expected = (
            "required" if any(c.required for c in create) else "optional" if create else "none"
        )
        assert result.connectors_needed == expected


def test_every_connector_and_note_names_a_rule_of_the_table():
    rule_ids = {rule.id for rule in RULES}
    for _, result in PLANS:
        assert {c.rule for c in result.connectors} <= rule_ids
        assert {n.rule for n in result.notes} <= rule_ids
        assert all(c.reason for c in result.connectors)


def test_rules_table_refers_only_to_known_notes_and_guides():
    from planner.engine.connectors import CONNECTORS

    for rule in RULES:
        assert set(rule.notes) <= set(NOTES), rule.id
        assert set(rule.connectors) <= set(CONNECTORS), rule.id
    assert {spec.guide for spec in NOTES.values() if spec.guide} <= set(GUIDES)
    assert len({rule.id for rule in RULES}) == len(RULES)


@pytest.mark.parametrize("severity", sorted({spec.severity for spec in NOTES.values()}))
def test_note_severities_are_warning_or_info(severity):
    assert severity in {"warning", "info"}
