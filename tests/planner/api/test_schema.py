import json

import pytest
from django.http import JsonResponse

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
