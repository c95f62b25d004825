"""Property-based tests: arbitrary JSON and strings at every API endpoint and wizard step.

Whatever comes in: never a 5xx, never a value shown unescaped, never half a plan saved.
"""

import copy
import json
from urllib.parse import quote, urlsplit

import pytest
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from planner.models import Plan, PlanRevision
from tests.factories import CONTOSO
from tests.wizard.conftest import EXCHANGE_2010, WizardWalk, partner_fields

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

WIZARD_FUZZ = settings(FUZZ, max_examples=30)

# Markup that can only appear in a page if an input was echoed without escaping.
MARKERS = ("<script>alert(1)", "<svg/onload=alert(1)>", "<b>fuzz</b>", "</textarea><i>fuzz")
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><svg/onload=alert(1)>',
    "'><b>fuzz</b>",
    "</textarea><i>fuzz</i>",
)

payload_text = st.builds(
    lambda before, payload, after: before + payload + after,
    st.text(max_size=20),
    st.sampled_from(PAYLOADS),
    st.text(max_size=20),
)
# Payloads in text a name field accepts (no control characters), so most plans are saved.
printable = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=20)
printable_payload = st.builds(
    lambda before, payload, after: before + payload + after,
    printable,
    st.sampled_from(PAYLOADS),
    printable,
)
strings = st.one_of(st.text(max_size=200), payload_text)
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), strings)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)


def assert_escaped(response):
    text = response.content.decode(errors="replace")
    assert [marker for marker in MARKERS if marker in text] == []


def counts():
    return Plan.objects.count(), PlanRevision.objects.count()


