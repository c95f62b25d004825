"""Moving through the wizard: conditions, Back and Change, the check page, saving."""

import re
from unittest import mock

import pytest
from django.db import DatabaseError

from planner.models import Plan
from planner.services import find_plan_by_edit_token
from tests.wizard.walk import CLOUD_ONLY, EXCHANGE_2010, is_checked, partner_fields

pytestmark = pytest.mark.django_db


def page(response):
    return response.content.decode()


def save(walk, name="Contoso mail flow"):
    return walk.post("check", {"name": name})


def saved_plan(response):
    token = response["Location"].split("/")[2]
    return find_plan_by_edit_token(token)


def test_start_redirects_to_the_first_step_of_a_new_run(client):
    response = client.get("/wizard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/wizard/")
    assert response["Location"].endswith("/server/")


def test_each_start_makes_a_separate_run(client):
    first = client.get("/wizard/")["Location"]
    second = client.get("/wizard/")["Location"]
    assert first != second


def test_first_step_shows_progress_and_question_as_heading(walk):
    html = page(walk.get("server"))
    assert "Question 1<" in html and " of " not in html.split("Question 1")[1][:20]
    assert (
        '<legend class="question__legend"><h1 class="question__heading">Which email servers' in html
    )


def test_progress_counts_the_questions_without_a_total_that_would_change(walk):
    """Review M1: no "of M", which changed as answers added or removed questions."""
    walk.answer(CLOUD_ONLY[:1])
    html = page(walk.get("subscription"))
    assert "Question 2</p>" in html and "Step " not in html


def test_later_step_before_earlier_answers_redirects_to_first_unanswered(walk):
    walk.answer(CLOUD_ONLY[:1])
    assert walk.get("partners")["Location"] == walk.url("subscription")


def test_unknown_step_redirects_to_the_current_step(walk):
    walk.answer(CLOUD_ONLY[:1])
    assert walk.get("nonsense")["Location"] == walk.url("subscription")


def test_done_url_never_saves_on_get(walk):
    walk.answer(CLOUD_ONLY)
    response = walk.get("done")
    assert response["Location"] == walk.url("check")
    assert Plan.objects.count() == 0


def test_back_goes_to_the_previous_step(walk):
    walk.answer(CLOUD_ONLY[:2])
    response = walk.client.post(walk.url("devices"), {"wizard_goto_step": "subscription"})
    assert response["Location"] == walk.url("subscription")


def test_back_keeps_the_earlier_answer_selected(walk):
    walk.answer(CLOUD_ONLY[:2])
    html = page(walk.get("server"))
    assert is_checked(html, "none")


def test_check_page_lists_answers_with_change_links(walk):
    walk.answer(CLOUD_ONLY)
    html = page(walk.get("check"))
    assert "No on-premises email servers" in html
    assert (
        f'<a href="/wizard/{walk.run}/subscription/?return=check">Change'
        '<span class="visually-hidden"> service subscription</span></a>'
    ) in html


def test_check_page_previews_the_plan(walk):
    walk.answer(CLOUD_ONLY)
    html = page(walk.get("check"))
    assert "What your plan will contain" in html
    assert "You don&#x27;t need a connector" in html
    assert "No connectors to create, " in html


def test_check_page_suggests_a_name_from_the_first_domain(walk):
    walk.answer(EXCHANGE_2010)
    assert 'value="Contoso mail flow"' in page(walk.get("check"))


def test_check_page_has_no_note_field_for_a_new_plan(walk):
    walk.answer(CLOUD_ONLY)
    assert "What changed?" not in page(walk.get("check"))


def test_change_returns_to_the_check_page(walk):
    walk.answer(CLOUD_ONLY)
    response = walk.post(
        "devices",
        {"send_mail": "yes", "external_recipients": "no", "smtp_auth_capable": "no"},
        query="?return=check",
    )
    assert response["Location"] == walk.url("check")


def test_change_that_makes_hybrid_necessary_asks_it_first(walk):
    walk.answer(
        [
            ("server", {"onprem_server": "exchange-2007-or-earlier"}),
            ("subscription", {"subscription": "exchange-online"}),
            ("organization", {"identify_by": "unknown"}),
            *CLOUD_ONLY[2:],
        ]
    )
    response = walk.post("server", {"onprem_server": "exchange-2016"}, query="?return=check")
    assert response["Location"] == walk.url("updates", "?return=check")
    response = walk.post("updates", {"onprem_up_to_date": "yes"}, query="?return=check")
    assert response["Location"] == walk.url("hybrid", "?return=check")
    response = walk.post("hybrid", {"hybrid_completed": "yes"}, query="?return=check")
    assert response["Location"] == walk.url("configuration", "?return=check")
    response = walk.post("configuration", {"hybrid_configuration": "full"}, query="?return=check")
    assert response["Location"] == walk.url("check")


def test_change_that_makes_eop_impossible_shows_the_reason_on_subscription(walk):
    walk.answer(
        [
            ("server", {"onprem_server": "non-microsoft-smtp"}),
            ("subscription", {"subscription": "exchange-online-protection"}),
            ("organization", {"identify_by": "unknown"}),
            *CLOUD_ONLY[2:],
        ]
    )
    response = walk.post("server", {"onprem_server": "none"}, query="?return=check")
    assert response["Location"] == walk.url("subscription", "?return=check")
    assert "Standalone Exchange Online Protection filters mail" in page(
        walk.get("subscription", "?return=check")
    )


def test_back_from_a_change_returns_to_the_check_page(walk):
    walk.answer(CLOUD_ONLY)
    html = page(walk.get("devices", "?return=check"))
    assert 'name="wizard_goto_step" value="check"' in html
    assert "Back to your answers" in html


