"""Issue 14: the plan as a document admins use (review H3, L12): connectors the Hybrid
Configuration Wizard made say Get-, never New-, and print no empty settings table; every
rendering has a rollback section; PDF script lines wrap only where PowerShell allows it."""

import copy

import pytest

from planner.exports import pdf as exports_pdf
from planner.exports.markdown import render_plan_markdown
from planner.exports.pdf import wrap_powershell
from tests.factories import SHARE_URL, TYPICAL_ANSWERS, make_document, make_plan
from tests.planner.exports.test_pdf import pdf_text

HCW = {**copy.deepcopy(TYPICAL_ANSWERS), "hybrid_completed": True}


@pytest.fixture(scope="module")
def hcw_document():
    document = make_document(HCW)
    connectors = document["recommendation"]["connectors"]
    assert any(c["action"] == "review-existing" for c in connectors), "no HCW connector"
    return document


@pytest.mark.django_db
def test_review_cards_on_the_page_say_get_and_show_no_table(client):
    saved = make_plan(
        answers=__import__("planner.engine", fromlist=["Answers"]).Answers.from_dict(
            make_document(HCW)["answers"]
        )
    )
    html = client.get(f"/p/{saved.share_token}/").content.decode()
    reviewed = [
        c for c in saved.plan.recommendation["connectors"] if c["action"] == "review-existing"
    ]
    assert reviewed
    for connector in reviewed:
        card = html[html.index(f'id="connector-{connector["id"]}"') :]
        card = card[: card.index("</article>")]
        noun = connector["cmdlet"].partition("-")[2]
        assert f"Review with <code>Get-{noun}</code>; don't create it" in card
        assert "New-" not in card
        assert "<table" not in card
    assert "Review <strong>" in html  # the summary's ordered list says so too


def test_review_connectors_in_markdown_say_get_and_print_no_table(hcw_document):
    text = render_plan_markdown(hcw_document, share_url=SHARE_URL)
    sections = {chunk.split("\n", 1)[0]: chunk for chunk in text.split("\n### ")}
    for connector in hcw_document["recommendation"]["connectors"]:
        section = sections[connector["title"]].split("\n## ")[0]
        if connector["action"] == "review-existing":
            assert f"`Get-{connector['cmdlet'].partition('-')[2]}`" in section
            assert "New-" not in section and "| Parameter |" not in section
        else:
            assert f"`{connector['cmdlet']}`" in section and "| Parameter |" in section


def test_review_connectors_in_the_pdf_say_get_and_print_no_table(hcw_document):
    text = pdf_text(exports_pdf.render_plan_pdf(hcw_document, share_url=SHARE_URL))
    connectors = hcw_document["recommendation"]["connectors"]
    created = sum(1 for c in connectors if c["action"] == "create")
    assert "Review with Get-OutboundConnector; don't create it" in text
    assert "Review with Get-InboundConnector; don't create it" in text
    assert text.count("Cmdlet: New-") == created
    assert text.lower().count("parameter value") == created


def test_rollback_in_page_markdown_and_pdf():
    document = make_document()
    names = [
        c["settings"]["Name"]
        for c in document["recommendation"]["connectors"]
        if c["action"] == "create"
    ]
    markdown = render_plan_markdown(document, share_url=SHARE_URL)
    pdf = pdf_text(exports_pdf.render_plan_pdf(document, share_url=SHARE_URL))
    assert "## Rollback" in markdown and "Rollback" in pdf
    assert "-Enabled $false" in pdf and "Remove-InboundConnector" in pdf
    for name in names:
        quoted = "'" + name.replace("'", "''") + "'"
        assert f"-Identity {quoted} -Enabled $false" in markdown
        assert f"-Identity {quoted} -Confirm:$false" in markdown
        assert f"-Identity {quoted} -Enabled $false" in pdf
    # The last connector created is the first disabled.
    assert markdown.index(names[-1]) < markdown.index(f"'{names[0]}' -Enabled")


@pytest.mark.django_db
def test_rollback_on_the_page(client):
    saved = make_plan()
    html = client.get(f"/p/{saved.share_token}/").content.decode()
    assert 'id="rollback-heading"' in html
    assert (
        "Set-InboundConnector -Identity &#x27;Inbound from on-premises&#x27; -Enabled $false"
        in html
    )
    assert "Remove-OutboundConnector -Identity" in html


def test_wrapped_code_lines_end_with_the_continuation_mark_and_never_cut_a_word():
    line = "Validate-OutboundConnector -Identity 'Contoso Bank outbound' -Recipients $Recipient | Format-List"
    wrapped = wrap_powershell(line, width=60).splitlines()
    assert len(wrapped) > 1
    assert all(part.endswith(" `") for part in wrapped[:-1])
    # Joining the parts as PowerShell does gives back the same words.
    assert " ".join(p.removesuffix(" `").strip() for p in wrapped).split() == line.split()
    assert all(len(p) <= 60 for p in wrapped)


def test_quoted_strings_and_comments_are_not_broken_with_a_backtick():
    code = "$x = '<FILL IN: a very long hint that has many words in it and goes on and on>'"
    assert wrap_powershell(code, width=40).splitlines()[-1].endswith(">'")
    assert "`" not in wrap_powershell(code, width=40).split("'")[1]
    comment = "# " + "word " * 40
    assert all(p.lstrip().startswith("#") for p in wrap_powershell(comment, width=50).splitlines())


def test_every_script_line_in_the_pdf_fits_or_is_one_long_string():
    document = make_document()
    context = exports_pdf.pdf_context(document, share_url=SHARE_URL)
    for script in context["scripts"]:
        for line in script["text"].splitlines():
            assert len(line) <= exports_pdf.PDF_SCRIPT_COLUMNS or "'" in line, line


def test_markdown_groups_notes_under_headings_and_says_saved_for_a_first_revision():
    markdown = render_plan_markdown(make_document(), share_url=SHARE_URL)
    assert "Revision 1, saved " in markdown
    assert "### Warnings\n\n- " in markdown and "### Information\n\n- " in markdown
    assert "**Warnings:**" not in markdown and "**Information:**" not in markdown
    assert "Revision 2, updated " in render_plan_markdown(
        make_document(revision=2), share_url=SHARE_URL
    )


def test_no_note_repeats_a_checklist_step_rules_v2():
    """Review H2: TCP 25, the MX record and validating connectors are checklist steps only."""
    recommendation = make_document()["recommendation"]
    notes = " ".join(note["text"] for note in recommendation["notes"])
    steps = " ".join(item["text"] for item in recommendation["checklist"])
    for step in ("TCP 25", "MX record", "Validate-OutboundConnector"):
        assert step in steps and step not in notes, step
