"""Plan documents for export tests, shaped like `planner.documents.plan_document()` returns."""

from __future__ import annotations

import copy

from planner.engine.recommend import recommend
from planner.engine.validation import parse_answers

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
