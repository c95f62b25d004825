import re

import pytest

from planner.exports.markdown import markdown_text, render_plan_markdown
from tests.factories import SHARE_URL, TYPICAL_ANSWERS, make_document


@pytest.fixture(scope="module")
def typical_document():
    return make_document()


@pytest.fixture(scope="module")
def typical_markdown(typical_document):
    return render_plan_markdown(typical_document, share_url=SHARE_URL)


def test_markdown_has_title_revision_and_share_url(typical_markdown):
    assert typical_markdown.startswith("# Connector plan: Contoso mail flow\n")
    assert "Revision 1, saved 27 November 2026, 09:30 UTC." in typical_markdown
    assert f"<{SHARE_URL}>" in typical_markdown


def test_markdown_has_a_settings_table_per_connector(typical_document, typical_markdown):
    connectors = typical_document["recommendation"]["connectors"]
    assert typical_markdown.count("| Parameter | Value |\n| --- | --- |") == len(connectors)
    assert "| SmartHosts | mail.contoso.com |" in typical_markdown
    assert "| RequireTls | $true |" in typical_markdown


def test_markdown_shows_fill_in_hint_in_the_table(typical_markdown):
    assert "| TlsSenderCertificateName | *Fill in:* The domain on your" in typical_markdown


def test_markdown_numbers_checklist_steps_per_phase(typical_markdown):
    assert "## Checklist\n\n### Before you start\n\n1. Add and verify" in typical_markdown


def test_markdown_lists_guide_urls(typical_document, typical_markdown):
    for guide in typical_document["recommendation"]["guides"]:
        assert f"<{guide['url']}>" in typical_markdown


def test_markdown_escapes_a_pipe_in_a_partner_name():
    answers = {**TYPICAL_ANSWERS, "partners": [{**TYPICAL_ANSWERS["partners"][1], "name": "A|B"}]}
    markdown = render_plan_markdown(make_document(answers), share_url=SHARE_URL)
    assert "| Name | A\\|B inbound (ip) |" in markdown
    # Inside the PowerShell code fences a pipe is literal text and needs no escape.
    outside_code = re.sub(r"```powershell\n.*?\n```", "", markdown, flags=re.S)
    assert "A|B" not in outside_code


def test_markdown_neutralises_markup_in_the_plan_name():
    markdown = render_plan_markdown(
        make_document(name="# `x` <img src=y> [a](b)"), share_url=SHARE_URL
    )
    assert markdown.splitlines()[0] == "# Connector plan: \\# \\`x\\` \\<img src=y\\> \\[a\\](b)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# heading", "\\# heading"),
        ("1. item", "1\\. item"),
        ("- item", "\\- item"),
        ("a\nb | c", "a b \\| c"),
        ("Smith & Co &amp;", "Smith & Co \\&amp;"),
    ],
)
def test_markdown_text_keeps_user_text_inert(text, expected):
    assert markdown_text(text) == expected


def test_markdown_includes_the_scripts_in_powershell_fences(typical_document, typical_markdown):
    script = typical_document["recommendation"]["powershell"]["exchange_online"].rstrip()
    assert f"```powershell\n{script}\n```" in typical_markdown


def test_markdown_fence_outlasts_backticks_in_a_script():
    document = make_document()
    document["recommendation"]["powershell"]["exchange_online"] = "# a ``` b ```` c"
    text = render_plan_markdown(document, share_url=SHARE_URL)
    assert "`````powershell\n# a ``` b ```` c\n`````" in text


@pytest.mark.parametrize(
    "value", ["https://evil.example/phish", "www.evil.example", "@everyone", "x@evil.example"]
)
def test_markdown_leaves_no_bare_url_or_mention_to_autolink(value):
    text = markdown_text(value)
    assert not re.search(r"(?i)https?://|www\.|@\w", text)
