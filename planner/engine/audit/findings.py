"""Findings on what a tenant already has: each a stable code, the rule, and Microsoft's page.

The table `RULES` is the list users see; each entry's check is a small function beside it that
yields (subject, text) for every place the rule is broken.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..guides import guide
from .model import CurrentConfig, ExistingConnector

HYBRID_PREREQUISITES = "https://learn.microsoft.com/en-us/exchange/hybrid-deployment-prerequisites"

# Exchange Server Subscription Edition is version 15.2 from build 2562 (RTM, 15.2.2562.17);
# Exchange 2019 is 15.2 below that, 2016 is 15.1, 2013 is 15.0, 2010 is 14, 2007 is 8.
SE_FIRST_BUILD = 2562
_VERSION = re.compile(r"^Version (\d+)\.(\d+) \(Build (\d+)\.(\d+)\)$")
TLS_RANK = {None: 0, "encryptiononly": 1, "certificatevalidation": 2, "domainvalidation": 3}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # warning, info
    subject: str  # what it is about: a connector, a server, or the organization
    text: str  # what we found, in this tenant
    rule: str  # the rule, as Microsoft states it
    source: str  # learn.microsoft.com page

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "subject": self.subject,
            "text": self.text,
            "rule": self.rule,
            "source": self.source,
        }


@dataclass(frozen=True)
class Context:
    """What a check sees: the import, the plan (as a dict), and the planned-to-existing pairs."""

    current: CurrentConfig
    recommendation: Mapping[str, Any]
    matches: tuple[tuple[Mapping[str, Any], ExistingConnector], ...]

    @property
    def device_option(self) -> str | None:
        devices = self.recommendation.get("devices") or {}
        return devices.get("recommended")


def subject(connector: ExistingConnector) -> str:
    return f"{connector.direction.capitalize()} connector {connector.name!r}"


def _networks(values) -> Iterator[tuple[str, ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    for value in values or ():
        try:
            if "-" in value:
                first, last = (ipaddress.ip_address(part) for part in value.split("-", 1))
                for network in ipaddress.summarize_address_range(first, last):
                    yield value, network
            else:
                yield value, ipaddress.ip_network(value, strict=False)
        except (ValueError, TypeError):
            continue


def partner_any_sender_unrestricted(ctx: Context):
    for connector in ctx.current.inbound_connectors:
        if (
            connector.connector_type == "Partner"
            and "*" in (connector["SenderDomains"] or ())
            and not connector["RestrictDomainsToIPAddresses"]
            and not connector["RestrictDomainsToCertificate"]
        ):
            yield (
                subject(connector),
                "Applies to mail from every sender domain (*) and restricts it neither to the "
                "partner's IP addresses nor to its certificate.",
            )


def onprem_inbound_broad_ip_range(ctx: Context):
    for connector in ctx.current.inbound_connectors:
        if connector.connector_type != "OnPremises":
            continue
        broad = sorted(
            {
                value
                for value, network in _networks(connector["SenderIPAddresses"])
                if network.version == 4 and network.prefixlen < 24
            }
        )
        if broad:
            yield (
                subject(connector),
                f"Identifies your server by {', '.join(broad)}: wider than a /24, so other "
                "hosts in that range can relay through your tenant.",
            )


# Addresses that never arrive at Exchange Online as a sender's address. Documentation ranges
# (TEST-NET) are left out on purpose: they stand in for public addresses in examples.
_NOT_ROUTED = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
    )
)


def _not_routed(network) -> bool:
    return any(
        network.version == other.version and network.overlaps(other) for other in _NOT_ROUTED
    )


def inbound_private_ip_address(ctx: Context):
    for connector in ctx.current.inbound_connectors:
        private = sorted(
            {
                value
                for value, network in _networks(connector["SenderIPAddresses"])
                if _not_routed(network)
            }
        )
        if private:
            yield (
                subject(connector),
                f"Lists {', '.join(private)}: private or reserved addresses, which never "
                "reach Exchange Online, so this part of the connector matches nothing.",
            )


def connector_disabled(ctx: Context):
    for connector in ctx.current.connectors:
        if connector["Enabled"] is False:
            yield subject(connector), "Is disabled: it carries no mail."


def outbound_not_validated(ctx: Context):
    for connector in ctx.current.outbound_connectors:
        if connector["Enabled"] is False:
            continue
        if not connector["IsValidated"] or not connector["LastValidationTimestamp"]:
            yield (
                subject(connector),
                "Has never been validated (IsValidated is false or there is no "
                "LastValidationTimestamp).",
            )


def tls_weaker_than_plan(ctx: Context):
    for planned, connector in ctx.matches:
        settings = planned.get("settings") or {}
        want = settings.get("TlsSettings")
        have = connector["TlsSettings"]
        if want and TLS_RANK.get(str(want).lower(), 0) > TLS_RANK.get(str(have).lower(), 0):
            yield (
                subject(connector),
                f"TlsSettings is {have or 'not set'}; the plan needs {want}.",
            )
        if settings.get("RequireTls") is True and connector["RequireTls"] is False:
            yield subject(connector), "RequireTls is false; the plan requires TLS."


def _covered(name: str, accepted: tuple[str, ...]) -> bool:
    name = name.lower().rstrip(".")
    base = name[2:] if name.startswith("*.") else name
    for domain in accepted:
        if domain.startswith("*."):
            if base == domain[2:] or base.endswith(domain[1:]):
                return True
        elif base == domain:
            return True
    return False


def certificate_not_accepted_domain(ctx: Context):
    accepted = ctx.current.accepted_domain_names
    if not accepted:
        return
    for connector in ctx.current.inbound_connectors:
        name = connector["TlsSenderCertificateName"]
        if connector.connector_type != "OnPremises" or not name or "<" in name:
            continue
        if not _covered(name, accepted):
            yield (
                subject(connector),
                f"Recognizes your server by the certificate name {name}, which is neither an "
                "accepted domain nor *. in front of one.",
            )


def smtp_auth_enabled(ctx: Context):
    if ctx.current.setting("transport_config", "SmtpClientAuthenticationDisabled") is False:
        if ctx.device_option == "smtp-auth":
            yield (
                "Organization",
                "SMTP AUTH is on for every mailbox. Your plan uses it for devices: turn it off "
                "for the organization and on only for the devices' mailboxes.",
            )
        else:
            yield (
                "Organization",
                "SMTP AUTH is on for every mailbox (SmtpClientAuthenticationDisabled is false), "
                "and your plan doesn't need it.",
            )


def direct_send_open(ctx: Context):
    rejected = ctx.current.setting("organization_config", "RejectDirectSend")
    if rejected is False and ctx.device_option != "direct-send":
        yield (
            "Organization",
            "Direct send is accepted (RejectDirectSend is false), and your plan doesn't use it.",
        )


def _versions(ctx: Context) -> Iterator[tuple[str, str, tuple[int, int, int]]]:
    for server in ctx.current.exchange_servers:
        match = _VERSION.match(server["AdminDisplayVersion"] or "")
        if match:
            major, minor, build, _ = (int(part) for part in match.groups())
            yield server["Name"], server["AdminDisplayVersion"], (major, minor, build)


def _product(version: tuple[int, int, int]) -> str:
    major, minor, build = version
    if major < 15:
        return {14: "Exchange 2010", 8: "Exchange 2007"}.get(major, "Exchange 2003 or earlier")
    if (major, minor) == (15, 0):
        return "Exchange 2013"
    if (major, minor) == (15, 1):
        return "Exchange 2016"
    if (major, minor) == (15, 2) and build < SE_FIRST_BUILD:
        return "Exchange 2019"
    return "Exchange Server Subscription Edition"


def exchange_server_blocked(ctx: Context):
    for name, shown, version in _versions(ctx):
        if version[0] < 15 or version[:2] == (15, 0):
            yield (
                f"Exchange server {name!r}",
                f"Runs {_product(version)} ({shown}). Exchange Online blocks mail from it over "
                "OnPremises connectors (4.7.230 / 5.7.230).",
            )


def exchange_server_out_of_support(ctx: Context):
    for name, shown, version in _versions(ctx):
        if version[:2] == (15, 1) or (version[:2] == (15, 2) and version[2] < SE_FIRST_BUILD):
            yield (
                f"Exchange server {name!r}",
                f"Runs {_product(version)} ({shown}), out of support since October 2025; "
                "Exchange Online throttles and then blocks mail from it. Upgrade to Exchange "
                "Server Subscription Edition.",
            )


def _to_microsoft_365(hosts) -> bool:
    return any(
        str(host).lower().rstrip(".").endswith((".mail.protection.outlook.com", ".mx.microsoft"))
        for host in hosts or ()
    )


def onprem_send_connector_without_tls(ctx: Context):
    for connector in ctx.current.send_connectors:
        if _to_microsoft_365(connector["SmartHosts"]) and connector["RequireTLS"] is False:
            yield (
                f"Send connector {connector['Name']!r}",
                "Sends to Microsoft 365 without requiring TLS (RequireTLS is false).",
            )


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    rule: str
    source: str
    check: Callable[[Context], Iterator[tuple[str, str]]]


RULES: tuple[Rule, ...] = (
    Rule(
        "partner-any-sender-unrestricted",
        "warning",
        "A partner connector for all sender domains (*) should be restricted to the partner's "
        "IP addresses or certificate; otherwise it matches every sender on the internet.",
        guide("partner_examples").url,
        partner_any_sender_unrestricted,
    ),
    Rule(
        "onprem-inbound-broad-ip-range",
        "warning",
        "An OnPremises inbound connector identified by IP address should list only your own "
        "static public addresses, single addresses or ranges from /24 to /32.",
        guide("cmdlet_new_inbound").url,
        onprem_inbound_broad_ip_range,
    ),
    Rule(
        "inbound-private-ip-address",
        "warning",
        "Exchange Online sees the public address a message arrives from: private (RFC 1918), "
        "shared (100.64.0.0/10), loopback and link-local addresses on an inbound connector "
        "never match.",
        guide("enhanced_filtering").url,
        inbound_private_ip_address,
    ),
    Rule(
        "connector-disabled",
        "info",
        "A disabled connector carries no mail: remove it, or turn it back on if mail needs it.",
        guide("use_connectors").url,
        connector_disabled,
    ),
    Rule(
        "outbound-connector-not-validated",
        "warning",
        "Validate every outbound connector (Validate-OutboundConnector) and record the result, "
        "so a wrong smart host or certificate name shows before mail depends on it.",
        guide("validate_connectors").url,
        outbound_not_validated,
    ),
    Rule(
        "tls-weaker-than-plan",
        "warning",
        "The connector must use at least the TLS the plan sets: require TLS, and check the "
        "certificate (CertificateValidation) or its name (DomainValidation).",
        guide("exo_tls").url,
        tls_weaker_than_plan,
    ),
    Rule(
        "certificate-name-not-accepted-domain",
        "warning",
        "The certificate name an OnPremises connector recognizes must be an accepted domain "
        "(or *. in front of one); otherwise relayed mail, NDRs and forwarded mail fail with "
        "550 5.7.64 TenantAttribution.",
        guide("cert_relay").url,
        certificate_not_accepted_domain,
    ),
    Rule(
        "smtp-auth-enabled",
        "warning",
        "Turn SMTP AUTH off for the organization (Set-TransportConfig "
        "-SmtpClientAuthenticationDisabled $true) and on only for the mailboxes that need it; "
        "Basic authentication for SMTP AUTH is being switched off by default from the end of "
        "December 2026.",
        guide("smtp_auth").url,
        smtp_auth_enabled,
    ),
    Rule(
        "direct-send-not-rejected",
        "warning",
        "When nothing sends by direct send, reject it (Set-OrganizationConfig -RejectDirectSend "
        "$true): anonymous mail from your own domains then needs a matching inbound connector.",
        guide("cmdlet_set_orgconfig").url,
        direct_send_open,
    ),
    Rule(
        "exchange-server-blocked",
        "warning",
        "Exchange Online blocks mail from Exchange 2007, 2010 and 2013 servers over OnPremises "
        "connectors; hybrid needs a supported, current Exchange Server.",
        HYBRID_PREREQUISITES,
        exchange_server_blocked,
    ),
    Rule(
        "exchange-server-out-of-support",
        "warning",
        "Exchange 2016 and 2019 are out of support; Exchange Online throttles, then blocks, "
        "mail from out-of-date servers. Only Exchange Server Subscription Edition is current.",
        HYBRID_PREREQUISITES,
        exchange_server_out_of_support,
    ),
    Rule(
        "onprem-send-connector-without-tls",
        "warning",
        "The Send connector to Microsoft 365 must require TLS and check Microsoft 365's "
        "certificate.",
        guide("route_mail").url,
        onprem_send_connector_without_tls,
    ),
)


def find(ctx: Context) -> tuple[Finding, ...]:
    """Return every finding of every rule, in the order of `RULES`."""
    return tuple(
        Finding(rule.code, rule.severity, about, text, rule.rule, rule.source)
        for rule in RULES
        for about, text in rule.check(ctx)
    )
