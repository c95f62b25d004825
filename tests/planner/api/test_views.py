import json
import re
from pathlib import Path

import pytest

from planner import services
from planner.engine import parse_answers, recommend
from planner.models import Plan
from tests.factories import CLOUD_ONLY, CONTOSO, answers_data, make_plan, partner

pytestmark = pytest.mark.django_db


def post(client, url, body, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", **extra)


def errors_of(response):
    assert response.status_code == 400, response.content
    return response.json()["errors"]


# --- POST /api/evaluate ---------------------------------------------------------------------


def test_evaluate_returns_the_engines_recommendation(client):
    response = post(client, "/api/evaluate", {"answers": CONTOSO})
    assert response.status_code == 200
    answers = parse_answers(CONTOSO)
    assert response.json() == {
        "answers": answers.to_dict(),
        "recommendation": recommend(answers).to_dict(),
    }


def test_evaluate_returns_normalised_answers(client):
    given = answers_data(CLOUD_ONLY, organization={"domains": ["Contoso.COM."]})
    response = post(client, "/api/evaluate", {"answers": given})
    assert response.json()["answers"]["organization"]["domains"] == ["contoso.com"]


def test_evaluate_stores_nothing(client):
    post(client, "/api/evaluate", {"name": "Test", "answers": CONTOSO})
    assert Plan.objects.count() == 0


def test_evaluate_echoes_a_valid_name(client):
    response = post(client, "/api/evaluate", {"name": "  Contoso  ", "answers": CLOUD_ONLY})
    assert response.json()["name"] == "Contoso"


def test_evaluate_validates_a_name_when_given(client):
    response = post(client, "/api/evaluate", {"name": "x" * 121, "answers": CLOUD_ONLY})
    assert list(errors_of(response)) == ["name"]


# --- POST /api/plans ------------------------------------------------------------------------


def test_create_plan_returns_201_with_the_plan_document(client):
    response = post(client, "/api/plans", {"name": "Contoso mail flow", "answers": CONTOSO})
    assert response.status_code == 201
    document = response.json()
    answers = parse_answers(CONTOSO)
    assert document["schema"] == "connector-plan/1"
    assert document["name"] == "Contoso mail flow"
    assert document["revision"] == 1
    assert document["answers"] == answers.to_dict()
    assert document["recommendation"] == recommend(answers).to_dict()
    for stamp in (document["created_at"], document["updated_at"]):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)


def test_create_plan_returns_working_links(client):
    document = post(client, "/api/plans", {"name": "Contoso", "answers": CONTOSO}).json()
    share_token = document["links"]["json"].rsplit("/", 1)[1]
    assert document["links"] == {
        "html": f"/p/{share_token}/",
        "pdf": f"/p/{share_token}/pdf",
        "markdown": f"/p/{share_token}/plan.md",
        "json": f"/api/plans/{share_token}",
    }
    assert services.find_plan_by_share_token(share_token).name == "Contoso"


def test_create_plan_returns_an_absolute_edit_url_that_opens_the_plan(client):
    document = post(client, "/api/plans", {"name": "Contoso", "answers": CONTOSO}).json()
    match = re.fullmatch(r"http://testserver/e/([A-Za-z0-9_-]{43})/", document["edit_url"])
    assert match
    assert services.find_plan_by_edit_token(match[1]).name == "Contoso"


def test_create_plan_sets_location_to_the_plan_json(client):
    response = post(client, "/api/plans", {"name": "Contoso", "answers": CONTOSO})
    assert response["Location"] == "http://testserver" + response.json()["links"]["json"]


def test_create_plan_builds_links_on_the_public_base_url(client, settings):
    settings.PLANNER_PUBLIC_BASE_URL = "https://planner.example.org"
    response = post(client, "/api/plans", {"name": "Contoso", "answers": CONTOSO})
    assert response.json()["edit_url"].startswith("https://planner.example.org/e/")
    assert response["Location"].startswith("https://planner.example.org/api/plans/")


