"""Wizard runs: one per browser tab, each with its own id in the URL and its own formtools storage.

A new run's id is signed and timestamped, so its first page needs nothing stored: the session
(and its database row) is created only when the run's first answer is saved (security review D7).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from formtools.wizard.storage import get_storage

from planner import links
from wizard.forms import STEP_FORMS
from wizard.steps import STEPS

RUNS_KEY = "wizard_runs"  # run id -> the key formtools' storage keeps the run under
SAVED_KEY = "wizard_saved"  # run id -> [sealed plan link, query], for the "already saved" page
FORGOTTEN_KEY = "wizard_forgotten_before"  # runs signed before this time are over
MAX_RUNS = 20
# Plan links kept in the session are sealed with SECRET_KEY (see links.seal_with_secret), and
# the "already saved" link expires: a copy of the sessions table opens no plan.
EDIT_LINK = "wizard-edit-link"
SAVED_LINK = "wizard-saved-link"
SAVED_LINK_SECONDS = 3600
VERSION_ASKED_AGAIN = "version_asked_again"
STORAGE = "formtools.wizard.storage.session.SessionStorage"

_signer = signing.TimestampSigner(salt="wizard.run", sep=".")


def new_run_id() -> str:
    return _signer.sign(secrets.token_urlsafe(6).replace(".", "_"))


def _signed_at(run: str) -> int | None:
    """Return when a run id was made, if it is ours and not older than a session lives."""
    try:
        _signer.unsign(run, max_age=settings.SESSION_COOKIE_AGE)
        return signing.b62_decode(run.split(".")[-2])
    except (signing.BadSignature, ValueError, IndexError):
        return None


def known_storage(session, run: str) -> str | None:
    """Return the storage key of a run that has saved answers in this session."""
    runs = session.get(RUNS_KEY)
    key = runs.get(run) if isinstance(runs, dict) else None
    return key if isinstance(key, str) else None


def is_fresh(session, run: str) -> bool:
    """Return whether `run` is a new run's id that nothing was saved under yet."""
    signed_at = _signed_at(run)
    saved = session.get(SAVED_KEY)
    return (
        signed_at is not None
        and signed_at > session.get(FORGOTTEN_KEY, 0)
        and not (isinstance(saved, dict) and run in saved)
    )


def _forget(session, runs: dict, *, keep: int) -> dict:
    """Drop the oldest entries beyond `keep`, and close their runs for good."""
    old = list(runs)[: max(0, len(runs) - keep)]
    for run in old:
        session[FORGOTTEN_KEY] = max(session.get(FORGOTTEN_KEY, 0), _signed_at(run) or 0)
    return {run: value for run, value in runs.items() if run not in old}


def register(session, run: str, storage_key: str) -> None:
    """Remember a run once it holds answers; forget the oldest beyond MAX_RUNS."""
    runs = session.get(RUNS_KEY)
    runs = {**(runs if isinstance(runs, dict) else {}), run: storage_key}
    for old in list(runs)[:-MAX_RUNS]:
        session.pop(runs[old], None)
    session[RUNS_KEY] = _forget(session, runs, keep=MAX_RUNS)


def finish(session, run: str, *, token: str, query: str) -> None:
    """End a saved run, keeping its plan link (sealed) for the "already saved" page."""
    runs = dict(session.get(RUNS_KEY) or {})
    session.pop(runs.pop(run, ""), None)
    session[RUNS_KEY] = runs
    saved = session.get(SAVED_KEY)
    saved = {**(saved if isinstance(saved, dict) else {}), run: [seal(token, SAVED_LINK), query]}
    session[SAVED_KEY] = _forget(session, saved, keep=MAX_RUNS)


def saved_url(session, run: str) -> str | None:
    """Return the plan link of a run saved in the last SAVED_LINK_SECONDS, else None."""
    saved = session.get(SAVED_KEY)
    entry = saved.get(run) if isinstance(saved, dict) else None
    if not isinstance(entry, list) or len(entry) != 2:
        return None
    token = links.unseal_with_secret(entry[0], purpose=SAVED_LINK, max_age=SAVED_LINK_SECONDS)
    return links.edit_path(token) if token else None


def seal(token: str, purpose: str) -> str:
    return links.seal_with_secret(token, purpose=purpose)


def edit_token(edit: dict) -> str | None:
    """Return the edit link's token an edit run holds sealed, if it still matches its hash."""
    token = links.unseal_with_secret(
        edit["link"], purpose=EDIT_LINK, max_age=settings.SESSION_COOKIE_AGE
    )
    return token if token and links.token_matches(token, edit["token_hash"]) else None


def _is_text_lists(value) -> bool:
    return isinstance(value, dict) and all(
        isinstance(key, str) and isinstance(items, list) and all(isinstance(i, str) for i in items)
        for key, items in value.items()
    )


def storage_is_sound(data) -> bool:
    """Return whether a run's stored data has the shape the wizard wrote (not edited or damaged)."""
    if not isinstance(data, dict) or set(data) != {"step", "step_data", "step_files", "extra_data"}:
        return False
    step_data, extra = data["step_data"], data["extra_data"]
    if data["step"] is not None and data["step"] not in STEPS:
        return False
    if not isinstance(step_data, dict) or not all(
        step in STEPS and _is_text_lists(values) for step, values in step_data.items()
    ):
        return False
    if not isinstance(data["step_files"], dict) or any(data["step_files"].values()):
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


def start_edit_run(request, plan, *, edit_token: str, prefix) -> str:
    """Start a run holding a saved plan's answers, on its check page; return its id."""
    run = new_run_id()
    storage = get_storage(STORAGE, prefix(run), request)
    for step, form_class in STEP_FORMS.items():
        if data := form_class.step_data_from(plan.answers, prefix=step):
            storage.set_step_data(step, data)
    storage.set_step_data("check", {"check-name": [plan.name]})
    # Checked against the plan on every request of the run (rotating the edit link ends the
    # run), and the link itself sealed: the session holds no plaintext token.
    edit = {"plan_id": plan.pk, "revision": plan.revision, "token_hash": plan.edit_token_hash}
    storage.extra_data = {"edit": {**edit, "link": seal(edit_token, EDIT_LINK)}}
    if storage.get_step_data("server") is None:
        # Saved as "Exchange 2010 or later": the server page asks for the exact version.
        storage.extra_data[VERSION_ASKED_AGAIN] = True
    storage.current_step = "check"
    register(request.session, run, storage.prefix)
    return run
