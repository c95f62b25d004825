import datetime as dt
import re

import pytest
from django.test import Client

from planner import services
from planner.engine.summary import ONPREM_LABELS
from planner.models import Plan
from tests.factories import CLOUD_ONLY, answers_data, make_answers, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved():
    return make_plan()


def text(response):
    return response.content.decode()


# --- the read-only page -----------------------------------------------------------------------


def test_share_page_shows_the_plan(client, saved):
    response = client.get(f"/p/{saved.share_token}/")
    assert response.status_code == 200
    html = text(response)
    assert "<h1" in html and "Contoso mail flow" in html
    assert "Revision 1, saved" in html
    assert saved.plan.recommendation["summary"] in html.replace("&#x27;", "'")


def test_share_page_shows_each_connector_with_cmdlet_and_settings(client, saved):
    html = text(client.get(f"/p/{saved.share_token}/"))
    for connector in saved.plan.recommendation["connectors"]:
        assert f'id="connector-{connector["id"]}"' in html
        assert f"<code>{connector['cmdlet']}</code>" in html
    assert "<code>TlsSenderCertificateName</code>" in html
    assert "Partner organization" in html and "Office 365" in html
    assert "Required" in html and "Optional" in html


def test_share_page_shows_fill_in_hints_for_missing_values(client):
    saved = make_plan(answers=make_answers(organization=None))
    html = text(client.get(f"/p/{saved.share_token}/"))
    assert "<strong>Fill in:</strong> The public host name" in html


def test_share_page_lists_answers_in_plain_words(client, saved):
    html = text(client.get(f"/p/{saved.share_token}/"))
    assert "On-premises email organization" in html
    assert ONPREM_LABELS["exchange-2010-or-later"] in html


def test_share_page_puts_warnings_first_as_a_callout_and_information_later(client, saved):
    html = text(client.get(f"/p/{saved.share_token}/"))
    assert html.index('class="warning-callout') < html.index('id="summary-heading"')
    assert html.index('id="summary-heading"') < html.index('id="contents-heading"')
    assert html.index('id="contents-heading"') < html.index(">Good to know<")
    assert "open relay" in html


def test_share_page_links_guides_without_referrer(client, saved):
    html = text(client.get(f"/p/{saved.share_token}/"))
    links = re.findall(r'<a href="(https://[^"]*)" rel="noreferrer">', html)
    assert {guide["url"] for guide in saved.plan.recommendation["guides"]} <= set(links)


def test_share_page_shows_device_options_with_verdicts(client):
    answers = make_answers(CLOUD_ONLY, devices={"send_mail": True, "external_recipients": True})
    html = text(client.get(f"/p/{make_plan(answers=answers).share_token}/"))
    assert "Printers, scanners and applications" in html
    assert "Option 1: SMTP AUTH client submission" in html
    assert "Not suitable" in html or "Possible" in html


def test_share_page_says_when_no_connector_is_needed(client):
    html = text(client.get(f"/p/{make_plan(answers=make_answers(CLOUD_ONLY)).share_token}/"))
    assert "No connectors to create" in html


def test_share_page_never_reveals_the_edit_link_or_any_form(client, saved):
    html = text(client.get(f"/p/{saved.share_token}/"))
    assert saved.edit_token not in html
    assert "/e/" not in html
    assert "<form" not in html
    assert "csrfmiddlewaretoken" not in html
    assert "Edit link" not in html
    assert "/wizard/edit/" not in html


