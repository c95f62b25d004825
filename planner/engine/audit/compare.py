"""Compare a plan with what the tenant already has.

Each planned connector is matched to at most one existing connector of the same direction:
first by name (Exchange Online names are case-insensitive), then, among the rest, by a
heuristic: the same ConnectorType and the best overlap of what identifies a connector. Scores:
3 for a shared sender IP, certificate name or smart host; 2 for a shared sender or recipient
domain (other than *); 1 when both cover all senders (*) or all accepted domains; 2 for a
connector the Hybrid Configuration Wizard made when the plan reviews the wizard's connectors.
The highest score wins (ties: the existing order); a score of 0 is no match. Planned
connectors are matched in plan order, so the plan's first connector picks first.

Settings are compared generically: every planned parameter is read back through
`schema.PARAMETER_PROPERTIES` and compared in the normal form of its kind (`values.py`), so
new parameters in the rules need no code here. Name is how a match is found, not a setting to
compare; a planned value of None (the admin still has to fill it in) can't be compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import schema
from .findings import Context, Finding, find
from .model import CurrentConfig, ExistingConnector
from .values import kind_of, normal, same

FORMAT = 1  # of `Comparison.to_dict()`
MATCHES, DIFFERS, MISSING = "matches", "differs", "missing"
KEEP, REVIEW, REMOVE = "keep", "review", "remove"


@dataclass(frozen=True)
class Difference:
    parameter: str
    property: str
    current: Any
    planned: Any

    def to_dict(self) -> dict:
        return {
            "parameter": self.parameter,
            "property": self.property,
            "current": list(self.current) if isinstance(self.current, tuple) else self.current,
            "planned": self.planned,
        }


@dataclass(frozen=True)
class PlannedConnector:
    """One connector of the plan, and what the tenant has for it."""

    plan_id: str
    title: str
    direction: str
    action: str  # the plan's: create, review-existing
    status: str  # matches, differs, missing
    existing_name: str | None = None
    matched_by: str | None = None  # name, heuristic
    differences: tuple[Difference, ...] = ()
    unchecked: tuple[str, ...] = ()  # parameters the admin still has to fill in

    def to_dict(self) -> dict:
        return {
            "plan_id": self.plan_id,
            "title": self.title,
            "direction": self.direction,
            "action": self.action,
            "status": self.status,
            "existing_name": self.existing_name,
            "matched_by": self.matched_by,
            "differences": [item.to_dict() for item in self.differences],
            "unchecked": list(self.unchecked),
        }


@dataclass(frozen=True)
class UnplannedConnector:
    """An existing connector the plan doesn't need, and what to do with it."""

    name: str
    direction: str
    connector_type: str | None
    disposition: str  # keep, review, remove
    why: str

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "direction": self.direction,
            "connector_type": self.connector_type,
            "disposition": self.disposition,
            "why": self.why,
        }


@dataclass(frozen=True)
class Comparison:
    connectors: tuple[PlannedConnector, ...]
    unplanned: tuple[UnplannedConnector, ...]
    findings: tuple[Finding, ...]
    compared_exchange_online: bool  # False: no Exchange Online export, nothing matched

    @property
    def clean(self) -> bool:
        """Whether every planned connector exists exactly as planned."""
        return all(item.status == MATCHES for item in self.connectors)

    def counts(self) -> dict[str, int]:
        counts = {MATCHES: 0, DIFFERS: 0, MISSING: 0}
        for item in self.connectors:
            counts[item.status] += 1
        counts["unplanned"] = len(self.unplanned)
        return counts

    def to_dict(self) -> dict:
        return {
            "format": FORMAT,
            "clean": self.clean,
            "compared_exchange_online": self.compared_exchange_online,
            "counts": self.counts(),
            "connectors": [item.to_dict() for item in self.connectors],
            "unplanned": [item.to_dict() for item in self.unplanned],
            "findings": [item.to_dict() for item in self.findings],
        }


def direction_of(planned: Mapping[str, Any]) -> str:
    return schema.CMDLET_DIRECTION[planned["cmdlet"]]


def _type_of(planned: Mapping[str, Any]) -> str | None:
    return (planned.get("settings") or {}).get("ConnectorType") or planned.get("connector_type")


def _overlap(planned: Mapping, existing: ExistingConnector, direction: str, parameter: str):
    value = (planned.get("settings") or {}).get(parameter)
    if value is None:
        return frozenset()
    prop = kind_of(direction, parameter, value)
    return normal(prop, value) & normal(prop, existing[prop.name])


def _score(planned: Mapping[str, Any], existing: ExistingConnector) -> int:
    direction = direction_of(planned)
    if (existing.connector_type or "").lower() != (_type_of(planned) or "").lower():
        return 0
    settings = planned.get("settings") or {}
    score = 0
    if planned.get("action") == "review-existing" and existing["ConnectorSource"] == "HybridWizard":
        score += 2
    if direction == "inbound":
        if _overlap(planned, existing, direction, "SenderIPAddresses"):
            score += 3
        name = settings.get("TlsSenderCertificateName")
        if name and same(
            kind_of(direction, "TlsSenderCertificateName", name),
            existing["TlsSenderCertificateName"],
            name,
        ):
            score += 3
        domains = _overlap(planned, existing, direction, "SenderDomains")
        score += 2 if domains - {"*"} else 1 if domains else 0
    else:
        if _overlap(planned, existing, direction, "SmartHosts"):
            score += 3
        domains = _overlap(planned, existing, direction, "RecipientDomains")
        score += 2 if domains - {"*"} else 1 if domains else 0
        if settings.get("AllAcceptedDomains") and existing["AllAcceptedDomains"]:
            score += 1
    if not settings and planned.get("action") == "review-existing":
        score = max(score, 1)  # the wizard's connectors: any OnPremises one of that direction
    return score


