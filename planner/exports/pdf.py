"""Render a plan document as a PDF for change requests, or as Markdown for tickets.

Both renderers take the plan document of `api/CONTRACT.md` (built by `planner.documents`), not a
`Plan`, so the PDF and the Markdown say exactly what the API and the plan page say.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.template.loader import render_to_string

from planner.diagram import mail_flow
from planner.engine.answers import Answers
from planner.engine.recommendation import ENDPOINT_LABELS
from planner.engine.summary import answer_rows

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# WeasyPrint's @page size keyword for each `?size=` value the views accept.
PAGE_SIZES = {"a4": "A4", "letter": "letter"}

# The renderer sees only this made-up scheme as its base URL; the fetcher serves exactly these
# URLs from files under static/ and refuses everything else (file:, http(s):, data:, ...).
ASSET_BASE_URL = "planner-asset:/"
ASSETS = {
    "planner-asset:/css/pdf.css": ("css/pdf.css", "text/css"),
}
STYLESHEET_URL = "planner-asset:/css/pdf.css"

# A render waits this long for a free slot before giving up with PdfBusyError (a 503 upstream).
SLOT_WAIT_SECONDS = 30

ACTION_LABELS = {
    "create": "Create",
    "review-existing": "Review the existing connector",
}
SEVERITY_LABELS = {"warning": "Warnings", "info": "Information"}
VERDICT_LABELS = {
    "recommended": "Recommended",
    "possible": "Possible",
    "unsuitable": "Not suitable",
}
PHASE_LABELS = {
    "before": "Before you start",
    "configure": "Configure",
    "test": "Test",
    "after": "Afterwards",
}
FOOTER_LINE = "Guidance based on Microsoft's documentation; check it against your environment."

_slots = threading.BoundedSemaphore(settings.PDF_MAX_CONCURRENCY)


class PdfBusyError(RuntimeError):
    """Every PDF slot stayed busy for SLOT_WAIT_SECONDS; the caller should answer 503."""


# --- what both renderers show --------------------------------------------------------------


@dataclass(frozen=True)
class SettingRow:
    parameter: str
    value: str
    fill_in: bool  # the admin must supply the value; `value` holds the hint


def plan_context(document: dict, *, share_url: str) -> dict:
    """Return the template context shared by the PDF and the Markdown export."""
    recommendation = document["recommendation"]
    guides = {item["key"]: item for item in recommendation["guides"]}
    notes = sorted(recommendation["notes"], key=lambda note: note["severity"] != "warning")
    devices = recommendation.get("devices")
    return {
        "name": document["name"],
        "revision": document["revision"],
        "created_at": document["created_at"],
        "updated_at": document["updated_at"],
        "updated_on": _display_date(document["updated_at"]),
        "share_url": share_url,
        "summary": recommendation["summary"],
        "mail_flow": mail_flow(document["answers"], recommendation),
        "answers": answer_rows(Answers.from_dict(document["answers"])),
        "connectors": [_connector(item, guides) for item in recommendation["connectors"]],
        "devices": _devices(devices, guides) if devices else None,
        "notes": [
            {
                **note,
                "severity_label": SEVERITY_LABELS.get(note["severity"], note["severity"]),
                "guide": guides.get(note["guide"]),
            }
            for note in notes
        ],
        "checklist": _checklist(recommendation.get("checklist") or [], guides),
        "scripts": _scripts(recommendation.get("powershell") or {}),
        "guides": recommendation["guides"],
        "footer_line": FOOTER_LINE,
    }


SCRIPT_TITLES = {
    "exchange_online": "Exchange Online PowerShell",
    "on_premises": "On-premises server",
}


def _scripts(powershell: dict) -> list[dict]:
    return [
        {"key": key, "title": title, "text": powershell[key]}
        for key, title in SCRIPT_TITLES.items()
        if powershell.get(key)
    ]


def _connector(connector: dict, guides: dict) -> dict:
    hints = {item["parameter"]: item["hint"] for item in connector.get("fill_in", [])}
    rows = []
    for parameter, value in connector["settings"].items():
        if value is None:
            rows.append(SettingRow(parameter, hints.get(parameter, "a value"), fill_in=True))
        else:
            rows.append(SettingRow(parameter, setting_text(value), fill_in=False))
    return {
        **connector,
        "from_label": ENDPOINT_LABELS[connector["from"]],
        "to_label": ENDPOINT_LABELS[connector["to"]],
        "requirement": "Required" if connector["required"] else "Optional",
        "action_label": ACTION_LABELS.get(connector["action"], connector["action"]),
        "setting_rows": rows,
        "guide": guides.get(connector["guide"]),
    }


def _devices(devices: dict, guides: dict) -> dict:
    return {
        **devices,
        "options": [
            {
                **option,
                "verdict_label": VERDICT_LABELS.get(option["verdict"], option["verdict"]),
                "guide": guides.get(option["guide"]),
            }
            for option in devices.get("options", [])
        ],
    }


def _checklist(items: list[dict], guides: dict) -> list[dict]:
    phases = {phase: [] for phase in PHASE_LABELS}
    for item in items:
        phases.setdefault(item["phase"], []).append({**item, "guide": guides.get(item["guide"])})
    return [
        {"label": PHASE_LABELS.get(phase, phase.capitalize()), "items": entries}
        for phase, entries in phases.items()
        if entries
    ]


def setting_text(value) -> str:
    """Return a cmdlet parameter value as an admin would type it (lists comma-separated)."""
    if isinstance(value, bool):
        return "$true" if value else "$false"
    if isinstance(value, list | tuple):
        return ", ".join(setting_text(item) for item in value)
    return str(value)


def _display_date(stamp: str) -> str:
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"


# --- PDF -----------------------------------------------------------------------------------

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


def pdf_context(document: dict, *, share_url: str) -> dict:
    """Return `plan_context()` cut to what a PDF shows, each cut saying where the rest is."""
    context = plan_context(document, share_url=share_url)
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
    for script in context["scripts"]:
        lines = script["text"].splitlines()
        kept, size = 0, 0
        while kept < min(len(lines), PDF_MAX_SCRIPT_LINES) and size <= PDF_MAX_SCRIPT_CHARS:
            size += len(lines[kept]) + 1
            kept += 1
        if kept < len(lines):
            script["text"] = "\n".join(lines[:kept])
            script["left_out"] = len(lines) - kept
    room = PDF_MAX_CHECKLIST_ITEMS
    for phase in context["checklist"]:
        phase["left_out"] = max(0, len(phase["items"]) - room)
        phase["items"] = phase["items"][:room]
        room -= len(phase["items"])
    return context


def render_plan_pdf(document: dict, *, share_url: str, page_size: str = "a4") -> bytes:
    """Return the plan as a tagged PDF; `page_size` is "a4" or "letter".

    Raises ValueError for another page size and PdfBusyError when every render slot stays busy.
    """
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page_size must be one of {', '.join(PAGE_SIZES)}, not {page_size!r}.")
    html = render_to_string("planner/plan_pdf.html", pdf_context(document, share_url=share_url))
    # A plan revision never changes, and admins, reviewers and approvers all download the same
    # PDF: keep it, keyed by everything that was rendered (CACHES["pdfs"] bounds the memory).
    key = "pdf:" + hashlib.sha256(f"{page_size}\n{html}".encode()).hexdigest()
    pdfs = caches["pdfs"]
    with _one_render_of(key):
        pdf = pdfs.get(key)
        if pdf is None:
            pdf = _render_in_a_slot(html, page_size)
            if len(pdf) <= settings.PDF_CACHE_MAX_BYTES:
                pdfs.set(key, pdf)
        return pdf


_renders_lock = threading.Lock()
_renders: dict[str, list] = {}  # document key -> [lock, number of requests using it]


@contextmanager
def _one_render_of(key: str):
    """Let one request at a time render a given document; the others then find it cached.

    So repeated requests for one (large) plan take one render slot, not all of them.
    """
    with _renders_lock:
        entry = _renders.setdefault(key, [threading.Lock(), 0])
        entry[1] += 1
    try:
        if not entry[0].acquire(timeout=SLOT_WAIT_SECONDS):
            raise PdfBusyError("This PDF is still being made; try again in a moment.")
        try:
            yield
        finally:
            entry[0].release()
    finally:
        with _renders_lock:
            entry[1] -= 1
            if not entry[1]:
                del _renders[key]


def _render_in_a_slot(html: str, page_size: str) -> bytes:
    if not _slots.acquire(timeout=SLOT_WAIT_SECONDS):
        raise PdfBusyError("Too many PDFs are being rendered; try again in a moment.")
    try:
        return _write_pdf(html, page_size)
    finally:
        _slots.release()


def warm_up() -> None:
    """Get this process ready to render PDFs fast; call it once, before serving.

    gunicorn calls it in the master (`when_ready`, before the workers fork), so every worker
    starts warm. It renders a typical plan (own servers, devices, two partners) through the real
    template: that imports WeasyPrint, parses the stylesheets, and loads every font, size and
    code path a real plan needs, including cffi's parsed C types for font subsetting (about 50 ms
    on the first real PDF otherwise). Then it freezes what is loaded so far out of the garbage
    collector's reach: without that, a render's full collections walk all of Django and
    WeasyPrint again (about 0.1 s of each render), and collections in the workers write to
    those shared pages, so each worker ends up copying them.
    """
    from planner.engine.recommend import recommend
    from planner.engine.validation import parse_answers

    answers = parse_answers(WARM_UP_ANSWERS)
    document = {
        "name": "Warm-up plan",
        "revision": 1,
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
        "answers": answers.to_dict(),
        "recommendation": recommend(answers).to_dict(),
    }
    html = render_to_string(
        "planner/plan_pdf.html",
        plan_context(document, share_url="https://planner.invalid/p/warm-up"),
    )
    _write_pdf(html, "a4")  # not render_plan_pdf: nothing to keep in the cache
    for page_size in PAGE_SIZES:
        _page_stylesheet(page_size)


# A typical plan for warm_up(): own Exchange servers, devices sending mail, two partners.
WARM_UP_ANSWERS = {
    "onprem_server": "exchange-2010-or-later",
    "subscription": "exchange-online",
    "hybrid_completed": False,
    "organization": {
        "domains": ["contoso.com"],
        "onprem_smart_hosts": ["mail.contoso.com"],
        "onprem_certificate_domain": "mail.contoso.com",
        "onprem_sending_ips": ["198.51.100.25"],
    },
    "devices": {
        "send_mail": True,
        "external_recipients": True,
        "smtp_auth_capable": False,
        "sending_ips": ["203.0.113.7"],
    },
    "partners": [
        {
            "name": "Contoso Bank",
            "domains": ["contosobank.com"],
            "direction": "both",
            "require_tls": True,
            "certificate_domain": "mail.contosobank.com",
            "sender_ips": ["203.0.113.0/24"],
        },
        {
            "name": "Fabrikam",
            "domains": ["fabrikam.com", "*.fabrikam.net"],
            "direction": "inbound",
            "require_tls": True,
            "certificate_domain": None,
            "sender_ips": ["192.0.2.10", "192.0.2.64/26"],
        },
    ],
}


def _write_pdf(html: str, page_size: str) -> bytes:
    return (
        _weasyprint()
        .HTML(string=html, base_url=ASSET_BASE_URL, url_fetcher=url_fetcher(), media_type="print")
        .write_pdf(
            stylesheets=[_stylesheet(), _page_stylesheet(page_size)],
            font_config=_font_config(),
            pdf_variant="pdf/ua-1",  # also turns on pdf_tags
            attachments=None,
        )
    )


@cache
def _weasyprint():
    # Imported on first use: WeasyPrint (and Pango) take a while to load, and most processes
    # that import this module (manage.py commands, the API) never render a PDF.
    import weasyprint

    # WeasyPrint logs each layout step at INFO: a dozen lines per PDF. Quiet it unless the
    # LOGGING setting chose a level for it.
    progress = logging.getLogger("weasyprint.progress")
    if progress.level == logging.NOTSET:
        progress.setLevel(logging.WARNING)
    return weasyprint


@cache
def url_fetcher():
    """Return the only URL fetcher the PDF renderer uses: our own assets, nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            asset = ASSETS.get(url)
            if asset is None:
                # WeasyPrint catches this, logs it, and leaves the resource out.
                raise ValueError(f"The PDF renderer loads only its own assets, not {url[:80]!r}.")
            path, content_type = asset
            return URLFetcherResponse(
                url, body=(STATIC_DIR / path).read_bytes(), headers={"Content-Type": content_type}
            )

    return AssetFetcher(allowed_protocols=(), allow_redirects=False)


