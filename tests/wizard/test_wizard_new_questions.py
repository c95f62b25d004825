"""The questions of rules version 2: each on its own page, only when it applies."""

import pytest

from planner.engine.answers import EXCHANGE_VERSIONS, HYBRID_CONFIGURATIONS, MX_TARGETS
from planner.models import Plan
from tests.wizard.walk import CLOUD_ONLY, EXCHANGE_2010, partner_fields
from wizard.forms import STEP_FORMS

pytestmark = pytest.mark.django_db


def page(response):
    return response.content.decode().replace("&#x27;", "'")


def choices(step, field):
    return [value for value, _ in STEP_FORMS[step].base_fields[field].choices]


# --- the answers the pages offer are the engine's ------------------------------------------


def test_server_page_offers_each_exact_exchange_version_and_not_the_bucket():
    offered = choices("server", "onprem_server")
    assert set(EXCHANGE_VERSIONS) <= set(offered)
    assert "exchange-2010-or-later" not in offered


def test_new_questions_offer_the_engine_values_and_dont_know():
    assert choices("configuration", "hybrid_configuration") == [*HYBRID_CONFIGURATIONS, "unknown"]
    assert choices("mx", "mx_points_to") == [*MX_TARGETS, "unknown"]
    assert choices("updates", "onprem_up_to_date") == ["yes", "no", "unknown"]
    assert choices("oauth", "oauth_capable") == ["yes", "no", "unknown"]


# --- server version and updates ------------------------------------------------------------


@pytest.mark.parametrize("version", EXCHANGE_VERSIONS)
def test_each_exchange_version_asks_about_updates_next(walk, version):
    response = walk.post("server", {"onprem_server": version})
    assert response["Location"] == walk.url("updates")


@pytest.mark.parametrize("server", ["exchange-2007-or-earlier", "non-microsoft-smtp", "none"])
def test_other_servers_skip_the_updates_question(walk, server):
    response = walk.post("server", {"onprem_server": server})
    assert response["Location"] == walk.url("subscription")
    walk.answer(CLOUD_ONLY[1:2])
    assert walk.get("updates")["Location"] != walk.url("updates")


def test_server_page_explains_how_to_find_the_version(walk):
    html = page(walk.get("server"))
    assert "Get-ExchangeServer | Format-List Name,AdminDisplayVersion" in html
    assert "Exchange Server Subscription Edition (SE)" in html


def test_updates_question_requires_an_answer(walk):
    walk.answer(EXCHANGE_2010[:1])
    html = page(walk.post("updates", {}))
    assert (
        "Select yes if your Exchange servers have the latest updates, no, or I don't know." in html
    )
    assert 'href="#id_updates-onprem_up_to_date_0"' in html


@pytest.mark.parametrize(("word", "value"), [("yes", True), ("no", False), ("unknown", None)])
def test_updates_answer_maps_dont_know_to_null(walk, word, value):
    walk.answer([*EXCHANGE_2010[:1], ("updates", {"onprem_up_to_date": word})])
    assert walk.stored("updates")["updates-onprem_up_to_date"] == [word]
    assert STEP_FORMS["updates"].answers_from({"onprem_up_to_date": word}) == {
        "onprem_up_to_date": value
    }


def test_updates_page_says_where_to_look(walk):
    walk.answer(EXCHANGE_2010[:1])
    html = page(walk.get("updates"))
    assert "HealthChecker.ps1" in html
    assert "Out-of-date connecting on-premises Exchange servers" in html


def test_changing_to_a_non_exchange_server_drops_the_updates_answer(walk):
    walk.answer(EXCHANGE_2010)
    walk.post("server", {"onprem_server": "non-microsoft-smtp"})
    html = page(walk.get("check"))
    assert "latest cumulative" not in html.lower()


# --- hybrid configuration ------------------------------------------------------------------


def test_configuration_is_asked_after_a_yes_to_the_hybrid_wizard(walk):
    walk.answer(EXCHANGE_2010[:3])
    response = walk.post("hybrid", {"hybrid_completed": "yes"})
    assert response["Location"] == walk.url("configuration")


def test_configuration_is_skipped_after_a_no_to_the_hybrid_wizard(walk):
    walk.answer(EXCHANGE_2010[:3])
    response = walk.post("hybrid", {"hybrid_completed": "no"})
    assert response["Location"] == walk.url("organization")
    assert walk.get("configuration")["Location"] != walk.url("configuration")


def test_configuration_question_requires_an_answer(walk):
    walk.answer([*EXCHANGE_2010[:3], ("hybrid", {"hybrid_completed": "yes"})])
    html = page(walk.post("configuration", {}))
    assert "Select the configuration chosen in the Hybrid Configuration Wizard" in html


