"""Validation of the answers added in rules version 2 (contract: "Additions for rules version 2")."""

import pytest

from planner.engine import Answers, AnswersError, parse_answers
from planner.engine.answers import (
    EXCHANGE_VERSION_CHOICES,
    EXCHANGE_VERSIONS,
    HYBRID_CONFIGURATIONS,
    MX_TARGETS,
)
from tests.factories import (
    E2007,
    E2010,
    E2013,
    E2016,
    E2019,
    EOP,
    EXO,
    NON_MS,
    NONE,
    SE,
    bank_partner,
)


def errors_of(data):
    with pytest.raises(AnswersError) as caught:
        parse_answers(data)
    return caught.value.errors


def test_enum_sets_match_the_contract():
    assert EXCHANGE_VERSIONS == (
        "exchange-se",
        "exchange-2019",
        "exchange-2016",
        "exchange-2013",
        "exchange-2010",
    )
    assert [value for value, _ in EXCHANGE_VERSION_CHOICES] == list(EXCHANGE_VERSIONS)
    assert HYBRID_CONFIGURATIONS == ("full", "minimal", "express")
    assert MX_TARGETS == ("microsoft-365", "on-premises", "third-party-service")


@pytest.mark.parametrize("version", [SE, E2019, E2016, E2013, "exchange-2010"])
def test_exact_versions_follow_the_2010_or_later_rules(version):
    assert "answers.hybrid_completed" in errors_of({"onprem_server": version, "subscription": EXO})
    answers = parse_answers(
        {
            "onprem_server": version,
            "subscription": EXO,
            "hybrid_completed": True,
            "hybrid_configuration": "full",
            "onprem_up_to_date": True,
        }
    )
    assert answers.onprem_server == version
    assert answers.hybrid_configuration == "full"
    assert answers.onprem_up_to_date is True
    eop = parse_answers({"onprem_server": version, "subscription": EOP})
    assert eop.hybrid_completed is None


GOOD = [
    {"onprem_server": E2010, "subscription": EXO, "hybrid_completed": False},
    {"onprem_server": E2007, "subscription": EXO, "onprem_up_to_date": False},
    {"onprem_server": E2016, "subscription": EOP, "onprem_up_to_date": None},
    {"onprem_server": SE, "subscription": EXO, "hybrid_completed": True},
    {"onprem_server": NONE, "subscription": EXO, "mx_points_to": "third-party-service"},
    {"onprem_server": NON_MS, "subscription": EOP, "mx_points_to": "on-premises"},
    {
        "onprem_server": NONE,
        "subscription": EXO,
        "devices": {"send_mail": True, "smtp_auth_capable": True, "oauth_capable": False},
    },
    {
        "onprem_server": NONE,
        "subscription": EXO,
        "devices": {"send_mail": True, "oauth_capable": True},
    },
    {
        "onprem_server": SE,
        "subscription": EOP,
        "devices": {"send_mail": True, "sending_ips": ["10.1.2.3"]},
    },
    {
        "onprem_server": NONE,
        "subscription": EXO,
        "partners": [bank_partner(mx_certificate_domain="*.contosobank.com")],
    },
]


@pytest.mark.parametrize("data", GOOD)
def test_good_v2_answers_parse(data):
    parse_answers(data)


