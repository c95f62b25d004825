"""recommend(answers) -> Recommendation: run the rules table over an admin's answers."""

from __future__ import annotations

from .answers import Answers
from .checklist import checklist
from .connectors import CONNECTORS, Context
from .devices import device_advice
from .facts import answer_facts, partner_facts, plan_facts
from .guides import guide
from .notes import NOTES
from .powershell import exchange_online_script, on_premises_script
from .recommendation import Connector, FiredRule, Note, Recommendation
from .rules import RULES, RULES_VERSION, Rule

SEED_GUIDE = "use_connectors"
SEVERITY_ORDER = {"blocker": 0, "warning": 1, "info": 2}


def recommend(answers: Answers) -> Recommendation:
    """Return the connector plan for valid `answers` (see `validation.parse_answers`)."""
    facts = answer_facts(answers)
    connectors: list[Connector] = []
    notes: dict[str, Note] = {}
    fired: list[FiredRule] = []
    own_servers = None

    def fire(rule: Rule, ctx: Context | None = None) -> None:
        fired.append(FiredRule(rule.id, rule.reason, rule.source))
        for slug in rule.connectors:
            connectors.extend(CONNECTORS[slug](ctx))
        for code in rule.notes:
            if code not in notes:
                spec = NOTES[code]
                notes[code] = Note(code, spec.severity, spec.text, spec.guide, rule.id, spec.source)

    for rule in RULES:
        if rule.stage == "answers" and rule.for_each is None and rule.matches(facts):
            own_servers = rule.own_servers or own_servers
            fire(rule, _context(answers, rule))
    # Partner by partner, so each partner's connectors stay together in the plan.
    for number, partner in enumerate(answers.partners, start=1):
        partner_view = {**facts, **partner_facts(partner)}
        for rule in RULES:
            if rule.for_each == "partner" and rule.matches(partner_view):
                fire(rule, _context(answers, rule, partner=partner, number=number))

    stage_two = {**facts, **plan_facts(connectors)}
    for rule in RULES:
        if rule.stage == "plan" and rule.matches(stage_two):
            fire(rule)

    connectors.sort(key=_connector_order)
    ordered_notes = sorted(notes.values(), key=lambda n: SEVERITY_ORDER[n.severity])
    devices = device_advice(answers, facts["devices.option"])
    items = checklist(answers, connectors)
    return Recommendation(
        rules_version=RULES_VERSION,
        connectors_needed=_connectors_needed(connectors),
        own_servers=own_servers,
        summary=_summary(answers, own_servers, connectors, ordered_notes),
        connectors=tuple(connectors),
        notes=tuple(ordered_notes),
        guides=_guides(connectors, ordered_notes, devices, items),
        devices=devices,
        rules=tuple(fired),
        powershell={
            "exchange_online": exchange_online_script(answers, connectors),
            "on_premises": on_premises_script(answers, connectors),
        },
        checklist=items,
    )


def _context(answers, rule, *, partner=None, number=0) -> Context:
    return Context(
        answers=answers,
        rule_id=rule.id,
        reason=rule.reason,
        required=rule.required,
        action=rule.action,
        partner=partner,
        partner_number=number,
    )


_PURPOSE_ORDER = {"own-servers": 0, "device-relay": 1, "partner": 2}


def _connector_order(connector: Connector):
    # Required first, then by purpose; the partner's own order and inbound-before-outbound
    # within each purpose come from the rules table and are kept (sort is stable).
    return (not connector.required, _PURPOSE_ORDER[connector.purpose])


def _connectors_needed(connectors) -> str:
    to_create = [c for c in connectors if c.action == "create"]
    if any(c.required for c in to_create):
        return "required"
    return "optional" if to_create else "none"


def _guides(connectors, notes, devices, items=()):
    keys = [SEED_GUIDE]
    keys += [c.guide for c in connectors]
    keys += [n.guide for n in notes if n.guide]
    if devices:
        keys += [option.guide for option in devices.options]
    keys += [item.guide for item in items if item.guide]
    return tuple(guide(key) for key in dict.fromkeys(keys))


def _summary(answers: Answers, own_servers: str | None, connectors, notes=()) -> str:
    create = [c for c in connectors if c.action == "create"]
    required = [c for c in create if c.required]
    optional = [c for c in create if not c.required]
    parts = []
    if any(note.code == "exchange-version-blocked" for note in notes):
        parts.append(
            "Blocker: Exchange Online refuses mail from this Exchange version, so the "
            "connectors below won't carry its mail. Read the first note for the ways forward "
            "before you build anything."
        )
    if own_servers == "created-by-hybrid-wizard":
        parts.append(
            "The Hybrid Configuration Wizard already created the connectors to your Exchange "
            "servers: review them, don't create new ones."
        )
    elif own_servers == "consider-hybrid":
        parts.append(
            "You need a connector in each direction between Exchange Online and your Exchange "
            "servers: let the Hybrid Configuration Wizard create them if hybrid fits, or create "
            "them by hand."
        )
    elif own_servers == "manual-connectors":
        parts.append(
            "You need two connectors, created by hand: one from Office 365 to your email "
            "server and one from your server to Office 365."
        )
    if optional:
        count = len(optional)
        parts.append(
            f"{count} optional connector{'s' if count != 1 else ''} for "
            + " and ".join(
                dict.fromkeys(
                    "your partners" if c.purpose == "partner" else "your devices" for c in optional
                )
            )
            + "."
        )
    if not required and not optional and own_servers != "created-by-hybrid-wizard":
        parts.append(
            "You don't need a connector: Exchange Online sends and receives internet mail "
            "without one."
        )
    return " ".join(parts)
