"""Every JSON response of the API tests is checked against GET /api/schema (the contract test).

The documented objects allow no other property, so a field added to a response without being
added to the schema fails here; so does a status code the schema does not list.
"""

import json
import re

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from planner.api.schema import openapi_schema


def _schema_path(path: str) -> str | None:
    for template in openapi_schema()["paths"]:
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", template)
        if re.fullmatch(pattern, path.rstrip("/")):
            return template
    return None


def check_against_schema(method: str, path: str, response) -> None:
    """Fail unless `response` is what the schema documents for `method` on `path`."""
    if method in ("OPTIONS", "HEAD") or not response["Content-Type"].startswith("application/json"):
        return
    document = openapi_schema()
    template = _schema_path(path)
    operations = document["paths"].get(template, {})
    if method.lower() not in operations:  # an unknown path or method: the error shape holds
        schema = {"$ref": "#/components/schemas/Errors"}
    else:
        responses = operations[method.lower()]["responses"]
        status = str(response.status_code)
        assert status in responses, f"{method} {template} answered {status}, not in the schema"
        content = responses[status].get("content")
        if content is None:
            return
        schema = content["application/json"]["schema"]
    validator = Draft202012Validator(
        {**schema, "components": document["components"]},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    errors = [
        f"{'.'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
        for error in validator.iter_errors(json.loads(response.content))
    ]
    assert not errors, f"{method} {path} {response.status_code} breaks the schema: {errors[:5]}"


class ContractClient(Client):
    def request(self, **request):
        response = super().request(**request)
        check_against_schema(request["REQUEST_METHOD"], request["PATH_INFO"], response)
        return response


@pytest.fixture
def client():
    return ContractClient()
