"""The test suite's builders: answers data, Answers, recommendations, plan documents, saved plans.

Two families of answers, named apart: `make_answers()` starts from the Contoso plan (own
Exchange servers, devices, a partner), `engine_answers()` from a cloud-only organisation.
"""

import copy

from django.urls import reverse

from planner import plan_urls, services
from planner.engine import parse_answers, recommend

CONTOSO = {
    "onprem_server": "exchange-2010-or-later",
    "subscription": "exchange-online",
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
        "sending_ips": ["8.8.4.4"],
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
CLOUD_ONLY = {"onprem_server": "none", "subscription": "exchange-online"}

E2010 = "exchange-2010-or-later"
E2007 = "exchange-2007-or-earlier"
NON_MS = "non-microsoft-smtp"
NONE = "none"
EOP = "exchange-online-protection"
EXO = "exchange-online"
SE = "exchange-se"
E2019 = "exchange-2019"
E2016 = "exchange-2016"
E2013 = "exchange-2013"
E2010_EXACT = "exchange-2010"
EXCHANGE_2010_OR_LATER = (E2010, SE, E2019, E2016, E2013, E2010_EXACT)


def answers_data(base=CONTOSO, **overrides):
    """Return a fresh copy of `base` answers data with top-level `overrides` applied."""
    data = copy.deepcopy(base)
    data.update(overrides)
    return data


def make_answers(base=CONTOSO, **overrides):
    return parse_answers(answers_data(base, **overrides))


def engine_answers(**overrides):
    """Return Answers for a cloud-only organisation with `overrides` (hybrid_completed filled in)."""
    data = {"onprem_server": NONE, "subscription": EXO}
    data.update(overrides)
    if (
        data["onprem_server"] in EXCHANGE_2010_OR_LATER
        and data["subscription"] == EXO
        and "hybrid_completed" not in data
    ):
        data["hybrid_completed"] = False
    return parse_answers(data)


def recommend_for(**overrides):
    """Return the engine's recommendation for `engine_answers(**overrides)`."""
    return recommend(engine_answers(**overrides))


def bank_partner(**overrides):
    """Return a partner for engine tests: Contoso Bank, TLS required."""
    data = {"name": "Contoso Bank", "domains": ["contosobank.com"], "require_tls": True}
    data.update(overrides)
    return data


def partner(name="Fabrikam", domains=("fabrikam.com",), **overrides):
    return {"name": name, "domains": list(domains), "require_tls": True, **overrides}


def make_plan(*, name="Contoso mail flow", answers=None):
    """Save a plan through the service and return the `SavedPlan` (plan + both tokens)."""
    return services.create_plan(name=name, answers=answers or make_answers())


# --- plan documents for export tests, shaped like planner.documents.plan_document() ---

SHARE_URL = "https://planner.example.org/p/Zq3vK8xR2mYtW9bN4cLd"

TYPICAL_ANSWERS = {
    "onprem_server": "exchange-2010-or-later",
    "subscription": "exchange-online",
    "hybrid_completed": False,
    "organization": {
        "domains": ["contoso.com"],
        "onprem_smart_hosts": ["mail.contoso.com"],
    },
    "devices": {
        "send_mail": True,
        "external_recipients": True,
        "smtp_auth_capable": False,
        "sending_ips": ["40.90.1.10"],
    },
    "partners": [
        {
            "name": "Contoso Bank",
            "domains": ["contosobank.com"],
            "direction": "both",
            "require_tls": True,
            "certificate_domain": "mail.contosobank.com",
            "sender_ips": ["52.10.20.0/24"],
        },
        {
            "name": "Fabrikam",
            "domains": ["fabrikam.com"],
            "direction": "inbound",
            "require_tls": True,
            "sender_ips": ["52.10.30.0/24"],
        },
    ],
}


def make_document(answers=None, *, name="Contoso mail flow", revision=1):
    """Return a plan document for `answers` (own servers and two partners by default)."""
    parsed = parse_answers(copy.deepcopy(TYPICAL_ANSWERS if answers is None else answers))
    return {
        "schema": "connector-plan/1",
        "name": name,
        "revision": revision,
        "created_at": "2026-11-26T21:00:00Z",
        "updated_at": "2026-11-27T09:30:00Z",
        "answers": parsed.to_dict(),
        "recommendation": recommend(parsed).to_dict(),
        "links": {
            "html": "/p/Zq3vK8xR2mYtW9bN4cLd",
            "pdf": "/p/Zq3vK8xR2mYtW9bN4cLd/pdf",
            "json": "/api/plans/Zq3vK8xR2mYtW9bN4cLd",
        },
    }


# --- plan URLs ---

TOKEN = "A" * 43  # has a token's shape; opens no plan


def token_urls():
    """Return every URL that looks a plan up by token: each plan page, the API's, the wizard's."""
    values = {"token": TOKEN, "number": 1, "side": "exchange-online"}
    urls = [
        reverse(
            f"planner:{pattern.name}", kwargs={k: values[k] for k in pattern.pattern.converters}
        )
        for pattern in plan_urls.urlpatterns
    ]
    return [*urls, reverse("api:plan", kwargs={"token": TOKEN}), f"/wizard/edit/{TOKEN}/"]