_thread_fonts = threading.local()


def _font_config():
    # One per thread: a FontConfiguration wraps a Pango font map, and two renders sharing one
    # corrupt GLib's state ("corrupted double-linked list detected" under a threaded load test).
    font_config = getattr(_thread_fonts, "config", None)
    if font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        font_config = _thread_fonts.config = FontConfiguration()
    return font_config


@cache
def _stylesheet():
    # No @font-face in it, so the stylesheet needs no font configuration and can be shared.
    return _weasyprint().CSS(url=STYLESHEET_URL, url_fetcher=url_fetcher())


@cache
def _page_stylesheet(page_size: str):
    return _weasyprint().CSS(string=f"@page {{ size: {PAGE_SIZES[page_size]}; }}")


# --- Markdown ------------------------------------------------------------------------------

# Characters that start emphasis, code, links, HTML or end a table cell anywhere in a line; the
# others (headings, lists, quotes) only matter at the start, handled separately. Backslash
# escapes keep the raw text readable in tickets that don't render Markdown.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>|~]|&(?=#?\w+;))")
_BARE_URL = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*):\/\/")
_BARE_WWW = re.compile(r"(?i)\b(www)\.")
_MARKDOWN_LINE_START = re.compile(r"^(\d+)([.)])|^([#=+-])")


