"""Categorical facts the rules match on, derived from the answers by small named functions."""

from __future__ import annotations

from .answers import (
    BLOCKED_EXCHANGE,
    EXCHANGE_2010_OR_LATER,
    OUT_OF_SUPPORT_EXCHANGE,
    Answers,
    Partner,
)
from .connectors import certificate_name_status, identify_by
from .validation import is_non_public


def device_option(answers: Answers) -> str | None:
    """Return the device option that fits: onprem-relay, smtp-auth or smtp-relay.

    §4.5: with an on-premises server, devices relay through it. Otherwise, in December 2026,
    SMTP AUTH (Option 1) is recommended only with OAuth: Basic authentication for SMTP AUTH is
    disabled by default for existing tenants at the end of December 2026 and unavailable to
    new tenants (F8). Everything else gets the relay connector (Option 3), which authenticates
    the devices by IP address; direct send is never recommended (F9: unauthenticated, and
    blocked once Reject Direct Send is on).
    """
    devices = answers.devices
    if not devices.send_mail:
        return None
    if answers.has_onprem_server:
        return "onprem-relay"
    if devices.oauth_capable is True and devices.smtp_auth_capable is not False:
        return "smtp-auth"
    return "smtp-relay"


def exchange_status(answers: Answers) -> str | None:
    """Return blocked, out-of-support, unknown or current for Exchange; None otherwise (F2, F3)."""
    server = answers.onprem_server
    if server in BLOCKED_EXCHANGE:
        return "blocked"
    if server in OUT_OF_SUPPORT_EXCHANGE:
        return "out-of-support"
    if server == "exchange-2010-or-later":
        return "unknown"
    if server == "exchange-se":
        return "current"
    return None


def hybrid_connectors(answers: Answers) -> str | None:
    """Return whether the Hybrid Configuration Wizard made connectors: exist, none or None.

    Minimal and Express configurations create no connectors (F7); Full does. An unknown
    configuration is treated as Full, and the review script says what to do if none exist.
    """
    if answers.hybrid_completed is not True:
        return None
    return "none" if answers.hybrid_configuration in ("minimal", "express") else "exist"


def filter_partners(answers: Answers) -> tuple[Partner, ...]:
    """Return the inbound partners with sender domain *: a filtering service in front."""
    return tuple(p for p in answers.partners if p.inbound and "*" in p.domains)


def mx_target(answers: Answers) -> str | None:
    """Return where MX effectively points: a filtering service locks it to third-party-service."""
    if filter_partners(answers):
        return "third-party-service"
    return answers.mx_points_to


def wide_device_range(answers: Answers) -> bool:
    """Return whether a device relay range is wider than a single address (F13)."""
    return any("/" in ip for ip in answers.devices.sending_ips)


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
    return certificate_name_status(answers) == "outside"


def _has_private(addresses) -> bool:
    return any(is_non_public(a) for a in addresses)


def answer_facts(answers: Answers) -> dict:
    """Return the facts the first stage of rules matches on."""
    hybrid = hybrid_connectors(answers)
    manual = answers.has_onprem_server and hybrid != "exist"
    target = mx_target(answers)
    identify = identify_by(answers) if answers.has_onprem_server else None
    certificate = certificate_name_status(answers) if identify == "certificate" else None
    return {
        "onprem_server": answers.onprem_server,
        "subscription": answers.subscription,
        "hybrid_completed": answers.hybrid_completed,
        "hybrid_connectors": hybrid,
        "hybrid_configuration": answers.hybrid_configuration,
        "exchange": exchange_status(answers),
        "exchange_2010_or_later": answers.onprem_server in EXCHANGE_2010_OR_LATER,
        "onprem_up_to_date": answers.onprem_up_to_date,
        "manual_connectors": manual,
        "identify_by": identify,
        "certificate_outside_domains": certificate_outside_domains(answers),
        "certificate_name": certificate,
        "organization.private_ip": _has_private(answers.organization.onprem_sending_ips),
        "devices.send_mail": answers.devices.send_mail,
        "devices.option": device_option(answers),
        "devices.has_ips": bool(answers.devices.sending_ips),
        "devices.wide_range": wide_device_range(answers),
        "mx.target": target,
        "mx.elsewhere": target in ("on-premises", "third-party-service"),
        "mx.contradicts_filter": bool(filter_partners(answers))
        and answers.mx_points_to in ("microsoft-365", "on-premises"),
    }


def partner_facts(partner: Partner) -> dict:
    """Return one partner's facts, added to the answer facts for `for_each` rules."""
    return {
        "partner.inbound": partner.inbound,
        "partner.outbound": partner.outbound,
        "partner.restriction": partner_restriction(partner),
        # F4: the answer decides; a sending certificate never forces TLS on mail to the partner.
        "partner.outbound_tls": partner.require_tls,
        "partner.mx_certificate": bool(partner.mx_certificate_domain),
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
    allowing = [c for c in partner_inbound if c not in restricting]
    return {
        "plan.outbound_to_create": _bucket(sum(c.direction == "outbound" for c in to_create)),
        "plan.inbound_to_create": _bucket(sum(c.direction == "inbound" for c in to_create)),
        # F15c: only when an allow-by-domain and a restricting connector share a sender domain.
        "plan.partner_allow_and_restrict": any(
            _domains_overlap(
                a.settings.get("SenderDomains") or (), r.settings.get("SenderDomains") or ()
            )
            for a in allowing
            for r in restricting
        ),
    }


def _covers(pattern: str, domain: str) -> bool:
    if pattern == "*" or pattern == domain:
        return True
    if pattern.startswith("*."):
        parent = pattern[2:]
        return domain.removeprefix("*.") == parent or domain.endswith("." + parent)
    return False


def _domains_overlap(first, second) -> bool:
    return any(_covers(a, b) or _covers(b, a) for a in first for b in second)
