"""The plan wizard: one question a page, answers kept in the session until the plan is saved."""

from __future__ import annotations

import copy
import logging
from functools import cached_property

from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
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
from planner.views import PLAN_SAVED_TAG
from planner_ops.ratelimit import LOOKUP, over_limit, rate_limit
from wizard import runs
from wizard.forms import (
    STEP_FORMS,
    blank_partner,
    collect,
    error_items,
    partner_data,
    partner_initial,
    partner_rows,
)
from wizard.steps import CONDITIONS, STEPS, field_for_path

logger = logging.getLogger(__name__)

PARTNER_DRAFT = "partner_draft"
VERSION_ASKED_AGAIN = runs.VERSION_ASKED_AGAIN
EXAMPLE_DOMAIN = "contoso.com"


def wizard_prefix(run: str) -> str:
    return f"plan_wizard_{run}"


def session_expired(request, run: str, *, status: int = 410):
    context = {"saved_url": runs.saved_url(request.session, run)}
    return render(request, "wizard/expired.html", context, status=status)


@require_GET
def start(request):
    # Nothing is stored yet: the run's signed id is enough until its first answer (D7).
    return redirect("wizard:step", run=runs.new_run_id(), step=STEPS[0])


@require_GET
@rate_limit(LOOKUP)
def edit(request, edit_token):
    plan = find_plan_by_edit_token(edit_token)
    if plan is None:
        raise Http404("No plan has this edit link.")
    run = runs.start_edit_run(request, plan, edit_token=edit_token, prefix=wizard_prefix)
    return redirect("wizard:step", run=run, step="check")


def edited_plan(edit) -> Plan | None:
    """Return the plan an edit run changes, if the link it was opened with still opens it."""
    plan = Plan.objects.filter(pk=edit["plan_id"], edit_token_hash=edit["token_hash"]).first()
    return plan if plan is not None and runs.edit_token(edit) is not None else None


def _applies(step):
    return lambda wizard: CONDITIONS[step](wizard.progress.cleaned)