def test_create_plan_response_is_not_cached(client):
    response = post(client, "/api/plans", {"name": "Contoso", "answers": CONTOSO})
    assert response["Cache-Control"] == "no-store"


def test_create_plan_requires_a_name(client):
    response = post(client, "/api/plans", {"answers": CONTOSO})
    assert list(errors_of(response)) == ["name"]


def test_invalid_plan_stores_nothing(client):
    post(client, "/api/plans", {"name": "", "answers": CONTOSO})
    assert Plan.objects.count() == 0


# --- GET /api/plans/<share-token> -----------------------------------------------------------


def test_get_plan_returns_the_document_without_edit_url(client):
    created = post(client, "/api/plans", {"name": "Contoso", "answers": CONTOSO}).json()
    response = client.get(created["links"]["json"])
    assert response.status_code == 200
    document = response.json()
    assert "edit_url" not in document
    assert document == {key: value for key, value in created.items() if key != "edit_url"}


def test_get_plan_contains_no_edit_token(client):
    saved = make_plan()
    response = client.get(f"/api/plans/{saved.share_token}")
    assert saved.edit_token not in response.content.decode()


def test_get_plan_takes_one_query(client, django_assert_num_queries):
    saved = make_plan()
    with django_assert_num_queries(1):
        response = client.get(f"/api/plans/{saved.share_token}")
    assert response.status_code == 200


def test_get_plan_is_private_and_not_indexed(client):
    saved = make_plan()
    response = client.get(f"/api/plans/{saved.share_token}")
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize("token", ["A" * 43, "short", "not-a-token-at-all-" * 3])
def test_unknown_share_token_returns_404_json(client, token):
    make_plan()
    response = client.get(f"/api/plans/{token}")
    assert response.status_code == 404
    assert list(response.json()["errors"]) == [""]


def test_edit_token_does_not_open_the_plan_json(client):
    saved = make_plan()
    assert client.get(f"/api/plans/{saved.edit_token}").status_code == 404


def test_expired_share_token_returns_404_json(client):
    import datetime as dt

    saved = make_plan()
    services.set_share_expiry(saved.plan, expires_on=dt.date(2020, 1, 1))
    response = client.get(f"/api/plans/{saved.share_token}")
    assert response.status_code == 404
    assert "errors" in response.json()


