"""Every plan the engine can produce obeys the cmdlet constraints of reference §9."""

import ipaddress
import itertools
import re

import pytest

from planner.engine import recommend
from planner.engine.guides import GUIDES
from planner.engine.notes import NOTES
from planner.engine.rules import RULES
from planner.engine.validation import is_non_public
from tests.factories import E2007, E2010, EOP, EXO, NON_MS, NONE, engine_answers

PARTNER_ONLY = {"RequireTls", "RestrictDomainsToIPAddresses", "RestrictDomainsToCertificate"}
ONPREM_ONLY_WHEN_TRUE = {
    "AllAcceptedDomains",
    "RouteAllMessagesViaOnPremises",
    "SenderRewritingEnabled",
}
DOMAIN_FIELDS = {"SenderDomains", "RecipientDomains", "TlsDomain", "TlsSenderCertificateName"}
BLOG = "https://techcommunity.microsoft.com/blog/exchange/"
BLOG_GUIDES = {"tbe"}
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
    # Rules version 2 (F16): RequireTls $true also goes with a certificate-identified
    # OnPremises inbound connector, as EAC and HCW set it; Restrict* stay Partner-only.
    for _, _, c in _connectors():
        if c.connector_type != "Partner":
            allowed = {"RequireTls"} if "TlsSenderCertificateName" in c.settings else set()
            assert not (PARTNER_ONLY - allowed) & set(c.settings), c
            if "RequireTls" in c.settings:
                assert c.settings["RequireTls"] is True


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
        # Rules version 2: transport-based enforcement is documented only on the Exchange
        # Team blog, so that one guide links there.
        assert all(
            g["url"].startswith("https://learn.microsoft.com/")
            or (g["key"] in BLOG_GUIDES and g["url"].startswith(BLOG))
            for g in data["guides"]
        )


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
def test_note_severities_are_blocker_warning_or_info(severity):
    assert severity in {"blocker", "warning", "info"}


# --- Rules version 2 (shared/reviews/2026-12-advice.md) ----------------------------------------

V2_SERVERS = [
    "exchange-se",
    "exchange-2019",
    "exchange-2016",
    "exchange-2013",
    "exchange-2010",
    E2010,
    E2007,
    NON_MS,
    NONE,
]
MX_ANSWERS = [None, "microsoft-365", "on-premises", "third-party-service"]
EXACT_EXCHANGE = {"exchange-se", "exchange-2019", "exchange-2016", "exchange-2013", "exchange-2010"}


def _v2_scenarios():
    for onprem, subscription, mx in itertools.product(V2_SERVERS, [EOP, EXO], MX_ANSWERS):
        if onprem == NONE and (subscription == EOP or mx == "on-premises"):
            continue
        hybrid_options = [(None, None)]
        if subscription == EXO and (onprem == E2010 or onprem in EXACT_EXCHANGE):
            hybrid_options = [(False, None), (True, None), (True, "full"), (True, "minimal")]
        for (hybrid, configuration), partners in itertools.product(hybrid_options, PARTNERS):
            data = {"onprem_server": onprem, "subscription": subscription, "partners": partners}
            if mx:
                data["mx_points_to"] = mx
            if hybrid is not None:
                data["hybrid_completed"] = hybrid
            if configuration:
                data["hybrid_configuration"] = configuration
            if onprem != NONE:
                data["organization"] = ORGANIZATIONS[1]
            yield data


V2_PLANS = [(data, recommend(engine_answers(**data))) for data in _v2_scenarios()]
ALL_PLANS = PLANS + V2_PLANS
FILTER_STEP = re.compile(
    r"(point|move) (your domains' )?MX( records)? (to|at) Microsoft 365|MX records point to "
    r"Microsoft 365|straight to Exchange Online Protection",
    re.I,
)


def test_the_version_2_matrix_is_broad():
    assert len(V2_PLANS) > 300