class PlanWizard(NamedUrlSessionWizardView):
    form_list = list(STEP_FORMS.items())
    condition_dict = {step: _applies(step) for step in CONDITIONS}
    template_name = "wizard/step.html"

    def get_prefix(self, request, *args, **kwargs):
        return wizard_prefix(kwargs["run"])

    def dispatch(self, request, *args, **kwargs):
        self.run_id, session = kwargs["run"], request.session
        key = runs.known_storage(session, self.run_id)
        fresh = key is None and runs.is_fresh(session, self.run_id)
        if key is not None and not runs.storage_is_sound(session.get(key)):
            session.pop(key, None)
            return session_expired(request, self.run_id)
        if key is None and not fresh:
            return session_expired(request, self.run_id)
        edit = key and session[key]["extra_data"].get("edit")
        if edit and edited_plan(edit) is None:
            # The edit link was replaced or the plan deleted: the run ends like an unknown link.
            raise Http404("No plan has this edit link.")
        before = copy.deepcopy(session.get(key)) if key else None
        try:
            response = super().dispatch(request, *args, **kwargs)
        except SuspiciousOperation:  # formtools' answer to a missing or edited management form
            response = session_expired(request, self.run_id, status=400)
        if fresh and any(self.storage.get_step_data(step) for step in STEPS):
            runs.register(session, self.run_id, self.storage.prefix)  # the first answer
        elif fresh:
            session.pop(self.storage.prefix, None)
            session.modified = False  # nothing to keep: no session is created or written
        elif session.get(key) == before:
            # formtools' session storage marks the session modified on every read: a database
            # write per page view. Nothing changed here, so nothing needs writing.
            session.modified = False
        return response

    @cached_property
    def progress(self):
        """The run's answers so far, validated once per request (and again once one is saved)."""
        return collect(self.storage.get_step_data, editing=bool(self.edit_info))

    def answers_saved(self):
        self.__dict__.pop("progress", None)

    @property
    def edit_info(self) -> dict | None:
        return self.storage.extra_data.get("edit")

    @property
    def returning(self) -> bool:
        """Whether this step was opened from a "Change" link on the check page."""
        return self.request.GET.get("return") == "check"

    def get_step_url(self, step, *, returning=False):
        url = reverse(self.url_name, kwargs={"run": self.run_id, "step": step})
        return f"{url}?return=check" if returning and step != "check" else url

    def get_cleaned_data_for_step(self, step):
        return self.progress.cleaned.get(step)

    def first_incomplete_step(self, *, before=None, after=None):
        """Return the first step that applies but has no valid answer yet, within bounds."""
        steps = list(self.get_form_list())
        for step in steps[steps.index(after) + 1 if after in steps else 0 :]:
            if step in (before, "check"):
                return None
            if step not in self.progress.cleaned:
                return step
        return None

    def get_form_kwargs(self, step=None):
        kwargs = {"prior": self.progress.prior[step or self.steps.current]}
        return {**kwargs, "editing": bool(self.edit_info)} if step == "check" else kwargs

    def get_form_initial(self, step):
        domains = (self.progress.answers.get("organization") or {}).get("domains")
        if step == "check" and domains:
            return {"name": f"{domains[0].split('.')[0].capitalize()} mail flow"}
        return {}

    def process_step(self, form):
        self.answers_saved()  # formtools stores the answer next, then finds the next step
        if self.steps.current == "partner" and PARTNER_DRAFT in self.storage.extra_data:
            del self.storage.extra_data[PARTNER_DRAFT]
        return super().process_step(form)

    def get(self, request, *args, **kwargs):
        step, steps = kwargs["step"], self.get_form_list()
        if step not in steps:
            # Never save on a GET; a step that doesn't apply (any more) shows the current one.
            current = self.storage.current_step
            return redirect(self.get_step_url(current if current in steps else self.steps.first))
        blocker = self.first_incomplete_step(before=step)
        if blocker:
            self.storage.current_step = blocker
            return redirect(self.get_step_url(blocker, returning=self.returning))
        if step == "partner" and self.storage.extra_data.get(PARTNER_DRAFT):
            self.storage.current_step = step
            rows = partner_rows(self.storage.get_step_data("partner"), prefix="partner")
            # The partner list as last typed, unbound so that it isn't judged yet.
            form = STEP_FORMS["partner"](
                prefix="partner", initial=partner_initial(rows), **self.get_form_kwargs(step)
            )
            return self.render(form)
        return super().get(request, *args, **kwargs)

    def post(self, *args, **kwargs):
        action = self.request.POST.get("partner_action", "")
        posted = self.request.POST.get(f"{self.prefix}-current_step")
        steps, goto = self.get_form_list(), self.request.POST.get("wizard_goto_step")
        if action and posted == "partner" and "partner" in steps:
            return self.edit_partner_list(action)
        if goto and goto not in steps:
            # "Back" from a page opened before an answer changed: that step no longer applies.
            current = self.storage.current_step
            return redirect(self.get_step_url(current if current in steps else STEPS[0]))
        if not goto and (posted != kwargs["step"] or posted not in steps):
            # A page answers only for its own step, and only while that step applies: formtools
            # would take the posted step instead (skipping steps, or a KeyError if unknown).
            return session_expired(self.request, self.run_id, status=400)
        self.storage.current_step = posted  # a new run has none yet: formtools would guess
        return super().post(*args, **kwargs)

    def edit_partner_list(self, action):
        """Add or remove a partner row without JavaScript, keeping everything typed."""
        rows, anchor = partner_rows(self.request.POST, prefix="partner"), "partner-list"
        if action == "add" and len(rows) < STEP_FORMS["partner"].max_num:
            rows.append(blank_partner())
            anchor = f"partner-{len(rows) - 1}"
        elif action.startswith("remove-") and action[7:].isdigit() and int(action[7:]) < len(rows):
            del rows[int(action[7:])]
        data = partner_data(rows or [blank_partner()], prefix="partner")
        self.storage.set_step_data("partner", data)
        self.storage.extra_data = {**self.storage.extra_data, PARTNER_DRAFT: True}
        self.storage.current_step = "partner"
        return redirect(f"{self.get_step_url('partner', returning=self.returning)}#{anchor}")

    def render_next_step(self, form, **kwargs):
        if not self.returning:
            return super().render_next_step(form, **kwargs)
        # Back to the check page, unless the change made a new step necessary.
        step = self.first_incomplete_step(after=self.steps.current) or "check"
        self.storage.current_step = step
        return redirect(self.get_step_url(step, returning=True))

    def render_done(self, form, **kwargs):
        # formtools redirects to a "done" URL and saves on that GET; this saves on the POST
        # itself, and keeps the answers when saving fails.
        for step in self.get_form_list():
            if step not in self.progress.cleaned:
                return self.render_revalidation_failure(step, None)
        return self.done([form], form_dict={"check": form}, **kwargs)

    def done(self, form_list, form_dict=None, **kwargs):
        check = form_dict["check"]
        try:
            answers = parse_answers(self.progress.answers)
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
                plan = edited_plan(edit)
                if plan is None:
                    raise Http404("No plan has this edit link.")
                token = runs.edit_token(edit)
                if _unchanged(plan, name=name, answers=answers, note=note, edit=edit):
                    # Saving without a change stores no revision (review M2).
                    messages.info(
                        self.request,
                        f"Nothing changed: revision {plan.revision} is still the current one.",
                    )
                    runs.finish(self.request.session, self.run_id, token=token, query="")
                    return redirect(links.edit_path(token))
                revision = update_plan(
                    plan,
                    name=name,
                    answers=answers,
                    expected_revision=edit["revision"],
                    note=note,
                    edit_token_hash=edit["token_hash"],
                )
                query = f"updated={revision.number}"
                banner = (f"Revision {revision.number} saved.", "")
            else:
                saved = create_plan(name=name, answers=answers)
                token, query = saved.edit_token, "saved=1"
                banner = ("Plan saved.", PLAN_SAVED_TAG)
        except StaleRevision as exc:
            # Saving again replaces the newer revision: the admin has been told and chose to.
            edit = {**edit, "revision": exc.current.number}
            self.storage.extra_data = {**self.storage.extra_data, "edit": edit}
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
        runs.finish(self.request.session, self.run_id, token=token, query=query)
        # The banner travels in the session (no token in it): the address bar shows the clean
        # edit page, whose title says it is private (review H1).
        messages.success(self.request, banner[0], extra_tags=banner[1])
        return redirect(links.edit_path(token))

    def render_problem(self, form, message="", *, stale=None):
        self.storage.current_step = "check"
        return self.render(form, problem=message, stale=stale)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        step = context["step"] = self.steps.current
        questions = [key for key in self.get_form_list() if key != "check"]
        if step in questions:
            # No total: it would change as answers add or remove questions (review M1).
            context["progress"] = {"number": questions.index(step) + 1}
        context["question"] = form.title
        context["returning"] = self.returning
        context["back_step"] = "check" if self.returning else self.steps.prev
        context["error_items"] = error_items(form, **kwargs)
        edit = self.edit_info
        context["editing"] = bool(edit)
        if edit and (token := runs.edit_token(edit)):
            # Editing a saved plan: Cancel on every page, and Back from the check page, return
            # to the plan (review M2).
            context["plan_url"] = links.edit_path(token)
            context["next_revision"] = edit["revision"] + 1
        extra = self.storage.extra_data
        context["version_asked_again"] = bool(extra.get(VERSION_ASKED_AGAIN)) and (
            self.storage.get_step_data("server") is None
        )
        domains = (self.progress.prior[step].get("organization") or {}).get("domains")
        context["mx_domain"] = domains[0] if domains else EXAMPLE_DOMAIN
        if step == "partner":
            context["max_partners"] = form.max_num
            context["can_add_partner"] = form.total_form_count() < form.max_num
        if step == "check":
            context.update(self.check_context())
        return context

    def check_context(self) -> dict:
        recommendation = recommend(parse_answers(self.progress.answers))
        edit = self.edit_info
        return {
            "rows": [
                {
                    "question": row.question,
                    "answer": row.answer,
                    "lines": [part for part in str(row.answer).split("; ") if part],
                    "change_url": self.get_step_url(row.step, returning=True),
                }
                for row in answer_rows(parse_answers(self.progress.answers))
            ],
            "recommendation": recommendation,
            "blockers": [note for note in recommendation.notes if note.severity == "blocker"],
            "to_create": [c for c in recommendation.connectors if c.action == "create"],
            "to_review": [c for c in recommendation.connectors if c.action != "create"],
            "plan_url": links.edit_path(token)
            if edit and (token := runs.edit_token(edit))
            else None,
        }


def _unchanged(plan, *, name: str, answers, note: str, edit: dict) -> bool:
    """Return whether saving would store the same plan again (no new revision then)."""
    return (
        not note
        and plan.revision == edit["revision"]
        and name == plan.name
        and answers.to_dict() == plan.answers
    )
