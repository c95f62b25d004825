"""The plan wizard: one question a page, answers kept in the session until the plan is saved.

Each visit to /wizard/ starts a *run* with its own id in the URL and its own slot in the
session, so two plans in two tabs never share (or overwrite) answers.
"""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError
from django.forms import RadioSelect
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_GET
from formtools.wizard.storage.session import SessionStorage
from formtools.wizard.views import NamedUrlSessionWizardView

from planner import links
from planner.engine import recommend
from planner.engine.summary import answer_rows
from planner.engine.validation import AnswersError, parse_answers
from planner.models import Plan
from planner.services import (
    StaleRevision,
    WrongEditToken,
    create_plan,
    find_plan_by_edit_token,
    update_plan,
)
from planner_ops.ratelimit import LOOKUP, over_limit, rate_limit
from wizard.forms import (
    STEP_FORMS,
    blank_partner,
    is_blank,
    partner_data,
    partner_initial,
    partner_rows,
)
from wizard.steps import CONDITIONS, STEPS, field_for_path

logger = logging.getLogger(__name__)

RUNS_KEY = "wizard_runs"
SAVED_KEY = "wizard_saved"
MAX_RUNS = 20
# Plan links kept in the session are sealed with SECRET_KEY (see links.seal_with_secret), and
# the "already saved" link expires: a copy of the sessions table opens no plan.
EDIT_LINK = "wizard-edit-link"
SAVED_LINK = "wizard-saved-link"
SAVED_LINK_SECONDS = 3600
PARTNER_DRAFT = "partner_draft"
VERSION_ASKED_AGAIN = "version_asked_again"
EXAMPLE_DOMAIN = "contoso.com"
QUESTION_STEPS = tuple(step for step in STEPS if step != "check")


def storage_key(run: str) -> str:
    # formtools' session storage keeps a run under "wizard_<prefix>"; see PlanWizard.get_prefix.
    return f"wizard_plan_wizard_{run}"


def new_run(request, *, step_data=None, extra_data=None, current="server") -> str:
    """Start a wizard run in the session and return its id; forget the oldest beyond MAX_RUNS."""
    session = request.session
    run = secrets.token_urlsafe(6)
    runs = [item for item in session.get(RUNS_KEY, []) if isinstance(item, str)] + [run]
    for old in runs[:-MAX_RUNS]:
        session.pop(storage_key(old), None)
    session[RUNS_KEY] = runs[-MAX_RUNS:]
    session[storage_key(run)] = {
        "step": current,
        "step_data": step_data or {},
        "step_files": {},
        "extra_data": extra_data or {},
    }
    return run


def _is_text_lists(value) -> bool:
    return isinstance(value, dict) and all(
        isinstance(key, str)
        and isinstance(items, list)
        and all(isinstance(item, str) for item in items)
        for key, items in value.items()
    )


def storage_is_sound(data) -> bool:
    """Return whether a run's session data has the shape the wizard wrote (not edited or damaged)."""
    if not isinstance(data, dict) or set(data) != {"step", "step_data", "step_files", "extra_data"}:
        return False
    step_data, step_files, extra = data["step_data"], data["step_files"], data["extra_data"]
    if data["step"] is not None and data["step"] not in STEPS:
        return False
    if not isinstance(step_data, dict) or not all(
        step in STEPS and _is_text_lists(values) for step, values in step_data.items()
    ):
        return False
    if not isinstance(step_files, dict) or any(files for files in step_files.values()):
        return False
    if not isinstance(extra, dict):
        return False
    edit = extra.get("edit")
    return edit is None or (
        isinstance(edit, dict)
        and isinstance(edit.get("plan_id"), int)
        and isinstance(edit.get("revision"), int)
        and isinstance(edit.get("token_hash"), str)
        and isinstance(edit.get("link"), str)
    )


def saved_url(request, run: str) -> str | None:
    """Return the plan link of a run saved in the last SAVED_LINK_SECONDS, else None."""
    saved = request.session.get(SAVED_KEY)
    entry = saved.get(run) if isinstance(saved, dict) else None
    if not isinstance(entry, list) or len(entry) != 2:
        return None
    token = links.unseal_with_secret(entry[0], purpose=SAVED_LINK, max_age=SAVED_LINK_SECONDS)
    return f"/e/{token}/?{entry[1]}" if token else None


def session_expired(request, run: str, *, status: int = 410):
    return render(
        request, "wizard/expired.html", {"saved_url": saved_url(request, run)}, status=status
    )