def test_no_forced_tls_against_the_answer():
    for data, result in ALL_PLANS:
        for number, partner in enumerate(data["partners"], start=1):
            mine = [c for c in result.connectors if c.id.startswith(f"partner-{number}-")]
            outbound = [c for c in mine if c.direction == "outbound"]
            if partner.get("require_tls", True) is False:
                assert not outbound, (data, outbound)
            for c in mine:
                if c.direction == "inbound" and "TlsSenderCertificateName" not in c.settings:
                    assert c.settings["RequireTls"] is partner.get("require_tls", True)


def test_outbound_tls_domain_is_never_the_partners_sending_certificate():
    for data, result in ALL_PLANS:
        for number, partner in enumerate(data["partners"], start=1):
            for c in result.connectors:
                if c.id == f"partner-{number}-outbound" and "TlsDomain" in c.settings:
                    assert c.settings["TlsDomain"] == partner.get("mx_certificate_domain")


def test_names_fit_64_characters_for_every_accepted_partner_name():
    # Generated inputs: every length the validation accepts, with and without spaces, and
    # every connector a partner can get (certificate, ip, tls, outbound).
    for length in range(1, 49):
        for base in ("A" * length, ("Ab " * 20)[:length].strip() or "A", "É" * length):
            result = recommend(
                engine_answers(
                    partners=[
                        {
                            "name": base,
                            "domains": ["x.com"],
                            "certificate_domain": "mail.x.com",
                            "sender_ips": ["203.0.113.1"],
                        },
                        {"name": base[:47] + "2", "domains": ["y.com"]},
                    ]
                )
            )
            names = [c.settings["Name"] for c in result.connectors]
            assert all(len(name) <= 64 for name in names), names
            assert len(names) == len(set(names)), names
    for _, result in V2_PLANS:
        names = [c.settings["Name"] for c in result.connectors if "Name" in c.settings]
        assert all(len(name) <= 64 for name in names)
        assert len(names) == len(set(names))


def test_no_mx_to_microsoft_365_step_while_a_filtering_service_locks_the_tenant():
    for data, result in ALL_PLANS:
        if any("*" in p["domains"] for p in data["partners"]):
            for item in result.checklist:
                assert not FILTER_STEP.search(item.text), (data, item.text)


def test_enhanced_filtering_whenever_mx_is_elsewhere():
    for data, result in ALL_PLANS:
        elsewhere = data.get("mx_points_to") in ("on-premises", "third-party-service") or any(
            "*" in p["domains"] for p in data["partners"]
        )
        assert ("enhanced-filtering" in {n.code for n in result.notes}) is elsewhere, data


def test_enhanced_filtering_settings_are_consistent():
    for _, _, c in [(d, r, c) for d, r in ALL_PLANS for c in r.connectors]:
        if {"EFSkipIPs", "EFSkipLastIP"} & set(c.settings):
            assert c.cmdlet == "New-InboundConnector"
            assert not {"EFSkipIPs", "EFSkipLastIP"} <= set(c.settings)
            for ip in c.settings.get("EFSkipIPs") or ():
                assert not is_non_public(ip)


def test_blockers_come_first_then_warnings_then_information():
    order = {"blocker": 0, "warning": 1, "info": 2}
    for data, result in ALL_PLANS:
        severities = [order[n.severity] for n in result.notes]
        assert severities == sorted(severities), data
        blocked = data["onprem_server"] in {E2007, "exchange-2010", "exchange-2013"}
        assert (result.notes[0].severity == "blocker") is blocked, data
        assert result.summary.startswith("Blocker:") is blocked


def test_every_note_is_shown_once_and_says_where_it_comes_from():
    for _, result in ALL_PLANS:
        listed = [n.code for n in result.notes]
        assert len(listed) == len(set(listed))
        for note in result.notes:
            assert note.guide in GUIDES and note.source, note.code
        for item in result.checklist:
            assert item.note is None or item.note in listed, item


def test_certificate_identified_on_premises_connectors_use_accepted_names():
    for data, result in ALL_PLANS:
        domains = (data.get("organization") or {}).get("domains") or []
        for c in result.connectors:
            name = c.settings.get("TlsSenderCertificateName")
            if c.connector_type == "OnPremises" and name and domains:
                assert name.removeprefix("*.") in domains, (data, name)
