from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_answers_a_probe_by_ip_address_that_allowed_hosts_refuses(client, settings):
    settings.ALLOWED_HOSTS = ["planner.example.org"]
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400
    assert client.get("/healthz", HTTP_HOST="10.0.0.7:8000").status_code == 200


def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200


def test_healthz_sets_no_session_cookie(client):
    assert client.get("/healthz").cookies == {}


def test_readyz_answers_200_when_the_database_answers(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/readyz")
    assert response.status_code == 200


def test_readyz_answers_503_when_the_database_fails(client):
    with mock.patch(
        "planner_ops.health.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Cache-Control"].startswith("max-age=0")


def test_probes_refuse_post(client):
    assert client.post("/healthz").status_code == 405