@require_GET
def start(request):
    run = new_run(request)
    return redirect("wizard:step", run=run, step=STEPS[0])


@require_GET
@rate_limit(LOOKUP)
def edit(request, edit_token):
    plan = find_plan_by_edit_token(edit_token)
    if plan is None:
        raise Http404("No plan has this edit link.")
    answers = plan.answers
    step_data = {}
    for step, form_class in STEP_FORMS.items():
        data = form_class.step_data_from(answers, prefix=step)
        if data:
            step_data[step] = data
    step_data["check"] = {"check-name": [plan.name]}
    extra_data = {
        "edit": {
            "plan_id": plan.pk,
            "revision": plan.revision,
            # What is checked against the plan on every request of the run (rotating the
            # edit link ends the run), and the link itself sealed, for the pages to show.
            "token_hash": plan.edit_token_hash,
            "link": links.seal_with_secret(edit_token, purpose=EDIT_LINK),
        }
    }
    if "server" not in step_data:
        # Saved as "Exchange 2010 or later": the server page asks for the exact version.
        extra_data[VERSION_ASKED_AGAIN] = True
    run = new_run(request, step_data=step_data, extra_data=extra_data, current="check")
    # The wizard's URLs carry only the run id; the session holds no plaintext token.
    return redirect("wizard:step", run=run, step="check")


class RunStorage(SessionStorage):
    """formtools' session storage, telling the session it changed only when a value did.

    formtools marks the session modified on every *read* of its storage, so every page view
    and every refused POST saved the session: a database write (and under SQLite, a wait for
    the write lock) per request (issue 7). Here reads are free and each write compares first.

    `version` counts the changes that can alter a step's cleaned data (answers, extra data),
    so the view can remember cleaned data until the next such change.
    """

    version = 0

    def _get_data(self):
        return self.request.session[self.prefix]

    def _set_data(self, value):
        self.request.session[self.prefix] = value  # marks the session modified
        self.version += 1

    data = property(_get_data, _set_data)

    def _changed(self, *, answers=True):
        self.request.session.modified = True
        if answers:
            self.version += 1

    def _set_current_step(self, step):
        if self.data[self.step_key] != step:
            self.data[self.step_key] = step
            self._changed(answers=False)

    def _set_extra_data(self, extra_data):
        if self.data[self.extra_data_key] != extra_data:
            self.data[self.extra_data_key] = extra_data
            self._changed()

    def set_step_data(self, step, cleaned_data):
        if isinstance(cleaned_data, MultiValueDict):
            cleaned_data = dict(cleaned_data.lists())
        if self.data[self.step_data_key].get(step) != cleaned_data:
            self.data[self.step_data_key][step] = cleaned_data
            self._changed()

    def set_step_files(self, step, files):
        if files or step not in self.data[self.step_files_key]:
            super().set_step_files(step, files)
            self._changed()


def _merge(data: dict, part: dict) -> None:
    for key, value in part.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value