def paths(value, prefix=()):
    """Yield the path of every node in a JSON document, as tuples of keys and indexes."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from paths(child, (*prefix, index))


# Rules version 2 answers, so every new field is fuzzed too.
CONTOSO_V2 = {
    **CONTOSO,
    "onprem_server": "exchange-se",
    "hybrid_completed": True,
    "hybrid_configuration": "minimal",
    "onprem_up_to_date": False,
    "mx_points_to": "on-premises",
    "devices": {"send_mail": True, "smtp_auth_capable": True, "oauth_capable": True},
    "partners": [
        {
            "name": "Fabrikam",
            "domains": ["fabrikam.com"],
            "require_tls": True,
            "mx_certificate_domain": "*.fabrikam.com",
        }
    ],
}
BASES = (CONTOSO, CONTOSO_V2)
ANSWER_PATHS = [path for path in paths(CONTOSO) if path]


@st.composite
def near_valid_answers(draw):
    """Valid answers (version 1 or 2) with one node replaced by arbitrary JSON, or a key added."""
    answers = copy.deepcopy(draw(st.sampled_from(BASES)))
    path = draw(st.sampled_from([path for path in paths(answers) if path]))
    parent = answers
    for step in path[:-1]:
        parent = parent[step]
    if draw(st.booleans()):
        parent[path[-1]] = draw(json_values)
    elif isinstance(parent, dict):
        parent[draw(st.text(max_size=12))] = draw(json_values)
    else:
        parent.append(draw(json_values))
    return answers


request_bodies = st.one_of(
    json_values,
    st.fixed_dictionaries({"name": json_values, "answers": json_values}),
    st.fixed_dictionaries({"name": strings, "answers": near_valid_answers()}),
)


def post_json(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


@FUZZ
@given(body=request_bodies)
def test_evaluate_answers_arbitrary_json_without_a_server_error(client, body):
    response = post_json(client, "/api/evaluate", body)
    assert response.status_code in {200, 400, 413}, response.content[:500]
    assert counts() == (0, 0)


@FUZZ
@given(body=request_bodies)
def test_create_plan_answers_arbitrary_json_and_saves_all_or_nothing(client, body):
    before = counts()
    response = post_json(client, "/api/plans", body)
    event(f"status {response.status_code}")  # shown by --hypothesis-show-statistics
    assert response.status_code in {201, 400, 413}, response.content[:500]
    if response.status_code != 201:
        assert counts() == before
        return
    assert counts() == (before[0] + 1, before[1] + 1)
    document = response.json()
    # The stored plan is shown on its pages with every value escaped.
    assert_escaped(client.get(document["links"]["html"]))
    assert_escaped(client.get(urlsplit(document["edit_url"]).path))


@FUZZ
@given(body=st.binary(max_size=300))
def test_api_answers_arbitrary_bytes_with_400(client, body):
    for path in ("/api/evaluate", "/api/plans"):
        response = client.post(path, body, content_type="application/json")
        assert response.status_code in {200, 201, 400}, response.content[:500]


@FUZZ
@given(token=st.text(max_size=80))
def test_arbitrary_tokens_never_give_a_server_error(client, token):
    quoted = quote(token, safe="")
    for path in (
        f"/api/plans/{quoted}",
        f"/p/{quoted}/",
        f"/p/{quoted}/pdf",
        f"/e/{quoted}/",
        f"/wizard/edit/{quoted}/",
    ):
        response = client.get(path)
        assert response.status_code < 500, path
        assert_escaped(response)
    assert client.post(f"/e/{quoted}/rotate-share").status_code < 500


@settings(FUZZ, max_examples=20)
@given(token=st.from_regex(r"\A[A-Za-z0-9_-]{43}\Z"))
def test_unknown_well_formed_tokens_give_404(client, token):
    statuses = {
        client.get(path).status_code
        for path in (f"/api/plans/{token}", f"/p/{token}/", f"/e/{token}/")
    }
    assert statuses == {404}


# The wizard, walked to its check page with every step answered (partners included), then
# arbitrary strings posted into one step's fields per example.
WIZARD_STEPS = {
    "server": ["onprem_server"],
    "subscription": ["subscription"],
    "hybrid": ["hybrid_completed"],
    "organization": [
        "domains",
        "onprem_smart_hosts",
        "onprem_certificate_domain",
        "onprem_sending_ips",
        "identify_by",
    ],
    "devices": ["send_mail", "external_recipients", "smtp_auth_capable", "sending_ips"],
    "partners": ["partners"],
    "partner": [
        "TOTAL_FORMS",
        "INITIAL_FORMS",
        "0-name",
        "0-domains",
        "0-direction",
        "0-require_tls",
        "0-certificate_domain",
        "0-sender_ips",
        "1-name",
    ],
    "check": ["name", "note"],
}
FULL_WALK = [
    *[step for step in EXCHANGE_2010 if step[0] != "partners"],
    ("partners", {"partners": "yes"}),
    ("partner", partner_fields({"name": "Fabrikam", "domains": "fabrikam.com"})),
]
VALID_WORDS = (
    "none",
    "exchange-2010-or-later",
    "exchange-online",
    "yes",
    "no",
    "unknown",
    "both",
    "on",
    "1",
    "contoso.com",
    "203.0.113.5",
)
field_values = st.one_of(st.sampled_from(VALID_WORDS), strings)


def new_walk():
    walk = WizardWalk(Client())
    walk.answer(FULL_WALK)
    return walk


@pytest.mark.parametrize("step", list(WIZARD_STEPS))
def test_wizard_steps_take_arbitrary_strings_without_a_server_error(step):
    state = {"walk": new_walk()}

    @WIZARD_FUZZ
    @given(
        values=st.fixed_dictionaries({}, optional=dict.fromkeys(WIZARD_STEPS[step], field_values))
    )
    def post_step(values):
        walk = state["walk"]
        before = counts()
        response = walk.post(step, values)
        event(f"status {response.status_code}")
        assert response.status_code < 500
        assert_escaped(response)
        location = response.get("Location", "")
        if location.startswith("/e/"):  # the check step saved: one whole plan, then a new run
            assert counts() == (before[0] + 1, before[1] + 1)
            assert_escaped(walk.client.get(location))
            state["walk"] = new_walk()
            return
        assert counts() == before
        if response.status_code == 302:  # accepted: the check page now shows the new values
            check = walk.get("check")
            assert check.status_code < 500
            assert_escaped(check)

    post_step()


@FUZZ
@given(name=printable_payload, partner_name=printable_payload)
def test_saved_text_is_escaped_on_every_page_that_shows_it(client, name, partner_name):
    answers = copy.deepcopy(CONTOSO)
    answers["partners"][0]["name"] = partner_name
    response = post_json(client, "/api/plans", {"name": name, "answers": answers})
    event(f"status {response.status_code}")
    if response.status_code != 201:
        assert response.status_code == 400
        return
    document = response.json()
    edit_path = urlsplit(document["edit_url"]).path
    for path in (
        document["links"]["html"],
        document["links"]["html"] + "revisions/1/",
        edit_path,
        f"/wizard/edit/{edit_path.split('/')[2]}/",
    ):
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert_escaped(response)
