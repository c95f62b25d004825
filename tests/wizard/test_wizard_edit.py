"""Editing a saved plan: the wizard opens on the check page with the plan's answers."""

import pytest

from planner.engine import Answers
from planner.engine.summary import answer_rows
from planner.services import find_plan_by_edit_token, rotate_edit_token, update_plan
from tests.factories import make_answers
from tests.factories import make_plan as make_version_1_plan
from tests.wizard.walk import is_checked
from wizard import views

pytestmark = pytest.mark.django_db

# Answers the wizard can ask today (the factories' plan says "Exchange 2010 or later").
CURRENT = {
    "onprem_server": "exchange-2016",
    "onprem_up_to_date": True,
    "hybrid_completed": True,
    "hybrid_configuration": "minimal",
    "mx_points_to": "on-premises",
}


def make_plan(**kwargs):
    """Save a plan with answers the wizard asks today."""
    return make_version_1_plan(answers=make_answers(**CURRENT), **kwargs)


def page(response):
    return response.content.decode()


def open_editor(client, saved):
    response = client.get(f"/wizard/edit/{saved.edit_token}/")
    assert response.status_code == 302
    return response["Location"]


def test_unknown_edit_token_returns_404(client):
    assert client.get("/wizard/edit/not-a-real-token/").status_code == 404


def test_edit_lands_on_the_check_page_without_the_token_in_the_url(client):
    saved = make_plan()
    url = open_editor(client, saved)
    assert url.endswith("/check/")
    assert saved.edit_token not in url


def test_edit_prefills_every_answer(client):
    saved = make_plan()
    html = page(client.get(open_editor(client, saved)))
    assert 'value="Contoso mail flow"' in html
    for text in ("mail.contoso.com", "Contoso Bank", "8.8.4.4", "mail.contosobank.com"):
        assert text in html
    for row in answer_rows(Answers.from_dict(saved.plan.answers)):
        assert row.answer.split("; ")[0] in html.replace("&#x27;", "'")


def test_edit_prefills_the_new_questions(client):
    saved = make_plan()
    run = open_editor(client, saved).split("/")[2]
    for step, value in (
        ("server", "exchange-2016"),
        ("updates", "yes"),
        ("configuration", "minimal"),
        ("mx", "on-premises"),
    ):
        html = page(client.get(f"/wizard/{run}/{step}/"))
        assert is_checked(html, value), step


def test_edit_of_an_exchange_2010_or_later_plan_asks_the_exact_version(client):
    saved = make_version_1_plan()
    run = open_editor(client, saved).split("/")[2]
    response = client.get(f"/wizard/{run}/check/")
    assert response["Location"] == f"/wizard/{run}/server/"
    html = page(client.get(response["Location"]))
    assert "The saved plan says “Exchange 2010 or later”" in html
    assert "There is a problem" not in html
    assert " checked" not in html


def test_edit_prefills_the_partner_list(client):
    saved = make_plan()
    run = open_editor(client, saved).split("/")[2]
    html = page(client.get(f"/wizard/{run}/partner/"))
    assert 'value="Contoso Bank"' in html
    assert "There is a problem" not in html


def test_edit_asks_what_changed(client):
    saved = make_plan()
    assert "What changed? (optional)" in page(client.get(open_editor(client, saved)))


def test_saving_an_edit_adds_a_revision(client):
    saved = make_plan()
    url = open_editor(client, saved)
    run = url.split("/")[2]
    response = client.post(
        url,
        {
            f"plan_wizard_{run}-current_step": "check",
            "check-name": "Renamed",
            "check-note": "New name",
        },
    )
    assert response["Location"] == f"/e/{saved.edit_token}/"
    assert "Revision 2 saved." in client.get(response["Location"]).content.decode()
    plan = find_plan_by_edit_token(saved.edit_token)
    assert (plan.revision, plan.name) == (2, "Renamed")
    assert plan.history[-1]["note"] == "New name"


def test_stale_revision_keeps_answers_and_explains(client):
    saved = make_plan()
    url = open_editor(client, saved)
    run = url.split("/")[2]
    update_plan(saved.plan, name="Someone else", answers=make_answers(), expected_revision=1)
    data = {f"plan_wizard_{run}-current_step": "check", "check-name": "Mine"}
    response = client.post(url, data)
    html = page(response)
    assert response.status_code == 200
    assert "This plan was changed by someone else while you were editing (revision 2," in html
    assert f'href="/e/{saved.edit_token}/"' in html
    assert 'value="Mine"' in html
    assert "<title>Error: " in html


