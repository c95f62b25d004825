"""The audit on the web side: export scripts to download, imports to read, the plan's "audit" block.

The engine (planner.engine.audit) does the work; this module turns its results into the plan
document's `audit` object and the template context, and reads the API's `current_config`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from planner.engine.audit import (
    MAX_FILE_BYTES,
    CurrentConfig,
    ExportError,
    audit_script,
    compare,
    exchange_online_export_script,
    exchange_server_export_script,
    export_file_name,
    from_dict,
    parse_exports,
)
from planner.engine.audit import schema as export_schema

# Export scripts by plan-page script side (planner.links.SCRIPT_SIDES): the on-premises side
# reads Exchange Server.
EXPORTS = {
    "exchange-online": (export_schema.EXCHANGE_ONLINE, exchange_online_export_script),
    "on-premises": (export_schema.EXCHANGE_SERVER, exchange_server_export_script),
}
# The keys of the API's `current_config`, one per export kind.
CONFIG_KEYS = {
    "exchange_online": export_schema.EXCHANGE_ONLINE,
    "exchange_server": export_schema.EXCHANGE_SERVER,
}
MAX_FILE_MB = MAX_FILE_BYTES // (1024 * 1024)
STATUS_LABELS = {"matches": "Matches", "differs": "Differs", "missing": "Missing"}
DISPOSITION_LABELS = {"keep": "Keep", "review": "Review", "remove": "Remove"}
KIND_LABELS = {
    export_schema.EXCHANGE_ONLINE: "Exchange Online",
    export_schema.EXCHANGE_SERVER: "Exchange Server",
}
_INDEX = re.compile(r"\[(\d+)\]")


def export_script(side: str) -> tuple[str, str]:
    """Return (file name, script text) of the read-only export script for a script side."""
    kind, script = EXPORTS[side]
    return export_file_name(kind).removesuffix(".json") + ".ps1", script()


def audit_document(
    data: dict, recommendation: dict, *, imported_at: str | None, revision: int | None
) -> dict:
    """Return the plan document's `audit` object for a stored (or just parsed) import."""
    recommendation = canonical(recommendation)
    current = from_dict(data)
    comparison = compare(recommendation, current)
    return {
        "imported_at": imported_at,
        "revision": revision,
        "current_config": data,
        "comparison": comparison.to_dict(),
        "powershell": {"exchange_online": audit_script(recommendation, comparison)},
    }


def canonical(recommendation: dict) -> dict:
    """Return `recommendation` with each connector's settings in the export schema's order.

    PostgreSQL's jsonb doesn't keep key order, so without this the differences and the script's
    parameters would come out in one order when a plan is created and another once stored.
    """
    connectors = []
    for connector in recommendation.get("connectors") or ():
        direction = export_schema.CMDLET_DIRECTION.get(connector.get("cmdlet"))
        order = list(export_schema.CONNECTOR_PROPERTIES.get(direction, {}))
        settings = connector.get("settings") or {}
        ranked = sorted(
            settings, key=lambda name: (order.index(name) if name in order else len(order), name)
        )
        connectors.append({**connector, "settings": {name: settings[name] for name in ranked}})
    return {**recommendation, "connectors": connectors}


def plan_script(plan, key: str) -> str | None:
    """Return the plan's script for one side; with an import, Exchange Online's follows it."""
    script = (plan.recommendation.get("powershell") or {}).get(key)
    plan_import = plan.current_import()
    if key == "exchange_online" and plan_import is not None:
        current = from_dict(plan_import.data)
        if export_schema.EXCHANGE_ONLINE in current.kinds:
            recommendation = canonical(plan.recommendation)
            return audit_script(recommendation, compare(recommendation, current))
    return script


def field_path(problem_path: str) -> str:
    """Return an export problem's path (`inbound_connectors[0].Name`) dotted, as the API says."""
    return _INDEX.sub(r".\1", problem_path)


