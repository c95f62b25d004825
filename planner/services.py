"""Saving plans: the only code that writes `Plan` and `PlanRevision` rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from planner import links, pdfs
from planner.engine import RULES_VERSION, Answers, recommend
from planner.engine.audit import CurrentConfig
from planner.models import Plan, PlanImport, PlanRevision

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


def create_plan(*, name: str, answers: Answers, current: CurrentConfig | None = None) -> SavedPlan:
    """Store a new plan at revision 1 and return it with its two plaintext links.

    With `current` (an import of what the tenant already has), store it with revision 1.
    """
    recommendation = recommend(answers)
    share_token, edit_token = links.new_token(), links.new_token()
    now = timezone.now()
    plan = Plan(
        name=name,
        revision=1,
        rules_version=recommendation.rules_version,
        created_at=now,
        updated_at=now,
        share_token_hash=links.hash_token(share_token),
        edit_token_hash=links.hash_token(edit_token),
        share_token_sealed=links.seal_share_token(share_token, edit_token=edit_token),
        answers=answers.to_dict(),
        recommendation=recommendation.to_dict(),
        history=[_history_entry(1, now, "")],
    )
    with transaction.atomic():
        plan.save(force_insert=True)
        revision = PlanRevision.objects.create(
            plan=plan,
            number=1,
            name=plan.name,
            answers=plan.answers,
            recommendation=plan.recommendation,
            rules_version=plan.rules_version,
            created_at=now,
        )
        if current is not None:
            plan.audit_import = PlanImport.objects.create(
                plan=plan, revision=1, data=current.to_dict(), imported_at=now
            )
        pdfs.render_after_commit(revision)
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
    history = [*plan.history, _history_entry(number, now, note)]
    with transaction.atomic():
        updated = 0
        if plan.revision == expected_revision:
            matching = Plan.objects.filter(pk=plan.pk, revision=expected_revision)
            if edit_token_hash is not None:
                matching = matching.filter(edit_token_hash=edit_token_hash)
            updated = matching.update(revision=number, history=history, updated_at=now, **fields)
        if not updated:
            if (
                edit_token_hash is not None
                and not Plan.objects.filter(pk=plan.pk, edit_token_hash=edit_token_hash).exists()
            ):
                raise WrongEditToken
            current = PlanRevision.objects.filter(plan_id=plan.pk).order_by("-number").first()
            raise StaleRevision(current)
        revision = PlanRevision.objects.create(
            plan=plan, number=number, note=note, created_at=now, **fields
        )
        pdfs.render_after_commit(revision)
    for key, value in {"revision": number, "history": history, "updated_at": now, **fields}.items():
        setattr(plan, key, value)
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
        answers=Answers.from_dict(plan.answers),
        expected_revision=expected_revision,
        note=f"Saved again with version {RULES_VERSION} of the planner's rules",
    )


def find_plan_by_share_token(token: str) -> Plan | None:
    """Return the plan this share link opens, or None if unknown or expired."""
    # The import rides along in the same query: plan pages stay at one query.
    plan = Plan.objects.by_share_token(token).select_related("audit_import").first()
    if plan is None or share_link_expired(plan):
        return None
    return plan


def share_link_is_expired(token: str) -> bool:
    """Return whether `token` is the share link of a plan whose link has expired."""
    plan = Plan.objects.by_share_token(token).only("share_expires_at").first()
    return plan is not None and share_link_expired(plan)


def find_revision_by_share_token(token: str, number: int) -> PlanRevision | None:
    """Return revision `number` of the plan this share link opens (one query), or None."""
    if not links.is_token(token):
        return None
    revision = (
        PlanRevision.objects.select_related("plan")
        .filter(plan__share_token_hash=links.hash_token(token), number=number)
        .first()
    )
    if revision is None or share_link_expired(revision.plan):
        return None
    return revision


def find_plan_by_edit_token(token: str) -> Plan | None:
    """Return the plan this edit link opens, or None. Edit links never expire."""
    return Plan.objects.by_edit_token(token).select_related("audit_import").first()


def find_revision_by_edit_token(token: str, number: int) -> PlanRevision | None:
    """Return revision `number` of the plan this edit link opens (one query), or None."""
    if not links.is_token(token):
        return None
    return (
        PlanRevision.objects.select_related("plan")
        .filter(plan__edit_token_hash=links.hash_token(token), number=number)
        .first()
    )


def share_link_expired(plan: Plan, *, now: dt.datetime | None = None) -> bool:
    """Return whether the plan's share link has passed its expiry."""
    return plan.share_expires_at is not None and plan.share_expires_at <= (now or timezone.now())


def share_token_for(plan: Plan, *, edit_token: str) -> str:
    """Return the plan's share token, recovered from its sealed copy with the edit token."""
    if not links.token_matches(edit_token, plan.edit_token_hash):
        raise WrongEditToken
    return links.unseal_share_token(plan.share_token_sealed, edit_token=edit_token)


def rotate_share_token(plan: Plan, *, edit_token: str) -> str:
    """Replace the share link (the old one stops working) and return the new token."""
    if not links.token_matches(edit_token, plan.edit_token_hash):
        raise WrongEditToken
    share_token = links.new_token()
    changes = {
        "share_token_hash": links.hash_token(share_token),
        "share_token_sealed": links.seal_share_token(share_token, edit_token=edit_token),
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
    new_edit_token = links.new_token()
    changes = {
        "edit_token_hash": links.hash_token(new_edit_token),
        "share_token_sealed": links.seal_share_token(share_token, edit_token=new_edit_token),
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
    if not links.is_token(token):
        return []
    revisions = list(
        PlanRevision.objects.select_related("plan")
        .filter(plan__share_token_hash=links.hash_token(token), number__in=list(numbers))
        .order_by("number")
    )
    if revisions and share_link_expired(revisions[0].plan):
        return []
    return revisions


def save_import(plan: Plan, *, current: CurrentConfig) -> PlanImport:
    """Store what the tenant already has against the plan's current revision.

    Replaces any earlier import of this plan: a plan keeps one, the latest.
    """
    with transaction.atomic():
        plan_import, _ = PlanImport.objects.update_or_create(
            plan=plan,
            defaults={
                "revision": plan.revision,
                "data": current.to_dict(),
                "imported_at": timezone.now(),
            },
        )
        # The current revision's PDFs show the comparison: render them again.
        revision = PlanRevision.objects.get(plan=plan, number=plan.revision)
        revision.pdfs.all().delete()
        pdfs.render_after_commit(revision)
    plan.audit_import = plan_import
    return plan_import