class PlanWizard(NamedUrlSessionWizardView):
    storage_name = "wizard.views.RunStorage"
    form_list = list(STEP_FORMS.items())
    condition_dict = CONDITIONS
    template_name = "wizard/step.html"

    # --- runs, storage and URLs ------------------------------------------------------------

    def get_prefix(self, request, *args, **kwargs):
        return f"plan_wizard_{kwargs['run']}"

    def dispatch(self, request, *args, **kwargs):
        self.run_id = kwargs["run"]
        if not storage_is_sound(request.session.get(storage_key(self.run_id))):
            request.session.pop(storage_key(self.run_id), None)
            return session_expired(request, self.run_id)
        edit = request.session[storage_key(self.run_id)]["extra_data"].get("edit")
        if edit and self.edited_plan(edit) is None:
            # The edit link was replaced or the plan deleted: the run ends like an unknown link.
            raise Http404("No plan has this edit link.")
        try:
            return super().dispatch(request, *args, **kwargs)
        except SuspiciousOperation:
            # formtools' answer to a missing or edited management form.
            return session_expired(request, self.run_id, status=400)

    @staticmethod
    def edited_plan(edit) -> Plan | None:
        """Return the plan an edit run changes, if the link it was opened with still opens it."""
        plan = Plan.objects.filter(pk=edit["plan_id"], edit_token_hash=edit["token_hash"]).first()
        return plan if plan is not None and edit_token(edit) is not None else None

    def stored_form(self, step):
        """Return `step`'s form bound to its stored answers and validated; None if none stored."""
        return self._stored(step)[0]

    def get_cleaned_data_for_step(self, step):
        # None when nothing is stored (an unbound form is never valid) or it is not valid.
        return self._stored(step)[1]

    def _stored(self, step):
        # Step conditions, each form's `prior` answers and the page itself ask for earlier
        # steps' forms again and again (some 25 times a page; formtools rebuilt and revalidated
        # one each time). They depend only on the stored answers: remember them until those
        # change.
        data = self.storage.get_step_data(step) if step in self.form_list else None
        if data is None:
            return None, None
        key = (step, self.storage.version)
        forms = self.__dict__.setdefault("_stored_forms", {})
        if key not in forms:
            form = self.get_form(step=step, data=data, files=self.storage.get_step_files(step))
            forms[key] = (form, form.cleaned_data if form.is_valid() else None)
        return forms[key]

    def get_step_url(self, step):
        urls = self.__dict__.setdefault("_step_urls", {})  # the check page links every step
        if step not in urls:
            urls[step] = reverse(self.url_name, kwargs={"run": self.run_id, "step": step})
        return urls[step]

    @property
    def returning(self) -> bool:
        """Whether this step was opened from a "Change" link on the check page."""
        return self.request.GET.get("return") == "check"

    @property
    def edit_info(self) -> dict | None:
        return self.storage.extra_data.get("edit")

    def _step_url(self, step, *, returning=False):
        url = self.get_step_url(step)
        return f"{url}?return=check" if returning and step != "check" else url

    # --- which steps apply, and what they have answered -------------------------------------

    def step_applies(self, step) -> bool:
        condition = self.condition_dict.get(step, True)
        return condition(self) if callable(condition) else bool(condition)

    def answers_before(self, step=None) -> dict:
        """Return the answers of the steps before `step` (all steps if None) that apply."""
        data: dict = {}
        for key in STEPS:
            if key == step:
                break
            if not self.step_applies(key):
                continue
            cleaned = self.get_cleaned_data_for_step(key)
            if cleaned is not None:
                _merge(data, STEP_FORMS[key].answers_from(cleaned))
        return data

    def first_incomplete_step(self, *, before=None, after=None):
        """Return the first step that applies but has no valid answer yet, within bounds."""
        steps = list(self.get_form_list())
        start = steps.index(after) + 1 if after in steps else 0
        for step in steps[start:]:
            if step == before or step == "check":
                return None
            if self.get_cleaned_data_for_step(step) is None:
                return step
        return None

    # --- forms ------------------------------------------------------------------------------

    def get_form_kwargs(self, step=None):
        kwargs = {"prior": self.answers_before(step)}
        if step == "check":
            kwargs["editing"] = bool(self.edit_info)
        return kwargs

    def get_form_initial(self, step):
        if step == "check":
            domains = (self.answers_before("check").get("organization") or {}).get("domains")
            if domains:
                return {"name": f"{domains[0].split('.')[0].capitalize()} mail flow"}
        return {}

    def get_form(self, step=None, data=None, files=None):
        if (step or self.steps.current) == "partner" and data is not None:
            # Rows left completely blank are dropped rather than reported.
            rows = partner_rows(data, prefix="partner")
            kept = [row for row in rows if not is_blank(row)] or rows[:1]
            data = MultiValueDict(partner_data(kept, prefix="partner"))
        return super().get_form(step, data, files)

    def get_form_step_data(self, form):
        # Keep only this step's fields: not the CSRF token, not the buttons.
        prefix = f"{form.prefix}-"
        items = form.data.lists() if hasattr(form.data, "lists") else form.data.items()
        return {key: list(values) for key, values in items if key.startswith(prefix)}

    def process_step(self, form):
        if self.steps.current == "partner":
            self.storage.extra_data = {
                key: value for key, value in self.storage.extra_data.items() if key != PARTNER_DRAFT
            }
        return super().process_step(form)

    # --- requests ---------------------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        step = kwargs.get("step")
        steps = self.get_form_list()
        if step == self.done_step_name or step not in steps:
            # Never save on a GET; a step that doesn't apply (any more) shows the current one.
            current = self.storage.current_step
            return redirect(self.get_step_url(current if current in steps else self.steps.first))
        blocker = self.first_incomplete_step(before=step)
        if blocker:
            self.storage.current_step = blocker
            return redirect(self._step_url(blocker, returning=self.returning))
        self.storage.current_step = step
        if step == "partner" and self.storage.extra_data.get(PARTNER_DRAFT):
            return self.render(self.partner_draft_form(), **kwargs)
        form = self.stored_form(step)
        return self.render(self.get_form(step) if form is None else form, **kwargs)

    def partner_draft_form(self):
        """Return the partner list as last typed, unbound so that it isn't judged yet."""
        rows = partner_rows(self.storage.get_step_data("partner") or {}, prefix="partner")
        return STEP_FORMS["partner"](
            prefix=self.get_form_prefix("partner"),
            initial=partner_initial(rows),
            **self.get_form_kwargs("partner"),
        )

    def post(self, *args, **kwargs):
        action = self.request.POST.get("partner_action", "")
        posted_step = self.request.POST.get(f"{self.prefix}-current_step")
        if action and posted_step == "partner" and "partner" in self.get_form_list():
            return self.edit_partner_list(action)
        goto = self.request.POST.get("wizard_goto_step")
        if goto and goto not in self.get_form_list():
            # "Back" from a page opened before an answer changed: that step no longer applies.
            current = self.storage.current_step
            return redirect(
                self.get_step_url(current if current in self.get_form_list() else STEPS[0])
            )
        if not goto and (
            posted_step != kwargs.get("step") or posted_step not in self.get_form_list()
        ):
            # A page answers only for its own step, and only while that step applies: formtools
            # would take the posted step instead (skipping steps, or a KeyError if unknown).
            return session_expired(self.request, self.run_id, status=400)
        return super().post(*args, **kwargs)

    def edit_partner_list(self, action):
        """Add or remove a partner row without JavaScript, keeping everything typed."""
        rows = partner_rows(self.request.POST, prefix="partner")
        anchor = "partner-list"
        if action == "add":
            if len(rows) < STEP_FORMS["partner"].max_num:
                rows.append(blank_partner())
                anchor = f"partner-{len(rows) - 1}"
        elif action.startswith("remove-") and action[7:].isdigit():
            index = int(action[7:])
            if index < len(rows):
                del rows[index]
        self.storage.set_step_data(
            "partner", partner_data(rows or [blank_partner()], prefix="partner")
        )
        self.storage.extra_data = {**self.storage.extra_data, PARTNER_DRAFT: True}
        self.storage.current_step = "partner"
        return redirect(f"{self._step_url('partner', returning=self.returning)}#{anchor}")

    def render_next_step(self, form, **kwargs):
        if not self.returning:
            return super().render_next_step(form, **kwargs)
        # Back to the check page, unless the change made a new step necessary.
        step = self.first_incomplete_step(after=self.steps.current) or "check"
        self.storage.current_step = step
        return redirect(self._step_url(step, returning=True))

    def render_done(self, form, **kwargs):
        # formtools redirects to a "done" URL and saves on that GET; we save on the POST
        # itself, and keep the answers when saving fails.
        forms = {}
        for step in self.get_form_list():
            bound = self.stored_form(step)
            if bound is None:
                bound = self.get_form(step)  # unbound: never valid
            if not bound.is_valid():
                return self.render_revalidation_failure(step, bound, **kwargs)
            forms[step] = bound
        return self.done(list(forms.values()), form_dict=forms, **kwargs)

    def done(self, form_list, form_dict=None, **kwargs):
        check = form_dict["check"]
        try:
            answers = parse_answers(self.answers_before("check"))
        except AnswersError as exc:
            where = field_for_path(next(iter(exc.errors)))
            step = where.step if where and where.step in self.get_form_list() else "server"
            return self.render_revalidation_failure(step, None)
        name, note = check.cleaned_data["name"], check.cleaned_data.get("note", "")
        # Every save counts against the create limit, whichever URL it was posted to.
        refused = over_limit(self.request, "create")
        if refused is not None:
            return refused
        edit = self.edit_info
        try:
            if edit:
                plan = self.edited_plan(edit)
                if plan is None:
                    raise Http404("No plan has this edit link.")
                token = edit_token(edit)
                revision = update_plan(
                    plan,
                    name=name,
                    answers=answers,
                    expected_revision=edit["revision"],
                    note=note,
                    edit_token_hash=edit["token_hash"],
                )
                query = f"updated={revision.number}"
            else:
                saved = create_plan(name=name, answers=answers)
                token, query = saved.edit_token, "saved=1"
        except StaleRevision as exc:
            # Saving again replaces the newer revision: the admin has been told and chose to.
            self.storage.extra_data = {
                **self.storage.extra_data,
                "edit": {**edit, "revision": exc.current.number},
            }
            return self.render_problem(check, stale=exc.current)
        except DatabaseError:
            logger.exception("Saving a plan from the wizard failed")
            return self.render_problem(
                check,
                "Your plan could not be saved because of a problem on our side. Your answers "
                "are kept: try “Save plan” again in a minute.",
            )
        except WrongEditToken:
            raise Http404("No plan has this edit link.") from None
        self.finish_run(token, query)
        return redirect(f"/e/{token}/?{query}")

    def render_problem(self, form, message="", *, stale=None):
        self.storage.current_step = "check"
        return self.render(form, problem=message, stale=stale)

    def finish_run(self, token, query):
        session = self.request.session
        session.pop(storage_key(self.run_id), None)
        session[RUNS_KEY] = [run for run in session.get(RUNS_KEY, []) if run != self.run_id]
        saved = session.get(SAVED_KEY)
        saved = dict(list(saved.items())[-MAX_RUNS + 1 :]) if isinstance(saved, dict) else {}
        sealed = links.seal_with_secret(token, purpose=SAVED_LINK)
        session[SAVED_KEY] = {**saved, self.run_id: [sealed, query]}

    # --- pages ------------------------------------------------------------------------------

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        step = self.steps.current
        steps = [key for key in self.get_form_list() if key in QUESTION_STEPS]
        if step in steps:
            context["progress"] = {"number": steps.index(step) + 1, "total": len(steps)}
        context["step"] = step
        context["question"] = form.title
        context["returning"] = self.returning
        if self.returning:
            context["back_step"] = "check"
        else:
            context["back_step"] = self.steps.prev
        context["error_items"] = error_items(
            form, problem=kwargs.get("problem"), stale=kwargs.get("stale")
        )
        context["step_template"] = f"wizard/steps/{step}.html"
        context["editing"] = bool(self.edit_info)
        if step == "server":
            context["version_asked_again"] = bool(
                self.storage.extra_data.get(VERSION_ASKED_AGAIN)
            ) and not self.storage.get_step_data("server")
        if step == "mx":
            domains = (self.answers_before("mx").get("organization") or {}).get("domains")
            context["mx_domain"] = domains[0] if domains else EXAMPLE_DOMAIN
        if step == "partner":
            context["max_partners"] = form.max_num
            context["can_add_partner"] = form.total_form_count() < form.max_num
        if step == "check":
            context.update(self.check_context())
        return context

    def check_context(self) -> dict:
        answers = parse_answers(self.answers_before("check"))
        recommendation = recommend(answers)
        edit = self.edit_info
        return {
            "rows": [
                {
                    "question": row.question,
                    "answer": row.answer,
                    "change_url": f"{self.get_step_url(row.step)}?return=check",
                }
                for row in answer_rows(answers)
            ],
            "recommendation": recommendation,
            "blockers": [note for note in recommendation.notes if note.severity == "blocker"],
            "to_create": [c for c in recommendation.connectors if c.action == "create"],
            "to_review": [c for c in recommendation.connectors if c.action != "create"],
            "plan_url": f"/e/{edit_token(edit)}/" if edit else None,
        }