def test_configuration_refuses_a_made_up_value(walk):
    walk.answer([*EXCHANGE_2010[:3], ("hybrid", {"hybrid_completed": "yes"})])
    html = page(walk.post("configuration", {"hybrid_configuration": "partial"}))
    assert "Select a valid choice." in html


@pytest.mark.parametrize(("word", "value"), [("minimal", "minimal"), ("unknown", None)])
def test_configuration_answer_maps_dont_know_to_null(word, value):
    assert STEP_FORMS["configuration"].answers_from({"hybrid_configuration": word}) == {
        "hybrid_configuration": value
    }


def test_configuration_page_explains_how_to_tell_them_apart(walk):
    walk.answer([*EXCHANGE_2010[:3], ("hybrid", {"hybrid_completed": "yes"})])
    html = page(walk.get("configuration"))
    assert "ConnectorSource : HybridWizard" in html
    assert "Only Full creates the connectors" in html


# --- MX ---------------------------------------------------------------------------------


def test_mx_is_asked_after_the_organization_details(walk):
    walk.answer(EXCHANGE_2010[:4])
    response = walk.post("organization", {"domains": "fabrikam.com", "identify_by": "unknown"})
    assert response["Location"] == walk.url("mx")
    html = page(walk.get("mx"))
    assert "Resolve-DnsName -Type MX fabrikam.com" in html
    assert "nslookup -type=mx fabrikam.com" in html


def test_mx_is_asked_without_onprem_servers_too(walk):
    walk.answer(CLOUD_ONLY[:1])
    response = walk.post("subscription", {"subscription": "exchange-online"})
    assert response["Location"] == walk.url("mx")
    html = page(walk.get("mx"))
    assert "Resolve-DnsName -Type MX contoso.com" in html  # an example domain
    assert 'value="on-premises"' not in html  # there is no on-premises server


def test_mx_question_requires_an_answer(walk):
    walk.answer(CLOUD_ONLY[:2])
    html = page(walk.post("mx", {}))
    assert "Select where your domains' MX records point, or I don't know." in html


def test_mx_on_premises_without_a_server_is_refused(walk):
    walk.answer(CLOUD_ONLY[:2])
    html = page(walk.post("mx", {"mx_points_to": "on-premises"}))
    assert "There is a problem" in html


@pytest.mark.parametrize(
    ("word", "value"), [("third-party-service", "third-party-service"), ("unknown", None)]
)
def test_mx_answer_maps_dont_know_to_null(word, value):
    assert STEP_FORMS["mx"].answers_from({"mx_points_to": word}) == {"mx_points_to": value}


# --- OAuth for devices -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("smtp_auth", "next_step"), [("yes", "oauth"), ("unknown", "oauth"), ("no", "partners")]
)
def test_oauth_is_asked_only_when_devices_may_use_smtp_auth(walk, smtp_auth, next_step):
    walk.answer(CLOUD_ONLY[:3])
    response = walk.post(
        "devices",
        {"send_mail": "yes", "smtp_auth_capable": smtp_auth, "external_recipients": "yes"},
    )
    assert response["Location"] == walk.url(next_step)


def test_oauth_is_skipped_without_devices(walk):
    walk.answer(CLOUD_ONLY[:4])
    assert walk.get("oauth")["Location"] != walk.url("oauth")


def test_oauth_question_requires_an_answer(walk):
    walk.answer(
        [
            *CLOUD_ONLY[:3],
            (
                "devices",
                {"send_mail": "yes", "smtp_auth_capable": "yes", "external_recipients": "unknown"},
            ),
        ]
    )
    html = page(walk.post("oauth", {}))
    assert "Select yes if they can sign in with OAuth, no, or I don't know." in html


@pytest.mark.parametrize(("word", "value"), [("yes", True), ("no", False), ("unknown", None)])
def test_oauth_answer_goes_into_devices(word, value):
    assert STEP_FORMS["oauth"].answers_from({"oauth_capable": word}) == {
        "devices": {"oauth_capable": value}
    }


def test_oauth_page_says_how_to_find_out(walk):
    walk.answer(
        [
            *CLOUD_ONLY[:3],
            (
                "devices",
                {"send_mail": "yes", "smtp_auth_capable": "yes", "external_recipients": "unknown"},
            ),
        ]
    )
    assert "Modern authentication" in page(walk.get("oauth"))


# --- partner receiving certificate -----------------------------------------------------------


def partner_walk(walk):
    walk.answer([*CLOUD_ONLY[:4], ("partners", {"partners": "yes"})])


def test_partner_page_asks_for_both_certificates_with_distinct_hints(walk):
    partner_walk(walk)
    html = page(walk.get("partner"))
    assert "Domain on the partner's sending certificate" in html
    assert "Domain on the partner's receiving (MX) certificate" in html
    assert "It is often not the same as the sending certificate" in html


