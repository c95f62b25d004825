"""The engine's output: one `Recommendation` that the page, the PDF and the API all read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .guides import Guide

# The admin center's From/To choices (classic EAC wording; the new EAC says "Microsoft 365").
ENDPOINT_LABELS = {
    "your-organization-email-server": "Your organization's email server",
    "office-365": "Office 365",
    "partner-organization": "Partner organization",
}


@dataclass(frozen=True)
class FillIn:
    """A cmdlet parameter whose value the admin must supply before creating the connector."""

    parameter: str
    hint: str

    def to_dict(self) -> dict:
        return {"parameter": self.parameter, "hint": self.hint}


@dataclass(frozen=True)
class Connector:
    id: str
    title: str
    purpose: str
    from_: str
    to: str
    connector_type: str
    cmdlet: str
    required: bool
    action: str
    settings: dict[str, Any]
    guide: str
    rule: str
    reason: str
    partner: str | None = None
    fill_in: tuple[FillIn, ...] = ()

    @property
    def direction(self) -> str:
        return "inbound" if self.cmdlet == "New-InboundConnector" else "outbound"

    @property
    def from_label(self) -> str:
        return ENDPOINT_LABELS[self.from_]

    @property
    def to_label(self) -> str:
        return ENDPOINT_LABELS[self.to]

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "purpose": self.purpose,
            "from": self.from_,
            "to": self.to,
            "connector_type": self.connector_type,
            "cmdlet": self.cmdlet,
            "required": self.required,
            "action": self.action,
            "settings": _json(self.settings),
            "fill_in": [item.to_dict() for item in self.fill_in],
            "partner": self.partner,
            "guide": self.guide,
            "rule": self.rule,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Note:
    code: str
    severity: str  # "blocker", "warning" or "info"; blockers come first
    text: str
    guide: str | None
    rule: str
    source: str = ""  # where the advice comes from (reference section, finding, Microsoft doc)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "text": self.text,
            "guide": self.guide,
            "rule": self.rule,
            "source": self.source,
        }


@dataclass(frozen=True)
class DeviceOption:
    key: str  # smtp-auth, direct-send, smtp-relay
    title: str
    verdict: str  # recommended, possible, unsuitable
    why: str
    guide: str

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "verdict": self.verdict,
            "why": self.why,
            "guide": self.guide,
        }


@dataclass(frozen=True)
class DeviceAdvice:
    recommended: str  # smtp-auth, direct-send, smtp-relay, onprem-relay
    summary: str
    options: tuple[DeviceOption, ...] = ()

    def to_dict(self) -> dict:
        return {
            "recommended": self.recommended,
            "summary": self.summary,
            "options": [option.to_dict() for option in self.options],
        }


@dataclass(frozen=True)
class FiredRule:
    id: str
    reason: str
    source: str

    def to_dict(self) -> dict:
        return {"id": self.id, "reason": self.reason, "source": self.source}


@dataclass(frozen=True)
class ChecklistItem:
    """One step of putting the plan into practice, in the order an admin does them."""

    phase: str  # before, configure, test, after
    text: str
    guide: str | None
    note: str | None = None  # the code of the note that explains this step, if any

    def to_dict(self) -> dict:
        return {"phase": self.phase, "text": self.text, "guide": self.guide, "note": self.note}


@dataclass(frozen=True)
class Recommendation:
    rules_version: int
    connectors_needed: str  # required, optional, none
    own_servers: str | None  # manual-connectors, consider-hybrid, created-by-hybrid-wizard
    summary: str
    connectors: tuple[Connector, ...]
    notes: tuple[Note, ...]
    guides: tuple[Guide, ...]
    devices: DeviceAdvice | None
    rules: tuple[FiredRule, ...]
    # {"exchange_online": script (empty when nothing to create), "on_premises": script or None}
    powershell: dict[str, str | None] = field(
        default_factory=lambda: {"exchange_online": "", "on_premises": None}
    )
    checklist: tuple[ChecklistItem, ...] = ()

    def to_dict(self) -> dict:
        return {
            "rules_version": self.rules_version,
            "connectors_needed": self.connectors_needed,
            "own_servers": self.own_servers,
            "summary": self.summary,
            "connectors": [connector.to_dict() for connector in self.connectors],
            "guides": [item.to_dict() for item in self.guides],
            "notes": [note.to_dict() for note in self.notes],
            "devices": self.devices.to_dict() if self.devices else None,
            "rules": [rule.to_dict() for rule in self.rules],
            "powershell": dict(self.powershell),
            "checklist": [item.to_dict() for item in self.checklist],
        }


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    return value
