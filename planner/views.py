"""Pages: the home page, robots.txt and the plan pages.

Each plan page is one view behind two links (planner/plan_urls.py): share-link pages are
read-only and never reveal the edit link; edit-link pages are the author's. Both are private
(planner_ops.middleware.PrivatePageMiddleware): no caching, no indexing.
"""

import datetime as dt
import functools

from django import forms
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.text import slugify
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from planner import audit, pdfs, services
from planner.api.views import public_url
from planner.diff import answer_changes, connector_changes
from planner.documents import plan_context, plan_document
from planner.engine import RULES_VERSION, Answers, recommend
from planner.exports import PAGE_SIZES
from planner.exports.markdown import render_plan_markdown
from planner.exports.pdf import PdfBusyError, PdfTimeoutError
from planner.forms import ImportForm, ImportUploadHandler
from planner.links import (
    EDIT,
    SCRIPT_SIDES,
    SHARE,
    TOKEN_LENGTH,
    LinkKind,
    Links,
    edit_path,
    json_path,
    share_path,
)
from planner_ops.ratelimit import LOOKUP, rate_limit


def home(request):
    return render(request, "planner/home.html")


@require_safe
def robots_txt(request):
    # Every prefix under which a plan or its answers can be read: never crawl or index them.
    sample = "A" * TOKEN_LENGTH
    private = [
        url.partition(sample)[0]
        for url in (
            share_path(sample),
            edit_path(sample),
            reverse("wizard:start"),
            json_path(sample),
        )
    ]
    lines = ["# Plan links are private: never crawl or index them.", "User-agent: *"]
    lines += [f"Disallow: {prefix}" for prefix in private]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


# --- plan pages -------------------------------------------------------------------------------


MAX_EXPIRY_DAYS = 5 * 366


def _revisions(plan, links: Links) -> list[dict]:
    return [
        {
            "number": entry["number"],
            "created_at": dt.datetime.fromisoformat(entry["created_at"]),
            "note": entry.get("note", ""),
            "url": links.revision(entry["number"]),
            "current": entry["number"] == plan.revision,
        }
        for entry in reversed(plan.history)
    ]


def _plan_context(plan, *, share_token: str, links: Links, revision=None) -> dict:
    document = plan_document(plan, share_token=share_token, revision=revision)
    page = plan_context(document, share_url=share_path(share_token))
    notes = page["notes"]
    return {
        "page": page,
        "blockers": [note for note in notes if note["severity"] == "blocker"],
        "warnings": [note for note in notes if note["severity"] == "warning"],
        "information": [note for note in notes if note["severity"] not in ("blocker", "warning")],
        "saved_at": revision.created_at if revision else plan.updated_at,
        "created_at": plan.created_at,
        "plan": plan,
        "links": links,
        "revisions": _revisions(plan, links),
        "latest_revision": plan.revision,
        "ps1_urls": links.scripts(page["powershell"]),
        "export_urls": {
            SCRIPT_SIDES[side]: links.url("export_script", side=side) for side in audit.EXPORTS
        },
        "plain_script_url": links.url("script_plain", side="exchange-online")
        if page["audit"] and plan.recommendation.get("powershell", {}).get("exchange_online")
        else None,
    }


class LinkGone(Exception):
    """A share link that did open a plan, but has expired: answered with 410 Gone."""


def _open_plan(kind: LinkKind, token: str):
    """Return (plan, share token) for a link, or raise Http404 (or LinkGone when expired)."""
    if kind == SHARE:
        plan = services.find_plan_by_share_token(token)
        if plan is None:
            if services.share_link_is_expired(token):
                raise LinkGone()
            raise Http404("No plan has this share link.")
        return plan, token
    plan = services.find_plan_by_edit_token(token)
    if plan is None:
        raise Http404("No plan has this edit link.")
    return plan, services.share_token_for(plan, edit_token=token)