def test_saving_again_after_a_stale_revision_replaces_it(client):
    saved = make_plan()
    url = open_editor(client, saved)
    run = url.split("/")[2]
    update_plan(saved.plan, name="Someone else", answers=make_answers(), expected_revision=1)
    data = {f"plan_wizard_{run}-current_step": "check", "check-name": "Mine"}
    client.post(url, data)
    response = client.post(url, data)
    assert response["Location"] == f"/e/{saved.edit_token}/"
    assert find_plan_by_edit_token(saved.edit_token).name == "Mine"


def test_edit_run_of_a_deleted_plan_gets_the_unknown_link_page(client):
    saved = make_plan()
    url = open_editor(client, saved)
    run = url.split("/")[2]
    saved.plan.delete()
    response = client.post(url, {f"plan_wizard_{run}-current_step": "check", "check-name": "Mine"})
    assert response.status_code == 404


def save_edit(client, url, name):
    run = url.split("/")[2]
    return client.post(url, {f"plan_wizard_{run}-current_step": "check", "check-name": name})


def test_rotating_the_edit_link_ends_runs_opened_with_the_old_one(client):
    saved = make_plan(name="Mine")
    url = open_editor(client, saved)
    rotate_edit_token(saved.plan, edit_token=saved.edit_token)
    assert client.get(url).status_code == 404
    assert save_edit(client, url, "PWNED after rotation").status_code == 404
    saved.plan.refresh_from_db()
    assert (saved.plan.name, saved.plan.revision) == ("Mine", 1)


def test_a_save_racing_an_edit_link_rotation_changes_nothing(client, monkeypatch):
    saved = make_plan(name="Mine")
    url = open_editor(client, saved)
    # The rotation lands after the run's check but before the UPDATE.
    monkeypatch.setattr(views, "edited_plan", lambda edit: saved.plan)
    rotate_edit_token(saved.plan, edit_token=saved.edit_token)
    assert save_edit(client, url, "PWNED").status_code == 404
    saved.plan.refresh_from_db()
    assert (saved.plan.name, saved.plan.revision) == ("Mine", 1)


@pytest.mark.parametrize("note", ["x\u202eevil", "zero\u200bwidth"])
def test_a_revision_note_with_bidi_or_zero_width_characters_is_refused(client, note):
    saved = make_plan(name="Mine")
    url = open_editor(client, saved)
    run = url.split("/")[2]
    data = {f"plan_wizard_{run}-current_step": "check", "check-name": "Mine", "check-note": note}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "not allowed" in page(response)
    saved.plan.refresh_from_db()
    assert saved.plan.revision == 1


# --- issue 14: editing feels like editing (review M2) ------------------------------------------


def test_check_page_in_edit_mode_has_cancel_back_to_the_plan_and_edit_copy(client):
    saved = make_plan()
    html = client.get(open_editor(client, saved)).content.decode()
    plan_url = f"/e/{saved.edit_token}/"
    assert f'<a class="back-link" href="{plan_url}">Back to the plan</a>' in html
    assert f'<a class="wizard-cancel" href="{plan_url}">Cancel and return to the plan</a>' in html
    assert "Save as revision 2" in html
    assert "Saving gives you" not in html


def test_question_pages_in_edit_mode_have_cancel(client):
    saved = make_plan()
    url = open_editor(client, saved)
    html = client.get(url.replace("/check/", "/server/")).content.decode()
    assert "Cancel and return to the plan" in html


def test_saving_without_a_change_stores_no_revision(client):
    saved = make_plan()
    url = open_editor(client, saved)
    run = url.split("/")[2]
    data = {f"plan_wizard_{run}-current_step": "check", "check-name": saved.plan.name}
    response = client.post(url, data)
    assert response["Location"] == f"/e/{saved.edit_token}/"
    plan = find_plan_by_edit_token(saved.edit_token)
    assert plan.revision == 1 and len(plan.history) == 1
    html = client.get(response["Location"]).content.decode()
    assert "Nothing changed: revision 1 is still the current one." in html
