import json

import pytest
from django.http import JsonResponse

from planner.engine.answers import ONPREM_SERVERS, SUBSCRIPTIONS
from tests.factories import answers_data
from tests.planner.api.conftest import check_against_schema

pytestmark = pytest.mark.django_db


def test_the_contract_check_refuses_an_undocumented_field(client):
    body = {"name": "Contoso", "answers": answers_data()}
    document = client.post("/api/plans", json.dumps(body), content_type="application/json").json()
    document["recommendation"]["surprise"] = 1
    with pytest.raises(AssertionError, match="surprise"):
        check_against_schema("POST", "/api/plans", JsonResponse(document, status=201))


def test_the_contract_check_refuses_an_undocumented_status():
    with pytest.raises(AssertionError, match="not in the schema"):
        check_against_schema("GET", "/api/plans/x", JsonResponse({}, status=418))


def test_schema_is_an_openapi_document(client):
    response = client.get("/api/schema")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.1")
    assert {"/api/evaluate", "/api/plans", "/api/plans/{share_token}", "/api/schema"} <= set(
        schema["paths"]
    )


def test_schema_enums_match_the_engine(client):
    answers = client.get("/api/schema").json()["components"]["schemas"]["Answers"]
    assert answers["properties"]["onprem_server"]["enum"] == list(ONPREM_SERVERS)
    assert answers["properties"]["subscription"]["enum"] == list(SUBSCRIPTIONS)
    assert answers["additionalProperties"] is False


def test_schema_describes_the_error_statuses(client):
    responses = client.get("/api/schema").json()["paths"]["/api/plans"]["post"]["responses"]
    assert {"201", "400", "405", "413"} <= set(responses)


def test_schema_documents_the_version_2_fields(client):
    schemas = client.get("/api/schema").json()["components"]["schemas"]
    answers = schemas["Answers"]["properties"]
    assert {"onprem_up_to_date", "hybrid_configuration", "mx_points_to"} <= set(answers)
    assert answers["hybrid_configuration"]["enum"] == ["full", "minimal", "express", None]
    assert answers["mx_points_to"]["enum"] == [
        "microsoft-365",
        "on-premises",
        "third-party-service",
        None,
    ]
    assert "exchange-se" in answers["onprem_server"]["enum"]
    assert "oauth_capable" in answers["devices"]["properties"]
    partner_props = answers["partners"]["items"]["properties"]
    assert "mx_certificate_domain" in partner_props
    note = schemas["Recommendation"]["properties"]["notes"]["items"]
    assert note["properties"]["severity"]["enum"] == ["blocker", "warning", "info"]
    assert "exchange-version-blocked" in note["description"]
