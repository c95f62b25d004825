"""How the wizard's pages render their questions (crispy-forms, GOV.UK patterns), and which
requests write the session."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.wizard.walk import CLOUD_ONLY, EXCHANGE_2010, WizardWalk, partner_fields

pytestmark = pytest.mark.django_db


def squeeze(html):
    return re.sub(r"\s*>\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


def test_question_is_the_legend_and_the_only_h1(walk):
    html = squeeze(walk.get("server").content.decode())
    assert html.count("<h1") == 1
    assert re.search(r'<legend class="question__legend"><h1 class="question__heading">Which', html)


def test_question_hint_describes_the_fieldset_and_no_radio_is_preselected(walk):
    html = walk.get("server").content.decode()
    assert re.search(
        r'<fieldset class="question" aria-describedby="id_server-onprem_server_helptext"', html
    )
    assert 'id="id_server-onprem_server_helptext"' in html
    assert " checked" not in html


def test_each_option_hint_describes_its_radio(walk):
    html = walk.get("server").content.decode()
    assert 'aria-describedby="id_server-onprem_server_0-hint"' in html
    assert (
        '<div id="id_server-onprem_server_0-hint" class="form-hint radio-hint">Version 15.2' in html
    )


def test_error_message_follows_the_hint_and_describes_the_fieldset(walk):
    html = walk.post("server", {}).content.decode()
    assert (
        'aria-describedby="id_server-onprem_server_helptext id_server-onprem_server_error"' in html
    )
    hint, error = html.index('_helptext" class'), html.index('id="id_server-onprem_server_error"')
    assert hint < error < html.index('name="server-onprem_server"')
    assert '<span class="visually-hidden">Error:</span> Select which email servers' in html


def test_text_field_has_its_label_and_points_at_hint_and_error(walk):
    walk.answer(CLOUD_ONLY)
    html = walk.post("check", {"name": ""}).content.decode()
    assert re.search(r'<label\s+for="id_check-name"', html)
    assert 'aria-describedby="id_check-name_helptext id_check-name_error"' in html
    assert 'id="id_check-name_error"' in html
    assert '<a href="#id_check-name">Enter a name for the plan.</a>' in html


def test_labels_and_hints_are_escaped(walk):
    walk.answer(CLOUD_ONLY)
    html = walk.post("check", {"name": '<b>"x"</b>' * 20}).content.decode()
    assert 'value="&lt;b&gt;&quot;x&quot;&lt;/b&gt;' in html
    assert "<b>" not in html


def test_devices_follow_ups_are_one_fieldset_with_a_legend(walk):
    walk.answer(EXCHANGE_2010[:6])
    html = squeeze(walk.get("devices").content.decode())
    assert re.search(
        r'<fieldset class="follow-ups"><legend>If yes, tell us about them</legend>', html
    )
    follow_ups = html.split('<fieldset class="follow-ups')[1]
    for name in ("external_recipients", "smtp_auth_capable", "sending_ips"):
        assert f'name="devices-{name}"' in follow_ups


def test_partner_cards_are_fieldsets_with_their_fields(walk):
    walk.answer([*EXCHANGE_2010[:7], ("partners", {"partners": "yes"})])
    html = squeeze(walk.get("partner").content.decode())
    assert (
        '<fieldset class="partner-card" id="partner-0"><legend class="partner-card__legend">'
        in html
    )
    for name in ("name", "domains", "direction", "require_tls", "mx_certificate_domain"):
        assert f'name="partner-0-{name}"' in html
    # Nothing pre-selected (review M3).
    assert not re.search(r'name="partner-0-require_tls"[^>]*checked', html)
    assert not re.search(r'name="partner-0-direction"[^>]*checked', html)


# --- session writes ------------------------------------------------------------------------------


def session_writes(send):
    with CaptureQueriesContext(connection) as queries:
        response = send()
    return response, [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))
    ]


def test_cookieless_visits_to_the_wizard_create_no_session(client):
    for _ in range(20):
        response = client.get("/wizard/", follow=True)
        assert response.status_code == 200
        assert 'name="server-onprem_server"' in response.content.decode()
        client.cookies.clear()
    assert Session.objects.count() == 0


def test_the_first_saved_answer_creates_the_session(client):
    walk = WizardWalk(client)
    assert walk.get("server").status_code == 200
    assert Session.objects.count() == 0
    walk.answer(CLOUD_ONLY)
    assert Session.objects.count() == 1
    assert walk.post("check", {"name": "Cloud"})["Location"].startswith("/e/")


@pytest.mark.parametrize("run", ["nosuchrun", "tampered.AAAA.BBBB"])
def test_unsigned_or_tampered_run_ids_get_the_expired_page(client, run):
    assert client.get(f"/wizard/{run}/server/").status_code == 410


def test_an_expired_run_id_gets_the_expired_page(client, settings):
    walk = WizardWalk(client)
    settings.SESSION_COOKIE_AGE = -1
    assert walk.get("server").status_code == 410


def test_viewing_a_step_again_does_not_write_the_session(walk):
    walk.answer(EXCHANGE_2010[:4])
    walk.get("organization")
    for _ in range(2):
        response, writes = session_writes(lambda: walk.get("organization"))
        assert response.status_code == 200
        assert writes == []


def test_refused_answer_does_not_write_the_session(walk):
    walk.answer(EXCHANGE_2010[:1])
    response, writes = session_writes(lambda: walk.post("updates", {}))
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert writes == []


def test_partner_list_edits_are_kept_without_a_valid_answer(walk):
    walk.answer([*EXCHANGE_2010[:7], ("partners", {"partners": "yes"})])
    fields = partner_fields({"name": "Fabrikam", "domains": ""})
    response = walk.post("partner", fields, extra={"partner_action": "add"})
    assert response.status_code == 302
    assert walk.stored("partner")["partner-TOTAL_FORMS"] == ["2"]
    html = walk.get("partner").content.decode()
    assert 'value="Fabrikam"' in html
    assert 'id="id_partner-1-name"' in html