def markdown_text(value) -> str:
    """Return `value` as inert Markdown text: no headings, links, code, HTML or table breaks."""
    text = " ".join(str(value).split())  # a newline would end a list item or a table row
    text = _MARKDOWN_INLINE.sub(r"\\\1", text)
    # GFM's extended autolinks and @mentions (GitHub, GitLab): "https\[:\]//" and "www\[.\]" no
    # longer link, and a word joiner after "@" stops mentions and e-mail links (review A15).
    text = _BARE_URL.sub(lambda match: f"{match[1]}\\[:\\]//", text)
    text = _BARE_WWW.sub(lambda match: f"{match[1]}\\[.\\]", text)
    text = text.replace("@", "@\u2060")
    return _MARKDOWN_LINE_START.sub(
        lambda match: f"{match[1]}\\{match[2]}" if match[1] else f"\\{match[3]}", text
    )


def render_plan_markdown(document: dict, *, share_url: str) -> str:
    """Return the plan as GitHub-flavoured Markdown for pasting into a ticket."""
    context = plan_context(document, share_url=share_url)
    md = markdown_text
    lines = [
        f"# Connector plan: {md(context['name'])}",
        "",
        f"Revision {context['revision']}, updated {context['updated_on']}.",
        f"Shared plan: <{share_url}>",
        "",
        md(context["summary"]),
        "",
        "## Your answers",
        "",
    ]
    lines += [f"- **{md(row.question)}:** {md(row.answer)}" for row in context["answers"]]
    lines += ["", "## Connectors", ""]
    if not context["connectors"]:
        lines += ["No connectors to create.", ""]
    for connector in context["connectors"]:
        lines += [
            f"### {md(connector['title'])}",
            "",
            f"- **From:** {md(connector['from_label'])}; **to:** {md(connector['to_label'])}",
            f"- **{connector['requirement']}**; action: {md(connector['action_label'])}",
            f"- **Cmdlet:** `{connector['cmdlet']}`",
            f"- **Why:** {md(connector['reason'])}",
        ]
        if connector["guide"]:
            lines.append(f"- **Guide:** {_md_guide(connector['guide'])}")
        lines += ["", "| Parameter | Value |", "| --- | --- |"]
        for row in connector["setting_rows"]:
            value = f"*Fill in:* {md(row.value)}" if row.fill_in else md(row.value)
            lines.append(f"| {md(row.parameter)} | {value} |")
        lines.append("")
    if context["devices"]:
        devices = context["devices"]
        lines += ["## Devices and applications", "", md(devices["summary"]), ""]
        for option in devices["options"]:
            guide = f" Guide: {_md_guide(option['guide'])}" if option["guide"] else ""
            lines.append(
                f"- **{md(option['title'])}** ({option['verdict_label']}): {md(option['why'])}{guide}"
            )
        if devices["options"]:
            lines.append("")
    if context["checklist"]:
        lines += ["## Checklist", ""]
        for phase in context["checklist"]:
            lines += [f"### {phase['label']}", ""]
            for number, item in enumerate(phase["items"], start=1):
                guide = item["guide"]
                link = f" Guide: [{md(guide['title'])}](<{guide['url']}>)" if guide else ""
                lines.append(f"{number}. {md(item['text'])}{link}")
            lines.append("")
    if context["scripts"]:
        lines += ["## PowerShell", ""]
        for script in context["scripts"]:
            # A fence longer than any run of backticks in the script, so no value can close it.
            longest = max((len(run) for run in re.findall(r"`+", script["text"])), default=0)
            fence = "`" * max(3, longest + 1)
            lines += [f"### {script['title']}", "", f"{fence}powershell", script["text"].rstrip()]
            lines += [fence, ""]
    if context["notes"]:
        lines += ["## Notes", ""]
        for note in context["notes"]:
            guide = f" See {_md_guide(note['guide'])}" if note["guide"] else ""
            lines.append(f"- **{note['severity_label']}:** {md(note['text'])}{guide}")
        lines.append("")
    lines += ["## Guides", ""]
    lines += [f"- {_md_guide(guide)}" for guide in context["guides"]]
    lines += ["", f"*{md(FOOTER_LINE)}*", ""]
    return "\n".join(lines)


def _md_guide(guide: dict) -> str:
    return f"{markdown_text(guide['title'])}: <{guide['url']}>"
