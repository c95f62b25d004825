"""The plan document of api/CONTRACT.md: what the API returns and the exports render."""

from __future__ import annotations

import datetime as dt

from planner.engine import RULES_VERSION
from planner.models import Plan, PlanRevision

SCHEMA = "connector-plan/1"


def iso_utc(moment: dt.datetime) -> str:
    """Return `moment` as ISO 8601 in UTC with a Z, to the second."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def share_path(share_token: str) -> str:
    return f"/p/{share_token}/"


def edit_path(edit_token: str) -> str:
    return f"/e/{edit_token}/"


def plan_links(share_token: str, *, revision: int | None = None) -> dict:
    """Return the site-relative links of a shared plan (or of one of its revisions)."""
    html = share_path(share_token)
    if revision is not None:
        html += f"revisions/{revision}/"
    return {
        "html": html,
        "pdf": f"/p/{share_token}/pdf",
        "markdown": f"/p/{share_token}/plan.md",
        "json": f"/api/plans/{share_token}",
    }


def plan_document(plan: Plan, *, share_token: str, revision: PlanRevision | None = None) -> dict:
    """Return the contract's plan document for the current plan, or for an older `revision`."""
    if revision is None:
        name, number, updated_at = plan.name, plan.revision, plan.updated_at
        answers, recommendation, rules_version = (
            plan.answers,
            plan.recommendation,
            plan.rules_version,
        )
        links = plan_links(share_token)
    else:
        name, number, updated_at = revision.name, revision.number, revision.created_at
        answers, recommendation, rules_version = (
            revision.answers,
            revision.recommendation,
            revision.rules_version,
        )
        links = plan_links(share_token, revision=None if number == plan.revision else number)
    return {
        "schema": SCHEMA,
        "name": name,
        "revision": number,
        "latest_revision": plan.revision,
        "rules_version": rules_version,
        # A plan keeps the recommendation it was saved with; this says whether newer rules exist.
        "current_rules_version": RULES_VERSION,
        "created_at": iso_utc(plan.created_at),
        "updated_at": iso_utc(updated_at),
        "share_expires_at": iso_utc(plan.share_expires_at) if plan.share_expires_at else None,
        "answers": answers,
        "recommendation": recommendation,
        "links": links,
    }
