import pytest

from planner import services
from planner.engine.summary import ONPREM_LABELS
from tests.factories import CLOUD_ONLY, make_answers, make_plan, partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved():
    """A plan with two revisions: Contoso on-premises, then cloud only with a partner."""
    saved = make_plan()
    services.update_plan(
        saved.plan,
        name="Contoso in the cloud",
        answers=make_answers(CLOUD_ONLY, partners=[partner("Fabrikam")]),
        expected_revision=1,
        note="Mailboxes moved",
    )
    return saved


def text(response):
    return response.content.decode()


def test_plan_page_lists_revisions_newest_first(client, saved):
    html = text(client.get(f"/p/{saved.share_token}/"))
    assert html.index(">Revision 2</a>") < html.index(">Revision 1</a>")
    assert "(current): Mailboxes moved" in html


def test_plan_page_links_what_changed_in_each_revision(client, saved):
    html = text(client.get(f"/p/{saved.share_token}/"))
    assert f'href="/p/{saved.share_token}/compare/?from=1&amp;to=2"' in html


def test_old_revision_is_shown_read_only(client, saved):
    response = client.get(f"/p/{saved.share_token}/revisions/1/")
    assert response.status_code == 200
    html = text(response)
    assert "Contoso mail flow" in html
    assert "This is an older revision" in html
    assert "<code>New-OutboundConnector</code>" in html
    assert saved.edit_token not in html and "<form" not in html


def test_current_revision_page_says_it_is_current(client, saved):
    assert "This is the current revision" in text(
        client.get(f"/p/{saved.share_token}/revisions/2/")
    )


def test_revision_page_takes_one_query(client, saved, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get(f"/p/{saved.share_token}/revisions/1/").status_code == 200


def test_unknown_revision_is_404(client, saved):
    assert client.get(f"/p/{saved.share_token}/revisions/3/").status_code == 404
    assert client.get(f"/p/{saved.share_token}/revisions/0/").status_code == 404


def test_revision_from_the_edit_link_stays_on_edit_urls(client, saved):
    html = text(client.get(f"/e/{saved.edit_token}/revisions/1/"))
    assert f'href="/e/{saved.edit_token}/"' in html


def test_compare_shows_connector_lines_and_changed_answers(client, saved):
    response = client.get(f"/p/{saved.share_token}/compare/?from=1&to=2")
    assert response.status_code == 200
    html = text(response).replace("&#x27;", "'")
    assert (
        "Removed in revision 2:</span> Partner organization → Office 365 (TLS, certificate mail.contosobank.com, contosobank.com)"
        in html
    )
    assert (
        "Added in revision 2:</span> Office 365 → Partner organization (TLS, fabrikam.com)" in html
    )
    assert (
        '<th scope="row">On-premises email organization</th>'
        f"<td>{ONPREM_LABELS['exchange-2010-or-later']}</td><td>No on-premises email servers</td>"
        in html
    )
    assert "renamed from “Contoso mail flow” to “Contoso in the cloud”" in html


def test_compare_takes_one_query(client, saved, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get(f"/p/{saved.share_token}/compare/?from=1&to=2").status_code == 200


def test_compare_of_identical_revisions_says_so(client):
    saved = make_plan()
    services.update_plan(
        saved.plan, name=saved.plan.name, answers=make_answers(), expected_revision=1
    )
    html = text(client.get(f"/p/{saved.share_token}/compare/?from=1&to=2"))
    assert "The same connectors in both revisions." in html
    assert "The same answers in both revisions." in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?from=1&to=1", "Choose two different revisions."),
        ("?from=1&to=9", "This plan has revisions 1 to 2. Choose two of them."),
        ("?from=x&to=2", "Choose the two revisions to compare."),
        ("?from=&to=2", "Choose the two revisions to compare."),
    ],
)
def test_bad_compare_choices_get_a_clear_error(client, saved, query, message):
    response = client.get(f"/p/{saved.share_token}/compare/{query}")
    assert response.status_code == 400
    assert message in text(response)


def test_compare_without_a_choice_offers_the_form(client, saved):
    response = client.get(f"/p/{saved.share_token}/compare/")
    assert response.status_code == 200
    assert '<form method="get"' in text(response)
    assert saved.edit_token not in text(response)


def test_compare_from_the_edit_link(client, saved):
    response = client.get(f"/e/{saved.edit_token}/compare/?from=2&to=1")
    assert response.status_code == 200
    assert "Revision 2 and revision 1" in text(response)


def test_edit_page_offers_the_compare_form_once_there_are_three_revisions(client, saved):
    services.update_plan(
        services.find_plan_by_edit_token(saved.edit_token),
        name="Three",
        answers=make_answers(),
        expected_revision=2,
    )
    html = text(client.get(f"/e/{saved.edit_token}/"))
    assert f'action="/e/{saved.edit_token}/compare/"' in html
