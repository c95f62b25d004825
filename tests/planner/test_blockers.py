"""Blocker notes (mail cannot flow as answered) come first in every rendering of a plan."""

import io

import pytest
from pypdf import PdfReader

from planner.documents import plan_context
from planner.exports.markdown import render_plan_markdown
from planner.exports.pdf import render_plan_pdf
from planner.models import Plan, PlanRevision
from tests.factories import SHARE_URL, make_document, make_plan

BLOCKER = {
    "code": "test-blocker",
    "severity": "blocker",
    "text": "Exchange Online refuses mail from this server.",
    "guide": None,
    "rule": "test",
}
CALLOUT = "This plan has blockers: mail cannot flow as answered"


def with_blocker(recommendation: dict) -> dict:
    """Return `recommendation` with a blocker note added last (the renderings must move it)."""
    return {**recommendation, "notes": [*recommendation["notes"], BLOCKER]}


@pytest.fixture(scope="module")
def blocked_document():
    document = make_document()
    document["recommendation"] = with_blocker(document["recommendation"])
    return document


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_context_puts_blockers_before_warnings_and_information(blocked_document):
    notes = plan_context(blocked_document, share_url=SHARE_URL)["notes"]
    order = {"blocker": 0, "warning": 1, "info": 2}
    severities = [note["severity"] for note in notes]
    assert severities[0] == "blocker"
    assert severities == sorted(severities, key=order.__getitem__)


def test_markdown_starts_with_the_blocker_callout(blocked_document):
    markdown = render_plan_markdown(blocked_document, share_url=SHARE_URL)
    callout = markdown.index(CALLOUT)
    assert callout < markdown.index("## Your answers")
    assert markdown.index("Exchange Online refuses mail", callout) < markdown.index(
        "## Your answers"
    )
    notes = markdown.index("## Notes")
    assert markdown.index("### Blockers\n\n- Exchange Online refuses mail from this server.", notes)


def test_markdown_without_blockers_has_no_callout():
    markdown = render_plan_markdown(make_document(), share_url=SHARE_URL)
    assert CALLOUT not in markdown


def test_pdf_shows_the_blocker_callout_before_the_answers(blocked_document):
    text = pdf_text(render_plan_pdf(blocked_document, share_url=SHARE_URL))
    assert CALLOUT in text
    assert text.index(CALLOUT) < text.index("Your answers")
    notes = text.index("Notes", text.index("Connectors"))
    assert text.index("Blockers", notes) < text.index("Warnings", notes)


@pytest.mark.django_db
class TestPlanPage:
    @pytest.fixture
    def blocked(self):
        saved = make_plan()
        stored = with_blocker(saved.plan.recommendation)
        Plan.objects.filter(pk=saved.plan.pk).update(recommendation=stored)
        PlanRevision.objects.filter(plan=saved.plan).update(recommendation=stored)
        return saved

    def test_plan_page_says_so_at_the_top(self, client, blocked):
        html = client.get(f"/p/{blocked.share_token}/").content.decode()
        assert CALLOUT in html
        assert html.index(CALLOUT) < html.index('id="summary-heading"')
        assert html.index(CALLOUT) < html.index("Exchange Online refuses mail")

    def test_blocker_notes_come_first_and_are_labelled_in_words(self, client, blocked):
        html = client.get(f"/p/{blocked.share_token}/").content.decode()
        callout = html.index('class="blocker-callout')
        assert callout < html.index('class="warning-callout') < html.index('id="summary-heading"')
        assert '<span class="blocker-tag">Blocker</span>' in html
        assert html.index("<li>Exchange Online refuses", callout) < html.index("warning-callout")

    def test_edit_page_shows_the_callout_above_everything_else(self, client, blocked):
        html = client.get(f"/e/{blocked.edit_token}/").content.decode()
        assert html.index("<h1") < html.index(CALLOUT) < html.index('id="links-heading"')

    def test_revision_page_shows_the_callout(self, client, blocked):
        html = client.get(f"/p/{blocked.share_token}/revisions/1/").content.decode()
        assert html.index(CALLOUT) < html.index('id="summary-heading"')

    def test_plan_without_blockers_has_no_callout(self, client):
        saved = make_plan()
        assert CALLOUT not in client.get(f"/p/{saved.share_token}/").content.decode()

    def test_json_lists_the_blocker(self, client, blocked):
        notes = client.get(f"/api/plans/{blocked.share_token}").json()["recommendation"]["notes"]
        assert BLOCKER in notes
