"""Headers on every page, private plan pages, robots.txt, outbound links, request caps."""

import json
from html.parser import HTMLParser

import pytest

from tests.factories import CONTOSO, answers_data, make_plan, partner

pytestmark = pytest.mark.django_db

CSP_DIRECTIVES = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


@pytest.fixture
def saved():
    return make_plan()


@pytest.fixture
def pages(client, saved):
    """Return a function fetching each kind of page: name -> response."""
    first_step = client.get("/wizard/")["Location"]
    urls = {
        "home": "/",
        "wizard": first_step,
        "share": f"/p/{saved.share_token}/",
        "edit": f"/e/{saved.edit_token}/",
        "not-found": "/no-such-page/",
    }
    return {name: client.get(url) for name, url in urls.items()}


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


@pytest.mark.parametrize("page", ["home", "wizard", "share", "edit", "not-found"])
def test_every_page_sends_the_content_security_policy(pages, page):
    policy = directives(pages[page])
    assert {name: policy.get(name) for name in CSP_DIRECTIVES} == CSP_DIRECTIVES


def test_content_security_policy_allows_no_inline_script_and_no_other_origin(pages):
    policy = pages["home"]["Content-Security-Policy"]
    assert "unsafe" not in policy
    assert "http" not in policy
    assert "script-src" not in policy  # falls back to default-src 'self'


@pytest.mark.parametrize("page", ["home", "wizard", "share", "edit", "not-found"])
def test_every_page_sends_nosniff_and_a_same_origin_referrer_policy(pages, page):
    response = pages[page]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in {"same-origin", "strict-origin"}


class PageParts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline_scripts, self.handlers, self.links = 0, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            self.inline_scripts += 1
        self.handlers += [name for name in attrs if name.startswith("on")]
        if tag == "a" and (attrs.get("href") or "").startswith(("http://", "https://")):
            self.links.append(attrs)


def parts(response) -> PageParts:
    parser = PageParts()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize("page", ["home", "wizard", "share", "edit"])
def test_pages_have_no_inline_script_or_event_handler(pages, page):
    found = parts(pages[page])
    assert (found.inline_scripts, found.handlers) == (0, [])


@pytest.mark.parametrize("page", ["home", "share", "edit"])
def test_outbound_links_carry_rel_noreferrer(pages, page):
    links = parts(pages[page]).links
    assert links, "expected links to Microsoft's documentation"
    assert [link["href"] for link in links if "noreferrer" not in link.get("rel", "")] == []


def test_hsts_is_sent_in_production(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize("link", ["share", "edit"])
def test_plan_pages_are_private_and_not_indexed(pages, link):
    response = pages[link]
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]


@pytest.mark.parametrize(
    "path",
    [
        "/p/{share}/pdf",
        "/p/{share}/plan.md",
        "/p/{share}/revisions/1/",
        "/e/{edit}/revisions/1/",
        "/api/plans/{share}",
        "/p/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/",
    ],
)
def test_everything_under_plan_links_is_private_and_not_indexed(client, saved, path):
    response = client.get(path.format(share=saved.share_token, edit=saved.edit_token))
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "strict-origin"


def test_home_page_may_be_cached_and_indexed(client):
    response = client.get("/")
    assert "X-Robots-Tag" not in response
    assert "no-store" not in response.get("Cache-Control", "")


def test_robots_txt_disallows_every_plan_link_prefix(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    rules = {line for line in response.content.decode().splitlines() if line}
    assert {
        "Disallow: /p/",
        "Disallow: /e/",
        "Disallow: /wizard/",
        "Disallow: /api/plans/",
    } <= rules


def test_api_refuses_a_body_over_256_kib_with_413(client):
    body = json.dumps({"name": "x" * (300 * 1024), "answers": CONTOSO})
    response = client.post("/api/plans", body, content_type="application/json")
    assert response.status_code == 413


def test_api_refuses_more_than_50_partners(client):
    partners = [partner(name=f"P{i}", domains=[f"p{i}.example.com"]) for i in range(51)]
    body = {"name": "Many", "answers": answers_data(partners=partners)}
    response = client.post("/api/plans", body, content_type="application/json")
    assert response.status_code == 400
    assert "answers.partners" in response.json()["errors"]


def test_an_oversized_form_post_is_refused_without_a_server_error(client):
    first_step = client.get("/wizard/")["Location"]
    response = client.post(first_step, {"server-onprem_server": "x" * (300 * 1024)})
    assert response.status_code == 400
