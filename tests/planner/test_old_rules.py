"""Plans saved under older rules keep their advice, say so, and update only when asked."""

import io
import json

import pytest
from pypdf import PdfReader

from planner import services
from planner.engine import RULES_VERSION, Answers, recommend
from planner.models import Plan, PlanRevision
from tests.factories import make_plan

pytestmark = pytest.mark.django_db

OLD = RULES_VERSION - 1
OLD_SUMMARY = "Summary as the older rules wrote it."


def make_old_plan():
    """Save a plan, then make its stored recommendation look made by the previous rules.

    The older rules are simulated: a different summary, one connector fewer, version OLD.
    """
    saved = make_plan()
    stored = json.loads(json.dumps(saved.plan.recommendation))
    stored.update(rules_version=OLD, summary=OLD_SUMMARY, connectors=stored["connectors"][1:])
    Plan.objects.filter(pk=saved.plan.pk).update(recommendation=stored, rules_version=OLD)
    PlanRevision.objects.filter(plan=saved.plan).update(recommendation=stored, rules_version=OLD)
    saved.plan.refresh_from_db()
    return saved


@pytest.fixture
def old():
    return make_old_plan()


def text(response):
    return response.content.decode().replace("&#x27;", "'")


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_share_page_of_an_old_plan_says_which_rules_made_it(client, old):
    html = text(client.get(f"/p/{old.share_token}/"))
    assert f"made with version {OLD} of the planner's rules" in html
    assert f"the current rules are version {RULES_VERSION}" in html


def test_share_page_of_an_old_plan_keeps_its_stored_advice(client, old):
    html = text(client.get(f"/p/{old.share_token}/"))
    assert OLD_SUMMARY in html
    assert recommend(Answers.from_dict(old.plan.answers)).summary not in html


def test_plan_under_current_rules_shows_no_older_rules_notice(client):
    saved = make_plan()
    assert "older rules" not in text(client.get(f"/p/{saved.share_token}/"))
    assert "Save a new revision with the current rules" not in text(
        client.get(f"/e/{saved.edit_token}/")
    )


def test_json_of_an_old_plan_gives_both_rules_versions(client, old):
    document = client.get(f"/api/plans/{old.share_token}").json()
    assert document["rules_version"] == OLD
    assert document["current_rules_version"] == RULES_VERSION
    assert document["recommendation"]["summary"] == OLD_SUMMARY


def test_json_of_a_current_plan_gives_the_current_rules_version(client):
    saved = make_plan()
    document = client.get(f"/api/plans/{saved.share_token}").json()
    assert document["rules_version"] == document["current_rules_version"] == RULES_VERSION


def test_pdf_of_an_old_plan_says_which_rules_made_it(client, old):
    response = client.get(f"/p/{old.share_token}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF")
    words = pdf_text(content)
    assert f"Made with version {OLD} of the planner's rules" in words
    assert f"The current rules are version {RULES_VERSION}" in words
    assert OLD_SUMMARY in words


def test_markdown_of_an_old_plan_says_which_rules_made_it(client, old):
    markdown = client.get(f"/p/{old.share_token}/plan.md").content.decode()
    assert f"Made with version {OLD} of the planner's rules" in markdown
    assert OLD_SUMMARY.replace(".", "") in markdown


def test_edit_page_of_an_old_plan_shows_what_the_current_rules_would_change(client, old):
    html = text(client.get(f"/e/{old.edit_token}/"))
    assert "What the current rules would change" in html
    assert "Added with the current rules:" in html  # the connector the old rules lacked
    assert f'action="/e/{old.edit_token}/current-rules"' in html
    assert "Save a new revision with the current rules" in html


def test_opening_an_old_plan_changes_nothing(client, old):
    for url in (f"/p/{old.share_token}/", f"/e/{old.edit_token}/", f"/p/{old.share_token}/plan.md"):
        assert client.get(url).status_code == 200
    plan = Plan.objects.get(pk=old.plan.pk)
    assert (plan.revision, plan.rules_version) == (1, OLD)
    assert plan.recommendation["summary"] == OLD_SUMMARY


def test_saving_with_current_rules_adds_a_revision_and_keeps_the_old_one(client, old):
    response = client.post(f"/e/{old.edit_token}/current-rules", {"revision": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/e/{old.edit_token}/"
    plan = Plan.objects.get(pk=old.plan.pk)
    assert (plan.revision, plan.rules_version) == (2, RULES_VERSION)
    assert plan.answers == old.plan.answers
    assert plan.recommendation == recommend(Answers.from_dict(old.plan.answers)).to_dict()
    first = PlanRevision.objects.get(plan=plan, number=1)
    assert (first.rules_version, first.recommendation["summary"]) == (OLD, OLD_SUMMARY)
    html = text(client.get(response["Location"]))
    assert f"Revision 2 saved with version {RULES_VERSION} of the planner's rules" in html
    assert "What the current rules would change" not in html


def test_saving_with_current_rules_after_someone_else_saved_changes_nothing(client, old):
    services.update_plan(
        old.plan, name="Renamed", answers=Answers.from_dict(old.plan.answers), expected_revision=1
    )
    response = client.post(f"/e/{old.edit_token}/current-rules", {"revision": "1"})
    assert response["Location"] == f"/e/{old.edit_token}/"
    assert Plan.objects.get(pk=old.plan.pk).revision == 2
    assert "changed by someone else meanwhile" in text(client.get(response["Location"]))


def test_saving_with_current_rules_needs_the_revision(client, old):
    assert client.post(f"/e/{old.edit_token}/current-rules").status_code == 400
    assert Plan.objects.get(pk=old.plan.pk).revision == 1


def test_saving_with_current_rules_is_post_only(client, old):
    assert client.get(f"/e/{old.edit_token}/current-rules").status_code == 405


def test_saving_with_current_rules_from_the_share_link_is_404(client, old):
    response = client.post(f"/p/{old.share_token}/current-rules", {"revision": "1"})
    assert response.status_code == 404


def test_resave_service_leaves_a_current_plan_alone():
    saved = make_plan()
    assert services.resave_with_current_rules(saved.plan, expected_revision=1) is None
    assert Plan.objects.get(pk=saved.plan.pk).revision == 1


def test_resave_service_notes_the_rules_version_in_the_history(old):
    revision = services.resave_with_current_rules(old.plan, expected_revision=1)
    assert revision.number == 2
    assert revision.note == f"Saved again with version {RULES_VERSION} of the planner's rules"