def test_unknown_api_path_returns_404_json(client):
    response = client.get("/api/nothing/here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


# --- bad input ------------------------------------------------------------------------------

INVALID_ANSWERS = [
    pytest.param(
        answers_data(partners=[partner(sender_ips=["203.0.113.5", "2001:db8::1"])]),
        "answers.partners.0.sender_ips.1",
        id="ipv6-sender-ip",
    ),
    pytest.param(
        answers_data(partners=[partner(sender_ips=["203.0.113.1-203.0.113.9"])]),
        "answers.partners.0.sender_ips.0",
        id="address-range",
    ),
    pytest.param(
        answers_data(partners=[partner(sender_ips=["203.0.0.0/16"])]),
        "answers.partners.0.sender_ips.0",
        id="prefix-shorter-than-24",
    ),
    pytest.param(
        answers_data(CLOUD_ONLY, hybrid_completed=True),
        "answers.hybrid_completed",
        id="hybrid-boolean-where-not-applicable",
    ),
    pytest.param(
        answers_data(hybrid_completed=None),
        "answers.hybrid_completed",
        id="hybrid-missing-where-required",
    ),
    pytest.param(
        answers_data(CLOUD_ONLY, subscription="exchange-online-protection"),
        "answers.subscription",
        id="eop-without-onprem-server",
    ),
    pytest.param(answers_data(foo=1), "answers.foo", id="unknown-answers-key"),
    pytest.param(
        answers_data(organization={"domain": ["contoso.com"]}),
        "answers.organization.domain",
        id="unknown-nested-key",
    ),
    pytest.param(
        answers_data(onprem_server="exchange-2003"), "answers.onprem_server", id="unknown-server"
    ),
    pytest.param(
        answers_data(partners=[partner(f"P{i}", [f"p{i}.example.com"]) for i in range(51)]),
        "answers.partners",
        id="too-many-partners",
    ),
    pytest.param(
        answers_data(partners=[partner(domains=[])]),
        "answers.partners.0.domains",
        id="partner-without-domains",
    ),
    pytest.param(
        answers_data(partners=[partner(domains=["not a domain"])]),
        "answers.partners.0.domains.0",
        id="bad-partner-domain",
    ),
    pytest.param(
        answers_data(devices={"send_mail": "yes"}), "answers.devices.send_mail", id="bool-as-text"
    ),
    pytest.param("not an object", "answers", id="answers-not-an-object"),
]


@pytest.mark.parametrize("url", ["/api/evaluate", "/api/plans"])
@pytest.mark.parametrize(("answers", "path"), INVALID_ANSWERS)
def test_invalid_answers_return_400_at_their_field_path(client, url, answers, path):
    response = post(client, url, {"name": "Contoso", "answers": answers})
    errors = errors_of(response)
    assert path in errors
    assert all(isinstance(message, str) and message for message in errors[path])


def test_missing_answers_return_400_at_answers(client):
    assert "answers" in errors_of(post(client, "/api/plans", {"name": "Contoso"}))


def test_unknown_top_level_key_returns_400(client):
    response = post(client, "/api/plans", {"name": "Contoso", "answers": CONTOSO, "nmae": "x"})
    assert list(errors_of(response)) == ["nmae"]


def test_every_problem_is_reported_at_once(client):
    body = {"name": "", "answers": answers_data(foo=1, subscription="nope")}
    errors = errors_of(post(client, "/api/plans", body))
    assert {"name", "answers.foo", "answers.subscription"} <= set(errors)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param('{"answers": ', id="truncated"),
        pytest.param("", id="empty"),
        pytest.param('{"answers": NaN}', id="nan"),
        pytest.param(b'{"name": "\xff"}', id="not-utf8"),
        pytest.param("[" * 100000 + "]" * 100000, id="deeply-nested"),
    ],
)
def test_malformed_json_returns_400_at_the_empty_path(client, body):
    assert list(errors_of(post(client, "/api/evaluate", body))) == [""]


@pytest.mark.parametrize("body", ["[]", '"text"', "42", "null"])
def test_json_that_is_not_an_object_returns_400_at_the_empty_path(client, body):
    assert list(errors_of(post(client, "/api/plans", body))) == [""]


def test_body_over_256_kib_returns_413(client):
    body = json.dumps({"name": "x" * (256 * 1024), "answers": CONTOSO})
    response = post(client, "/api/plans", body)
    assert response.status_code == 413
    assert list(response.json()["errors"]) == [""]


def test_body_over_djangos_own_upload_limit_returns_413_not_500(client):
    body = json.dumps({"name": "x" * (3 * 1024 * 1024), "answers": CONTOSO})
    assert post(client, "/api/evaluate", body).status_code == 413


def test_body_under_the_limit_is_accepted(client):
    body = json.dumps({"answers": CONTOSO}) + " " * (200 * 1024)
    assert post(client, "/api/evaluate", body).status_code == 200


def test_declared_length_over_256_kib_returns_413_without_reading(client):
    response = client.generic(
        "POST",
        "/api/plans",
        data=b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(300 * 1024),
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("method", "url", "allow"),
    [
        ("get", "/api/evaluate", "POST"),
        ("put", "/api/plans", "POST"),
        ("post", "/api/schema", "GET, HEAD"),
        ("delete", "/api/plans/" + "A" * 43, "GET, HEAD"),
    ],
)
def test_wrong_method_returns_405_json_with_allow(client, method, url, allow):
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response["Allow"] == allow
    assert list(response.json()["errors"]) == [""]


