"""What a plan shows: the plan document of api/CONTRACT.md (the API's answer), and the one
context built from it for the plan page, the PDF and the Markdown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import datetime

from planner.audit import audit_context, audit_document
from planner.diagram import mail_flow
from planner.engine import RULES_VERSION
from planner.engine.answers import Answers
from planner.engine.recommendation import ENDPOINT_LABELS
from planner.engine.summary import answer_rows
from planner.links import SHARE, Links, json_path
from planner.models import Plan, PlanRevision

SCHEMA = "connector-plan/1"

ACTION_LABELS = {
    "create": "Create",
    "review-existing": "Review the existing connector",
}
SEVERITY_LABELS = {"blocker": "Blockers", "warning": "Warnings", "info": "Information"}
# Blockers (mail cannot flow as answered) come first in every rendering, then warnings.
SEVERITY_ORDER = {"blocker": 0, "warning": 1}
BLOCKER_CALLOUT = "This plan has blockers: mail cannot flow as answered until they are resolved."
VERDICT_LABELS = {
    "recommended": "Recommended",
    "possible": "Possible",
    "unsuitable": "Not suitable",
}
PHASE_LABELS = {
    "before": "Before you start",
    "configure": "Configure",
    "test": "Test",
    "after": "Afterwards",
}
FOOTER_LINE = "Guidance based on Microsoft's documentation; check it against your environment."


def iso_utc(moment: dt.datetime) -> str:
    """Return `moment` as ISO 8601 in UTC with a Z, to the second."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def plan_links(share_token: str, *, revision: int | None = None) -> dict:
    """Return the site-relative links of a shared plan (or of one of its revisions)."""
    links = Links(SHARE, share_token)
    return {
        "html": links.plan if revision is None else links.revision(revision),
        "pdf": links.pdf,
        "markdown": links.markdown,
        "json": json_path(share_token),
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
    document = {
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
    plan_import = plan.current_import() if revision is None else None
    if plan_import is not None:
        document["audit"] = audit_document(
            plan_import.data,
            recommendation,
            imported_at=iso_utc(plan_import.imported_at),
            revision=plan_import.revision,
        )
    return document


@dataclass(frozen=True)
class SettingRow:
    parameter: str
    value: str
    fill_in: bool  # the admin must supply the value; `value` holds the hint


def plan_context(document: dict, *, share_url: str) -> dict:
    """Return the template context shared by the plan page, the PDF and the Markdown."""
    recommendation = document["recommendation"]
    guides = {item["key"]: item for item in recommendation["guides"]}
    notes = sorted(
        recommendation["notes"], key=lambda note: SEVERITY_ORDER.get(note["severity"], 2)
    )
    devices = recommendation.get("devices")
    notes = [
        {
            **note,
            "severity_label": SEVERITY_LABELS.get(note["severity"], note["severity"]),
            "guide": guides.get(note["guide"]),
        }
        for note in notes
    ]
    audit = audit_context(document.get("audit"))
    powershell = recommendation.get("powershell") or {}
    if audit and audit["compared_exchange_online"]:
        # With an import, the Exchange Online script changes only what differs (issue 16).
        powershell = {**powershell, "exchange_online": audit["script"]}
    rules_version = document.get("rules_version", recommendation.get("rules_version"))
    current_rules_version = document.get("current_rules_version", rules_version)
    return {
        "name": document["name"],
        "revision": document["revision"],
        "rules_version": rules_version,
        "current_rules_version": current_rules_version,
        "rules_outdated": rules_version < current_rules_version,
        "rules_line": rules_line(rules_version, current=current_rules_version),
        "created_at": document["created_at"],
        "updated_at": document["updated_at"],
        "updated_on": _display_date(document["updated_at"]),
        "share_url": share_url,
        "summary": recommendation["summary"],
        "mail_flow": mail_flow(document["answers"], recommendation),
        "answers": answer_rows(Answers.from_dict(document["answers"])),
        "connectors": [_connector(item, guides) for item in recommendation["connectors"]],
        "devices": _devices(devices, guides) if devices else None,
        "notes": notes,
        "blockers": [note for note in notes if note["severity"] == "blocker"],
        "blocker_callout": BLOCKER_CALLOUT,
        "checklist": _checklist(recommendation.get("checklist") or [], guides),
        "test_steps": sum(
            1 for item in recommendation.get("checklist") or [] if item["phase"] == "test"
        ),
        "rollback": rollback(recommendation),
        "scripts": _scripts(powershell),
        "powershell": powershell,
        "audit": audit,
        "guides": recommendation["guides"],
        "footer_line": FOOTER_LINE,
    }


def rules_line(version: int, *, current: int) -> str:
    """Return the sentence naming the rules version a plan was made with, and any newer one."""
    if version < current:
        return (
            f"Made with version {version} of the planner's rules. The current rules are version "
            f"{current}: the plan keeps its advice until its owner saves it with the current rules."
        )
    return f"Made with version {version} of the planner's rules (the current version)."


SCRIPT_TITLES = {
    "exchange_online": "Exchange Online PowerShell",
    "on_premises": "On-premises server",
}


def _scripts(powershell: dict) -> list[dict]:
    return [
        {"key": key, "title": title, "text": powershell[key]}
        for key, title in SCRIPT_TITLES.items()
        if powershell.get(key)
    ]


def _connector(connector: dict, guides: dict) -> dict:
    hints = {item["parameter"]: item["hint"] for item in connector.get("fill_in", [])}
    rows = []
    # A connector the plan doesn't create (the HCW made it) has no settings to type in.
    settings = connector["settings"] if connector["action"] == "create" else {}
    for parameter, value in settings.items():
        if value is None:
            rows.append(SettingRow(parameter, hints.get(parameter, "a value"), fill_in=True))
        else:
            rows.append(SettingRow(parameter, setting_text(value), fill_in=False))
    return {
        **connector,
        "from_label": ENDPOINT_LABELS[connector["from"]],
        "to_label": ENDPOINT_LABELS[connector["to"]],
        "requirement": "Required" if connector["required"] else "Optional",
        "action_label": ACTION_LABELS.get(connector["action"], connector["action"]),
        "creates": connector["action"] == "create",
        "review_cmdlet": review_cmdlet(connector["cmdlet"]),
        "setting_rows": rows,
        "guide": guides.get(connector["guide"]),
    }


def review_cmdlet(cmdlet: str) -> str:
    """Return the Get- cmdlet that shows what `cmdlet` (New-InboundConnector, ...) makes."""
    return "Get-" + cmdlet.partition("-")[2]


def _ps_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def rollback(recommendation: dict) -> dict:
    """Return how to back out what the plan creates: disable, then remove, each connector.

    Only the connectors the plan creates (a connector made by the Hybrid Configuration Wizard
    is left alone), in reverse order. `disable` and `remove` are PowerShell lines.
    """
    created = [
        item
        for item in recommendation["connectors"]
        if item["action"] == "create" and item["settings"].get("Name")
    ]
    lines = []
    for item in reversed(created):
        noun = item["cmdlet"].partition("-")[2]
        name = _ps_quote(item["settings"]["Name"])
        lines.append(
            {
                "name": item["settings"]["Name"],
                "disable": f"Set-{noun} -Identity {name} -Enabled $false",
                "remove": f"Remove-{noun} -Identity {name} -Confirm:$false",
            }
        )
    return {
        "connectors": lines,
        "disable_script": "\n".join(line["disable"] for line in lines),
        "remove_script": "\n".join(line["remove"] for line in lines),
        "on_premises": bool((recommendation.get("powershell") or {}).get("on_premises")),
    }


def _devices(devices: dict, guides: dict) -> dict:
    return {
        **devices,
        "options": [
            {
                **option,
                "verdict_label": VERDICT_LABELS.get(option["verdict"], option["verdict"]),
                "guide": guides.get(option["guide"]),
            }
            for option in devices.get("options", [])
        ],
    }


def _checklist(items: list[dict], guides: dict) -> list[dict]:
    phases = {phase: [] for phase in PHASE_LABELS}
    for item in items:
        phases.setdefault(item["phase"], []).append({**item, "guide": guides.get(item["guide"])})
    return [
        {"label": PHASE_LABELS.get(phase, phase.capitalize()), "items": entries}
        for phase, entries in phases.items()
        if entries
    ]


def setting_text(value) -> str:
    """Return a cmdlet parameter value as an admin would type it (lists comma-separated)."""
    if isinstance(value, bool):
        return "$true" if value else "$false"
    if isinstance(value, list | tuple):
        return ", ".join(setting_text(item) for item in value)
    return str(value)


def _display_date(stamp: str) -> str:
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"
