"""Render a plan document as a PDF for change requests.

The HTML is rendered here, in the web process; WeasyPrint turns it into a PDF in a child process
forked from a fork server that has already loaded WeasyPrint (planner/exports/renderer.py). A
thread cannot be stopped, a process can: a render that outlasts PDF_RENDER_TIMEOUT is killed.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.forkserver
import textwrap
import threading
from dataclasses import replace

from django.conf import settings
from django.template.loader import render_to_string

from planner.documents import SEVERITY_ORDER, plan_context
from planner.exports import PAGE_SIZES, render_in_child

logger = logging.getLogger(__name__)

# A render waits this long for a free slot before giving up with PdfBusyError (a 503 upstream).
SLOT_WAIT_SECONDS = 30

_slots = threading.BoundedSemaphore(settings.PDF_MAX_CONCURRENCY)


class PdfBusyError(RuntimeError):
    """Every PDF slot stayed busy for SLOT_WAIT_SECONDS; the caller should answer 503."""


class PdfTimeoutError(RuntimeError):
    """The render took longer than PDF_RENDER_TIMEOUT and was stopped; answer 503."""


# What one PDF shows at most (review A11: a maximal plan, 50 partners x 50 domains x 50 addresses,
# took 18-148 s to render). Beyond these the PDF says where the rest is: the shared plan page
# and the .ps1 downloads always have everything.
PDF_MAX_CONNECTORS = 30
PDF_MAX_VALUE_CHARS = 300
PDF_MAX_SCRIPT_LINES = 250
PDF_MAX_SCRIPT_CHARS = 20_000
PDF_MAX_CHECKLIST_ITEMS = 60


def _clip(text: str, *, more: str) -> str:
    if len(text) <= PDF_MAX_VALUE_CHARS:
        return text
    head = text[:PDF_MAX_VALUE_CHARS].rsplit(", ", 1)[0]
    return f"{head}, … ({more})"


PDF_MAX_AUDIT_ROWS = 60


def pdf_context(document: dict, *, share_url: str, appendix: bool = True) -> dict:
    """Return `plan_context()` cut to what a PDF shows, each cut saying where the rest is.

    The document a reviewer reads carries the plan: summary, diagram, connectors, devices,
    checklist, blockers and warnings, guides. The answers, the information notes and the
    PowerShell scripts form an appendix, printed only with `appendix` (the plan page has them
    all, and the scripts are .ps1 downloads).
    """
    context = plan_context(document, share_url=share_url)
    notes = context["notes"]
    context["notes"] = [note for note in notes if note["severity"] in SEVERITY_ORDER]
    context["info_notes"] = [note for note in notes if note["severity"] not in SEVERITY_ORDER]
    context["appendix"] = appendix
    context["appendix_parts"] = [
        part
        for part, present in (
            ("your answers", context["answers"]),
            ("information notes", context["info_notes"]),
            ("the PowerShell scripts", context["scripts"]),
        )
        if present
    ]
    more = "the full list is on the shared plan"
    context["answers"] = [
        replace(row, answer=_clip(str(row.answer), more=more)) for row in context["answers"]
    ]
    connectors = context["connectors"]
    context["connectors"] = [
        {
            **connector,
            "setting_rows": [
                replace(row, value=_clip(row.value, more=more)) for row in connector["setting_rows"]
            ],
        }
        for connector in connectors[:PDF_MAX_CONNECTORS]
    ]
    context["connectors_left_out"] = max(0, len(connectors) - PDF_MAX_CONNECTORS)
    rollback = context["rollback"]
    kept = rollback["connectors"][:PDF_MAX_CONNECTORS]
    context["rollback"] = {
        **rollback,
        "connectors": kept,
        "disable_script": "\n".join(line["disable"] for line in kept),
        "remove_script": "\n".join(line["remove"] for line in kept),
        "left_out": len(rollback["connectors"]) - len(kept),
    }
    for script in context["scripts"]:
        lines = script["text"].splitlines()
        kept, size = 0, 0
        while kept < min(len(lines), PDF_MAX_SCRIPT_LINES) and size <= PDF_MAX_SCRIPT_CHARS:
            size += len(lines[kept]) + 1
            kept += 1
        if kept < len(lines):
            script["text"] = "\n".join(lines[:kept])
            script["left_out"] = len(lines) - kept
        script["text"] = wrap_powershell(script["text"])
    audit = context["audit"]
    if audit:
        # An import can list thousands of objects; the page and the Markdown keep them all.
        context["audit"] = {
            **audit,
            "found": audit["found"][:PDF_MAX_AUDIT_ROWS],
            "unplanned": audit["unplanned"][:PDF_MAX_AUDIT_ROWS],
        }
    room = PDF_MAX_CHECKLIST_ITEMS
    for phase in context["checklist"]:
        phase["left_out"] = max(0, len(phase["items"]) - room)
        phase["items"] = phase["items"][:room]
        room -= len(phase["items"])
    return context


def render_plan_pdf(
    document: dict, *, share_url: str, page_size: str = "a4", appendix: bool = True
) -> bytes:
    """Return the plan as a tagged PDF; `page_size` is "a4" or "letter".

    `appendix` adds the PowerShell scripts at the end (they are also .ps1 downloads).

    Raises ValueError for another page size, PdfBusyError when every render slot stays busy and
    PdfTimeoutError when the render overruns PDF_RENDER_TIMEOUT.
    """
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page_size must be one of {', '.join(PAGE_SIZES)}, not {page_size!r}.")
    html = render_to_string(
        "planner/plan_pdf.html", pdf_context(document, share_url=share_url, appendix=appendix)
    )
    # No cache here: each revision's PDF is rendered once and stored (planner/pdfs.py).
    return _render_in_a_slot(html, page_size)


def _render_in_a_slot(html: str, page_size: str) -> bytes:
    if not _slots.acquire(timeout=SLOT_WAIT_SECONDS):
        raise PdfBusyError("Too many PDFs are being rendered; try again in a moment.")
    try:
        return _write_pdf(html, page_size)
    finally:
        _slots.release()


# The fork server is a fresh, single-threaded interpreter that imports the renderer (and so
# WeasyPrint) once; each render is a fork of it, so nothing is forked from this threaded process
# and no render pays for loading WeasyPrint.
_processes = multiprocessing.get_context("forkserver")
_processes.set_forkserver_preload(["planner.exports.renderer"])


def start_renderer(*, preload: tuple[str, ...] = ()) -> None:
    """Start the fork server now (gunicorn's post_worker_init), not on the first PDF.

    multiprocessing runs the main script again in every child (a script's own imports, under
    `if __name__ == "__main__"` for the rest): `preload` the modules it imports, so each child
    finds them loaded.
    """
    _processes.set_forkserver_preload(["planner.exports.renderer", *preload])
    multiprocessing.forkserver.ensure_running()
    # ensure_running() returns while the server is still loading WeasyPrint (about a second);
    # one tiny render waits for it, so the worker serves nothing before it is warm (`make
    # bench` measured the first PDF after a start at 1.7 s against 0.7-0.8 s for the others).
    _write_pdf('<html lang="en"><p>Ready</p></html>', "a4")


def _write_pdf(html: str, page_size: str) -> bytes:
    receiver, sender = _processes.Pipe(duplex=False)
    child = _processes.Process(target=render_in_child, args=(sender, html, page_size), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(settings.PDF_RENDER_TIMEOUT):
            logger.warning(
                "PDF render stopped after %s seconds (PDF_RENDER_TIMEOUT)",
                settings.PDF_RENDER_TIMEOUT,
            )
            raise PdfTimeoutError("The PDF took too long to make.")
        try:
            return receiver.recv_bytes()
        except EOFError:
            raise RuntimeError(
                "The PDF renderer stopped without a PDF; see its error above."
            ) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()


# At 6.5 pt DejaVu Sans Mono (0.6 em a character) an A4 page, the narrower of the two sizes,
# holds 118 characters a line inside the script's border.
PDF_SCRIPT_COLUMNS = 110


def wrap_powershell(text: str, *, width: int = PDF_SCRIPT_COLUMNS) -> str:
    """Return `text` with lines longer than `width` broken where PowerShell allows it.

    Code breaks at a space outside quotes and ends with PowerShell's own continuation mark, a
    space and a backtick, so a copied line still runs; comments continue on a new `#` line.
    A line without such a space stays whole: never broken mid-word (review L12).
    """
    out = []
    for line in text.splitlines():
        out.extend(_wrap_line(line, width))
    return "\n".join(out)


def _wrap_line(line: str, width: int) -> list[str]:
    indent = line[: len(line) - len(line.lstrip())]
    if line.lstrip().startswith("#"):
        body = line.lstrip()[1:].strip()
        return textwrap.wrap(
            body,
            width=width,
            initial_indent=f"{indent}# ",
            subsequent_indent=f"{indent}#   ",
            break_long_words=False,
            break_on_hyphens=False,
        ) or [line]
    lines = []
    while len(line) > width:
        cut = _last_break(line, width - 2)
        if cut is None:
            break
        lines.append(line[:cut].rstrip() + " `")
        line = f"{indent}    {line[cut:].lstrip()}"
    return [*lines, line]


def _last_break(line: str, limit: int) -> int | None:
    """Return the index of the last space outside quotes before `limit`, past the indent."""
    quote, best, start = None, None, len(line) - len(line.lstrip()) + 1
    for index, char in enumerate(line[:limit]):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#":
            return best  # a comment at the end of a code line: break before it, or not at all
        elif char == " " and index > start and line[index - 1] not in " `":
            best = index
    return best
