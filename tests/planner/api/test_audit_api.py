"""Issue 16 in the API: an optional `current_config` on evaluate and plans, `audit` in the answer.

The ContractClient of conftest.py checks every response against GET /api/schema.
"""

import json

import pytest

from planner.models import Plan, PlanImport
from tests.factories import CONTOSO
from tests.planner.engine.audit.audit_helpers import EMS_FILE, EXO_FILE, data

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def exports(**changes):
    config = {
        "exchange_online": json.loads(data(EXO_FILE)),
        "exchange_server": json.loads(data(EMS_FILE)),
    }
    config.update(changes)
    return config


def test_evaluate_compares_the_current_config(client):
    response = post(client, "/api/evaluate", {"answers": CONTOSO, "current_config": exports()})
    assert response.status_code == 200
    audit = response.json()["audit"]
    assert audit["imported_at"] is None and audit["revision"] is None
    assert audit["comparison"]["counts"] == {
        "matches": 0,
        "differs": 3,
        "missing": 2,
        "unplanned": 2,
    }
    assert "Set-InboundConnector @params" in audit["powershell"]["exchange_online"]
    assert not Plan.objects.exists()


def test_evaluate_without_current_config_has_no_audit(client):
    for body in ({"answers": CONTOSO}, {"answers": CONTOSO, "current_config": None}):
        assert "audit" not in post(client, "/api/evaluate", body).json()


def test_creating_a_plan_stores_the_import_and_the_share_link_returns_it(client):
    body = {"name": "Contoso", "answers": CONTOSO, "current_config": exports(exchange_server=None)}
    response = post(client, "/api/plans", body)
    assert response.status_code == 201
    created = response.json()
    assert created["audit"]["revision"] == 1
    assert created["audit"]["imported_at"] == created["created_at"]
    assert PlanImport.objects.get().data["sources"][0]["kind"].endswith("exchange-online")
    again = client.get(created["links"]["json"]).json()
    assert again["audit"] == created["audit"]


def test_plan_without_an_import_has_no_audit(client):
    response = post(client, "/api/plans", {"name": "Contoso", "answers": CONTOSO})
    assert "audit" not in response.json()
    assert not PlanImport.objects.exists()


def errors_of(response):
    assert response.status_code == 400, response.content
    return response.json()["errors"]


def test_a_bad_property_is_refused_with_its_dotted_path(client):
    config = exports()
    config["exchange_online"]["inbound_connectors"][1]["RequireTls"] = "yes"
    body = {"name": "Contoso", "answers": CONTOSO, "current_config": config}
    errors = errors_of(post(client, "/api/plans", body))
    assert errors == {
        "current_config.exchange_online.inbound_connectors.1.RequireTls": [
            "Expected true or false, got text."
        ]
    }
    assert not Plan.objects.exists() and not PlanImport.objects.exists()


@pytest.mark.parametrize(
    ("config", "path"),
    [
        ([], "current_config"),
        ({}, "current_config"),
        ({"exchange_online": None}, "current_config"),
        ({"exchange": {}}, "current_config.exchange"),
        ({"exchange_online": json.loads(data(EMS_FILE))}, "current_config.exchange_online.kind"),
        ({"exchange_online": {"kind": "nope"}}, "current_config.exchange_online.kind"),
        ({"exchange_online": []}, "current_config.exchange_online.kind"),
        ({"exchange_online": "text"}, "current_config.exchange_online.kind"),
    ],
)
def test_a_bad_current_config_is_refused(client, config, path):
    errors = errors_of(
        post(client, "/api/evaluate", {"answers": CONTOSO, "current_config": config})
    )
    assert path in errors


def test_answers_and_current_config_errors_come_together(client):
    body = {"answers": {**CONTOSO, "subscription": "x"}, "current_config": {}}
    errors = errors_of(post(client, "/api/evaluate", body))
    assert "answers.subscription" in errors and "current_config" in errors


def test_schema_documents_current_config_and_audit(client):
    schemas = client.get("/api/schema").json()["components"]["schemas"]
    assert "current_config" in schemas["PlanRequest"]["properties"]
    assert schemas["PlanDocument"]["properties"]["audit"] == {"$ref": "#/components/schemas/Audit"}
    assert schemas["Evaluation"]["properties"]["audit"] == {"$ref": "#/components/schemas/Audit"}
