"""Saving plans: the only code that writes `Plan` and `PlanRevision` rows."""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models.functions import Cast
from django.utils import timezone

from planner import pdfs, tokens
from planner.engine import RULES_VERSION, Answers, recommend
from planner.models import JSON_FIELDS, Plan, PlanRevision, json_text_alias

NOTE_MAX = 200


@dataclass(frozen=True)
class SavedPlan:
    plan: Plan
    share_token: str
    edit_token: str


class StaleRevision(Exception):
    """The plan changed since the editor opened it; `current` is the newer revision."""

    def __init__(self, current: PlanRevision):
        super().__init__(f"The plan is now at revision {current.number}.")
        self.current = current


class WrongEditToken(Exception):
    """The edit token does not (or no longer) open this plan."""


def _history_entry(number: int, created_at: dt.datetime, note: str) -> dict:
    return {"number": number, "created_at": created_at.isoformat(), "note": note}


def _encoded(data):
    """Return `data` as a JSON column value, encoded here once.

    The plan row and its revision row share the text (the recommendation is ~35 KB), and it
    is encoded before the write transaction starts, so the database's single write lock is
    held for SQL only (issue 7: POST /api/plans under load).
    """
    return Cast(models.Value(json.dumps(data)), output_field=models.JSONField())


def _set(instance, values: dict) -> None:
    for key, value in values.items():
        setattr(instance, key, value)


def create_plan(*, name: str, answers: Answers) -> SavedPlan:
    """Store a new plan at revision 1 and return it with its two plaintext links."""
    recommendation = recommend(answers)
    share_token, edit_token = tokens.new_token(), tokens.new_token()
    now = timezone.now()
    data = {
        "answers": answers.to_dict(),
        "recommendation": recommendation.to_dict(),
        "history": [_history_entry(1, now, "")],
    }
    encoded = {key: _encoded(value) for key, value in data.items()}
    plan = Plan(
        name=name,
        revision=1,
        rules_version=recommendation.rules_version,
        created_at=now,
        updated_at=now,
        share_token_hash=tokens.hash_token(share_token),
        edit_token_hash=tokens.hash_token(edit_token),
        share_token_sealed=tokens.seal_share_token(share_token, edit_token=edit_token),
        **encoded,
    )
    with transaction.atomic():
        plan.save(force_insert=True)
        revision = PlanRevision.objects.create(
            plan=plan,
            number=1,
            name=plan.name,
            answers=encoded["answers"],
            recommendation=encoded["recommendation"],
            rules_version=plan.rules_version,
            created_at=now,
        )
        pdfs.render_after_commit(revision)
    _set(plan, data)
    return SavedPlan(plan=plan, share_token=share_token, edit_token=edit_token)


def update_plan(
    plan: Plan,
    *,
    name: str,
    answers: Answers,
    expected_revision: int,
    note: str = "",
    edit_token_hash: str | None = None,
) -> PlanRevision:
    """Save a new revision of `plan`, or raise `StaleRevision` if it moved past `expected_revision`.

    The revision number is bumped by a conditional UPDATE, so of two editors who opened the
    same revision exactly one wins and the other is told; nothing is silently overwritten.
    With `edit_token_hash`, raise `WrongEditToken` unless the plan's edit link still has it
    (checked by the same UPDATE, so a concurrent rotation cannot slip in between).
    """
    note = " ".join(note.split())[:NOTE_MAX]
    if plan.revision != expected_revision:
        # `history` is appended to below, so it must be the one stored with that revision.
        plan.refresh_from_db()
    recommendation = recommend(answers)
    now = timezone.now()
    number = expected_revision + 1
    fields = {
        "name": name,
        "answers": answers.to_dict(),
        "recommendation": recommendation.to_dict(),
        "rules_version": recommendation.rules_version,
    }
    encoded = {
        **fields,
        "answers": _encoded(fields["answers"]),
        "recommendation": _encoded(fields["recommendation"]),
    }
    history = [*plan.history, _history_entry(number, now, note)]
    with transaction.atomic():
        updated = 0
        if plan.revision == expected_revision:
            matching = Plan.objects.filter(pk=plan.pk, revision=expected_revision)
            if edit_token_hash is not None:
                matching = matching.filter(edit_token_hash=edit_token_hash)
            updated = matching.update(
                revision=number, history=_encoded(history), updated_at=now, **encoded
            )
        if not updated:
            if (
                edit_token_hash is not None
                and not Plan.objects.filter(pk=plan.pk, edit_token_hash=edit_token_hash).exists()
            ):
                raise WrongEditToken
            current = PlanRevision.objects.filter(plan_id=plan.pk).order_by("-number").first()
            raise StaleRevision(current)
        revision = PlanRevision.objects.create(
            plan=plan, number=number, note=note, created_at=now, **encoded
        )
        pdfs.render_after_commit(revision)
    _set(revision, fields)
    _set(plan, {"revision": number, "history": history, "updated_at": now, **fields})
    return revision


def resave_with_current_rules(plan: Plan, *, expected_revision: int) -> PlanRevision | None:
    """Save the plan's answers again as a new revision made with the current rules.

    Return None (and save nothing) when the plan already uses the current rules. Raise
    `StaleRevision` if the plan moved past `expected_revision`, as `update_plan` does.
    """
    if plan.rules_version >= RULES_VERSION and plan.revision == expected_revision:
        return None
    return update_plan(
        plan,
        name=plan.name,
        answers=plan.answers_obj(),
        expected_revision=expected_revision,
        note=f"Saved again with version {RULES_VERSION} of the planner's rules",
    )


