"""The wizard's steps: their order, when each applies, and which step asks which answer."""

from __future__ import annotations

from typing import NamedTuple

from planner.engine.answers import EXCHANGE_VERSIONS as ENGINE_EXCHANGE_VERSIONS

STEPS = (
    "server",
    "updates",
    "subscription",
    "hybrid",
    "configuration",
    "organization",
    "mx",
    "devices",
    "oauth",
    "partners",
    "partner",
    "check",
)

# The wizard asks for the exact Exchange version (rules version 2); "exchange-2010-or-later"
# stays valid through the API only.
EXCHANGE_VERSIONS = frozenset(ENGINE_EXCHANGE_VERSIONS)


# Each condition reads `cleaned`: the cleaned data of the earlier steps that apply, by step.


def _answer(cleaned: dict, step: str, field: str):
    return (cleaned.get(step) or {}).get(field)


def updates_apply(cleaned) -> bool:
    """Ask whether the servers are up to date only for Exchange 2010 or later."""
    return _answer(cleaned, "server", "onprem_server") in EXCHANGE_VERSIONS


def hybrid_applies(cleaned) -> bool:
    """Ask about the Hybrid Configuration Wizard only for Exchange 2010 or later with Exchange Online."""
    return (
        _answer(cleaned, "server", "onprem_server") in EXCHANGE_VERSIONS
        and _answer(cleaned, "subscription", "subscription") == "exchange-online"
    )


def configuration_applies(cleaned) -> bool:
    """Ask which Hybrid Configuration Wizard configuration was chosen only after it was run."""
    return hybrid_applies(cleaned) and _answer(cleaned, "hybrid", "hybrid_completed") == "yes"


def oauth_applies(cleaned) -> bool:
    """Ask about OAuth only for devices that send mail and may be able to use SMTP AUTH."""
    return _answer(cleaned, "devices", "send_mail") == "yes" and _answer(
        cleaned, "devices", "smtp_auth_capable"
    ) in ("yes", "unknown")


def organization_applies(cleaned) -> bool:
    """Ask for the on-premises server's details unless there is no on-premises server."""
    return _answer(cleaned, "server", "onprem_server") != "none"


def partner_list_applies(cleaned) -> bool:
    """Show the partner list editor only after a yes to the partners question."""
    return _answer(cleaned, "partners", "partners") == "yes"


CONDITIONS = {
    "updates": updates_apply,
    "hybrid": hybrid_applies,
    "configuration": configuration_applies,
    "organization": organization_applies,
    "oauth": oauth_applies,
    "partner": partner_list_applies,
}


class Where(NamedTuple):
    step: str
    field: str | None
    index: int | None = None


_TOP_LEVEL = {
    "onprem_server": Where("server", "onprem_server"),
    "subscription": Where("subscription", "subscription"),
    "onprem_up_to_date": Where("updates", "onprem_up_to_date"),
    "hybrid_completed": Where("hybrid", "hybrid_completed"),
    "hybrid_configuration": Where("configuration", "hybrid_configuration"),
    "mx_points_to": Where("mx", "mx_points_to"),
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
    if head == "devices" and rest and rest[0] == "oauth_capable":
        return Where("oauth", "oauth_capable")
    if head in ("organization", "devices"):
        return Where(head, rest[0] if rest else None)
    if head == "partners":
        if rest and rest[0].isdigit():
            return Where("partner", rest[1] if len(rest) > 1 else None, int(rest[0]))
        return Where("partner", None)
    return None