def gone_when_expired(view):
    """Answer an expired share link with 410 and a page that says so (review L5)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except LinkGone:
            return render(request, "410.html", status=410)

    return wrapper


@require_safe
@rate_limit(LOOKUP)
@gone_when_expired
def plan_page(request, kind, token):
    plan, share_token = _open_plan(kind, token)
    if kind == EDIT:
        if _banner_in_query(request):
            # Older links (and the wizard until it sets the message itself) carry the banner
            # in the query: move it to the session and show the clean, bookmarkable address.
            _add_banner(request, plan)
            return redirect(edit_path(token))
        return _edit_page(request, plan, edit_token=token, share_token=share_token)
    context = _plan_context(plan, share_token=share_token, links=Links(kind, token))
    return render(request, "planner/plan_detail.html", context)


@require_safe
@rate_limit(LOOKUP)
@gone_when_expired
def plan_revision(request, kind, token, number):
    if kind == SHARE:
        revision = services.find_revision_by_share_token(token, number)
        if revision is None and services.share_link_is_expired(token):
            raise LinkGone()
    else:
        revision = services.find_revision_by_edit_token(token, number)
    if revision is None:
        raise Http404("No such revision.")
    share_token = (
        token if kind == SHARE else services.share_token_for(revision.plan, edit_token=token)
    )
    context = _plan_context(
        revision.plan, share_token=share_token, links=Links(kind, token), revision=revision
    )
    context["revision"] = revision
    return render(request, "planner/plan_revision.html", context)


@require_safe
@rate_limit(LOOKUP)
@gone_when_expired
def plan_compare(request, kind, token):
    links = Links(kind, token)
    numbers, error = _compare_numbers(request.GET)
    wanted = numbers if numbers and not error else ()
    if numbers is None and not error:
        # No revisions chosen: show the latest change straight away (review L14).
        plan, _ = _open_plan(kind, token)
        if plan.revision > 1:
            numbers = wanted = (plan.revision - 1, plan.revision)
        found = services.find_revisions(plan, numbers=wanted) if wanted else []
    elif kind == EDIT:
        plan, _ = _open_plan(kind, token)
        found = services.find_revisions(plan, numbers=wanted) if wanted else []
    else:
        found = services.find_revisions_by_share_token(token, numbers=wanted) if wanted else []
        # One query when the revisions exist; otherwise look the plan up to tell a bad link
        # from a bad revision number.
        plan = found[0].plan if found else _open_plan(kind, token)[0]
    revisions = {revision.number: revision for revision in found}
    if wanted and len(revisions) < 2:
        error = f"This plan has revisions 1 to {plan.revision}. Choose two of them."
    context = {
        "plan": plan,
        "links": links,
        "revisions": _revisions(plan, links),
        "error": error,
        "chosen": {"from": request.GET.get("from", ""), "to": request.GET.get("to", "")},
    }
    if not numbers and plan.revision > 1:
        context["chosen"] = {"from": str(plan.revision - 1), "to": str(plan.revision)}
    if not error and len(revisions) == 2:
        old, new = revisions[numbers[0]], revisions[numbers[1]]
        old_answers, new_answers = _answers(old.answers), _answers(new.answers)
        context["comparison"] = {
            "old": old,
            "new": new,
            "old_url": links.revision(old.number),
            "new_url": links.revision(new.number),
            "answer_changes": (
                answer_changes(old_answers, new_answers) if old_answers and new_answers else None
            ),
            "connector_changes": connector_changes(old.recommendation, new.recommendation),
            "summary_changed": old.recommendation.get("summary")
            != new.recommendation.get("summary"),
        }
    return render(request, "planner/plan_compare.html", context, status=400 if error else 200)


@require_safe
@rate_limit(LOOKUP)
@gone_when_expired
def plan_pdf(request, kind, token):
    plan, _ = _open_plan(kind, token)
    size = request.GET.get("size", "a4").lower()
    if size not in PAGE_SIZES:
        return HttpResponseBadRequest(
            "Unknown page size. Use ?size=a4 or ?size=letter.", content_type="text/plain"
        )
    appendix = {"0": False, "1": True}.get(
        request.GET.get("appendix", "1" if pdfs.DEFAULT_APPENDIX else "0")
    )
    if appendix is None:
        return HttpResponseBadRequest(
            "Use ?appendix=1 for the PDF with its appendix, ?appendix=0 without.",
            content_type="text/plain",
        )
    try:
        # Stored by the worker after the save (planner/pdfs.py), or rendered now and stored.
        pdf = pdfs.pdf_for(plan, page_size=size, appendix=appendix)
    except (PdfBusyError, PdfTimeoutError) as error:
        response = render(
            request, "503.html", {"busy": isinstance(error, PdfBusyError)}, status=503
        )
        response["Retry-After"] = "30"
        return response
    response = get_conditional_response(request, etag=pdf.etag)
    if response is None:
        response = HttpResponse(pdf.content, content_type="application/pdf")
        response["Content-Length"] = pdf.size
        name = _download_name(plan, "pdf", part="appendix" if appendix else "")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["ETag"] = pdf.etag
    return response


@require_safe
@rate_limit(LOOKUP)
@gone_when_expired
def plan_markdown(request, kind, token):
    plan, share_token = _open_plan(kind, token)
    document = plan_document(plan, share_token=share_token)
    share_url = public_url(request, share_path(share_token))
    text = render_plan_markdown(document, share_url=share_url)
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(plan, "md")}"'
    return response


@require_safe
@rate_limit(LOOKUP)
@gone_when_expired
def plan_script(request, kind, token, side):
    plan, _ = _open_plan(kind, token)
    script = audit.plan_script(plan, SCRIPT_SIDES[side])
    if not script:
        raise Http404("This plan has no script for that side.")
    return _ps1(script, _download_name(plan, "ps1", part=side))


@require_safe
@rate_limit(LOOKUP)
def plan_script_plain(request, kind, token, side):
    """The plan's own script, as if nothing had been imported."""
    plan, _ = _open_plan(kind, token)
    script = (plan.recommendation.get("powershell") or {}).get(SCRIPT_SIDES[side])
    if not script:
        raise Http404("This plan has no script for that side.")
    return _ps1(script, _download_name(plan, "ps1", part=f"{side}-without-import"))


