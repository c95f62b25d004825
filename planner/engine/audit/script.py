"""The Exchange Online script that follows a comparison: change only what differs.

Connectors that exist with other settings get `Set-…Connector -Identity '<existing name>'` with
just the differing parameters; missing ones get `New-…Connector` with every planned setting.
Removals and organization-wide hardening are judgement calls, so they are written as comments
for the admin to uncomment. Quoting and placeholders come from `planner.engine.powershell`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..powershell import RULE, _comment, _pascal, _Placeholders, _splat, ps_quote
from .compare import DIFFERS, MISSING, REMOVE, Comparison

# Organization-wide fixes offered (commented out) for these findings.
_HARDENING = {
    "smtp-auth-enabled": "Set-TransportConfig -SmtpClientAuthenticationDisabled $true",
    "direct-send-not-rejected": "Set-OrganizationConfig -RejectDirectSend $true",
}


@dataclass(frozen=True)
class Change:
    """One cmdlet call the script makes (or, `commented`, suggests)."""

    cmdlet: str  # New-/Set-/Remove-InboundConnector or ...OutboundConnector
    identity: str | None  # the existing connector, for Set and Remove
    parameters: Mapping[str, Any] = field(default_factory=dict)
    plan_id: str | None = None
    title: str = ""
    commented: bool = False

    def to_dict(self) -> dict:
        return {
            "cmdlet": self.cmdlet,
            "identity": self.identity,
            "parameters": dict(self.parameters),
            "plan_id": self.plan_id,
            "title": self.title,
            "commented": self.commented,
        }


def _noun(direction: str) -> str:
    return "InboundConnector" if direction == "inbound" else "OutboundConnector"


def changes(recommendation: Mapping[str, Any], comparison: Comparison) -> tuple[Change, ...]:
    """Return the calls that bring the tenant to the plan, in plan order, removals last."""
    if not comparison.compared_exchange_online:
        return ()
    planned = {item.get("id"): item for item in recommendation.get("connectors") or ()}
    out = []
    for item in comparison.connectors:
        noun = _noun(item.direction)
        if item.status == DIFFERS:
            out.append(
                Change(
                    f"Set-{noun}",
                    item.existing_name,
                    {diff.parameter: diff.planned for diff in item.differences},
                    item.plan_id,
                    item.title,
                )
            )
        elif item.status == MISSING and item.action == "create":
            settings = dict(planned[item.plan_id].get("settings") or {})
            out.append(Change(f"New-{noun}", None, settings, item.plan_id, item.title))
    for item in comparison.unplanned:
        if item.disposition == REMOVE:
            out.append(Change(f"Remove-{_noun(item.direction)}", item.name, commented=True))
    return tuple(out)


def audit_script(recommendation: Mapping[str, Any], comparison: Comparison) -> str:
    """Return the Exchange Online script that changes only what differs from the plan."""
    planned = {item.get("id"): item for item in recommendation.get("connectors") or ()}
    placeholders = _Placeholders()
    body: list[str] = []
    for number, change in enumerate(changes(recommendation, comparison), start=1):
        if change.commented:
            body += [
                RULE,
                _comment(f"{number}. Remove {change.identity}: your plan doesn't need it."),
                "#    Read why in the comparison, then uncomment the line to remove it.",
                RULE,
                _comment(f"{change.cmdlet} -Identity {ps_quote(change.identity)} -Confirm:$false"),
                "",
            ]
            continue
        fills = {
            fill["parameter"]: fill["hint"] for fill in planned[change.plan_id].get("fill_in") or ()
        }
        values = {
            parameter: placeholders.add(
                _pascal(change.plan_id or "") + parameter,
                fills.get(parameter, f"{parameter} for the connector"),
                many=parameter in ("SmartHosts", "SenderIPAddresses"),
            )
            for parameter, value in change.parameters.items()
            if value is None
        }
        if change.cmdlet.startswith("Set-"):
            what = f"{number}. Change {change.identity}: {change.title}"
            parameters = {"Identity": change.identity, **change.parameters}
        else:
            what = f"{number}. Create: {change.title}"
            parameters = dict(change.parameters)
        body += [
            RULE,
            _comment(what),
            RULE,
            *_splat(parameters, values),
            f"{change.cmdlet} @params",
            "",
        ]
    hardening = [
        _comment(_HARDENING[finding.code])
        for finding in comparison.findings
        if finding.code in _HARDENING and finding.subject == "Organization"
    ]
    if hardening:
        body += [
            RULE,
            "# Organization-wide hardening from the findings: uncomment once nothing needs the",
            "# old behaviour.",
            RULE,
            *hardening,
            "",
        ]
    header = [
        RULE,
        "# Connector plan: changes to what your tenant already has (Exchange Online side)",
        RULE,
        "# Sets only the settings that differ from the plan and creates the missing",
        "# connectors. Removals are comments: uncomment them once you have checked.",
        "# Run in Exchange Online PowerShell, after Connect-ExchangeOnline. Read it first.",
        RULE,
        "",
        "$ErrorActionPreference = 'Stop'",
        "if (-not (Get-Command Get-InboundConnector -ErrorAction SilentlyContinue)) {",
        "    throw 'Connect to Exchange Online first: Connect-ExchangeOnline'",
        "}",
        "",
    ]
    if not comparison.compared_exchange_online:
        body = ["# Nothing to do yet: upload the Exchange Online export to compare with the plan."]
    elif "@params" not in "\n".join(body):
        body = ["# Nothing to change: your connectors already match the plan.", "", *body]
    return "\n".join([*header, *placeholders.section(), *body]).rstrip() + "\n"