def edit_token(edit: dict) -> str | None:
    """Return the edit link's token an edit run holds sealed, if it still matches its hash."""
    token = links.unseal_with_secret(
        edit["link"], purpose=EDIT_LINK, max_age=settings.SESSION_COOKIE_AGE
    )
    return token if token and links.token_matches(token, edit["token_hash"]) else None


def _first_input_id(bound_field) -> str:
    if isinstance(bound_field.field.widget, RadioSelect):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


def error_items(form, *, problem=None, stale=None) -> list[dict]:
    """Return the error summary's entries: each message with a link to its field."""
    items = []
    if stale is not None:
        items.append({"stale": stale})
    if problem:
        items.append({"href": "#id_check-name", "text": problem})
    if isinstance(form, STEP_FORMS["partner"]):
        items += [{"href": "#partner-list", "text": text} for text in form.non_form_errors()]
        for number, partner_form in enumerate(form.forms, start=1):
            items += _form_errors(partner_form, label=f"Partner {number}: ")
    else:
        items += _form_errors(form)
    return items


def _form_errors(form, *, label="") -> list[dict]:
    if not form.is_bound:
        return []
    first = next(iter(form.fields), None)
    items = [
        {"href": f"#{_first_input_id(form[first])}", "text": f"{label}{text}"}
        for text in form.non_field_errors()
    ]
    for name in form.fields:
        bound = form[name]
        items += [
            {"href": f"#{_first_input_id(bound)}", "text": f"{label}{text}"}
            for text in bound.errors
        ]
    return items
