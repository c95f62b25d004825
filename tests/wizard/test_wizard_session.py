"""Expired, tampered and parallel wizard runs never end in a server error."""

import pytest

from tests.wizard.walk import CLOUD_ONLY, WizardWalk, is_checked

pytestmark = pytest.mark.django_db


def page(response):
    return response.content.decode()


def corrupt(walk, value):
    walk.answer(CLOUD_ONLY[:1])
    session = walk.client.session
    session[session["wizard_runs"][walk.run]] = value
    session.save()


def test_unknown_run_shows_the_expired_page(client):
    response = client.get("/wizard/nosuchrun/server/")
    assert response.status_code == 410
    assert "This plan session has expired" in page(response)
    assert 'href="/wizard/"' in page(response)


def test_post_to_an_unknown_run_shows_the_expired_page(client):
    response = client.post("/wizard/nosuchrun/server/", {"server-onprem_server": "none"})
    assert response.status_code == 410


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("garbage", id="not-a-dict"),
        pytest.param({"step": "server"}, id="missing-keys"),
        pytest.param(
            {"step": "nope", "step_data": {}, "step_files": {}, "extra_data": {}}, id="unknown-step"
        ),
        pytest.param(
            {
                "step": "server",
                "step_data": {"server": {"server-onprem_server": "none"}},
                "step_files": {},
                "extra_data": {},
            },
            id="values-not-lists",
        ),
        pytest.param(
            {"step": "server", "step_data": {"evil": {}}, "step_files": {}, "extra_data": {}},
            id="unknown-step-data",
        ),
        pytest.param(
            {
                "step": "check",
                "step_data": {},
                "step_files": {},
                "extra_data": {"edit": {"plan_id": "1"}},
            },
            id="bad-edit-data",
        ),
    ],
)
def test_corrupt_session_data_shows_the_expired_page(walk, value):
    corrupt(walk, value)
    response = walk.get("server")
    assert response.status_code == 410
    assert "Start a new plan" in page(response)


def test_missing_management_form_gives_a_friendly_400(walk):
    response = walk.client.post(walk.url("server"), {"server-onprem_server": "none"})
    assert response.status_code == 400
    assert "Start a new plan" in page(response)


def test_missing_partner_counter_keeps_the_partners_sent(walk):
    walk.answer([*CLOUD_ONLY[:4], ("partners", {"partners": "yes"})])
    response = walk.post(
        "partner", {"0-name": "Fabrikam", "0-domains": "fabrikam.com", "0-direction": "both"}
    )
    assert response["Location"] == walk.url("check")
    assert "Fabrikam" in page(walk.get("check"))


def test_two_runs_in_one_session_keep_their_own_answers(client):
    first, second = WizardWalk(client), WizardWalk(client)
    first.answer([("server", {"onprem_server": "none"})])
    second.answer([("server", {"onprem_server": "exchange-2016"})])
    assert is_checked(page(first.get("server")), "none")
    assert is_checked(page(second.get("server")), "exchange-2016")


def test_saving_one_run_leaves_the_other_run_alone(client):
    first, second = WizardWalk(client), WizardWalk(client)
    first.answer(CLOUD_ONLY)
    second.answer(CLOUD_ONLY[:2])
    first.post("check", {"name": "First"})
    assert second.get("mx").status_code == 200


def test_oldest_runs_are_forgotten_after_twenty(client):
    oldest = WizardWalk(client)
    oldest.answer(CLOUD_ONLY[:1])
    for _ in range(20):
        WizardWalk(client).answer(CLOUD_ONLY[:1])
    assert oldest.get("server").status_code == 410


def test_sessions_hold_no_plan_token_after_a_wizard_create_and_edit(client):
    from django.contrib.sessions.models import Session

    from planner.services import find_plan_by_edit_token

    walk = WizardWalk(client)
    walk.answer(CLOUD_ONLY)
    created = walk.post("check", {"name": "Cloud"})["Location"].split("/")[2]
    editor = client.get(f"/wizard/edit/{created}/")["Location"]
    walk.client.get(editor)
    plan = find_plan_by_edit_token(created)
    stored = "".join(str(row.get_decoded()) + row.session_data for row in Session.objects.all())
    assert stored
    assert created not in stored
    assert plan.edit_token_hash in stored  # the edit run keeps the hash, not the link


def test_a_saved_run_stops_offering_the_plan_link_after_an_hour(client, monkeypatch):
    import time

    walk = WizardWalk(client)
    walk.answer(CLOUD_ONLY)
    url = walk.post("check", {"name": "Cloud"})["Location"]
    later = time.time() + 3601
    monkeypatch.setattr(time, "time", lambda: later)
    response = walk.get("check")
    assert response.status_code == 410
    assert url not in page(response)


@pytest.mark.parametrize(
    ("url_step", "posted_step"),
    [("server", "bogus"), ("server", "hybrid"), ("server", "partner"), ("hybrid", "hybrid")],
)
def test_a_post_for_an_unknown_or_skipped_step_is_refused_with_400(walk, url_step, posted_step):
    walk.answer(CLOUD_ONLY)
    response = walk.client.post(walk.url(url_step), {f"{walk.prefix}-current_step": posted_step})
    assert response.status_code == 400


def test_a_post_whose_step_differs_from_its_url_saves_no_answer(walk):
    walk.answer(CLOUD_ONLY[:1])
    data = {f"{walk.prefix}-current_step": "subscription", "subscription-subscription": "other"}
    response = walk.client.post(walk.url("server"), data)
    assert response.status_code == 400
    assert walk.stored("subscription") is None
