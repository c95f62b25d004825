"""Performance budgets that do not depend on the machine: SQL queries per request (issue 7).

Throughput is measured by `make bench`, never here. Counts leave out SAVEPOINT and RELEASE:
pytest-django runs each test in a transaction, so every `atomic()` block (the session save,
`create_plan`) turns into savepoints that production's autocommit connection never sends.
"""

import json
import re
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import answers_data, partner
from tests.wizard.walk import WizardWalk, partner_fields

pytestmark = pytest.mark.django_db

TRANSACTION_CONTROL = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.I)

PLAN_READ_BUDGET = 1
WIZARD_STEP_BUDGET = 3
SAVE_BUDGET = 6


def partners(count):
    return [partner(name=f"Partner {n}", domains=[f"partner{n}.example"]) for n in range(count)]


class Counter:
    def __init__(self, context):
        self.context = context

    @property
    def statements(self):
        return [
            query["sql"]
            for query in self.context.captured_queries
            if not TRANSACTION_CONTROL.match(query["sql"])
        ]

    def __len__(self):
        return len(self.statements)


@contextmanager
def count_queries():
    with CaptureQueriesContext(connection) as context:
        yield Counter(context)


def create_via_api(client, partner_count):
    body = {"name": "Contoso mail flow", "answers": answers_data(partners=partners(partner_count))}
    with count_queries() as queries:
        response = client.post("/api/plans", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json(), len(queries)


def read_counts(client, document):
    # The first click stores the PDF (as the worker would have); count a click after that.
    assert client.get(document["links"]["pdf"]).status_code == 200
    counts = {}
    for kind in ("html", "json", "pdf"):
        with count_queries() as queries:
            response = client.get(document["links"][kind])
        assert response.status_code == 200
        counts[kind] = len(queries)
    return counts


@pytest.mark.parametrize("partner_count", [0, 1, 20])
def test_plan_page_json_and_pdf_stay_within_budget(client, partner_count):
    document, _ = create_via_api(client, partner_count)
    counts = read_counts(client, document)
    # A stored PDF: the plan by its link, then the revision with its bytes (planner/pdfs.py).
    assert counts.pop("pdf") <= PLAN_READ_BUDGET + 1
    assert max(counts.values()) <= PLAN_READ_BUDGET


@pytest.mark.parametrize("partner_count", [1, 20])
def test_saving_a_plan_through_the_api_stays_within_budget(client, partner_count):
    _, count = create_via_api(client, partner_count)
    assert count <= SAVE_BUDGET


def test_api_query_counts_do_not_grow_with_partners(client):
    counts = [create_via_api(client, n)[1] for n in (1, 20)]
    assert counts[0] == counts[1]


def test_evaluate_touches_no_database(client):
    body = {"answers": answers_data(partners=partners(3))}
    with count_queries() as queries:
        response = client.post("/api/evaluate", json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    assert len(queries) == 0


STEPS_BEFORE_PARTNERS = [
    ("server", {"onprem_server": "exchange-2016"}),
    ("updates", {"onprem_up_to_date": "yes"}),
    ("subscription", {"subscription": "exchange-online"}),
    ("hybrid", {"hybrid_completed": "yes"}),
    ("configuration", {"hybrid_configuration": "full"}),
    ("organization", {"domains": "contoso.com", "identify_by": "unknown"}),
    ("mx", {"mx_points_to": "on-premises"}),
    ("devices", {"send_mail": "yes", "smtp_auth_capable": "yes", "external_recipients": "unknown"}),
    ("oauth", {"oauth_capable": "yes"}),
    ("partners", {"partners": "yes"}),
]


def walk_counts(client, partner_count):
    """Walk the whole wizard; return {request: queries} for every GET, error POST and POST."""
    walk = WizardWalk(client)
    rows = [
        {"name": f"Partner {n}", "domains": f"partner{n}.example"} for n in range(partner_count)
    ]
    steps = [*STEPS_BEFORE_PARTNERS, ("partner", partner_fields(*rows))]
    counts = {}
    for step, fields in steps:
        for label, send in (
            (f"GET {step}", lambda step=step: walk.get(step)),
            (f"POST {step} with an error", lambda step=step: walk.post(step, {})),
            (f"POST {step}", lambda step=step, fields=fields: walk.post(step, fields)),
        ):
            with count_queries() as queries:
                response = send()
            expected = 302 if label == f"POST {step}" else 200
            assert response.status_code == expected, (label, response.content[:2000])
            counts[label] = len(queries)
    with count_queries() as queries:
        assert walk.get("check").status_code == 200
    counts["GET check"] = len(queries)
    with count_queries() as queries:
        response = walk.post("check", {"name": "Contoso mail flow"})
    assert response.status_code == 302
    assert response["Location"].startswith("/e/")
    counts["POST check (saves the plan)"] = len(queries)
    return counts


@pytest.mark.parametrize("partner_count", [1, 20])
def test_every_wizard_step_stays_within_budget(client, partner_count):
    counts = walk_counts(client, partner_count)
    saving = counts.pop("POST check (saves the plan)")
    assert saving <= SAVE_BUDGET
    assert {label: n for label, n in counts.items() if n > WIZARD_STEP_BUDGET} == {}


def test_wizard_query_counts_do_not_grow_with_partners():
    assert walk_counts(Client(), 1) == walk_counts(Client(), 20)


# --- with the rate limits on, as in production --------------------------------------------------


@pytest.fixture
def rate_limits(settings):
    settings.RATE_LIMIT_CREATE = (1000, 3600)
    settings.RATE_LIMIT_LOOKUP = (1000, 60)


def test_rate_limit_costs_one_statement_on_limited_paths(client, rate_limits):
    document, _ = create_via_api(client, 2)
    client.get(document["links"]["html"])  # opens this client's window (and prunes old ones)
    counts = read_counts(client, document)
    assert counts.pop("pdf") <= PLAN_READ_BUDGET + 2
    assert max(counts.values()) <= PLAN_READ_BUDGET + 1


def test_rate_limit_costs_nothing_on_other_paths(client, rate_limits):
    walk = WizardWalk(client)
    walk.get("server")
    with count_queries() as queries:
        walk.get("server")
    assert not [sql for sql in queries.statements if "ratelimit" in sql]


def test_saving_stays_within_budget_with_rate_limits_on(client, rate_limits):
    _, count = create_via_api(client, 20)
    assert count <= SAVE_BUDGET


def test_bench_hello_view_does_not_exist_by_default(client):
    assert client.get("/__bench/hello").status_code == 404
