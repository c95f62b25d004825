"""Turn untrusted answer data (the API's JSON, the wizard's steps) into `Answers`.

This is the one validation layer both faces use: the API calls `parse_answers()` on the request
body and the wizard calls it on the answers its steps collected, so the two can't disagree.
The single-value checks (`clean_domain()`, `clean_sender_ip()`, ...) are also what the wizard's
form fields call, so a field's message is the same on the page and in the API.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from .answers import (
    DIRECTIONS,
    EXCHANGE_2010_OR_LATER,
    EXCHANGE_SERVERS,
    HYBRID_CONFIGURATIONS,
    IDENTIFY_BY,
    MX_TARGETS,
    ONPREM_SERVERS,
    SUBSCRIPTIONS,
    Answers,
    Devices,
    Organization,
    Partner,
)

MAX_PARTNERS = 50
MAX_DOMAINS = 50
MAX_ADDRESSES = 50
PARTNER_NAME_MAX = 48  # "<name> inbound (certificate)" must fit the cmdlets' 64-character Name.
PLAN_NAME_MAX = 120

# Addresses Exchange Online can never see as a sender. Documentation ranges (192.0.2.0/24,
# 198.51.100.0/24, 203.0.113.0/24) stay allowed: Microsoft's and our own examples use them.
NON_PUBLIC_NETWORKS = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
)

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")


class AnswersError(Exception):
    """Raised with every problem found, keyed by dotted field path."""

    def __init__(self, errors: Mapping[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = dict(errors)


class FieldError(ValueError):
    """One value is wrong; the message is shown to the user as is."""


# --- single values ---------------------------------------------------------------------------


def clean_domain(value: Any, *, allow_wildcard: bool = True, allow_all: bool = False) -> str:
    """Return a lower-cased domain (`contoso.com`, `*.contoso.com`, or `*` when allowed)."""
    if not isinstance(value, str):
        raise FieldError("Enter a domain name as text, like contoso.com.")
    domain = value.strip().lower().rstrip(".")
    if domain == "*":
        if allow_all:
            return domain
        raise FieldError("“*” (every domain) is not allowed here. Enter a domain like contoso.com.")
    name = domain
    if domain.startswith("*."):
        if not allow_wildcard:
            raise FieldError("Enter a domain without a wildcard, like contoso.com.")
        name = domain[2:]
    if "*" in name:
        raise FieldError(
            "A wildcard may only be the whole first label, like *.contoso.com "
            "(not contoso.*.com or *contoso.com)."
        )
    try:
        name = name.encode("idna").decode("ascii") if not name.isascii() else name
    except UnicodeError as exc:
        raise FieldError(f"“{value}” is not a valid domain name.") from exc
    labels = name.split(".")
    if (
        len(name) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or not _TLD.match(labels[-1])
    ):
        raise FieldError(
            f"“{_shown(value)}” is not a valid domain name. Use a form like contoso.com."
        )
    return ("*." if domain.startswith("*.") else "") + name


def clean_host(value: Any) -> str:
    """Return a smart host: a fully qualified host name or a single IPv4 address."""
    if not isinstance(value, str):
        raise FieldError("Enter a host name like mail.contoso.com, or an IPv4 address.")
    text = value.strip().lower().rstrip(".")
    if re.fullmatch(r"[0-9.]+", text):
        try:
            address = ipaddress.IPv4Address(text)
        except ValueError as exc:
            raise FieldError(f"“{_shown(value)}” is not a valid IPv4 address.") from exc
        return str(address)
    try:
        return clean_domain(text, allow_wildcard=False)
    except FieldError as exc:
        raise FieldError(
            f"“{_shown(value)}” is not a host name like mail.contoso.com or an IPv4 address."
        ) from exc


def clean_sender_ip(value: Any, *, public_only: bool = False) -> str:
    """Return an IPv4 address or a CIDR range /24 to /32, normalised to its network."""
    if not isinstance(value, str):
        raise FieldError("Enter an IPv4 address like 203.0.113.10 or a range like 203.0.113.0/24.")
    text = value.strip()
    if ":" in text:
        raise FieldError("IPv6 addresses are not supported by connectors. Enter an IPv4 address.")
    if "-" in text:
        raise FieldError(
            "Address ranges like a-b are not supported here. Use CIDR notation, e.g. 203.0.113.0/24."
        )
    try:
        network = ipaddress.IPv4Network(text, strict=False)
    except ValueError as exc:
        raise FieldError(
            f"“{_shown(value)}” is not an IPv4 address or CIDR range like 203.0.113.0/24."
        ) from exc
    if network.prefixlen < 24:
        raise FieldError(
            f"/{network.prefixlen} is too large: connectors accept ranges from /24 to /32. "
            "Split it into /24 ranges."
        )
    if public_only and is_non_public(network):
        raise FieldError(
            f"{network.network_address} is not a public address. Exchange Online sees your "
            "public (NAT) address: enter that one."
        )
    if network.prefixlen == 32:
        return str(network.network_address)
    return str(network)


def clean_device_ip(value: Any, *, onprem_server: str | None = "none") -> str:
    """Return a device's sending address.

    Without an on-premises server Exchange Online sees the devices' public (NAT) address, so
    it must be public. With one, the devices relay through it and its relay connector lists
    their internal addresses: private addresses are then accepted (rules version 2).
    """
    return clean_sender_ip(value, public_only=onprem_server in (None, "none"))


def identifies_by_ip(identify_by: str | None, certificate_domain: str | None) -> bool:
    """Return whether Exchange Online will recognize the on-premises server by its IP address.

    As connectors.identify_by(): the answer, or by IP when no certificate name is given.
    """
    return identify_by == "ip" or (identify_by is None and not certificate_domain)


def clean_onprem_sending_ip(
    value: Any, *, identify_by: str | None = None, certificate_domain: str | None = None
) -> str:
    """Return an on-premises server's sending address.

    When Exchange Online recognizes the server by IP address, the inbound connector lists it,
    and Exchange Online sees only the public (NAT) address: a private one is refused, with the
    same message as a device's address (review H4).
    """
    return clean_sender_ip(value, public_only=identifies_by_ip(identify_by, certificate_domain))


def is_non_public(network: ipaddress.IPv4Network | str) -> bool:
    """Return whether an address or range is private, loopback, link-local or multicast."""
    network = ipaddress.IPv4Network(network, strict=False)
    return any(network.subnet_of(block) for block in NON_PUBLIC_NETWORKS)


def clean_text(value: Any, *, max_length: int, label: str) -> str:
    """Return trimmed single-line text of 1 to `max_length` characters."""
    if not isinstance(value, str):
        raise FieldError(f"Enter the {label} as text.")
    text = " ".join(value.split())
    if not text:
        raise FieldError(f"Enter the {label}.")
    return clean_free_text(text, max_length=max_length, label=label)


def clean_free_text(value: str, *, max_length: int, label: str) -> str:
    """Return text collapsed to one line (possibly empty), refusing controls and bidi marks.

    Format characters (Cf) include the bidi overrides and zero-width characters that would let
    a name or note show something other than what is stored.
    """
    text = " ".join(value.split())
    if len(text) > max_length:
        raise FieldError(f"The {label} must be {max_length} characters or fewer.")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in text):
        raise FieldError(f"The {label} contains characters that are not allowed.")
    return text


def clean_plan_name(value: Any) -> str:
    """Return a plan name (1 to 120 characters)."""
    return clean_text(value, max_length=PLAN_NAME_MAX, label="plan name")


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


# --- whole answers ---------------------------------------------------------------------------


class _Collector:
    def __init__(self, prefix: str):
        self.prefix = prefix
        self.errors: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        key = f"{self.prefix}.{path}" if self.prefix and path else (self.prefix or path)
        self.errors.setdefault(key, []).append(message)


def parse_answers(data: Any, *, prefix: str = "answers") -> Answers:
    """Return validated, normalised `Answers`, or raise `AnswersError` listing every problem."""
    errors = _Collector(prefix)
    if not isinstance(data, Mapping):
        errors.add("", "Expected an object with the answers.")
        raise AnswersError(errors.errors)
    _reject_unknown(
        data,
        {
            "onprem_server",
            "subscription",
            "hybrid_completed",
            "onprem_up_to_date",
            "hybrid_configuration",
            "mx_points_to",
            "organization",
            "devices",
            "partners",
        },
        "",
        errors,
    )

    onprem = data.get("onprem_server")
    if onprem is None:
        errors.add("onprem_server", "Choose your on-premises email organization.")
    elif onprem not in ONPREM_SERVERS:
        errors.add("onprem_server", f"Choose one of: {', '.join(ONPREM_SERVERS)}.")
        onprem = None

    subscription = data.get("subscription")
    if subscription is None:
        errors.add("subscription", "Choose your service subscription.")
    elif subscription not in SUBSCRIPTIONS:
        errors.add("subscription", f"Choose one of: {', '.join(SUBSCRIPTIONS)}.")
        subscription = None
    elif subscription == "exchange-online-protection" and onprem == "none":
        errors.add(
            "subscription",
            "Standalone Exchange Online Protection filters mail for mailboxes on your own "
            "servers, so it needs an on-premises email organization. Choose Exchange Online, "
            "or tell us about your on-premises servers.",
        )

    hybrid = data.get("hybrid_completed")
    hybrid_applies = onprem in EXCHANGE_2010_OR_LATER and subscription == "exchange-online"
    if hybrid_applies and not isinstance(hybrid, bool):
        errors.add(
            "hybrid_completed",
            "Say whether the Hybrid Configuration Wizard has been run (true or false).",
        )
    elif not hybrid_applies and hybrid is not None and onprem and subscription:
        errors.add(
            "hybrid_completed",
            "The Hybrid Configuration Wizard only applies to Exchange 2010 or later with "
            "Exchange Online; leave this null.",
        )

    configuration = data.get("hybrid_configuration")
    if configuration is not None:
        if configuration not in HYBRID_CONFIGURATIONS:
            errors.add(
                "hybrid_configuration",
                f"Choose one of: {', '.join(HYBRID_CONFIGURATIONS)}, or null (not known).",
            )
            configuration = None
        elif onprem and subscription and not (hybrid_applies and hybrid is True):
            errors.add(
                "hybrid_configuration",
                "Only applies when the Hybrid Configuration Wizard has been run "
                "(hybrid_completed true); leave this null.",
            )
            configuration = None

    up_to_date = _optional_bool(data, "onprem_up_to_date", "", errors)
    if up_to_date is not None and onprem and onprem not in EXCHANGE_SERVERS:
        errors.add(
            "onprem_up_to_date",
            "Only applies to Exchange servers (their cumulative and security updates); "
            "leave this null.",
        )
        up_to_date = None

    mx_points_to = data.get("mx_points_to")
    if mx_points_to is not None:
        if mx_points_to not in MX_TARGETS:
            errors.add(
                "mx_points_to", f"Choose one of: {', '.join(MX_TARGETS)}, or null (not known)."
            )
            mx_points_to = None
        elif mx_points_to == "on-premises" and onprem == "none":
            errors.add(
                "mx_points_to",
                "MX can only point to an on-premises server if you have one, but "
                "onprem_server is none. Choose microsoft-365 or third-party-service.",
            )
            mx_points_to = None

    organization = _parse_organization(data.get("organization"), onprem, errors)
    devices = _parse_devices(data.get("devices"), onprem, errors)
    partners = _parse_partners(data.get("partners"), errors)

    if errors.errors:
        raise AnswersError(errors.errors)
    return Answers(
        onprem_server=onprem,
        subscription=subscription,
        hybrid_completed=hybrid if hybrid_applies else None,
        onprem_up_to_date=up_to_date,
        hybrid_configuration=configuration,
        mx_points_to=mx_points_to,
        organization=organization,
        devices=devices,
        partners=partners,
    )


def _reject_unknown(data: Mapping, known: set[str], path: str, errors: _Collector) -> None:
    for key in data:
        if key not in known:
            where = f"{path}.{key}" if path else str(key)
            errors.add(where, f"Unknown field. Known fields: {', '.join(sorted(known))}.")


def _optional_bool(data: Mapping, key: str, path: str, errors: _Collector) -> bool | None:
    value = data.get(key)
    if value is not None and not isinstance(value, bool):
        errors.add(f"{path}.{key}" if path else key, "Use true, false or null.")
        return None
    return value


def _list_of(
    data: Mapping,
    key: str,
    path: str,
    errors: _Collector,
    clean: Callable[[Any], str],
    *,
    max_items: int,
    what: str,
) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        errors.add(f"{path}.{key}", f"Give a list of {what}.")
        return ()
    if len(value) > max_items:
        errors.add(f"{path}.{key}", f"Give at most {max_items} {what}.")
        return ()
    cleaned: list[str] = []
    for index, item in enumerate(value):
        try:
            item = clean(item)
        except FieldError as exc:
            errors.add(f"{path}.{key}.{index}", str(exc))
            continue
        if item in cleaned:
            errors.add(f"{path}.{key}.{index}", f"{item} is listed twice.")
            continue
        cleaned.append(item)
    return tuple(cleaned)


def _optional_domain(data: Mapping, key: str, path: str, errors: _Collector) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    try:
        return clean_domain(value)
    except FieldError as exc:
        errors.add(f"{path}.{key}", str(exc))
        return None


def _is_object(value: Any, path: str, errors: _Collector) -> bool:
    """Return whether an optional section was given as an object; anything else is an error."""
    if value is not None and not isinstance(value, Mapping):
        errors.add(path, "Expected an object.")
    return isinstance(value, Mapping)


def _parse_organization(value: Any, onprem: str | None, errors: _Collector) -> Organization:
    path = "organization"
    if not _is_object(value, path, errors):
        return Organization()
    _reject_unknown(
        value,
        {
            "domains",
            "onprem_smart_hosts",
            "onprem_certificate_domain",
            "onprem_sending_ips",
            "identify_by",
        },
        path,
        errors,
    )
    domains = _list_of(
        value,
        "domains",
        path,
        errors,
        lambda v: clean_domain(v, allow_wildcard=False),
        max_items=MAX_DOMAINS,
        what="domains",
    )
    hosts = _list_of(
        value, "onprem_smart_hosts", path, errors, clean_host, max_items=10, what="hosts"
    )
    certificate = _optional_domain(value, "onprem_certificate_domain", path, errors)
    identify_by = value.get("identify_by")
    if identify_by is not None and identify_by not in IDENTIFY_BY:
        errors.add(f"{path}.identify_by", "Choose certificate, ip, or null.")
        identify_by = None
    ips = _list_of(
        value,
        "onprem_sending_ips",
        path,
        errors,
        lambda v: clean_onprem_sending_ip(
            v, identify_by=identify_by, certificate_domain=certificate
        ),
        max_items=MAX_ADDRESSES,
        what="addresses",
    )
    if onprem == "none":
        for key in ("onprem_smart_hosts", "onprem_certificate_domain", "onprem_sending_ips"):
            if value.get(key) not in (None, "", []):
                errors.add(
                    f"{path}.{key}",
                    "This describes an on-premises server, but onprem_server is none. "
                    "Remove it or choose your server type.",
                )
        if identify_by is not None:
            errors.add(f"{path}.identify_by", "Only applies when you have on-premises servers.")
    return Organization(
        domains=domains,
        onprem_smart_hosts=hosts,
        onprem_certificate_domain=certificate,
        onprem_sending_ips=ips,
        identify_by=identify_by,
    )


def _parse_devices(value: Any, onprem: str | None, errors: _Collector) -> Devices:
    path = "devices"
    if not _is_object(value, path, errors):
        return Devices()
    _reject_unknown(
        value,
        {"send_mail", "external_recipients", "smtp_auth_capable", "oauth_capable", "sending_ips"},
        path,
        errors,
    )
    send_mail = value.get("send_mail", False)
    if not isinstance(send_mail, bool):
        errors.add(f"{path}.send_mail", "Use true or false.")
        send_mail = False
    external = _optional_bool(value, "external_recipients", path, errors)
    smtp_auth = _optional_bool(value, "smtp_auth_capable", path, errors)
    oauth = _optional_bool(value, "oauth_capable", path, errors)
    if oauth is True and smtp_auth is False:
        errors.add(
            f"{path}.oauth_capable",
            "OAuth is a way to sign in to SMTP AUTH, but smtp_auth_capable is false. "
            "Set smtp_auth_capable to true or null, or oauth_capable to false or null.",
        )
        oauth = None
    # With an on-premises server the devices relay through it, so its relay connector lists
    # their internal addresses (F13); without one Exchange Online sees their public address.
    ips = _list_of(
        value,
        "sending_ips",
        path,
        errors,
        lambda v: clean_device_ip(v, onprem_server=onprem),
        max_items=MAX_ADDRESSES,
        what="addresses",
    )
    if not send_mail:
        for key in ("external_recipients", "smtp_auth_capable", "oauth_capable", "sending_ips"):
            if value.get(key) not in (None, []):
                errors.add(f"{path}.{key}", "Only applies when devices send mail (send_mail true).")
    return Devices(
        send_mail=send_mail,
        external_recipients=external,
        smtp_auth_capable=smtp_auth,
        sending_ips=ips,
        oauth_capable=oauth,
    )


def _parse_partners(value: Any, errors: _Collector) -> tuple[Partner, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        errors.add("partners", "Give a list of partners.")
        return ()
    if len(value) > MAX_PARTNERS:
        errors.add("partners", f"Give at most {MAX_PARTNERS} partners.")
        return ()
    partners: list[Partner] = []
    seen_names: dict[str, int] = {}
    seen_domains: dict[str, int] = {}
    for index, item in enumerate(value):
        partner = _parse_partner(item, f"partners.{index}", errors)
        if partner is None:
            continue
        key = partner.name.casefold()
        if key in seen_names:
            errors.add(
                f"partners.{index}.name",
                f"Partner {seen_names[key] + 1} has the same name; give each partner its own name.",
            )
        seen_names.setdefault(key, index)
        for d_index, domain in enumerate(partner.domains):
            if domain in seen_domains:
                errors.add(
                    f"partners.{index}.domains.{d_index}",
                    f"{domain} is already listed for partner {seen_domains[domain] + 1}. "
                    "Two connectors for one partner cause errors: list each domain once.",
                )
            seen_domains.setdefault(domain, index)
        partners.append(partner)
    return tuple(partners)


def _parse_partner(value: Any, path: str, errors: _Collector) -> Partner | None:
    if not isinstance(value, Mapping):
        errors.add(path, "Expected an object describing the partner.")
        return None
    before = len(errors.errors)
    _reject_unknown(
        value,
        {
            "name",
            "domains",
            "direction",
            "require_tls",
            "certificate_domain",
            "mx_certificate_domain",
            "sender_ips",
        },
        path,
        errors,
    )
    try:
        name = clean_text(value.get("name"), max_length=PARTNER_NAME_MAX, label="partner name")
    except FieldError as exc:
        errors.add(f"{path}.name", str(exc))
        name = ""
    direction = value.get("direction", "both")
    if direction is None:
        direction = "both"
    if direction not in DIRECTIONS:
        errors.add(f"{path}.direction", "Choose both, inbound or outbound.")
        direction = "both"
    raw_domains = value.get("domains")
    if not isinstance(raw_domains, list) or not raw_domains:
        errors.add(f"{path}.domains", "Give at least one of the partner's email domains.")
        domains: tuple[str, ...] = ()
    else:
        domains = _list_of(
            value,
            "domains",
            path,
            errors,
            lambda v: clean_domain(v, allow_all=True),
            max_items=MAX_DOMAINS,
            what="domains",
        )
        if "*" in domains and direction != "inbound":
            errors.add(
                f"{path}.domains.{domains.index('*')}",
                "“*” (all senders) is only for an inbound partner such as a third-party "
                "filtering service in front of Microsoft 365. Set direction to inbound.",
            )
    require_tls = value.get("require_tls", True)
    if not isinstance(require_tls, bool):
        errors.add(f"{path}.require_tls", "Use true or false.")
        require_tls = True
    certificate = _optional_domain(value, "certificate_domain", path, errors)
    mx_certificate = _optional_domain(value, "mx_certificate_domain", path, errors)
    if mx_certificate is not None and direction == "inbound":
        errors.add(
            f"{path}.mx_certificate_domain",
            "The certificate of the partner's receiving (MX) servers is checked on mail to "
            "the partner; it needs direction outbound or both.",
        )
    ips = _list_of(
        value,
        "sender_ips",
        path,
        errors,
        clean_sender_ip,
        max_items=MAX_ADDRESSES,
        what="addresses",
    )
    if ips and direction == "outbound":
        errors.add(
            f"{path}.sender_ips",
            "Sender IP addresses restrict mail from the partner; they need direction inbound "
            "or both.",
        )
    if len(errors.errors) > before:
        return None
    return Partner(
        name=name,
        domains=domains,
        direction=direction,
        require_tls=require_tls,
        certificate_domain=certificate,
        sender_ips=ips,
        mx_certificate_domain=mx_certificate,
    )
