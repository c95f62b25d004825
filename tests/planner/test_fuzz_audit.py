"""Property-based tests of the import (issue 16): the edit page's upload and the API's field.

Whatever comes in: never a 5xx, nothing shown unescaped, and a refused import stores nothing
(an earlier import stays as it was).
"""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import assume, given
from hypothesis import strategies as st

from planner.models import Plan, PlanImport
from tests.factories import CONTOSO, make_plan
from tests.planner.engine.audit.audit_helpers import EMS_FILE, EXO_FILE, data
from tests.planner.test_fuzz import FUZZ, assert_escaped, json_values, paths, payload_text

pytestmark = pytest.mark.django_db

EXPORTS = {EXO_FILE: json.loads(data(EXO_FILE)), EMS_FILE: json.loads(data(EMS_FILE))}


@st.composite
def near_valid_export(draw):
    """A sample export with one node replaced by arbitrary JSON (or a hostile string)."""
    export = copy.deepcopy(EXPORTS[draw(st.sampled_from(sorted(EXPORTS)))])
    path = draw(st.sampled_from([path for path in paths(export) if path]))
    parent = export
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = draw(st.one_of(json_values, payload_text))
    return export


file_contents = st.one_of(
    near_valid_export().map(lambda export: json.dumps(export).encode()),
    st.binary(max_size=300),
    payload_text.map(str.encode),
)


@FUZZ
@given(
    online=st.none() | file_contents,
    server=st.none() | file_contents,
    pasted=st.one_of(st.just(""), payload_text, near_valid_export().map(json.dumps)),
    name=st.one_of(st.just("export.json"), payload_text),
)
def test_upload_answers_anything_without_a_server_error(client, online, server, pasted, name):
    saved = make_plan()
    fields = {"pasted": pasted}
    if online is not None:
        fields["exchange_online"] = SimpleUploadedFile(name[:100] or "x", online)
    if server is not None:
        fields["exchange_server"] = SimpleUploadedFile("server.json", server)
    response = client.post(f"/e/{saved.edit_token}/import", fields)
    assert response.status_code in {302, 400}, response.content[:500]
    stored = PlanImport.objects.filter(plan=saved.plan).exists()
    assert stored == (response.status_code == 302)
    if response.status_code == 400:
        assert_escaped(response)
        return
    for path in (f"/e/{saved.edit_token}/", f"/p/{saved.share_token}/"):
        page = client.get(path)
        assert page.status_code == 200
        assert_escaped(page)
    assert client.get(f"/p/{saved.share_token}/plan.md").status_code == 200


@FUZZ
@given(export=near_valid_export(), key=st.sampled_from(["exchange_online", "exchange_server"]))
def test_api_current_config_answers_anything_and_stores_all_or_nothing(client, export, key):
    before = Plan.objects.count(), PlanImport.objects.count()
    body = {"name": "Contoso", "answers": CONTOSO, "current_config": {key: export}}
    try:
        text = json.dumps(body, allow_nan=False)
    except ValueError:
        # A float infinity or NaN is not JSON: the API refuses the whole body (error key "").
        assume(False)
    for path in ("/api/evaluate", "/api/plans"):
        response = client.post(path, text, content_type="application/json")
        assert response.status_code in {200, 201, 400, 413}, response.content[:500]
        if response.status_code == 400:
            assert all(field.startswith("current_config") for field in response.json()["errors"])
            assert (Plan.objects.count(), PlanImport.objects.count()) == before
        elif response.status_code == 201:
            assert PlanImport.objects.count() == before[1] + 1
            assert_escaped(client.get(response.json()["links"]["html"]))


@FUZZ
@given(config=json_values)
def test_api_current_config_of_any_shape_is_400_or_ok(client, config):
    body = {"answers": CONTOSO, "current_config": config}
    response = client.post("/api/evaluate", json.dumps(body), content_type="application/json")
    assert response.status_code in {200, 400}, response.content[:500]
