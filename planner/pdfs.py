"""Stored PDFs: each saved revision's PDFs, made by a background worker right after the save.

A save enqueues `render_revision_pdfs` once its transaction commits (Django's task framework,
backported by django-tasks; the queue is a table in the same database, worked by
`manage.py db_worker`). The worker renders the variants served by default, in both page sizes,
and stores the bytes in the database (`StoredPdf`), so every replica serves them. A click
serves the stored bytes; if they are not there yet (the worker is behind, or down), the request
renders them once and stores them, so no click waits for, or fails because of, the worker.

The PDF prints no share link. The link can be rotated or expire without a new revision, and a
PDF outlives both: a printed link would be stale, or, attached to a change ticket, would hand
a working capability to everyone who reads the ticket. Without it the bytes depend only on the
revision, the page size, the appendix choice and `render_version()`, which is the whole key.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import F, FilteredRelation, Q
from django.utils import timezone
from django.utils.http import quote_etag
from django_tasks import task

from planner.documents import plan_document
from planner.engine import RULES_VERSION
from planner.exports import PAGE_SIZES as PAGE_SIZE_NAMES
from planner.exports.pdf import SLOT_WAIT_SECONDS, PdfBusyError, render_plan_pdf
from planner.models import Plan, PlanRevision, StoredPdf

ROOT = Path(__file__).resolve().parent.parent
PAGE_SIZES = tuple(PAGE_SIZE_NAMES)  # "a4", "letter"

# The variant a plain PDF link serves, and the one the worker makes ahead of a click: the
# document a reviewer reads, without the appendix (answers, information notes, PowerShell).
# The scripts are run from the .ps1 downloads, never from text copied out of a PDF; the
# appendix variant (?appendix=1) is rendered on its first click and stored then.
DEFAULT_APPENDIX = False

# plan_document() wants a share token for the document's links; the PDF prints none of them.
NO_SHARE_TOKEN = "-" * 43

# What shapes a PDF besides the revision's data; a change to any of these files is a new version.
RENDER_SOURCES = (
    "planner/exports/*.py",
    "planner/diagram.py",
    "planner/documents.py",
    "planner/engine/*.py",
    "templates/planner/*pdf*.html",
    "static/css/pdf.css",
)


@functools.cache
def render_version() -> str:
    """Return a short fingerprint of the templates, stylesheet and code that render PDFs."""
    digest = hashlib.sha256()
    digest.update(f"rules {RULES_VERSION}\n".encode())
    digest.update(f"weasyprint {importlib.metadata.version('weasyprint')}\n".encode())
    for pattern in RENDER_SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(f"{path.relative_to(ROOT)}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Pdf:
    content: bytes
    sha256: str

    @property
    def etag(self) -> str:
        return quote_etag(self.sha256)

    @property
    def size(self) -> int:
        return len(self.content)


def render_after_commit(revision: PlanRevision) -> None:
    """Enqueue the rendering of `revision`'s PDFs once the current transaction commits.

    `robust`: a failed enqueue (the queue table unreachable) is logged, never turned into a
    failed save; the first click renders the PDF instead.
    """
    revision_id = revision.pk

    def enqueue_pdfs():
        render_revision_pdfs.enqueue(revision_id)

    transaction.on_commit(enqueue_pdfs, robust=True)


@task()
def render_revision_pdfs(revision_id: int) -> list[str]:
    """Render and store the default PDFs of one revision, unless already stored or superseded."""
    revision = PlanRevision.objects.select_related("plan").filter(pk=revision_id).first()
    if revision is None or revision.number != revision.plan.revision:
        return []  # deleted, or a newer revision was saved before this ran
    made = []
    for page_size in PAGE_SIZES:
        if _stored(revision_id, page_size=page_size, appendix=DEFAULT_APPENDIX) is None:
            # The current revision's document, so an imported tenant's comparison is in it.
            document = plan_document(revision.plan, share_token=NO_SHARE_TOKEN)
            _store(revision_id, document, page_size=page_size, appendix=DEFAULT_APPENDIX)
            made.append(page_size)
    return made


def pdf_for(plan: Plan, *, page_size: str, appendix: bool = DEFAULT_APPENDIX) -> Pdf:
    """Return the current revision's PDF: the stored one, or rendered now and stored.

    Raises PdfBusyError or PdfTimeoutError (planner.exports.pdf) when it has to be rendered
    and every render slot stays busy, or the render overruns PDF_RENDER_TIMEOUT.
    """
    # One query for the revision and its stored PDF, if any (a LEFT JOIN).
    revision_id, content, sha256 = (
        PlanRevision.objects.annotate(
            pdf=FilteredRelation(
                "pdfs",
                condition=Q(
                    pdfs__page_size=page_size,
                    pdfs__appendix=appendix,
                    pdfs__version=render_version(),
                ),
            )
        )
        .filter(plan_id=plan.pk, number=plan.revision)
        .values_list("pk", "pdf__content", "pdf__sha256")
        .get()
    )
    if content is not None:
        return Pdf(bytes(content), sha256)
    # Clicks on one new PDF (a reviewer and approvers, all at once) render it once: the rest
    # wait here, then find it stored.
    with _one_render_of((revision_id, page_size, appendix)):
        stored = _stored(revision_id, page_size=page_size, appendix=appendix)
        if stored is not None:
            return stored
        document = plan_document(plan, share_token=NO_SHARE_TOKEN)
        return _store(revision_id, document, page_size=page_size, appendix=appendix)


_renders_lock = threading.Lock()
_renders: dict[tuple, list] = {}  # PDF key -> [lock, number of requests using it]


@contextmanager
def _one_render_of(key: tuple):
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


def _stored(revision_id: int, *, page_size: str, appendix: bool) -> Pdf | None:
    row = (
        StoredPdf.objects.filter(
            revision_id=revision_id,
            page_size=page_size,
            appendix=appendix,
            version=render_version(),
        )
        .values_list("content", "sha256")
        .first()
    )
    return None if row is None else Pdf(bytes(row[0]), row[1])


def _store(revision_id: int, document: dict, *, page_size: str, appendix: bool) -> Pdf:
    content = render_plan_pdf(document, share_url="", page_size=page_size, appendix=appendix)
    pdf = Pdf(content, hashlib.sha256(content).hexdigest())
    try:
        with transaction.atomic():
            StoredPdf.objects.create(
                revision_id=revision_id,
                page_size=page_size,
                appendix=appendix,
                version=render_version(),
                content=content,
                size=pdf.size,
                sha256=pdf.sha256,
                created_at=timezone.now(),
            )
    except IntegrityError:
        # Another process stored it first (a click racing the worker, or two replicas): serve
        # that one, so every download of this revision has the same ETag.
        return _stored(revision_id, page_size=page_size, appendix=appendix) or pdf
    return pdf


def prune() -> int:
    """Delete stored PDFs no link serves any more; return how many were deleted.

    That is every PDF of a revision that is no longer its plan's current one, and every PDF
    rendered by other templates or code than these (`render_version()`).
    """
    stale = StoredPdf.objects.filter(
        ~Q(revision__number=F("revision__plan__revision")) | ~Q(version=render_version())
    )
    deleted, _ = StoredPdf.objects.filter(pk__in=stale.values("pk")).delete()
    return deleted
