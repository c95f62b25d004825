import threading

import pytest
from django.db import connection

from planner.models import Plan
from planner_ops import ratelimit
from planner_ops.models import RateLimitBucket
from tests.factories import CLOUD_ONLY, TOKEN, make_plan, token_urls
from tests.wizard.conftest import CLOUD_ONLY as WIZARD_CLOUD_ONLY
from tests.wizard.conftest import WizardWalk

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.RATE_LIMIT_CREATE = (2, 3600)
    settings.RATE_LIMIT_LOOKUP = (3, 60)
    return settings


@pytest.mark.parametrize("url", token_urls())
def test_every_token_look_up_is_limited(client, limits, url):
    method = (
        client.post
        if url.endswith(("rotate-share", "rotate-edit", "share-expiry", "current-rules"))
        else client.get
    )
    statuses = [method(url).status_code for _ in range(4)]
    assert statuses[:3] != [429] * 3
    assert statuses[3] == 429


@pytest.mark.parametrize("url", ["/", "/api/evaluate", "/api/schema", "/robots.txt"])
def test_pages_without_a_token_are_not_limited(client, limits, url):
    assert 429 not in [client.get(url).status_code for _ in range(5)]


@pytest.mark.parametrize(
    ("proxies", "meta", "client"),
    [
        (0, {"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "192.0.2.1"),
        (
            1,
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.9"},
            "203.0.113.9",
        ),
        (
            2,
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.9, 10.0.0.3"},
            "203.0.113.9",
        ),
        (2, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "203.0.113.9"),
        (1, {"REMOTE_ADDR": "10.0.0.2"}, "10.0.0.2"),
        (0, {"REMOTE_ADDR": "2001:db8:1:2:3:4:5:6"}, "2001:db8:1:2::/64"),
        (0, {"REMOTE_ADDR": "::ffff:192.0.2.1"}, "192.0.2.1"),
        (1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "not-an-ip"}, "unknown"),
    ],
    ids=[
        "no-proxy-ignores-header",
        "one-proxy",
        "two-proxies",
        "short-header",
        "no-header",
        "ipv6-per-64",
        "ipv4-mapped",
        "garbage",
    ],
)
def test_client_address(settings, proxies, meta, client):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert ratelimit.client_address(meta) == client


def test_lookups_over_the_limit_get_429_with_retry_after(client, limits):
    statuses = [client.get(f"/p/{TOKEN}/").status_code for _ in range(4)]
    response = client.get(f"/p/{TOKEN}/")
    assert statuses == [404, 404, 404, 429]
    assert 1 <= int(response["Retry-After"]) <= 60


def test_the_429_page_is_html_and_says_when_to_retry(client, limits):
    for _ in range(3):
        client.get(f"/p/{TOKEN}/")
    response = client.get(f"/p/{TOKEN}/")
    assert response["Content-Type"].startswith("text/html")
    assert f"Try again in {response['Retry-After']} second" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_api_429_uses_the_api_error_shape(client, limits):
    for _ in range(3):
        client.get(f"/api/plans/{TOKEN}")
    response = client.get(f"/api/plans/{TOKEN}")
    assert response.status_code == 429
    assert list(response.json()["errors"]) == [""]
    assert int(response["Retry-After"]) >= 1


def test_api_plan_creation_is_limited(client, limits):
    body = {"name": "Cloud", "answers": CLOUD_ONLY}
    statuses = [
        client.post("/api/plans", body, content_type="application/json").status_code
        for _ in range(3)
    ]
    assert statuses == [201, 201, 429]


def answered_run(client):
    walk = WizardWalk(client)
    walk.answer(WIZARD_CLOUD_ONLY)
    return walk


def test_saving_from_the_wizard_counts_against_the_create_limit(client, limits):
    walk = answered_run(client)
    for _ in range(2):
        ratelimit.hit("create", "127.0.0.1", limit=2, period=3600)
    response = walk.post("check", {"name": "Over"})
    assert response.status_code == 429
    assert not Plan.objects.exists()


@pytest.mark.parametrize("url_step", ["server", "devices", "anything"])
def test_a_save_posted_to_another_step_url_creates_no_plan_past_the_limit(client, limits, url_step):
    walk = answered_run(client)
    for _ in range(2):
        ratelimit.hit("create", "127.0.0.1", limit=2, period=3600)
    data = {f"{walk.prefix}-current_step": "check", "check-name": "Bypass"}
    response = client.post(walk.url(url_step), data)
    assert 400 <= response.status_code < 500
    assert not Plan.objects.exists()


def test_the_429_carries_the_security_headers_of_every_page(client, limits):
    for _ in range(3):
        client.get(f"/p/{TOKEN}/")
    response = client.get(f"/p/{TOKEN}/")
    assert response.status_code == 429
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_wizard_steps_before_saving_are_not_limited(client, limits):
    limits.RATE_LIMIT_CREATE = (0, 3600)
    first_step = client.get("/wizard/")["Location"]
    assert client.post(first_step, {}).status_code != 429


def test_one_address_over_the_limit_does_not_block_another(client, limits):
    for _ in range(4):
        client.get(f"/p/{TOKEN}/", REMOTE_ADDR="192.0.2.1")
    assert client.get(f"/p/{TOKEN}/", REMOTE_ADDR="192.0.2.2").status_code == 404


def test_hits_are_counted_in_the_database_shared_by_every_worker(client, limits):
    # Two test clients stand in for two worker processes: the count is one row, not two.
    from django.test import Client

    client.get(f"/p/{TOKEN}/")
    Client().get(f"/p/{TOKEN}/")
    bucket = RateLimitBucket.objects.get(key="lookup:127.0.0.1")
    assert bucket.hits == 2


def test_a_new_window_starts_the_count_again():
    assert ratelimit.hit("lookup", "192.0.2.1", limit=1, period=60, now=120).allowed
    assert not ratelimit.hit("lookup", "192.0.2.1", limit=1, period=60, now=150).allowed
    assert ratelimit.hit("lookup", "192.0.2.1", limit=1, period=60, now=180).hits == 1


def test_retry_after_counts_to_the_end_of_the_window():
    verdict = ratelimit.hit("lookup", "192.0.2.1", limit=1, period=60, now=130.5)
    assert verdict.retry_after == 50


def test_buckets_of_long_gone_clients_are_deleted():
    ratelimit.hit("lookup", "192.0.2.1", limit=1, period=60, now=0)
    ratelimit.hit("lookup", "192.0.2.2", limit=1, period=60, now=2 * 86_400)
    assert list(RateLimitBucket.objects.values_list("key", flat=True)) == ["lookup:192.0.2.2"]


def test_health_probes_are_never_limited(client, limits):
    limits.RATE_LIMIT_LOOKUP = (0, 60)
    assert client.get("/healthz").status_code == 200


def test_known_plans_are_limited_like_unknown_ones(client, limits):
    saved = make_plan()
    statuses = [client.get(f"/p/{saved.share_token}/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_are_all_counted():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers (PostgreSQL)")
    threads, per_thread = 8, 25

    def work():
        try:
            for _ in range(per_thread):
                ratelimit.hit("lookup", "192.0.2.1", limit=10_000, period=3600)
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert RateLimitBucket.objects.get(key="lookup:192.0.2.1").hits == threads * per_thread


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [("203.0.113.5:4711", "203.0.113.5"), ("[2001:db8::1]:443", "2001:db8::/64")],
)
def test_client_address_with_a_port_counts_as_the_address(settings, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = 1
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": forwarded}
    assert ratelimit.client_address(meta) == expected