@require_safe
@rate_limit(LOOKUP)
def export_script(request, kind, token, side):
    _open_plan(kind, token)  # offered on plan pages only, behind the same links
    name, script = audit.export_script(side)
    return _ps1(script, name)


def _ps1(script: str, name: str) -> HttpResponse:
    # A byte order mark makes Windows PowerShell 5.1 read the file as UTF-8, so partner
    # names with accents survive; PowerShell 7 reads it either way.
    response = HttpResponse("\ufeff" + script, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- the author's page and its forms, reached with the edit link ------------------------------


class ShareExpiryForm(forms.Form):
    expires_on = forms.DateField(
        required=False,
        label="Last day the share link works",
        help_text="The link stops working at the end of this day (UTC). "
        "Leave it empty for a link that never expires.",
        input_formats=["%Y-%m-%d", "%d %B %Y", "%d %b %Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date like 2026-12-31."},
    )

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        today = timezone.now().date()
        if expires_on and expires_on < today:
            raise forms.ValidationError(
                "The date is in the past. Choose today or a later day, or leave it empty."
            )
        if expires_on and expires_on > today + dt.timedelta(days=MAX_EXPIRY_DAYS):
            raise forms.ValidationError("Choose a date within the next five years.")
        return expires_on


EDIT_BANNERS = {
    ("rotated", "share"): "New share link made. The old share link no longer works: "
    "send colleagues the new one.",
    ("rotated", "edit"): "New private edit link made. The old one no longer works: "
    "bookmark this page or copy the new private link.",
    ("expiry", "set"): "Share link expiry date saved.",
    ("expiry", "cleared"): "The share link no longer expires.",
    ("imported", "1"): "Export imported. The comparison below replaces any earlier import.",
}
BANNER_KEYS = ("saved", "updated", "rules", "rotated", "expiry", "imported")
# The message tag of the confirmation shown once after the first save (set by the wizard).
PLAN_SAVED_TAG = "plan-saved"


def _banner_in_query(request) -> bool:
    return any(key in request.GET for key in BANNER_KEYS)


def _banner_text(params, plan) -> str:
    """Return the banner for the query `params` a save or a link change redirected with."""
    updated = params.get("updated", "")
    if updated.isdigit() and 1 < int(updated) <= plan.revision:
        if params.get("rules") == "current":
            return (
                f"Revision {int(updated)} saved with version {plan.rules_version} of the "
                "planner's rules. Earlier revisions keep their advice in the plan's history."
            )
        return f"Revision {int(updated)} saved."
    if params.get("rules") == "stale":
        return (
            "The plan was changed by someone else meanwhile, so nothing was saved. Check the "
            "current revision below before saving it with the current rules."
        )
    for key in ("rotated", "expiry", "imported"):
        if key in params:
            return EDIT_BANNERS.get((key, params[key]), "")
    return ""


def _add_banner(request, plan) -> None:
    """Queue the banner a query string asked for, as a one-time message (no token in it)."""
    if request.GET.get("saved") == "1":
        messages.success(request, "Plan saved.", extra_tags=PLAN_SAVED_TAG)
        return
    text = _banner_text(request.GET, plan)
    if text:
        messages.success(request, text)


def _banners(request) -> tuple[bool, list[str]]:
    """Return whether the plan was just saved, and the other one-time banners."""
    just_saved, texts = False, []
    for message in messages.get_messages(request):
        if message.extra_tags == PLAN_SAVED_TAG:
            just_saved = True
        else:
            texts.append(message.message)
    return just_saved, texts


def _link_context(request, plan, *, edit_token, share_token) -> dict:
    share_url = public_url(request, share_path(share_token))
    edit_url = public_url(request, edit_path(edit_token))
    expires_on = None
    if plan.share_expires_at:
        expires_on = (plan.share_expires_at - dt.timedelta(days=1)).date()
    return {
        "share_url": share_url,
        "edit_url": edit_url,
        # The last characters of each token, so the two links can be told apart at a glance.
        "share_end": share_token[-4:],
        "edit_end": edit_token[-4:],
        "share_expires_on": expires_on,
        "share_expired": services.share_link_expired(plan),
        "links_settings_url": reverse("planner:link_settings", kwargs={"token": edit_token}),
    }


def _edit_page(request, plan, *, edit_token, share_token, import_form=None, status=200):
    links = Links(EDIT, edit_token)
    context = _plan_context(plan, share_token=share_token, links=links)
    if plan.rules_version < RULES_VERSION:
        context["current_rules"] = _current_rules_preview(plan, links=links)
    just_saved, banners = _banners(request) if status == 200 else (False, [])
    context.update(
        _link_context(request, plan, edit_token=edit_token, share_token=share_token),
        just_saved=just_saved,
        banners=banners,
        change_answers_url=reverse("wizard:edit", kwargs={"edit_token": edit_token}),
        import_form=import_form or ImportForm(),
        actions={
            "import": links.action("import_current"),
            "current_rules": links.action("current_rules"),
        },
    )
    return render(request, "planner/plan_edit.html", context, status=status)


def _link_settings_page(request, plan, *, edit_token, share_token, expiry_form=None, status=200):
    context = _link_context(request, plan, edit_token=edit_token, share_token=share_token)
    _, banners = _banners(request) if status == 200 else (False, [])
    form = expiry_form or ShareExpiryForm(initial={"expires_on": context["share_expires_on"]})
    context.update(
        plan=plan,
        links=Links(EDIT, edit_token),
        banners=banners,
        expiry_form=form,
        expiry_errors=[
            {"href": f"#{form['expires_on'].id_for_label}", "text": error}
            for error in form.errors.get("expires_on", [])
        ],
        actions={
            "rotate_share": reverse("planner:rotate_share", kwargs={"token": edit_token}),
            "rotate_edit": reverse("planner:rotate_edit", kwargs={"token": edit_token}),
            "expiry": reverse("planner:share_expiry", kwargs={"token": edit_token}),
        },
    )
    return render(request, "planner/plan_links.html", context, status=status)


@require_safe
@rate_limit(LOOKUP)
def link_settings(request, token):
    plan, share_token = _open_plan(EDIT, token)
    return _link_settings_page(request, plan, edit_token=token, share_token=share_token)


def _settings_path(edit_token: str) -> str:
    return reverse("planner:link_settings", kwargs={"token": edit_token})


def _current_rules_preview(plan, *, links: Links) -> dict | None:
    """Return what the current rules would change in an older plan's connectors and notes."""
    answers = _answers(plan.answers)
    if answers is None:
        return None
    current = recommend(answers).to_dict()
    stored_notes = {note["code"] for note in plan.recommendation.get("notes", [])}
    return {
        "connector_changes": connector_changes(plan.recommendation, current),
        "summary": current["summary"],
        "summary_changed": current["summary"] != plan.recommendation.get("summary"),
        "new_notes": [note for note in current["notes"] if note["code"] not in stored_notes],
        "blockers": [note for note in current["notes"] if note["severity"] == "blocker"],
        "revision": plan.revision,
    }


@require_POST
@rate_limit(LOOKUP)
def rotate_share(request, token):
    plan, _ = _open_plan(EDIT, token)
    try:
        services.rotate_share_token(plan, edit_token=token)
    except services.WrongEditToken:
        raise Http404("This edit link was replaced.") from None
    messages.success(request, EDIT_BANNERS["rotated", "share"])
    return redirect(_settings_path(token))


@require_POST
@rate_limit(LOOKUP)
def rotate_edit(request, token):
    plan, _ = _open_plan(EDIT, token)
    try:
        new_edit_token = services.rotate_edit_token(plan, edit_token=token)
    except services.WrongEditToken:
        raise Http404("This edit link was replaced.") from None
    messages.success(request, EDIT_BANNERS["rotated", "edit"])
    return redirect(_settings_path(new_edit_token))


@require_POST
@rate_limit(LOOKUP)
def share_expiry(request, token):
    plan, share_token = _open_plan(EDIT, token)
    form = ShareExpiryForm(request.POST)
    if not form.is_valid():
        return _link_settings_page(
            request, plan, edit_token=token, share_token=share_token, expiry_form=form, status=400
        )
    expires_on = form.cleaned_data["expires_on"]
    services.set_share_expiry(plan, expires_on=expires_on)
    messages.success(request, EDIT_BANNERS["expiry", "set" if expires_on else "cleared"])
    return redirect(_settings_path(token))


@csrf_exempt
def import_current(request, token):
    # Upload handlers must be set before anything reads the body, so CSRF is checked inside
    # (the documented pattern: docs.djangoproject.com/en/5.2/topics/http/file-uploads/).
    handler = ImportUploadHandler(request)
    request.upload_handlers = [handler]
    return _import_current(request, token, handler=handler)


@rate_limit(LOOKUP)
@require_POST
@csrf_protect
def _import_current(request, token, *, handler):
    plan, share_token = _open_plan(EDIT, token)
    try:
        form = ImportForm(request.POST, request.FILES, too_big=handler.too_big)
        valid = form.is_valid()
    except RequestDataTooBig:
        form = ImportForm(data={}, paste_too_big=True)
        valid = form.is_valid()
    if not valid:
        return _edit_page(
            request, plan, edit_token=token, share_token=share_token, import_form=form, status=400
        )
    services.save_import(plan, current=form.current)
    messages.success(request, EDIT_BANNERS["imported", "1"])
    return redirect(edit_path(token) + "#audit-heading")


@require_POST
@rate_limit(LOOKUP)
def resave_with_current_rules(request, token):
    plan, _ = _open_plan(EDIT, token)
    expected = request.POST.get("revision", "")
    if not expected.isdigit():
        return HttpResponseBadRequest("Missing revision.", content_type="text/plain")
    try:
        revision = services.resave_with_current_rules(plan, expected_revision=int(expected))
    except services.StaleRevision:
        # Someone saved a newer revision meanwhile: show them the plan as it is now.
        messages.warning(request, _banner_text({"rules": "stale"}, plan))
        return redirect(edit_path(token))
    if revision is None:
        return redirect(edit_path(token))
    params = {"updated": str(revision.number), "rules": "current"}
    messages.success(request, _banner_text(params, plan))
    return redirect(edit_path(token))


# --- helpers -----------------------------------------------------------------------------------


def _answers(data):
    try:
        return Answers.from_dict(data)
    except (KeyError, TypeError):
        return None


def _compare_numbers(params) -> tuple[tuple[int, int] | None, str]:
    given = {key: params.get(key, "").strip() for key in ("from", "to")}
    if not any(given.values()):
        return None, ""
    # Revision numbers fit a 64-bit column; longer digit strings are refused (SQLite would fail).
    if not all(
        value.isdigit() and len(value) <= 18 and int(value) >= 1 for value in given.values()
    ):
        return None, "Choose the two revisions to compare."
    numbers = (int(given["from"]), int(given["to"]))
    if numbers[0] == numbers[1]:
        return numbers, "Choose two different revisions."
    return numbers, ""


def _download_name(plan, extension: str, *, part: str = "") -> str:
    slug = slugify(plan.name)[:60].strip("-") or "connector-plan"
    return f"{slug}-revision-{plan.revision}{'-' + part if part else ''}.{extension}"
