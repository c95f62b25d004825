"""The connector catalogue: slug -> a function that builds the connector(s) for a plan.

Each builder turns answers into one or more `Connector`s with their cmdlet settings (parameter
names exactly as New-InboundConnector / New-OutboundConnector spell them). The settings obey
the constraints of the reference's section 9; `tests/planner/engine/test_constraints.py`
checks every plan the engine can produce against them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .answers import Answers, Partner
from .recommendation import Connector, FillIn
from .validation import is_non_public

SERVER = "your-organization-email-server"
CLOUD = "office-365"
PARTNER = "partner-organization"
INBOUND = "New-InboundConnector"
OUTBOUND = "New-OutboundConnector"


@dataclass(frozen=True)
class Context:
    """What a builder gets besides the answers: the rule that fired and, per partner, which."""

    answers: Answers
    rule_id: str
    reason: str
    required: bool
    action: str
    partner: Partner | None = None
    partner_number: int = 0


def identify_by(answers: Answers) -> str:
    """Return how Exchange Online should recognize the on-premises server: certificate or ip."""
    org = answers.organization
    if org.identify_by:
        return org.identify_by
    if not org.onprem_certificate_domain and org.onprem_sending_ips:
        return "ip"
    return "certificate"


NAME_MAX = 64  # New-InboundConnector / New-OutboundConnector -Name (F14)


def connector_name(base: str, suffix: str = "", *, number: int = 0) -> str:
    """Return `base + suffix`, shortening `base` so the whole name fits 64 characters.

    A shortened name ends in "~<number>" (the partner's number), so two long partner names
    that share their first characters still give distinct connector names.
    """
    name = base + suffix
    if len(name) <= NAME_MAX:
        return name
    tag = f"~{number}" if number else "~"
    keep = NAME_MAX - len(suffix) - len(tag)
    return base[:keep].rstrip() + tag + suffix


def certificate_name_status(answers: Answers) -> str | None:
    """Return how the on-premises certificate name relates to the accepted domains (F5).

    accepted: the name is an accepted domain or *.<accepted domain>; subdomain: a host name
    (or wildcard) inside an accepted domain but not itself accepted, such as mail.contoso.com;
    outside: in none of the accepted domains; unchecked: no domains listed, and the name
    looks like a host name; None: no certificate name, or nothing to say.
    """
    org = answers.organization
    name = org.onprem_certificate_domain
    if not name:
        return None
    if not org.domains:
        return "unchecked" if not name.startswith("*.") and name.count(".") >= 2 else None
    bare = name.removeprefix("*.")
    if bare in org.domains:
        return "accepted"
    if any(bare.endswith("." + d) for d in org.domains):
        return "subdomain"
    return "outside"


def inbound_certificate_name(answers: Answers) -> str | None:
    """Return the TlsSenderCertificateName for the OnPremises inbound connector (F5).

    Exchange Online attributes relayed mail by certificate only when the name is an accepted
    domain or a wildcard of one. A host name such as mail.contoso.com under the accepted
    domain contoso.com becomes *.contoso.com, which still matches the host's certificate.
    """
    org = answers.organization
    name = org.onprem_certificate_domain
    if certificate_name_status(answers) == "subdomain" and not name.startswith("*."):
        parent = name.split(".", 1)[1]
        if parent in org.domains:
            return "*." + parent
    return name


def _enhanced_filtering(ips) -> dict:
    """Return Enhanced Filtering settings: skip the given public hops, or the last hop (F10)."""
    public = [ip for ip in ips if not is_non_public(ip)]
    return {"EFSkipIPs": public} if public else {"EFSkipLastIP": True}


def _connector(ctx: Context, **fields) -> Connector:
    return Connector(
        rule=ctx.rule_id,
        reason=ctx.reason,
        required=ctx.required,
        action=ctx.action,
        **fields,
    )


def own_servers_outbound(ctx: Context) -> tuple[Connector, ...]:
    org = ctx.answers.organization
    settings: dict = {
        "Name": "Outbound to on-premises",
        "ConnectorType": "OnPremises",
        "AllAcceptedDomains": True,
        "UseMXRecord": False,
        "SmartHosts": list(org.onprem_smart_hosts) or None,
    }
    fill_in = []
    if not org.onprem_smart_hosts:
        fill_in.append(
            FillIn(
                "SmartHosts",
                "The public host name (or IP address) of your internet-facing email server, "
                "e.g. the Edge or Client Access server's FQDN.",
            )
        )
    if org.onprem_certificate_domain:
        settings["TlsSettings"] = "DomainValidation"
        settings["TlsDomain"] = org.onprem_certificate_domain
    else:
        settings["TlsSettings"] = "CertificateValidation"
    return (
        _connector(
            ctx,
            id="own-servers-outbound",
            title="Office 365 to your organization's email server",
            purpose="own-servers",
            from_=CLOUD,
            to=SERVER,
            connector_type="OnPremises",
            cmdlet=OUTBOUND,
            settings=settings,
            guide="route_mail",
            fill_in=tuple(fill_in),
        ),
    )


def own_servers_inbound(ctx: Context) -> tuple[Connector, ...]:
    org = ctx.answers.organization
    settings: dict = {
        "Name": "Inbound from on-premises",
        "ConnectorType": "OnPremises",
        "SenderDomains": ["*"],
    }
    fill_in = []
    if identify_by(ctx.answers) == "ip":
        settings["SenderIPAddresses"] = list(org.onprem_sending_ips) or None
        if not org.onprem_sending_ips:
            fill_in.append(
                FillIn(
                    "SenderIPAddresses",
                    "The static public IPv4 address(es) your email server sends from (single "
                    "addresses or /24 to /32 ranges).",
                )
            )
    else:
        settings["TlsSenderCertificateName"] = inbound_certificate_name(ctx.answers)
        # F16: TlsSenderCertificateName is used when RequireTls is $true; EAC and HCW set it.
        settings["RequireTls"] = True
        if not org.onprem_certificate_domain:
            fill_in.append(
                FillIn(
                    "TlsSenderCertificateName",
                    "The domain on your email server's CA-signed TLS certificate (e.g. "
                    "contoso.com or *.contoso.com); it must be one of your accepted domains.",
                )
            )
    if ctx.answers.mx_points_to == "on-premises" and ctx.answers.subscription == "exchange-online":
        # F10: internet mail enters on premises and reaches Exchange Online through this
        # connector; skip the on-premises hop so filtering sees the real source.
        settings.update(_enhanced_filtering(org.onprem_sending_ips))
    return (
        _connector(
            ctx,
            id="own-servers-inbound",
            title="Your organization's email server to Office 365",
            purpose="own-servers",
            from_=SERVER,
            to=CLOUD,
            connector_type="OnPremises",
            cmdlet=INBOUND,
            settings=settings,
            guide="route_mail",
            fill_in=tuple(fill_in),
        ),
    )


def hybrid_outbound(ctx: Context) -> tuple[Connector, ...]:
    return (
        _connector(
            ctx,
            id="own-servers-outbound",
            title="Office 365 to your organization's email server (made by the Hybrid "
            "Configuration Wizard)",
            purpose="own-servers",
            from_=CLOUD,
            to=SERVER,
            connector_type="OnPremises",
            cmdlet=OUTBOUND,
            settings={},
            guide="hcw",
        ),
    )


def hybrid_inbound(ctx: Context) -> tuple[Connector, ...]:
    return (
        _connector(
            ctx,
            id="own-servers-inbound",
            title="Your organization's email server to Office 365 (made by the Hybrid "
            "Configuration Wizard)",
            purpose="own-servers",
            from_=SERVER,
            to=CLOUD,
            connector_type="OnPremises",
            cmdlet=INBOUND,
            settings={},
            guide="hcw",
        ),
    )


def device_relay_inbound(ctx: Context) -> tuple[Connector, ...]:
    ips = ctx.answers.devices.sending_ips
    fill_in = ()
    if not ips:
        fill_in = (
            FillIn(
                "SenderIPAddresses",
                "The static public IPv4 address(es) your printers and applications send from; "
                "not shared with other organizations.",
            ),
        )
    return (
        _connector(
            ctx,
            id="device-relay-inbound",
            title="Your organization's email server to Office 365 (SMTP relay for printers "
            "and applications)",
            purpose="device-relay",
            from_=SERVER,
            to=CLOUD,
            connector_type="OnPremises",
            cmdlet=INBOUND,
            settings={
                "Name": "Inbound from devices and applications",
                "ConnectorType": "OnPremises",
                "SenderDomains": ["*"],
                "SenderIPAddresses": list(ips) or None,
            },
            guide="mfd_option3_smtp_relay",
            fill_in=fill_in,
        ),
    )


def _partner_inbound(ctx: Context, *, suffix: str, extra: dict, require_tls: bool):
    partner = ctx.partner
    name = connector_name(
        partner.name, " inbound" + (f" ({suffix})" if suffix else ""), number=ctx.partner_number
    )
    settings = {
        "Name": name,
        "ConnectorType": "Partner",
        "SenderDomains": list(partner.domains),
        "RequireTls": require_tls,
        **extra,
    }
    if "*" in partner.domains:
        # F1/F10: a filtering service in front of Microsoft 365: Enhanced Filtering skips its
        # hop (its own addresses, or the last hop when it is recognised by certificate).
        settings.update(_enhanced_filtering(extra.get("SenderIPAddresses") or ()))
    return _connector(
        ctx,
        id=f"partner-{ctx.partner_number}-inbound" + (f"-{suffix}" if suffix else ""),
        title=f"Partner organization to Office 365 ({partner.name})",
        purpose="partner",
        from_=PARTNER,
        to=CLOUD,
        connector_type="Partner",
        cmdlet=INBOUND,
        settings=settings,
        guide="partner_secure",
        partner=partner.name,
    )


def partner_inbound_tls(ctx: Context) -> tuple[Connector, ...]:
    return (_partner_inbound(ctx, suffix="", extra={}, require_tls=True),)


def partner_inbound_certificate(ctx: Context) -> tuple[Connector, ...]:
    # A certificate can only be checked over TLS, so RequireTls is on whatever was asked.
    extra = {
        "TlsSenderCertificateName": ctx.partner.certificate_domain,
        "RestrictDomainsToCertificate": True,
    }
    return (_partner_inbound(ctx, suffix="certificate", extra=extra, require_tls=True),)


def partner_inbound_ip(ctx: Context) -> tuple[Connector, ...]:
    extra = {
        "SenderIPAddresses": list(ctx.partner.sender_ips),
        "RestrictDomainsToIPAddresses": True,
    }
    return (_partner_inbound(ctx, suffix="ip", extra=extra, require_tls=ctx.partner.require_tls),)


def partner_outbound(ctx: Context) -> tuple[Connector, ...]:
    partner = ctx.partner
    settings: dict = {
        "Name": connector_name(partner.name, " outbound", number=ctx.partner_number),
        "ConnectorType": "Partner",
        "RecipientDomains": list(partner.domains),
        "UseMXRecord": True,
    }
    # F4: DomainValidation checks the certificate of the partner's RECEIVING (MX) servers, so
    # only their certificate name (mx_certificate_domain) may go in TlsDomain; the partner's
    # sending certificate (certificate_domain) is for recognising its inbound mail only.
    if partner.mx_certificate_domain:
        settings["TlsSettings"] = "DomainValidation"
        settings["TlsDomain"] = partner.mx_certificate_domain
    else:
        settings["TlsSettings"] = "CertificateValidation"
    return (
        _connector(
            ctx,
            id=f"partner-{ctx.partner_number}-outbound",
            title=f"Office 365 to partner organization ({partner.name})",
            purpose="partner",
            from_=CLOUD,
            to=PARTNER,
            connector_type="Partner",
            cmdlet=OUTBOUND,
            settings=settings,
            guide="partner_secure",
            partner=partner.name,
        ),
    )


CONNECTORS: dict[str, Callable[[Context], tuple[Connector, ...]]] = {
    "own-servers-outbound": own_servers_outbound,
    "own-servers-inbound": own_servers_inbound,
    "hybrid-outbound": hybrid_outbound,
    "hybrid-inbound": hybrid_inbound,
    "device-relay-inbound": device_relay_inbound,
    "partner-inbound-tls": partner_inbound_tls,
    "partner-inbound-certificate": partner_inbound_certificate,
    "partner-inbound-ip": partner_inbound_ip,
    "partner-outbound": partner_outbound,
}