def test_answering_partners_yes_from_check_opens_the_partner_list(walk):
    walk.answer(CLOUD_ONLY)
    response = walk.post("partners", {"partners": "yes"}, query="?return=check")
    assert response["Location"] == walk.url("partner", "?return=check")


def test_saving_stores_the_plan_and_lands_on_its_page(walk):
    walk.answer(CLOUD_ONLY)
    response = save(walk, "Cloud only")
    assert response.status_code == 302
    assert response["Location"].startswith("/e/")
    assert re.fullmatch(r"/e/[A-Za-z0-9_-]{43}/", response["Location"])  # no ?saved=1
    plan = saved_plan(response)
    assert plan.name == "Cloud only"
    assert plan.answers["onprem_server"] == "none"


def test_saving_clears_the_wizard_storage(walk):
    walk.answer(CLOUD_ONLY)
    save(walk)
    assert f"wizard_{walk.prefix}" not in walk.client.session


def test_a_saved_run_offers_the_plan_instead_of_an_error(walk):
    walk.answer(CLOUD_ONLY)
    url = save(walk)["Location"]
    response = walk.get("check")
    assert response.status_code == 410
    assert f'href="{url}"' in page(response)
    assert "This plan has already been saved" in page(response)


def test_saved_answers_match_every_step(walk):
    walk.answer(
        [
            ("server", {"onprem_server": "exchange-2016"}),
            ("updates", {"onprem_up_to_date": "yes"}),
            ("subscription", {"subscription": "exchange-online"}),
            ("hybrid", {"hybrid_completed": "yes"}),
            ("configuration", {"hybrid_configuration": "full"}),
            (
                "organization",
                {
                    "domains": "contoso.com, contoso.org",
                    "onprem_smart_hosts": "mail.contoso.com",
                    "onprem_certificate_domain": "*.contoso.com",
                    "onprem_sending_ips": "198.51.100.25",
                    "identify_by": "certificate",
                },
            ),
            ("mx", {"mx_points_to": "microsoft-365"}),
            (
                "devices",
                {
                    "send_mail": "yes",
                    "external_recipients": "yes",
                    "smtp_auth_capable": "unknown",
                    "sending_ips": "203.0.113.10",
                },
            ),
            ("oauth", {"oauth_capable": "yes"}),
            ("partners", {"partners": "yes"}),
            (
                "partner",
                partner_fields(
                    {
                        "name": "Fabrikam Bank",
                        "domains": "fabrikam.com",
                        "direction": "inbound",
                        "certificate_domain": "mail.fabrikam.com",
                        "sender_ips": "203.0.113.0/24",
                    }
                ),
            ),
        ]
    )
    plan = saved_plan(save(walk))
    assert plan.answers == {
        "onprem_server": "exchange-2016",
        "subscription": "exchange-online",
        "hybrid_completed": True,
        "onprem_up_to_date": True,
        "hybrid_configuration": "full",
        "mx_points_to": "microsoft-365",
        "organization": {
            "domains": ["contoso.com", "contoso.org"],
            "onprem_smart_hosts": ["mail.contoso.com"],
            "onprem_certificate_domain": "*.contoso.com",
            "onprem_sending_ips": ["198.51.100.25"],
            "identify_by": "certificate",
        },
        "devices": {
            "send_mail": True,
            "external_recipients": True,
            "smtp_auth_capable": None,
            "sending_ips": ["203.0.113.10"],
            "oauth_capable": True,
        },
        "partners": [
            {
                "name": "Fabrikam Bank",
                "domains": ["fabrikam.com"],
                "direction": "inbound",
                "require_tls": True,
                "certificate_domain": "mail.fabrikam.com",
                "sender_ips": ["203.0.113.0/24"],
                "mx_certificate_domain": None,
            }
        ],
    }


def test_answers_of_steps_that_no_longer_apply_are_not_saved(walk):
    walk.answer(
        [
            *EXCHANGE_2010[:4],
            (
                "organization",
                {
                    "domains": "contoso.com",
                    "onprem_smart_hosts": "mail.contoso.com",
                    "identify_by": "ip",
                },
            ),
            ("mx", {"mx_points_to": "microsoft-365"}),
            ("devices", {"send_mail": "no"}),
            ("partners", {"partners": "yes"}),
            ("partner", partner_fields({"name": "Fabrikam", "domains": "fabrikam.com"})),
        ]
    )
    walk.post("server", {"onprem_server": "none"}, query="?return=check")
    walk.post("partners", {"partners": "no"}, query="?return=check")
    plan = saved_plan(save(walk))
    assert plan.answers["hybrid_completed"] is None
    assert plan.answers["onprem_up_to_date"] is None
    assert plan.answers["organization"]["onprem_smart_hosts"] == []
    assert plan.answers["partners"] == []


def test_database_error_on_save_keeps_the_answers(walk):
    walk.answer(CLOUD_ONLY)
    with mock.patch("wizard.views.create_plan", side_effect=DatabaseError("down")):
        response = save(walk, "My plan")
    html = page(response)
    assert response.status_code == 200
    assert "could not be saved because of a problem on our side" in html
    assert 'value="My plan"' in html
    assert Plan.objects.count() == 0
    assert saved_plan(save(walk, "My plan")).name == "My plan"


def test_back_to_a_step_that_no_longer_applies_shows_the_current_step(walk):
    walk.answer(CLOUD_ONLY[:2])
    response = walk.client.post(walk.url("mx"), {"wizard_goto_step": "organization"})
    assert response["Location"] == walk.url("mx")
