"""The .ps1 downloads of a plan's two scripts, through the share and the edit link."""

import pytest

from tests.factories import CLOUD_ONLY, make_answers, make_plan

pytestmark = pytest.mark.django_db


def test_share_link_downloads_the_exchange_online_script(client):
    saved = make_plan()
    response = client.get(f"/p/{saved.share_token}/exchange-online.ps1")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="contoso-mail-flow-revision-1-exchange-online.ps1"'
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert text[1:] == saved.plan.recommendation["powershell"]["exchange_online"]


def test_edit_link_downloads_the_on_premises_script(client):
    saved = make_plan()
    response = client.get(f"/e/{saved.edit_token}/on-premises.ps1")
    assert response.status_code == 200
    assert "New-SendConnector" in response.content.decode("utf-8")


def test_plan_without_on_premises_server_has_no_on_premises_script(client):
    saved = make_plan(answers=make_answers(CLOUD_ONLY))
    assert client.get(f"/p/{saved.share_token}/on-premises.ps1").status_code == 404


def test_unknown_script_side_is_404(client):
    saved = make_plan()
    assert client.get(f"/p/{saved.share_token}/everything.ps1").status_code == 404


def test_script_downloads_are_private(client):
    saved = make_plan()
    response = client.get(f"/p/{saved.share_token}/exchange-online.ps1")
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"


def test_plan_page_links_each_script_download(client):
    saved = make_plan()
    page = client.get(f"/p/{saved.share_token}/").content.decode()
    assert f'href="/p/{saved.share_token}/exchange-online.ps1"' in page
    assert f'href="/p/{saved.share_token}/on-premises.ps1"' in page


def test_share_page_script_links_never_use_the_edit_token(client):
    saved = make_plan()
    page = client.get(f"/p/{saved.share_token}/").content.decode()
    assert saved.edit_token not in page