BAD = [
    pytest.param(
        {"onprem_server": NON_MS, "subscription": EOP, "onprem_up_to_date": True},
        "answers.onprem_up_to_date",
        id="up-to-date-non-exchange",
    ),
    pytest.param(
        {"onprem_server": NONE, "subscription": EXO, "onprem_up_to_date": False},
        "answers.onprem_up_to_date",
        id="up-to-date-none",
    ),
    pytest.param(
        {"onprem_server": SE, "subscription": EOP, "onprem_up_to_date": "yes"},
        "answers.onprem_up_to_date",
        id="up-to-date-not-bool",
    ),
    pytest.param(
        {
            "onprem_server": SE,
            "subscription": EXO,
            "hybrid_completed": False,
            "hybrid_configuration": "full",
        },
        "answers.hybrid_configuration",
        id="configuration-without-hybrid",
    ),
    pytest.param(
        {"onprem_server": E2016, "subscription": EOP, "hybrid_configuration": "minimal"},
        "answers.hybrid_configuration",
        id="configuration-with-eop",
    ),
    pytest.param(
        {
            "onprem_server": SE,
            "subscription": EXO,
            "hybrid_completed": True,
            "hybrid_configuration": "modern",
        },
        "answers.hybrid_configuration",
        id="configuration-unknown",
    ),
    pytest.param(
        {"onprem_server": NONE, "subscription": EXO, "mx_points_to": "gmail"},
        "answers.mx_points_to",
        id="mx-unknown",
    ),
    pytest.param(
        {"onprem_server": NONE, "subscription": EXO, "mx_points_to": "on-premises"},
        "answers.mx_points_to",
        id="mx-on-premises-without-server",
    ),
    pytest.param(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "devices": {"send_mail": False, "oauth_capable": True},
        },
        "answers.devices.oauth_capable",
        id="oauth-without-devices",
    ),
    pytest.param(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "devices": {"send_mail": True, "smtp_auth_capable": False, "oauth_capable": True},
        },
        "answers.devices.oauth_capable",
        id="oauth-without-smtp-auth",
    ),
    pytest.param(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "devices": {"send_mail": True, "oauth_capable": "yes"},
        },
        "answers.devices.oauth_capable",
        id="oauth-not-bool",
    ),
    pytest.param(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "devices": {"send_mail": True, "sending_ips": ["10.1.2.3"]},
        },
        "answers.devices.sending_ips.0",
        id="private-device-ip-without-server",
    ),
    pytest.param(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "partners": [
                bank_partner(direction="inbound", mx_certificate_domain="mx.contosobank.com")
            ],
        },
        "answers.partners.0.mx_certificate_domain",
        id="mx-certificate-inbound-only",
    ),
    pytest.param(
        {
            "onprem_server": NONE,
            "subscription": EXO,
            "partners": [bank_partner(mx_certificate_domain="not a domain")],
        },
        "answers.partners.0.mx_certificate_domain",
        id="mx-certificate-invalid",
    ),
]


@pytest.mark.parametrize(("data", "path"), BAD)
def test_bad_v2_answers_name_the_field(data, path):
    assert path in errors_of(data)


def test_version_1_stored_answers_load_with_the_new_fields_unknown():
    stored = {
        "onprem_server": E2010,
        "subscription": EXO,
        "hybrid_completed": True,
        "organization": {"domains": ["contoso.com"]},
        "devices": {
            "send_mail": True,
            "external_recipients": None,
            "smtp_auth_capable": None,
            "sending_ips": [],
        },
        "partners": [
            {
                "name": "A",
                "domains": ["a.com"],
                "direction": "both",
                "require_tls": True,
                "certificate_domain": None,
                "sender_ips": [],
            }
        ],
    }
    answers = Answers.from_dict(stored)
    assert answers.onprem_up_to_date is None
    assert answers.hybrid_configuration is None
    assert answers.mx_points_to is None
    assert answers.devices.oauth_capable is None
    assert answers.partners[0].mx_certificate_domain is None


def test_round_trip_keeps_the_new_fields():
    answers = parse_answers(
        {
            "onprem_server": E2019,
            "subscription": EXO,
            "hybrid_completed": True,
            "hybrid_configuration": "minimal",
            "onprem_up_to_date": False,
            "mx_points_to": "on-premises",
            "devices": {"send_mail": True, "oauth_capable": True, "sending_ips": ["192.168.1.20"]},
            "partners": [bank_partner(mx_certificate_domain="mx.contosobank.com")],
        }
    )
    data = answers.to_dict()
    assert data["mx_points_to"] == "on-premises"
    assert data["devices"]["oauth_capable"] is True
    assert data["partners"][0]["mx_certificate_domain"] == "mx.contosobank.com"
    assert Answers.from_dict(data) == answers
    assert parse_answers(data) == answers
