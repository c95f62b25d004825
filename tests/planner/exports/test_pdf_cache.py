"""The PDF cache never serves a stale plan, and links stop working at once."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from planner import services
from tests.factories import make_answers, make_plan


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _edit(saved, **overrides):
    answers = make_answers(**overrides)
    services.update_plan(
        saved.plan,
        name="Contoso, revised",
        answers=answers,
        expected_revision=saved.plan.revision,
    )
    return answers


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/plans/{token}", "/p/{token}/", "/p/{token}/pdf"])
def test_cached_plan_is_gone_when_the_link_expires_or_is_replaced(client, path):
    saved = make_plan()
    url = path.format(token=saved.share_token)
    assert client.get(url).status_code == 200
    services.set_share_expiry(saved.plan, expires_on=dt.date(2020, 1, 1))
    # The API answers 404; the pages say the link no longer works (410).
    assert client.get(url).status_code == (404 if url.startswith("/api/") else 410)
    services.set_share_expiry(saved.plan, expires_on=None)
    assert client.get(url).status_code == 200
    services.rotate_share_token(saved.plan, edit_token=saved.edit_token)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_cached_pdf_shows_a_new_revision_at_once(client):
    saved = make_plan()
    url = f"/p/{saved.share_token}/pdf"
    assert "Revision 1" in pdf_text(client.get(url).content)
    _edit(saved)
    text = pdf_text(client.get(url).content)
    assert "Contoso, revised" in text
    assert "Revision 2" in text