def test_share_page_takes_one_query(client, saved, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get(f"/p/{saved.share_token}/").status_code == 200


def test_plan_pages_are_private_and_not_indexed(client, saved):
    for url in (f"/p/{saved.share_token}/", f"/e/{saved.edit_token}/"):
        response = client.get(url)
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize(
    "url",
    [
        "/p/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/",
        "/p/short/",
        "/e/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/",
    ],
)
def test_unknown_token_shows_our_404_page(client, saved, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]


def test_share_token_does_not_open_any_edit_url(client, saved):
    share = saved.share_token
    for url in (f"/e/{share}/", f"/e/{share}/pdf", f"/e/{share}/plan.md", f"/e/{share}/compare/"):
        assert client.get(url).status_code == 404, url
    for action in ("rotate-share", "rotate-edit", "share-expiry"):
        assert client.post(f"/e/{share}/{action}").status_code == 404


def test_edit_token_does_not_open_the_share_page(client, saved):
    assert client.get(f"/p/{saved.edit_token}/").status_code == 404


def test_expired_share_link_is_410_everywhere_with_a_page_that_says_so(client, saved):
    services.set_share_expiry(saved.plan, expires_on=dt.date(2020, 1, 1))
    share = saved.share_token
    for url in (
        f"/p/{share}/",
        f"/p/{share}/revisions/1/",
        f"/p/{share}/compare/?from=1&to=1",
        f"/p/{share}/plan.md",
        f"/p/{share}/pdf",
    ):
        response = client.get(url)
        assert response.status_code == 410, url
        assert "This link no longer works" in text(response)
        assert "Contoso" not in text(response)


def test_share_page_is_read_only_by_method(client, saved):
    assert client.post(f"/p/{saved.share_token}/").status_code == 405


# --- the author's page ------------------------------------------------------------------------


def test_edit_page_tells_the_two_links_apart(client, saved):
    html = text(client.get(f"/e/{saved.edit_token}/"))
    assert "<title>Contoso mail flow: private edit page, don't share this address" in html
    assert "Send this link to colleagues" in html
    assert f'id="share-link">http://testserver/p/{saved.share_token}/</code>' in html
    assert f'id="edit-link">http://testserver/e/{saved.edit_token}/</code>' in html
    assert f'Share link ends in <strong class="font-monospace">…{saved.share_token[-4:]}/' in html
    assert f'Private link ends in <strong class="font-monospace">…{saved.edit_token[-4:]}/' in html
    assert 'class="warning-inset plan-link plan-link--edit' in html
    assert "don't share it" in html
    assert 'data-copy-target="share-link" hidden>Copy share link' in html
    assert 'data-copy-target="edit-link" hidden>Copy private edit link' in html
    assert "Anyone with this link can change the plan" in html
    assert f'href="/e/{saved.edit_token}/links/">Link settings</a>' in html
    assert "Make a new share link" not in html  # on the link settings page


def test_edit_page_uses_the_public_base_url(client, saved, settings):
    settings.PLANNER_PUBLIC_BASE_URL = "https://planner.example.org"
    html = text(client.get(f"/e/{saved.edit_token}/"))
    assert f'id="share-link">https://planner.example.org/p/{saved.share_token}/<' in html


def test_edit_page_links_to_change_answers(client, saved):
    html = text(client.get(f"/e/{saved.edit_token}/"))
    assert f'href="/wizard/edit/{saved.edit_token}/">Change answers</a>' in html


def test_edit_page_shows_the_plan_too(client, saved):
    html = text(client.get(f"/e/{saved.edit_token}/"))
    assert "Contoso mail flow" in html
    assert "<code>New-InboundConnector</code>" in html


def test_edit_page_takes_one_query(client, saved, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get(f"/e/{saved.edit_token}/").status_code == 200


def test_saved_query_moves_to_the_session_and_shows_the_confirmation_once(client, saved):
    response = client.get(f"/e/{saved.edit_token}/?saved=1")
    assert response.status_code == 302
    assert response["Location"] == f"/e/{saved.edit_token}/"
    html = text(client.get(response["Location"]))
    assert 'class="plan-links mb-4 confirmation-panel"' in html
    assert 'role="status">Plan saved</p>' in html
    assert html.index("Send this link to colleagues") < html.index("private link to change")
    # The session holds the banner, never a token; a second visit shows no banner.
    for value in client.session.values():
        assert saved.edit_token not in str(value) and saved.share_token not in str(value)
    assert "Plan saved" not in text(client.get(f"/e/{saved.edit_token}/"))


def test_updated_banner_names_the_revision(client, saved):
    services.update_plan(saved.plan, name="New", answers=make_answers(), expected_revision=1)
    response = client.get(f"/e/{saved.edit_token}/?updated=2", follow=True)
    assert response.redirect_chain == [(f"/e/{saved.edit_token}/", 302)]
    assert "Revision 2 saved." in text(response)


def test_nonsense_banner_parameters_show_no_banner(client, saved):
    html = text(client.get(f"/e/{saved.edit_token}/?updated=7&rotated=x", follow=True))
    assert 'role="status"' not in html


def test_edit_page_get_changes_nothing(client, saved):
    before = Plan.objects.values().get()
    client.get(f"/e/{saved.edit_token}/?saved=1")
    client.get(f"/e/{saved.edit_token}/rotate-share")
    assert Plan.objects.values().get() == before


def test_rotation_urls_refuse_get(client, saved):
    for action in ("rotate-share", "rotate-edit", "share-expiry"):
        assert client.get(f"/e/{saved.edit_token}/{action}").status_code == 405


def test_rotation_needs_a_csrf_token(saved):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/e/{saved.edit_token}/rotate-share").status_code == 403
    assert services.find_plan_by_share_token(saved.share_token) is not None


def test_new_share_link_retires_the_old_one_and_keeps_the_edit_link(client, saved):
    response = client.post(f"/e/{saved.edit_token}/rotate-share")
    assert response.status_code == 302
    assert response["Location"] == f"/e/{saved.edit_token}/links/"
    assert client.get(f"/p/{saved.share_token}/").status_code == 404
    page = client.get(response["Location"])
    assert page.status_code == 200
    new_share = re.search(r'id="share-link">http://testserver/p/([^/]+)/<', text(page))[1]
    assert new_share != saved.share_token
    assert client.get(f"/p/{new_share}/").status_code == 200
    assert "New share link made" in text(page)


def test_new_edit_link_retires_the_old_one_and_keeps_the_share_link(client, saved):
    response = client.post(f"/e/{saved.edit_token}/rotate-edit")
    assert response.status_code == 302
    new_edit = re.fullmatch(r"/e/([A-Za-z0-9_-]{43})/links/", response["Location"])[1]
    assert new_edit != saved.edit_token
    assert client.get(f"/e/{saved.edit_token}/").status_code == 404
    page = client.get(response["Location"])
    assert "New private edit link made" in text(page)
    assert f'id="share-link">http://testserver/p/{saved.share_token}/<' in text(page)
    assert client.get(f"/p/{saved.share_token}/").status_code == 200


def test_setting_an_expiry_date_redirects_and_shows_it(client, saved):
    expires_on = dt.date.today() + dt.timedelta(days=30)
    response = client.post(
        f"/e/{saved.edit_token}/share-expiry", {"expires_on": expires_on.isoformat()}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/e/{saved.edit_token}/links/"
    html = text(client.get(response["Location"]))
    assert f"It works until the end of {expires_on.day} {expires_on:%B %Y}" in html
    assert f'value="{expires_on.isoformat()}"' in html
    assert client.get(f"/p/{saved.share_token}/").status_code == 200


def test_past_expiry_date_is_refused_and_the_typed_value_kept(client, saved):
    response = client.post(f"/e/{saved.edit_token}/share-expiry", {"expires_on": "2020-01-31"})
    assert response.status_code == 400
    html = text(response)
    assert "The date is in the past" in html
    assert "<title>Error: Link settings" in html
    assert "data-error-summary" in html
    assert 'href="#id_expires_on"' in html
    assert 'value="2020-01-31"' in html
    assert Plan.objects.get().share_expires_at is None


def test_malformed_expiry_date_is_refused_and_kept(client, saved):
    response = client.post(f"/e/{saved.edit_token}/share-expiry", {"expires_on": "next tuesday"})
    assert response.status_code == 400
    assert "Enter a date like 2026-12-31." in text(response)
    assert 'value="next tuesday"' in text(response)


def test_empty_expiry_date_removes_the_expiry(client, saved):
    services.set_share_expiry(saved.plan, expires_on=dt.date(2020, 1, 1))
    response = client.post(f"/e/{saved.edit_token}/share-expiry", {"expires_on": ""})
    assert response["Location"] == f"/e/{saved.edit_token}/links/"
    assert "The share link no longer expires." in text(client.get(response["Location"]))
    assert client.get(f"/p/{saved.share_token}/").status_code == 200


def test_edit_page_says_when_the_share_link_has_expired(client, saved):
    services.set_share_expiry(saved.plan, expires_on=dt.date(2020, 1, 1))
    response = client.get(f"/e/{saved.edit_token}/")
    assert response.status_code == 200
    assert "This link expired at the end of 1 January 2020" in text(response)


# --- downloads --------------------------------------------------------------------------------


def test_markdown_download(client, saved):
    response = client.get(f"/p/{saved.share_token}/plan.md")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="contoso-mail-flow-revision-1.md"'
    )
    assert "Contoso mail flow" in text(response)
    assert f"http://testserver/p/{saved.share_token}/" in text(response)


def test_markdown_from_the_edit_link_shows_only_the_share_link(client, saved):
    response = client.get(f"/e/{saved.edit_token}/plan.md")
    assert response.status_code == 200
    assert saved.edit_token not in text(response)
    assert saved.share_token in text(response)


@pytest.mark.parametrize("size", ["", "?size=a4", "?size=letter"])
def test_pdf_download(client, saved, size):
    response = client.get(f"/p/{saved.share_token}/pdf{size}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="contoso-mail-flow-revision-1.pdf"'
    )
    assert response.content.startswith(b"%PDF")


def test_pdf_from_the_edit_link(client, saved):
    response = client.get(f"/e/{saved.edit_token}/pdf")
    assert response.content.startswith(b"%PDF")


def test_unknown_pdf_size_is_a_clear_400(client, saved):
    response = client.get(f"/p/{saved.share_token}/pdf?size=a3")
    assert response.status_code == 400
    assert b"?size=a4 or ?size=letter" in response.content


def test_download_name_falls_back_when_the_name_has_no_letters(client):
    saved = make_plan(name="???")
    response = client.get(f"/p/{saved.share_token}/plan.md")
    assert 'filename="connector-plan-revision-1.md"' in response["Content-Disposition"]


def test_answers_are_stored_normalised(saved):
    assert saved.plan.answers == make_answers(answers_data()).to_dict()


def test_host_port_and_case_variants_do_not_force_a_new_pdf_render(
    client, saved, settings, monkeypatch
):
    from planner.exports import pdf

    settings.ALLOWED_HOSTS = ["localhost"]
    renders = []
    monkeypatch.setattr(pdf, "_write_pdf", lambda html, size: renders.append(html) or b"%PDF")
    for host in ("localhost:1", "localhost:2", "LOCALHOST:3"):
        assert client.get(f"/p/{saved.share_token}/pdf", HTTP_HOST=host).status_code == 200
    assert len(renders) == 1
    # The stored PDF prints no link: it would go stale when the link is rotated (planner/pdfs.py).
    assert "/p/" not in renders[0]


@pytest.mark.parametrize("link", ["share", "edit", "unknown"])
def test_compare_with_a_revision_number_past_64_bits_is_a_400(client, saved, link):
    token = {"share": saved.share_token, "edit": saved.edit_token, "unknown": "A" * 43}[link]
    prefix = "e" if link == "edit" else "p"
    response = client.get(f"/{prefix}/{token}/compare/?from=1&to=9223372036854775808")
    assert response.status_code in (400, 404)


def test_a_pdf_over_the_time_limit_is_a_503_with_retry_after(client, saved, settings, caplog):
    settings.PDF_RENDER_TIMEOUT = 0.001
    response = client.get(f"/p/{saved.share_token}/pdf")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "took too long" in response.content.decode()
    assert "PDF render stopped" in caplog.text
    settings.PDF_RENDER_TIMEOUT = 20
    assert client.get(f"/p/{saved.share_token}/pdf").content.startswith(b"%PDF")


def test_compare_without_parameters_shows_the_latest_change(client, saved):
    services.update_plan(saved.plan, name="Renamed", answers=make_answers(), expected_revision=1)
    response = client.get(f"/p/{saved.share_token}/compare/")
    assert response.status_code == 200
    assert "Revision 1 and revision 2" in text(response)


def test_favicon_and_home_description(client):
    html = text(client.get("/"))
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert '<meta name="description"' in html
