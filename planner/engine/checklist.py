"""The checklist: the plan as ordered steps, from what to prepare to what to do afterwards.

Phases run before -> configure -> test -> after. Each item names the guide (a key of
guides.json) that explains the step, or None.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from .answers import Answers
from .facts import device_option
from .recommendation import ChecklistItem, Connector

PHASES = ("before", "configure", "test", "after")
EOP = "exchange-online-protection"
NON_MS = "non-microsoft-smtp"

MX_COPY = (
    "Copy the MX value from the Microsoft 365 admin center (Settings > Domains, select the "
    "domain); don't work it out yourself, newer domains use different host names."
)


def _list(items: Sequence[str]) -> str:
    return ", ".join(items)


def _name(connector: Connector) -> str:
    return connector.settings.get("Name") or connector.title


def checklist(answers: Answers, connectors: Sequence[Connector]) -> tuple[ChecklistItem, ...]:
    """Return the steps that put the plan into practice, ordered by phase."""
    items: list[ChecklistItem] = []

    def add(phase: str, text: str, guide: str | None) -> None:
        items.append(ChecklistItem(phase, text, guide))

    org = answers.organization
    create = [c for c in connectors if c.action == "create"]
    review = [c for c in connectors if c.action == "review-existing"]
    manual = any(c.purpose == "own-servers" for c in create)
    option = device_option(answers)
    eop = answers.subscription == EOP

    # --- before ----------------------------------------------------------------------------
    domains = f" ({_list(org.domains)})" if org.domains else ""
    text = (
        f"Add and verify your accepted domains{domains} in Microsoft 365 before you create any "
        "connector."
    )
    if answers.has_onprem_server:
        text += (
            " Authoritative rejects recipients the tenant doesn't know, so add your on-premises "
            "recipients first (as mail users); Internal relay passes unknown recipients on to "
            "your server and needs the outbound connector to it."
        )
    add("before", text, "accepted_domains")

    if manual:
        certificate = org.onprem_certificate_domain
        named = (
            f"for {certificate} (its subject or a SAN; a name in one of your accepted domains)"
            if certificate
            else "whose subject (or a SAN) is in one of your accepted domains"
        )
        add(
            "before",
            f"Install a CA-signed TLS certificate on your internet-facing email server, {named}. "
            "Exchange Online checks this name; self-signed certificates won't do.",
            "route_mail",
        )
        hosts = _list(org.onprem_smart_hosts) or "your internet-facing email server"
        add(
            "before",
            f"Open TCP 25 on your firewall from all published Exchange Online IP ranges to "
            f"{hosts}, so Microsoft 365 can deliver to it.",
            "m365_ip_ranges",
        )
    if option == "smtp-relay" and any(c.purpose == "device-relay" for c in create):
        ips = _list(answers.devices.sending_ips) or "your devices' public IP address"
        add(
            "before",
            f"Make sure your printers and applications send from {ips}: static, public, and "
            "not shared with other organizations (not a hosted cloud such as Azure).",
            "mfd_option3_smtp_relay",
        )

    # --- configure -------------------------------------------------------------------------
    for connector in create:
        text = (
            f"Create the connector “{_name(connector)}” ({connector.title}) with the Exchange "
            "Online script or on the Connectors page of the Exchange admin center."
        )
        if connector.fill_in:
            text += " Fill in first: " + _list([f.parameter for f in connector.fill_in]) + "."
        if connector.purpose == "device-relay" and option != "smtp-relay":
            text = "Optional, only if you choose SMTP relay (Option 3) for your devices: " + text
        add("configure", text, connector.guide)

    if manual and answers.onprem_server == NON_MS:
        add(
            "configure",
            "On your email server, route all outgoing internet mail to your tenant's MX host "
            "(smart host) over TLS with certificate checks, presenting your certificate. "
            + MX_COPY,
            "route_mail",
        )
    elif manual:
        add(
            "configure",
            "On your Exchange server, create the Send connector to Microsoft 365 (smart host: "
            "your tenant's MX host; RequireTLS; certificate validation; FQDN: your certificate's "
            "name) with the on-premises script. " + MX_COPY,
            "smart_host_send_connector",
        )
        add(
            "configure",
            "On your Exchange server, make the Receive connector that takes mail from "
            "Microsoft 365 present your CA-signed certificate (the on-premises script shows "
            "how).",
            "receive_connectors",
        )
    if option == "onprem-relay":
        ips = _list(answers.devices.sending_ips) or "your devices' addresses"
        add(
            "configure",
            f"Let your printers and applications relay through your on-premises server, from "
            f"{ips} only (their internal addresses, if that is how your server sees them); "
            "never open the relay to other addresses.",
            "allow_anonymous_relay" if answers.onprem_server != NON_MS else None,
        )

    spf = _spf(answers)
    # With standalone EOP the MX change comes last, after the tests (see "after").
    if manual and not eop or review:
        add(
            "configure",
            "Point your domains' MX records to Microsoft 365, once the connectors exist. "
            + MX_COPY,
            "add_mx_record",
        )
    elif not eop:
        text = "Check that your domains' MX records point to Microsoft 365. " + MX_COPY
        if option in ("direct-send", "smtp-relay"):
            text += " Your devices send to that same MX host on port 25."
        add("configure", text, "add_mx_record")
    add("configure", spf, "mail_flow_best_practices")

    # --- test ------------------------------------------------------------------------------
    for connector in create:
        add("test", _test_text(connector, answers, option), _test_guide(connector))
    if option == "onprem-relay":
        add(
            "test",
            "Send a test message from a printer or application through your on-premises "
            "server to an external address. Pass: it arrives.",
            "allow_anonymous_relay" if answers.onprem_server != NON_MS else None,
        )
    if review:
        add(
            "test",
            "Validate the outbound connector the Hybrid Configuration Wizard made with a "
            "mailbox on your on-premises server, then send from an on-premises mailbox to an "
            "external one. Pass: validation succeeds and message trace shows the message "
            "came in through the wizard's inbound connector.",
            "validate_connectors",
        )

    # --- after -----------------------------------------------------------------------------
    if eop:
        add(
            "after",
            "Only once both connectors pass their tests: point your domains' MX records "
            "straight to Exchange Online Protection. " + MX_COPY,
            "eop_setup",
        )
        add(
            "after",
            "About 72 hours after the MX change, restrict inbound TCP 25 on your servers to "
            "the Exchange Online IP ranges only, and update any relay allow-lists.",
            "eop_setup",
        )
    if review:
        add(
            "after",
            "Review the connectors the Hybrid Configuration Wizard made (Connectors page, or "
            "the review commands in the scripts); to change them, rerun the wizard instead "
            "of creating new ones.",
            "hcw",
        )
    return tuple(sorted(items, key=lambda item: PHASES.index(item.phase)))


def _spf(answers: Answers) -> str:
    addresses = list(answers.organization.onprem_sending_ips if answers.has_onprem_server else ())
    if answers.devices.send_mail and device_option(answers) != "smtp-auth":
        addresses += [ip for ip in answers.devices.sending_ips if ip not in addresses]
    public = [a for a in addresses if ipaddress.IPv4Network(a).is_global]
    private = [a for a in addresses if a not in public]
    terms = ["v=spf1", "include:spf.protection.outlook.com", *(f"ip4:{a}" for a in public)]
    missing = []
    if answers.has_onprem_server and not answers.organization.onprem_sending_ips:
        missing.append("your on-premises server")
    if device_option(answers) in ("direct-send", "smtp-relay") and not (
        answers.devices.sending_ips
    ):
        missing.append("your devices")
    terms += [f"ip4:<public IP of {who}>" for who in missing]
    text = (
        "Publish exactly one SPF TXT record per domain (merge it with any you have; two "
        f"records invalidate each other): {' '.join([*terms, '~all'])}. Add any other "
        "service that sends as your domain to the same record, and tighten ~all to -all only "
        "once every sender is listed."
    )
    if private:
        text += (
            f" {_list(private)} {'is' if len(private) == 1 else 'are'} not public: list the "
            "public (NAT) address the internet sees instead."
        )
    return text


def _test_guide(connector: Connector) -> str:
    if connector.direction == "outbound":
        return "validate_connectors"
    if connector.purpose == "partner":
        return "partner_secure"
    if connector.purpose == "device-relay":
        return "mfd_option3_smtp_relay"
    return "test_mail_flow"


def _test_text(connector: Connector, answers: Answers, option: str | None) -> str:
    name = _name(connector)
    settings = connector.settings
    if connector.direction == "outbound":
        if connector.purpose == "partner":
            behind = (
                "an address at the partner ("
                + _list(settings.get("RecipientDomains") or ())
                + ") that may receive a test message"
            )
        else:
            behind = "a mailbox on your on-premises server"
        text = (
            f"Validate “{name}”: Validate this connector on the Connectors page (or "
            f"Validate-OutboundConnector) with {behind}. Pass: both the connection test and "
            "the test message succeed; then make sure the connector is turned on."
        )
        if connector.purpose == "own-servers":
            text += " Then send from an internet mailbox to an on-premises mailbox: it arrives."
        return text
    if connector.purpose == "partner":
        partner = connector.partner or "the partner"
        domains = _list(settings.get("SenderDomains") or ())
        how = []
        if settings.get("SenderIPAddresses"):
            how.append("sent from " + _list(settings["SenderIPAddresses"]))
        if settings.get("TlsSenderCertificateName"):
            how.append(f"over TLS with a certificate for {settings['TlsSenderCertificateName']}")
        elif settings.get("RequireTls"):
            how.append("over TLS")
        return (
            f"Ask {partner} to send a test message from {domains}"
            + "".join(", " + part for part in how)
            + f". Pass: it is delivered and message trace shows it came through “{name}”. "
            "Mail from those domains that doesn't meet the connector's conditions is "
            "rejected, so agree the switch-over with the partner."
        )
    if connector.purpose == "device-relay":
        ips = _list(answers.devices.sending_ips) or "the devices' static public address"
        prefix = "If you created it: " if option != "smtp-relay" else ""
        return (
            f"{prefix}From a device at {ips}, send a test message to your MX host on port 25, "
            "to an internal and an external address. Pass: both arrive and message trace "
            f"shows they came through “{name}”."
        )
    return (
        "Send a test message from a mailbox on your on-premises server to an external "
        "mailbox (outside your organization). Pass: it arrives, and message trace in the "
        f"Exchange admin center shows it came in through “{name}”."
    )