def test_partner_receiving_certificate_is_stored_in_the_answers(walk):
    partner_walk(walk)
    walk.answer(
        [
            (
                "partner",
                partner_fields(
                    {
                        "name": "Fabrikam",
                        "domains": "fabrikam.com",
                        "mx_certificate_domain": "mx.fabrikam.com",
                    }
                ),
            )
        ]
    )
    html = page(walk.get("check"))
    assert "mx.fabrikam.com" in html


def test_partner_receiving_certificate_is_checked_like_a_domain(walk):
    partner_walk(walk)
    response = walk.post(
        "partner",
        partner_fields(
            {
                "name": "Fabrikam",
                "domains": "fabrikam.com",
                "mx_certificate_domain": "mx..fabrikam.com",
            }
        ),
    )
    assert "“mx..fabrikam.com” is not a valid domain name." in page(response)


def test_partner_receiving_certificate_for_inbound_only_is_refused(walk):
    partner_walk(walk)
    response = walk.post(
        "partner",
        partner_fields(
            {
                "name": "Fabrikam",
                "domains": "fabrikam.com",
                "direction": "inbound",
                "mx_certificate_domain": "mx.fabrikam.com",
            }
        ),
    )
    html = page(response)
    assert "There is a problem" in html
    assert 'href="#id_partner-0-mx_certificate_domain"' in html


# --- the check page and the saved plan ------------------------------------------------------

FULL_WALK = [
    ("server", {"onprem_server": "exchange-2019"}),
    ("updates", {"onprem_up_to_date": "no"}),
    ("subscription", {"subscription": "exchange-online"}),
    ("hybrid", {"hybrid_completed": "yes"}),
    ("configuration", {"hybrid_configuration": "minimal"}),
    ("organization", {"domains": "contoso.com", "identify_by": "unknown"}),
    ("mx", {"mx_points_to": "third-party-service"}),
    ("devices", {"send_mail": "yes", "smtp_auth_capable": "yes", "external_recipients": "yes"}),
    ("oauth", {"oauth_capable": "no"}),
    ("partners", {"partners": "yes"}),
    (
        "partner",
        partner_fields(
            {
                "name": "Fabrikam",
                "domains": "fabrikam.com",
                "certificate_domain": "out.fabrikam.com",
                "mx_certificate_domain": "mx.fabrikam.com",
            }
        ),
    ),
]


def test_check_page_shows_each_new_answer_with_a_change_link(walk):
    walk.answer(FULL_WALK)
    html = page(walk.get("check"))
    for step in ("server", "updates", "configuration", "mx", "oauth", "partner"):
        assert f'href="{walk.url(step)}?return=check"' in html, step
    assert "mx.fabrikam.com" in html


def test_full_walk_saves_every_new_answer(walk):
    walk.answer(FULL_WALK)
    response = walk.post("check", {"name": "Contoso"})
    assert response.status_code == 302
    answers = Plan.objects.get().answers
    assert answers["onprem_server"] == "exchange-2019"
    assert answers["onprem_up_to_date"] is False
    assert answers["hybrid_configuration"] == "minimal"
    assert answers["mx_points_to"] == "third-party-service"
    assert answers["devices"]["oauth_capable"] is False
    assert answers["partners"][0]["mx_certificate_domain"] == "mx.fabrikam.com"
    assert answers["partners"][0]["certificate_domain"] == "out.fabrikam.com"


def test_dont_know_answers_are_saved_as_null(walk):
    walk.answer(
        [
            ("server", {"onprem_server": "exchange-se"}),
            ("updates", {"onprem_up_to_date": "unknown"}),
            ("subscription", {"subscription": "exchange-online"}),
            ("hybrid", {"hybrid_completed": "yes"}),
            ("configuration", {"hybrid_configuration": "unknown"}),
            ("organization", {"identify_by": "unknown"}),
            ("mx", {"mx_points_to": "unknown"}),
            (
                "devices",
                {
                    "send_mail": "yes",
                    "smtp_auth_capable": "unknown",
                    "external_recipients": "unknown",
                },
            ),
            ("oauth", {"oauth_capable": "unknown"}),
            ("partners", {"partners": "no"}),
        ]
    )
    assert walk.post("check", {"name": "Contoso"}).status_code == 302
    answers = Plan.objects.get().answers
    assert answers["onprem_up_to_date"] is None
    assert answers["hybrid_configuration"] is None
    assert answers["mx_points_to"] is None
    assert answers["devices"]["oauth_capable"] is None


def test_check_page_puts_blockers_first_for_a_blocked_server(walk):
    walk.answer(
        [
            ("server", {"onprem_server": "exchange-2013"}),
            ("updates", {"onprem_up_to_date": "yes"}),
            *EXCHANGE_2010[2:],
        ]
    )
    html = page(walk.get("check"))
    assert "As answered, mail cannot flow" in html
    assert html.index("As answered, mail cannot flow") < html.index('class="plan-preview"')
