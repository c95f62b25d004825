"""Categorical facts the rules match on, derived from the answers by small named functions."""

from __future__ import annotations

from .answers import Answers, Partner
from .connectors import identify_by
from .validation import is_non_public


def device_option(answers: Answers) -> str | None:
    """Return the device option that fits: onprem-relay, smtp-auth, direct-send or smtp-relay.

    §4.5: with an on-premises server, devices relay through it. Otherwise Option 1 (SMTP
    AUTH) is Microsoft's recommendation whenever the devices can do it, and the best guess when
    nobody knows yet; devices that can't sign in use direct send if they only mail internal
    recipients, else SMTP relay through a connector.
    """
    devices = answers.devices
    if not devices.send_mail:
        return None
    if answers.has_onprem_server:
        return "onprem-relay"
    if devices.smtp_auth_capable is True:
        return "smtp-auth"
    if devices.external_recipients is False:
        return "direct-send"
    if devices.smtp_auth_capable is False:
        return "smtp-relay"
    return "smtp-auth"


def partner_restriction(partner: Partner) -> str:
    """Return what an inbound partner connector would enforce."""
    if partner.certificate_domain and partner.sender_ips:
        return "ip-and-certificate"
    if partner.certificate_domain:
        return "certificate"
    if partner.sender_ips:
        return "ip"
    return "tls" if partner.require_tls else "none"


def certificate_outside_domains(answers: Answers) -> bool:
    """Return whether the on-premises certificate domain is outside the listed domains."""
    org = answers.organization
    if not org.onprem_certificate_domain or not org.domains:
        return False
    name = org.onprem_certificate_domain.removeprefix("*.")
    return not any(name == d or name.endswith("." + d) for d in org.domains)


def _has_private(addresses) -> bool:
    return any(is_non_public(a) for a in addresses)


def answer_facts(answers: Answers) -> dict:
    """Return the facts the first stage of rules matches on."""
    manual = answers.has_onprem_server and not answers.hybrid_completed
    return {
        "onprem_server": answers.onprem_server,
        "subscription": answers.subscription,
        "hybrid_completed": answers.hybrid_completed,
        "manual_connectors": manual,
        "identify_by": identify_by(answers) if answers.has_onprem_server else None,
        "certificate_outside_domains": certificate_outside_domains(answers),
        "organization.private_ip": _has_private(answers.organization.onprem_sending_ips),
        "devices.send_mail": answers.devices.send_mail,
        "devices.option": device_option(answers),
        "devices.has_ips": bool(answers.devices.sending_ips),
    }


def partner_facts(partner: Partner) -> dict:
    """Return one partner's facts, added to the answer facts for `for_each` rules."""
    return {
        "partner.inbound": partner.inbound,
        "partner.outbound": partner.outbound,
        "partner.restriction": partner_restriction(partner),
        "partner.outbound_tls": partner.require_tls or bool(partner.certificate_domain),
        "partner.all_senders": "*" in partner.domains,
        "partner.private_ip": _has_private(partner.sender_ips),
    }


def _bucket(count: int) -> str:
    return "none" if count == 0 else "one" if count == 1 else "several"


def plan_facts(connectors) -> dict:
    """Return facts about what the first stage planned, for plan-wide rules."""
    to_create = [c for c in connectors if c.action == "create"]
    partner_inbound = [c for c in to_create if c.purpose == "partner" and c.direction == "inbound"]
    restricting = [
        c
        for c in partner_inbound
        if c.settings.get("RestrictDomainsToIPAddresses")
        or c.settings.get("RestrictDomainsToCertificate")
    ]
    return {
        "plan.outbound_to_create": _bucket(sum(c.direction == "outbound" for c in to_create)),
        "plan.inbound_to_create": _bucket(sum(c.direction == "inbound" for c in to_create)),
        "plan.partner_allow_and_restrict": bool(restricting)
        and len(restricting) < len(partner_inbound),
    }