def _match(planned_list, current: CurrentConfig):
    pool = {
        "inbound": list(current.inbound_connectors),
        "outbound": list(current.outbound_connectors),
    }
    pairs: dict[int, tuple[ExistingConnector, str]] = {}
    for number, planned in enumerate(planned_list):
        name = ((planned.get("settings") or {}).get("Name") or "").lower()
        candidates = pool[direction_of(planned)]
        found = next((item for item in candidates if name and item.name.lower() == name), None)
        if found:
            candidates.remove(found)
            pairs[number] = (found, "name")
    for number, planned in enumerate(planned_list):
        if number in pairs:
            continue
        candidates = pool[direction_of(planned)]
        scored = [(score, item) for item in candidates if (score := _score(planned, item)) > 0]
        if scored:
            best = max(scored, key=lambda pair: pair[0])[1]
            candidates.remove(best)
            pairs[number] = (best, "heuristic")
    return pairs, pool


def _differences(planned: Mapping[str, Any], existing: ExistingConnector):
    direction = direction_of(planned)
    differences, unchecked = [], []
    for parameter, value in (planned.get("settings") or {}).items():
        if parameter == "Name":
            continue
        if value is None:
            unchecked.append(parameter)
            continue
        prop = kind_of(direction, parameter, value)
        if not same(prop, existing[prop.name], value):
            differences.append(Difference(parameter, prop.name, existing[prop.name], value))
    return tuple(differences), tuple(unchecked)


def _disposition(existing: ExistingConnector, planned_list, own_servers) -> tuple[str, str]:
    direction = existing.direction
    planned_onprem = any(
        direction_of(item) == direction and (_type_of(item) or "") == "OnPremises"
        for item in planned_list
    )
    if existing["ConnectorSource"] == "HybridWizard":
        if own_servers:
            return KEEP, (
                "The Hybrid Configuration Wizard made it: keep it, and change it by rerunning "
                "the wizard rather than by hand."
            )
        return REVIEW, (
            "The Hybrid Configuration Wizard made it, but your plan has no on-premises server. "
            "Remove it only once the last on-premises server is gone."
        )
    if existing["Enabled"] is False:
        return REMOVE, "It is disabled, so it carries no mail, and your plan doesn't need it."
    if existing.connector_type == "OnPremises" and not planned_onprem:
        return REMOVE, (
            "An OnPremises connector gives mail special rights (relay through your tenant, "
            "mail treated as your organization's), and your plan needs none in this direction."
        )
    if existing.connector_type == "OnPremises":
        return REVIEW, (
            "A second OnPremises connector for this direction: when connectors overlap, which "
            "one Exchange Online picks is hard to predict. Merge it into the planned one or "
            "remove it."
        )
    if existing.connector_type == "Partner":
        return REVIEW, (
            "A partner connector your answers don't mention. Keep it while that partner still "
            "exchanges mail with you; add the partner to your answers so the plan covers it."
        )
    return REVIEW, "Your plan doesn't account for this connector; check what it is for."


def compare(recommendation: Mapping[str, Any], current: CurrentConfig) -> Comparison:
    """Return how the tenant's connectors and settings stand against the plan.

    `recommendation` is `Recommendation.to_dict()`, so stored plans of any rules version work.
    Without an Exchange Online export every planned connector is "missing" and
    `compared_exchange_online` is False: say so rather than suggest creating them all.
    """
    planned_list = [
        item
        for item in recommendation.get("connectors") or ()
        if item.get("cmdlet") in schema.CMDLET_DIRECTION
    ]
    pairs, left = _match(planned_list, current)
    results = []
    for number, planned in enumerate(planned_list):
        base = {
            "plan_id": planned.get("id") or "",
            "title": planned.get("title") or "",
            "direction": direction_of(planned),
            "action": planned.get("action") or "create",
        }
        if number not in pairs:
            results.append(PlannedConnector(**base, status=MISSING))
            continue
        existing, how = pairs[number]
        differences, unchecked = _differences(planned, existing)
        results.append(
            PlannedConnector(
                **base,
                status=DIFFERS if differences else MATCHES,
                existing_name=existing.name,
                matched_by=how,
                differences=differences,
                unchecked=unchecked,
            )
        )
    own_servers = recommendation.get("own_servers")
    unplanned = tuple(
        UnplannedConnector(
            existing.name,
            existing.direction,
            existing.connector_type,
            *_disposition(existing, planned_list, own_servers),
        )
        for existing in left["inbound"] + left["outbound"]
    )
    matches = tuple((planned_list[number], pair[0]) for number, pair in sorted(pairs.items()))
    findings = find(Context(current, recommendation, matches))
    return Comparison(
        connectors=tuple(results),
        unplanned=unplanned,
        findings=findings,
        compared_exchange_online=schema.EXCHANGE_ONLINE in current.kinds,
    )
