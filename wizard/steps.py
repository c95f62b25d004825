"""The wizard's steps: their order, when each applies, and which step asks which answer."""

from __future__ import annotations

from typing import NamedTuple

STEPS = (
    "server",
    "subscription",
    "hybrid",
    "organization",
    "devices",
    "partners",
    "partner",
    "check",
)


def _answer(wizard, step: str, field: str):
    return (wizard.get_cleaned_data_for_step(step) or {}).get(field)


def hybrid_applies(wizard) -> bool:
    """Ask about the Hybrid Configuration Wizard only for Exchange 2010 or later with Exchange Online."""
    return (
        _answer(wizard, "server", "onprem_server") == "exchange-2010-or-later"
        and _answer(wizard, "subscription", "subscription") == "exchange-online"
    )


def organization_applies(wizard) -> bool:
    """Ask for the on-premises server's details unless there is no on-premises server."""
    return _answer(wizard, "server", "onprem_server") != "none"


def partner_list_applies(wizard) -> bool:
    """Show the partner list editor only after a yes to the partners question."""
    return _answer(wizard, "partners", "partners") == "yes"


CONDITIONS = {
    "hybrid": hybrid_applies,
    "organization": organization_applies,
    "partner": partner_list_applies,
}


class Where(NamedTuple):
    step: str
    field: str | None
    index: int | None = None


_TOP_LEVEL = {
    "onprem_server": Where("server", "onprem_server"),
    "subscription": Where("subscription", "subscription"),
    "hybrid_completed": Where("hybrid", "hybrid_completed"),
}


def field_for_path(path: str) -> Where | None:
    """Return the step (and field, and partner number) asking the answer at an error path.

    `answers.partners.1.domains.0` is partner 2's domains field on the `partner` step.
    """
    parts = path.split(".")
    if parts and parts[0] == "answers":
        parts = parts[1:]
    if not parts:
        return None
    head, rest = parts[0], parts[1:]
    if head in _TOP_LEVEL:
        return _TOP_LEVEL[head]
    if head in ("organization", "devices"):
        return Where(head, rest[0] if rest else None)
    if head == "partners":
        if rest and rest[0].isdigit():
            return Where("partner", rest[1] if len(rest) > 1 else None, int(rest[0]))
        return Where("partner", None)
    return None
