"""Small builders for plan tests: answers data, Answers, and saved plans."""

import copy

from planner import services
from planner.engine import parse_answers

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


def answers_data(base=CONTOSO, **overrides):
    """Return a fresh copy of `base` answers data with top-level `overrides` applied."""
    data = copy.deepcopy(base)
    data.update(overrides)
    return data


def make_answers(base=CONTOSO, **overrides):
    return parse_answers(answers_data(base, **overrides))


def partner(name="Fabrikam", domains=("fabrikam.com",), **overrides):
    return {"name": name, "domains": list(domains), "require_tls": True, **overrides}


def make_plan(*, name="Contoso mail flow", answers=None):
    """Save a plan through the service and return the `SavedPlan` (plan + both tokens)."""
    return services.create_plan(name=name, answers=answers or make_answers())
