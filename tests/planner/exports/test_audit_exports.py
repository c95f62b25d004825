"""Issue 16 in the PDF and the Markdown: the comparison and the "As found" section."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from planner.audit import audit_document
from planner.exports import pdf as exports_pdf
from planner.exports.markdown import render_plan_markdown
from tests.factories import SHARE_URL, make_document, make_plan
from tests.planner.engine.audit.audit_helpers import EXO_FILE, data, sample
from tests.planner.exports.test_pdf import pdf_text


@pytest.fixture(scope="module")
def audited_document():
    document = make_document()
    document["audit"] = audit_document(
        sample().to_dict(),
        document["recommendation"],
        imported_at="2026-12-03T10:00:00Z",
        revision=1,
    )
    return document


def test_pdf_has_the_as_found_section_with_its_date(audited_document):
    text = pdf_text(exports_pdf.render_plan_pdf(audited_document, share_url=SHARE_URL))
    assert "Compared with your tenant" in text
    assert "Imported 2026-12-03 10:00 UTC, against revision 1 of the plan." in text
    assert "As found" in text
    assert "Exchange Online export, made 2026-12-03T09:41:17Z." in text
    assert "Inbound connector: Old scanner relay" in text
    assert "Remove: Old scanner relay" in text


def test_pdf_script_follows_the_comparison(audited_document):
    text = pdf_text(exports_pdf.render_plan_pdf(audited_document, share_url=SHARE_URL))
    assert "changes to what your tenant already has" in text


def test_pdf_without_an_import_has_no_as_found_section():
    text = pdf_text(exports_pdf.render_plan_pdf(make_document(), share_url=SHARE_URL))
    assert "As found" not in text


def test_markdown_has_the_comparison_and_the_as_found_section(audited_document):
    text = render_plan_markdown(audited_document, share_url=SHARE_URL)
    assert "## Compared with your tenant" in text
    assert "Imported 2026-12-03T10:00:00Z, against revision 1." in text
    assert "## As found" in text
    assert "- Inbound connector: Old scanner relay (OnPremises, disabled)" in text
    assert "- **Remove:** Old scanner relay." in text
    assert "### Findings" in text
    assert "# Connector plan: changes to what your tenant already has" in text


def test_markdown_without_an_import_has_no_as_found_section():
    assert "## As found" not in render_plan_markdown(make_document(), share_url=SHARE_URL)


@pytest.mark.django_db
def test_pdf_and_markdown_downloads_carry_the_import(client):
    saved = make_plan()
    client.post(
        f"/e/{saved.edit_token}/import",
        {"exchange_online": SimpleUploadedFile(EXO_FILE, data(EXO_FILE))},
    )
    markdown = client.get(f"/p/{saved.share_token}/plan.md").content.decode()
    pdf = client.get(f"/p/{saved.share_token}/pdf").content
    assert "## As found" in markdown
    assert "As found" in pdf_text(pdf)


@pytest.mark.django_db
def test_an_import_replaces_the_pdf_stored_before_it(client):
    saved = make_plan()
    before = client.get(f"/p/{saved.share_token}/pdf")
    assert "As found" not in pdf_text(before.content)
    client.post(
        f"/e/{saved.edit_token}/import",
        {"exchange_online": SimpleUploadedFile(EXO_FILE, data(EXO_FILE))},
    )
    after = client.get(f"/p/{saved.share_token}/pdf")
    assert after["ETag"] != before["ETag"]
    assert "As found" in pdf_text(after.content)


@pytest.mark.django_db
def test_the_workers_render_carries_the_import(client):
    from planner import pdfs
    from planner.models import StoredPdf

    saved = make_plan()
    client.post(
        f"/e/{saved.edit_token}/import",
        {"exchange_online": SimpleUploadedFile(EXO_FILE, data(EXO_FILE))},
    )
    revision = saved.plan.revisions.get(number=1)
    StoredPdf.objects.all().delete()
    assert pdfs.render_revision_pdfs.call(revision.pk)
    pdf = client.get(f"/p/{saved.share_token}/pdf")
    assert "As found" in pdf_text(pdf.content)
