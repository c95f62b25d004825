"""Small builders for engine tests: answers as the API would send them."""

from planner.engine import parse_answers, recommend

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


def make_answers(**overrides):
    data = {"onprem_server": NONE, "subscription": EXO}
    data.update(overrides)
    if (
        data["onprem_server"] in EXCHANGE_2010_OR_LATER
        and data["subscription"] == EXO
        and "hybrid_completed" not in data
    ):
        data["hybrid_completed"] = False
    return parse_answers(data)


def plan(**overrides):
    return recommend(make_answers(**overrides))


def partner(**overrides):
    data = {"name": "Contoso Bank", "domains": ["contosobank.com"], "require_tls": True}
    data.update(overrides)
    return data