@functools.cache
def _plan_by_hash_sql(column: str, vendor: str) -> str:
    """Return the SELECT of one plan by a token hash column, JSON columns as undecoded text."""
    quote = connection.ops.quote_name
    plain = [
        quote(field.column) for field in Plan._meta.concrete_fields if field.name not in JSON_FIELDS
    ]
    texts = [
        f"CAST({quote(field)} AS text) AS {quote(json_text_alias(field))}" for field in JSON_FIELDS
    ]
    return (
        f"SELECT {', '.join(plain + texts)} FROM {quote(Plan._meta.db_table)} "
        f"WHERE {quote(column)} = %s"
    )


def _find_plan(column: str, token: str) -> Plan | None:
    """Return the plan whose `column` holds the hash of `token` (one query), or None.

    A fixed SQL text instead of a QuerySet: compiling the ORM query took 0.9 ms, running it
    0.06 ms, and link look-ups are the hot path of every plan page, PDF and API read (issue 7).
    The JSON columns come as text and are decoded when first read (Plan.refresh_from_db), so a
    page served from a cache never decodes them.
    """
    if not tokens.is_token(token):
        return None
    sql = _plan_by_hash_sql(column, connection.vendor)
    return next(iter(Plan.objects.raw(sql, [tokens.hash_token(token)])), None)


def find_plan_by_share_token(token: str) -> Plan | None:
    """Return the plan this share link opens, or None if unknown or expired."""
    plan = _find_plan("share_token_hash", token)
    if plan is None or share_link_expired(plan):
        return None
    return plan


def find_revision_by_share_token(token: str, number: int) -> PlanRevision | None:
    """Return revision `number` of the plan this share link opens (one query), or None."""
    if not tokens.is_token(token):
        return None
    revision = (
        PlanRevision.objects.select_related("plan")
        .filter(plan__share_token_hash=tokens.hash_token(token), number=number)
        .first()
    )
    if revision is None or share_link_expired(revision.plan):
        return None
    return revision


def find_plan_by_edit_token(token: str) -> Plan | None:
    """Return the plan this edit link opens, or None. Edit links never expire."""
    return _find_plan("edit_token_hash", token)


def find_revision_by_edit_token(token: str, number: int) -> PlanRevision | None:
    """Return revision `number` of the plan this edit link opens (one query), or None."""
    if not tokens.is_token(token):
        return None
    return (
        PlanRevision.objects.select_related("plan")
        .filter(plan__edit_token_hash=tokens.hash_token(token), number=number)
        .first()
    )


def share_link_expired(plan: Plan, *, now: dt.datetime | None = None) -> bool:
    """Return whether the plan's share link has passed its expiry."""
    return plan.share_expires_at is not None and plan.share_expires_at <= (now or timezone.now())


def share_token_for(plan: Plan, *, edit_token: str) -> str:
    """Return the plan's share token, recovered from its sealed copy with the edit token."""
    if not tokens.token_matches(edit_token, plan.edit_token_hash):
        raise WrongEditToken
    return tokens.unseal_share_token(plan.share_token_sealed, edit_token=edit_token)


def rotate_share_token(plan: Plan, *, edit_token: str) -> str:
    """Replace the share link (the old one stops working) and return the new token."""
    if not tokens.token_matches(edit_token, plan.edit_token_hash):
        raise WrongEditToken
    share_token = tokens.new_token()
    changes = {
        "share_token_hash": tokens.hash_token(share_token),
        "share_token_sealed": tokens.seal_share_token(share_token, edit_token=edit_token),
    }
    # Matching on the edit hash keeps a concurrent edit-link rotation from leaving a seal
    # that no edit token opens.
    if not Plan.objects.filter(pk=plan.pk, edit_token_hash=plan.edit_token_hash).update(**changes):
        raise WrongEditToken
    for key, value in changes.items():
        setattr(plan, key, value)
    return share_token


def rotate_edit_token(plan: Plan, *, edit_token: str) -> str:
    """Replace the edit link (the old one stops working) and return the new token."""
    share_token = share_token_for(plan, edit_token=edit_token)
    new_edit_token = tokens.new_token()
    changes = {
        "edit_token_hash": tokens.hash_token(new_edit_token),
        "share_token_sealed": tokens.seal_share_token(share_token, edit_token=new_edit_token),
    }
    if not Plan.objects.filter(
        pk=plan.pk,
        edit_token_hash=plan.edit_token_hash,
        share_token_hash=plan.share_token_hash,
    ).update(**changes):
        raise WrongEditToken
    for key, value in changes.items():
        setattr(plan, key, value)
    return new_edit_token


def share_expiry_from_date(expires_on: dt.date) -> dt.datetime:
    """Return the moment a share link set to expire on `expires_on` stops: the end of that day, UTC."""
    return dt.datetime.combine(expires_on + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)


def set_share_expiry(plan: Plan, *, expires_on: dt.date | None) -> None:
    """Let the share link work until the end of `expires_on` (UTC), or forever when None."""
    expires_at = share_expiry_from_date(expires_on) if expires_on else None
    Plan.objects.filter(pk=plan.pk).update(share_expires_at=expires_at)
    plan.share_expires_at = expires_at


def find_revisions(plan: Plan, *, numbers) -> list[PlanRevision]:
    """Return the plan's revisions with these numbers, in number order (one query)."""
    return list(plan.revisions.filter(number__in=list(numbers)).order_by("number"))


def find_revisions_by_share_token(token: str, *, numbers) -> list[PlanRevision]:
    """Return revisions `numbers` of the plan this share link opens, with the plan (one query)."""
    if not tokens.is_token(token):
        return []
    revisions = list(
        PlanRevision.objects.select_related("plan")
        .filter(plan__share_token_hash=tokens.hash_token(token), number__in=list(numbers))
        .order_by("number")
    )
    if revisions and share_link_expired(revisions[0].plan):
        return []
    return revisions
