"""The one validation layer: every bad-input rule of the API contract, with its field path."""

import pytest

from planner.engine import AnswersError, parse_answers
from planner.engine.validation import (
    FieldError,
    clean_domain,
    clean_host,
    clean_plan_name,
    clean_sender_ip,
)
from tests.factories import E2007, E2010, EOP, EXO, NONE, bank_partner


def errors_of(data):
    with pytest.raises(AnswersError) as caught:
        parse_answers(data)
    return caught.value.errors


BAD = [
    pytest.param({"subscription": EXO}, "answers.onprem_server", id="onprem-missing"),
    pytest.param(
        {"onprem_server": "exchange-2003", "subscription": EXO},
        "answers.onprem_server",
        id="onprem-unknown",
    ),
    pytest.param({"onprem_server": NONE}, "answers.subscription", id="subscription-missing"),
    pytest.param(
        {"onprem_server": NONE, "subscription": "office"},
        "answers.subscription",
        id="subscription-unknown",
    ),
    pytest.param(
        {"onprem_server": NONE, "subscription": EOP},
        "answers.subscription",
        id="standalone-eop-without-servers",
    ),
    pytest.param(
        {"onprem_server": E2010, "subscription": EXO},
        "answers.hybrid_completed",
        id="hybrid-missing",
    ),
    pytest.param(
        {"onprem_server": E2010, "subscription": EXO, "hybrid_completed": "yes"},
        "answers.hybrid_completed",
        id="hybrid-not-bool",
    ),
    pytest.param(
        {"onprem_server": E2010, "subscription": EOP, "hybrid_completed": False},
        "answers.hybrid_completed",
        id="hybrid-with-eop",
    ),
    pytest.param(
        {"onprem_server": E2007, "subscription": EXO, "hybrid_completed": True},
        "answers.hybrid_completed",
        id="hybrid-with-2007",
    ),
    pytest.param(
        {"onprem_server": NONE, "subscription": EXO, "hybrid_completed": False},
        "answers.hybrid_completed",
        id="hybrid-cloud-only",
    ),
    pytest.param(
        {"onprem_server": NONE, "subscription": EXO, "foo": 1}, "answers.foo", id="unknown-key"
    ),
    pytest.param(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "devices": {"send_mail": True, "colour": "red"},
        },
        "answers.devices.colour",
        id="unknown-nested-key",
    ),
    pytest.param(
        {"onprem_server": NONE, "subscription": EXO, "devices": {"send_mail": "yes"}},
        "answers.devices.send_mail",
        id="send-mail-not-bool",
    ),
    pytest.param(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "devices": {"send_mail": True, "sending_ips": ["10.0.0.5"]},
        },
        "answers.devices.sending_ips.0",
        id="device-ip-private",
    ),
    pytest.param(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "devices": {"send_mail": False, "sending_ips": ["203.0.113.5"]},
        },
        "answers.devices.sending_ips",
        id="device-details-without-devices",
    ),
    pytest.param(
        {"onprem_server": NONE, "subscription": EXO, "partners": {}},
        "answers.partners",
        id="partners-not-list",
    ),
    pytest.param(
        {"onprem_server": NONE, "subscription": EXO, "partners": [bank_partner()] * 51},
        "answers.partners",
        id="too-many-partners",
    ),
    pytest.param(
        {"onprem_server": NONE, "subscription": EXO, "partners": [bank_partner(name="")]},
        "answers.partners.0.name",
        id="partner-name-empty",
    ),
    pytest.param(
        {"onprem_server": NONE, "subscription": EXO, "partners": [bank_partner(domains=[])]},
        "answers.partners.0.domains",
        id="partner-no-domains",
    ),
    pytest.param(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "partners": [bank_partner(domains=["ok.com", "contoso.*.com"])],
        },
        "answers.partners.0.domains.1",
        id="embedded-wildcard",
    ),
    pytest.param(
        {"onprem_server": NONE, "subscription": EXO, "partners": [bank_partner(domains=["*"])]},
        "answers.partners.0.domains.0",
        id="star-needs-inbound",
    ),
    pytest.param(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "partners": [bank_partner(direction="sideways")],
        },
        "answers.partners.0.direction",
        id="direction-unknown",
    ),
    pytest.param(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "partners": [bank_partner(require_tls="true")],
        },
        "answers.partners.0.require_tls",
        id="require-tls-not-bool",
    ),
    pytest.param(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "partners": [bank_partner(sender_ips=["203.0.113.1", "2001:db8::1"])],
        },
        "answers.partners.0.sender_ips.1",
        id="ipv6",
    ),
    pytest.param(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "partners": [bank_partner(sender_ips=["203.0.113.1-203.0.113.9"])],
        },
        "answers.partners.0.sender_ips.0",
        id="ip-range",
    ),
    pytest.param(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "partners": [bank_partner(sender_ips=["203.0.112.0/23"])],
        },
        "answers.partners.0.sender_ips.0",
        id="prefix-too-short",
    ),
    pytest.param(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "partners": [bank_partner(certificate_domain="*contoso.com")],
        },
        "answers.partners.0.certificate_domain",
        id="bad-certificate-domain",
    ),
    pytest.param(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "partners": [bank_partner(), bank_partner(name="Other")],
        },
        "answers.partners.1.domains.0",
        id="domain-in-two-partners",
    ),
    pytest.param(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "partners": [bank_partner(), bank_partner(domains=["x.com"])],
        },
        "answers.partners.1.name",
        id="duplicate-partner-name",
    ),
    pytest.param(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "organization": {"onprem_smart_hosts": ["mail.contoso.com"]},
        },
        "answers.organization.onprem_smart_hosts",
        id="onprem-details-without-server",
    ),
    pytest.param(
        {
            "onprem_server": E2007,
            "subscription": EXO,
            "organization": {"onprem_smart_hosts": ["mail..com"]},
        },
        "answers.organization.onprem_smart_hosts.0",
        id="bad-smart-host",
    ),
    pytest.param(
        {"onprem_server": E2007, "subscription": EXO, "organization": {"identify_by": "dns"}},
        "answers.organization.identify_by",
        id="identify-by-unknown",
    ),
    pytest.param(
        {
            "onprem_server": E2007,
            "subscription": EXO,
            "organization": {"domains": ["contoso.com", "CONTOSO.com"]},
        },
        "answers.organization.domains.1",
        id="duplicate-domain",
    ),
]


