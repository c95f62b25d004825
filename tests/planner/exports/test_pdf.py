import copy
import io
import re
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader

from planner.exports import pdf as exports_pdf
from planner.exports import renderer
from tests.factories import SHARE_URL, TYPICAL_ANSWERS, make_document

HOSTILE_NAME = '<img src="file:///etc/hostname"><link rel=attachment href="file:///etc/passwd">'


def pdf_text(pdf: bytes) -> str:
    """Return the PDF's text with runs of whitespace (line wraps) collapsed to one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture(scope="module")
def typical_document():
    return make_document()


@pytest.fixture(scope="module")
def typical_pdf(typical_document):
    return exports_pdf.render_plan_pdf(typical_document, share_url=SHARE_URL)


@pytest.fixture(scope="module")
def typical_text(typical_pdf):
    return pdf_text(typical_pdf)


@pytest.fixture(scope="module")
def hostile_pdf():
    return exports_pdf.render_plan_pdf(make_document(name=HOSTILE_NAME), share_url=SHARE_URL)


def test_pdf_starts_with_pdf_magic(typical_pdf):
    assert typical_pdf.startswith(b"%PDF")


def test_pdf_text_contains_plan_name_and_share_url(typical_text):
    assert "Contoso mail flow" in typical_text
    assert SHARE_URL in typical_text


def test_pdf_text_contains_every_connector_title_and_name(typical_document, typical_text):
    for connector in typical_document["recommendation"]["connectors"]:
        assert connector["title"] in typical_text
        assert connector["settings"]["Name"] in typical_text


def test_pdf_shows_fill_in_hint_for_a_value_the_admin_must_supply(typical_text):
    assert "Fill in: The domain on your email server's CA-signed TLS certificate" in typical_text


def test_pdf_includes_the_checklist_phases(typical_text):
    assert "Before you start" in typical_text
    assert "Add and verify your accepted domains (contoso.com)" in typical_text


def test_pdf_footer_numbers_pages_out_of_total(typical_pdf, typical_text):
    pages = len(PdfReader(io.BytesIO(typical_pdf)).pages)
    assert f"Page 1 of {pages}" in typical_text
    assert f"Page {pages} of {pages}" in typical_text


def test_later_pages_carry_the_running_header_and_footer(typical_pdf):
    page = " ".join(PdfReader(io.BytesIO(typical_pdf)).pages[1].extract_text().split())
    assert "Contoso mail flow" in page
    assert "Revision 1" in page
    assert "Connector Planner · 27 November 2026, 09:30 UTC" in page
    assert re.search(r"Page 2 of \d+", page)


def test_pdf_carries_the_guidance_disclaimer(typical_text):
    assert (
        "Guidance based on Microsoft's documentation; check it against your environment."
        in typical_text
    )


def test_pdf_links_every_guide(typical_document, typical_pdf):
    # Guides are short links: the title is printed, the URL is the link's target.
    uris = {
        annotation.get_object()["/A"]["/URI"]
        for page in PdfReader(io.BytesIO(typical_pdf)).pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    }
    for guide in typical_document["recommendation"]["guides"]:
        assert guide["url"] in uris


def test_pdf_is_tagged_with_title_and_language(typical_pdf):
    reader = PdfReader(io.BytesIO(typical_pdf))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "en"
    assert reader.metadata.title == "Connector plan: Contoso mail flow"


def test_letter_and_a4_have_their_own_page_sizes(typical_document, typical_pdf):
    letter = exports_pdf.render_plan_pdf(typical_document, share_url=SHARE_URL, page_size="letter")
    a4_box = PdfReader(io.BytesIO(typical_pdf)).pages[0].mediabox
    letter_box = PdfReader(io.BytesIO(letter)).pages[0].mediabox
    assert (round(a4_box.width), round(a4_box.height)) == (595, 842)
    assert (round(letter_box.width), round(letter_box.height)) == (612, 792)


def test_unknown_page_size_is_rejected(typical_document):
    with pytest.raises(ValueError, match="page_size"):
        exports_pdf.render_plan_pdf(typical_document, share_url=SHARE_URL, page_size="a3")


def test_plan_without_connectors_renders():
    document = make_document(
        {"onprem_server": "none", "subscription": "exchange-online"}, name="Cloud only"
    )
    assert "Cloud only" in pdf_text(exports_pdf.render_plan_pdf(document, share_url=SHARE_URL))


def test_hostile_plan_name_is_printed_as_literal_text(hostile_pdf):
    assert HOSTILE_NAME in pdf_text(hostile_pdf)


def test_hostile_plan_name_leaks_no_file_content(hostile_pdf):
    hostname = Path("/etc/hostname").read_text().strip()
    reader = PdfReader(io.BytesIO(hostile_pdf))
    assert not re.search(rf"\b{re.escape(hostname)}\b", pdf_text(hostile_pdf))
    assert reader.attachments == {}


def test_raw_html_cannot_load_local_files_or_attach_them(tmp_path):
    # Belt and braces: even HTML that escaped the template's autoescaping fetches nothing.
    secret = tmp_path / "secret.txt"
    secret.write_text("s3cret-marker-7f2a")
    html = (
        f'<html lang="en"><title>t</title><link rel="attachment" href="{secret.as_uri()}">'
        f'<link rel="stylesheet" href="{secret.as_uri()}"><img src="{secret.as_uri()}">'
        '<img src="https://example.com/x.png"><p>body</p></html>'
    )
    pdf = renderer.write_pdf(html, "a4")
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    assert b"s3cret-marker-7f2a" not in pdf
    assert not reader.pages[0]["/Resources"].get("/XObject")  # no image made it in


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://example.com/x.css",
        "http://169.254.169.254/latest/meta-data/",
        "data:text/css,body{}",
        "planner-asset:/../../etc/passwd",
        "planner-asset:/css/app.css",
    ],
)
def test_fetcher_refuses_anything_but_our_assets(url):
    with pytest.raises(ValueError, match="only its own assets"):
        renderer.url_fetcher()(url)


def test_fetcher_serves_our_stylesheet():
    response = renderer.url_fetcher()(renderer.STYLESHEET_URL)
    assert response.content_type == "text/css"
    assert b"counter(pages)" in response.read()


def test_render_gives_up_when_every_slot_stays_busy(monkeypatch):
    slots = threading.BoundedSemaphore(1)
    slots.acquire()
    monkeypatch.setattr(exports_pdf, "_slots", slots)
    monkeypatch.setattr(exports_pdf, "SLOT_WAIT_SECONDS", 0.01)
    with pytest.raises(exports_pdf.PdfBusyError):
        exports_pdf.render_plan_pdf(make_document(revision=7), share_url=SHARE_URL)


def test_new_revision_is_rendered_afresh(typical_pdf):
    pdf = exports_pdf.render_plan_pdf(make_document(revision=2), share_url=SHARE_URL)
    assert pdf != typical_pdf
    assert "Revision 2" in pdf_text(pdf)


def test_pdf_includes_both_powershell_scripts(typical_text):
    assert "New-OutboundConnector @params" in typical_text
    assert "New-SendConnector" in typical_text


def maximal_answers():
    """Return the largest answers the API accepts: 50 partners x 50 domains x 50 addresses."""
    answers = copy.deepcopy(TYPICAL_ANSWERS)
    answers["partners"] = [
        {
            "name": f"Partner {number:02d}",
            "domains": [f"d{index}.p{number}.example.com" for index in range(50)],
            "direction": "both",
            "require_tls": True,
            "certificate_domain": f"mail.p{number}.example.com",
            "sender_ips": [f"10.{number}.{index}.0/24" for index in range(50)],
        }
        for number in range(50)
    ]
    return answers


def test_the_largest_plan_prints_a_bounded_pdf_saying_where_the_rest_is():
    from django.template.loader import render_to_string

    context = exports_pdf.pdf_context(make_document(maximal_answers()), share_url=SHARE_URL)
    html = render_to_string("planner/plan_pdf.html", context)
    assert len(html) < 250_000
    assert "more connectors are not printed here" in html
    assert "more lines are not printed here" in html


def test_a_render_over_the_time_limit_is_stopped(settings):
    settings.PDF_RENDER_TIMEOUT = 0.001
    with pytest.raises(exports_pdf.PdfTimeoutError):
        exports_pdf.render_plan_pdf(make_document(revision=8), share_url=SHARE_URL)