def parse_current_config(value: Any, *, prefix: str = "current_config") -> CurrentConfig:
    """Return the CurrentConfig of the API's `current_config`, or raise ValueError(errors dict).

    `current_config` holds the export documents as the scripts write them, by kind:
    {"exchange_online": {...}, "exchange_server": {...}}, either one optional, not both absent.
    """
    if not isinstance(value, dict):
        raise ValueError(
            {prefix: ['Expected an object: {"exchange_online": {...}, "exchange_server": {...}}.']}
        )
    errors: dict[str, list[str]] = {}
    for key in value:
        if key not in CONFIG_KEYS:
            errors[f"{prefix}.{key}"] = [f"Unknown field. Known fields: {', '.join(CONFIG_KEYS)}."]
    given = {key: value[key] for key in CONFIG_KEYS if value.get(key) is not None}
    if not given and not errors:
        errors[prefix] = ["Give at least one export: exchange_online or exchange_server."]
    for key, document in given.items():
        kind = document.get("kind") if isinstance(document, dict) else None
        if kind in export_schema.KINDS and kind != CONFIG_KEYS[key]:
            errors[f"{prefix}.{key}.kind"] = [f"This is a {KIND_LABELS[kind]} export."]
    if errors:
        raise ValueError(errors)
    files = {key: json.dumps(document).encode("utf-8") for key, document in given.items()}
    try:
        return parse_exports(files)
    except ExportError as error:
        for problem in error.problems:
            path = ".".join(
                part for part in (prefix, problem.file, field_path(problem.path)) if part
            )
            errors.setdefault(path, []).append(problem.message)
        raise ValueError(errors) from None


def audit_context(audit: dict | None) -> dict | None:
    """Return the template context of the comparison and the "As found" section."""
    if not audit:
        return None
    comparison = audit["comparison"]
    data = audit["current_config"]
    return {
        **audit,
        "connectors": [
            {
                **item,
                "status_label": STATUS_LABELS.get(item["status"], item["status"]),
                "differences": [
                    {
                        **diff,
                        "current_text": _text(diff["current"]),
                        "planned_text": _text(diff["planned"]),
                    }
                    for diff in item["differences"]
                ],
            }
            for item in comparison["connectors"]
        ],
        "unplanned": [
            {**item, "disposition_label": DISPOSITION_LABELS.get(item["disposition"], "")}
            for item in comparison["unplanned"]
        ],
        "findings": comparison["findings"],
        "counts": comparison["counts"],
        "compared_exchange_online": comparison["compared_exchange_online"],
        "sources": [
            {**source, "label": KIND_LABELS.get(source["kind"], source["kind"])}
            for source in data["sources"]
        ],
        "found": _found(data),
        "script": audit["powershell"]["exchange_online"],
    }


def _found(data: dict) -> list[dict]:
    """Return the "As found" rows: each connector and server the import holds, briefly."""
    rows = []
    for key, what in (
        ("inbound_connectors", "Inbound connector"),
        ("outbound_connectors", "Outbound connector"),
    ):
        for item in data.get(key) or ():
            rows.append(
                {
                    "what": what,
                    "name": item.get("Name"),
                    "detail": ", ".join(
                        part
                        for part in (
                            item.get("ConnectorType"),
                            "enabled" if item.get("Enabled") else "disabled",
                            "made by the Hybrid Configuration Wizard"
                            if item.get("ConnectorSource") == "HybridWizard"
                            else "",
                        )
                        if part
                    ),
                }
            )
    for item in data.get("accepted_domains") or ():
        rows.append(
            {
                "what": "Accepted domain",
                "name": item.get("DomainName"),
                "detail": item.get("DomainType") or "",
            }
        )
    settings = (
        ("organization_config", "RejectDirectSend", "Reject Direct Send"),
        ("transport_config", "SmtpClientAuthenticationDisabled", "SMTP AUTH disabled"),
    )
    for section, name, label in settings:
        record = data.get(section)
        if record is not None:
            rows.append(
                {"what": "Organization setting", "name": label, "detail": _text(record.get(name))}
            )
    for key, what in (
        ("send_connectors", "Send connector"),
        ("receive_connectors", "Receive connector"),
        ("exchange_servers", "Exchange server"),
    ):
        for item in data.get(key) or ():
            detail = item.get("AdminDisplayVersion") or (
                "enabled" if item.get("Enabled") else "disabled"
            )
            rows.append({"what": what, "name": item.get("Name"), "detail": detail or ""})
    return rows


def _text(value: Any) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "$true" if value else "$false"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value) or "(empty)"
    return str(value)