@pytest.mark.parametrize(("data", "path"), BAD)
def test_bad_input_is_reported_at_its_field_path(data, path):
    errors = errors_of(data)
    assert path in errors
    assert all(message.strip() for message in errors[path])


def test_every_problem_is_reported_at_once():
    errors = errors_of(
        {"onprem_server": "x", "subscription": "y", "partners": [bank_partner(sender_ips=["::1"])]}
    )
    assert {
        "answers.onprem_server",
        "answers.subscription",
        "answers.partners.0.sender_ips.0",
    } <= set(errors)


def test_answers_that_are_not_an_object_are_refused():
    assert "answers" in errors_of(["none"])


def test_the_contract_example_is_valid_and_normalised():
    answers = parse_answers(
        {
            "onprem_server": E2010,
            "subscription": EXO,
            "hybrid_completed": False,
            "organization": {
                "domains": ["Contoso.com"],
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
            "partners": [
                {
                    "name": "Contoso Bank",
                    "domains": ["contosobank.com"],
                    "direction": "both",
                    "require_tls": True,
                    "certificate_domain": "mail.contosobank.com",
                    "sender_ips": ["203.0.113.0/24"],
                }
            ],
        }
    )
    assert answers.organization.domains == ("contoso.com",)
    assert answers.to_dict()["partners"][0]["sender_ips"] == ["203.0.113.0/24"]


def test_hybrid_null_is_accepted_where_it_does_not_apply():
    assert parse_answers({"onprem_server": E2007, "subscription": EXO, "hybrid_completed": None})


def test_partner_defaults_are_both_directions_and_require_tls():
    answers = parse_answers(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "partners": [{"name": "B", "domains": ["b.com"]}],
        }
    )
    assert (answers.partners[0].direction, answers.partners[0].require_tls) == ("both", True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Contoso.COM", "contoso.com"),
        ("*.contoso.com", "*.contoso.com"),
        ("contoso.com.", "contoso.com"),
        ("bücher.de", "xn--bcher-kva.de"),
    ],
)
def test_clean_domain_normalises(value, expected):
    assert clean_domain(value) == expected


@pytest.mark.parametrize(
    "value", ["contoso", "*contoso.com", "contoso.*.com", "-a.com", "a_b.com", "*", "", 5]
)
def test_clean_domain_refuses(value):
    with pytest.raises(FieldError):
        clean_domain(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("192.168.0.1/25", "192.168.0.0/25"),
        ("10.5.3.2/24", "10.5.3.0/24"),
        ("203.0.113.9/32", "203.0.113.9"),
    ],
)
def test_clean_sender_ip_normalises_non_canonical_cidr(value, expected):
    assert clean_sender_ip(value) == expected


@pytest.mark.parametrize(
    "value", ["2001:db8::1", "1.2.3.4-1.2.3.9", "1.2.0.0/16", "300.1.1.1", "mail.contoso.com"]
)
def test_clean_sender_ip_refuses(value):
    with pytest.raises(FieldError):
        clean_sender_ip(value)


@pytest.mark.parametrize("value", ["10.1.2.3", "192.168.1.0/24", "127.0.0.1", "172.16.5.5"])
def test_public_only_refuses_private_addresses(value):
    with pytest.raises(FieldError, match="not a public address"):
        clean_sender_ip(value, public_only=True)


def test_clean_host_accepts_host_names_and_ipv4():
    assert (clean_host("Mail.Contoso.com"), clean_host("198.51.100.25")) == (
        "mail.contoso.com",
        "198.51.100.25",
    )


@pytest.mark.parametrize("value", ["", " ", "a" * 121, "bad\x00name"])
def test_clean_plan_name_refuses(value):
    with pytest.raises(FieldError):
        clean_plan_name(value)


def test_stored_answers_rebuild_exactly_without_validation():
    answers = parse_answers(
        {
            "onprem_server": E2007,
            "subscription": EXO,
            "organization": {"domains": ["contoso.com"], "onprem_sending_ips": ["198.51.100.0/24"]},
            "devices": {"send_mail": True, "smtp_auth_capable": True},
            "partners": [bank_partner(sender_ips=["203.0.113.7"])],
        }
    )
    from planner.engine import Answers

    assert Answers.from_dict(answers.to_dict()) == answers