def test_api_needs_no_csrf_token(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post(strict, "/api/evaluate", {"answers": CLOUD_ONLY}).status_code == 200


# --- GET /api/schema ------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_plan_creation_refuses_a_body_that_is_not_json_with_415(client, content_type):
    from planner.models import Plan

    body = '{"answers":{"onprem_server":"none","subscription":"exchange-online"},"name":"x=y"}'
    response = client.post("/api/plans", body, content_type=content_type)
    assert response.status_code == 415
    assert not Plan.objects.exists()


# --- Rules version 2: every version 1 body still works ---------------------------------------

V1_CORPUS = json.loads((Path(__file__).parents[1] / "data" / "v1_bodies.json").read_text("utf-8"))[
    "cases"
]


def _expected_v2(connector: dict, answers: dict) -> dict | None:
    """Return what rules version 2 makes of a version 1 connector: the same, apart from the
    fixes of shared/reviews/2026-12-advice.md (None: the fix removes it)."""
    settings = dict(connector["settings"])
    partners = answers.get("partners") or []
    domains = (answers.get("organization") or {}).get("domains") or []
    if connector["id"] == "own-servers-inbound" and "TlsSenderCertificateName" in settings:
        name = settings["TlsSenderCertificateName"]
        parent = name.split(".", 1)[1] if name and not name.startswith("*.") else None
        if parent in domains and name not in domains:
            settings["TlsSenderCertificateName"] = "*." + parent  # F5
        settings["RequireTls"] = True  # F16
    if connector["id"].startswith("partner-"):
        partner = partners[int(connector["id"].split("-")[1]) - 1]
        if connector["cmdlet"] == "New-OutboundConnector":
            if partner.get("require_tls", True) is False:
                return None  # F4: never force TLS against the answer
            settings["TlsSettings"] = "CertificateValidation"  # F4: not the sending cert
            settings.pop("TlsDomain", None)
        elif "*" in partner["domains"]:  # F1/F10: Enhanced Filtering on the filter's connector
            ips = settings.get("SenderIPAddresses")
            settings.update({"EFSkipIPs": ips} if ips else {"EFSkipLastIP": True})
    return {**connector, "settings": settings}


@pytest.mark.parametrize("case", V1_CORPUS, ids=lambda case: str(V1_CORPUS.index(case)))
def test_every_version_1_body_still_plans_the_same_connectors_apart_from_the_fixes(client, case):
    response = post(client, "/api/evaluate", {"answers": case["answers"]})
    assert response.status_code == 200, response.content
    got = [
        {k: c[k] for k in ("id", "action", "connector_type", "cmdlet", "required", "settings")}
        for c in response.json()["recommendation"]["connectors"]
    ]
    expected = [
        e for c in case["v1_connectors"] if (e := _expected_v2(c, case["answers"])) is not None
    ]
    assert [c["id"] for c in got] == [c["id"] for c in expected]
    for mine, theirs in zip(got, expected, strict=True):
        name, old = mine["settings"].pop("Name", None), theirs["settings"].pop("Name", None)
        if old is not None and len(old) > 64:  # F14: shortened to the cmdlets' 64 characters
            assert len(name) <= 64 and name.endswith(old.split(" ", 1)[-1][-20:])
        else:
            assert name == old
        assert mine == theirs
    assert response.json()["recommendation"]["rules_version"] == 2


def test_version_2_answers_go_through_the_api(client):
    body = {
        "onprem_server": "exchange-2013",
        "subscription": "exchange-online",
        "hybrid_completed": False,
        "onprem_up_to_date": True,
        "mx_points_to": "on-premises",
        "devices": {"send_mail": True, "oauth_capable": False, "sending_ips": ["10.0.0.9"]},
        "partners": [partner(mx_certificate_domain="*.contosobank.com")],
    }
    response = post(client, "/api/evaluate", {"answers": body})
    assert response.status_code == 200, response.content
    notes = response.json()["recommendation"]["notes"]
    assert (notes[0]["code"], notes[0]["severity"]) == ("exchange-version-blocked", "blocker")
    bad = post(
        client,
        "/api/evaluate",
        {"answers": {**body, "onprem_server": "non-microsoft-smtp", "hybrid_completed": None}},
    )
    assert "answers.onprem_up_to_date" in errors_of(bad)
