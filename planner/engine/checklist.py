"""The checklist: the plan as ordered steps, from what to prepare to what to do afterwards.

Phases run before -> configure -> test -> after. Each item names the guide (a key of
guides.json) that explains the step, or None.
"""

from __future__ import annotations

from collections.abc import Sequence

from .answers import EXCHANGE_SERVERS, Answers
from .connectors import certificate_name_status
from .facts import device_option, filter_partners, mx_target
from .recommendation import ChecklistItem, Connector
from .validation import is_non_public

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

    def add(phase: str, text: str, guide: str | None, note: str | None = None) -> None:
        items.append(ChecklistItem(phase, text, guide, note))

    org = answers.organization
    create = [c for c in connectors if c.action == "create"]
    review = [c for c in connectors if c.action == "review-existing"]
    manual = any(c.purpose == "own-servers" for c in create)
    option = device_option(answers)
    eop = answers.subscription == EOP
    filters = filter_partners(answers)
    target = mx_target(answers)
    exchange = answers.onprem_server in EXCHANGE_SERVERS

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
    if answers.onprem_server in ("exchange-2007-or-earlier", "exchange-2010", "exchange-2013"):
        add(
            "before",
            "Decide the way forward for your Exchange version before you build anything: "
            "Exchange Online refuses its mail (migrate first, relay through a supported server, "
            "or pause enforcement while you migrate).",
            "tbe",
            "exchange-version-blocked",
        )
    elif exchange and answers.onprem_up_to_date is not True:
        version_note = {
            "exchange-2016": "exchange-out-of-support",
            "exchange-2019": "exchange-out-of-support",
            "exchange-2010-or-later": "exchange-version-unknown",
        }.get(answers.onprem_server, "outdated-exchange-throttling")
        add(
            "before",
            "Check that every Exchange server that talks to Microsoft 365 is supported and on "
            "the latest cumulative and security update: Exchange admin center > Reports > Mail "
            "flow > Out-of-date connecting on-premises Exchange servers.",
            "tbe",
            version_note,
        )
    if manual and answers.subscription == "exchange-online" and answers.has_onprem_server:
        add(
            "before",
            "Set up coexistence routing for your shared domains: an on-premises mail user or "
            "remote mailbox for every cloud mailbox, forwarding to "
            "user@<tenant>.mail.onmicrosoft.com (kept in step by Microsoft Entra Connect or "
            "Cloud Sync), or make the domains internal relay on premises.",
            "transport_options",
            "coexistence-routing",
        )

    if manual:
        certificate = org.onprem_certificate_domain
        named = (
            f"for {certificate} (its subject or a SAN). The name Exchange Online checks must "
            "itself be an accepted domain, or the connector must use *.<accepted domain>"
            if certificate
            else "whose subject (or a SAN) is one of your accepted domains"
        )
        add(
            "before",
            f"Install a CA-signed TLS certificate on your internet-facing email server, {named}. "
            "Exchange Online checks this name; self-signed certificates won't do.",
            "route_mail",
            "certificate-name-not-accepted-domain"
            if certificate_name_status(answers) in ("subdomain", "unchecked")
            else None,
        )
    if answers.has_onprem_server:
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
        hybrid_minimal = connector.purpose == "own-servers" and answers.hybrid_completed
        add("configure", text, connector.guide, "hybrid-no-connectors" if hybrid_minimal else None)

    if manual and answers.onprem_server == NON_MS:
        add(
            "configure",
            "On your email server, route all outgoing internet mail to your tenant's MX host "
            "(smart host) over TLS 1.2 with certificate checks, presenting your certificate as "
            "a client certificate (for Postfix: relayhost, smtp_tls_security_level = secure, "
            "smtp_tls_cert_file and smtp_tls_key_file; the on-premises steps list them). "
            + MX_COPY,
            "route_mail",
        )
    elif manual:
        add(
            "configure",
            "On your Exchange server, create the Send connector to Microsoft 365 (smart host: "
            "your tenant's MX host; RequireTLS; certificate validation; FQDN: your certificate's "
            "name) with the on-premises script, and disable (or give a higher cost to) any "
            "existing Send connector for address space *, so the route is unambiguous. " + MX_COPY,
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
            f"{ips} only (their internal addresses as your server sees them, single addresses "
            "where possible, on a connector not reachable from the internet); never open the "
            "relay to other addresses.",
            "allow_anonymous_relay" if answers.onprem_server != NON_MS else "route_mail",
            "devices-relay-via-onprem",
        )
    if eop and exchange:
        add(
            "configure",
            "On your Exchange servers, create the three transport rules that turn EOP's spam "
            "verdicts (SFV:SPM, SFV:SKS, SFV:SKB in X-Forefront-Antispam-Report) into SCL 6, "
            "so spam lands in Junk Email (the on-premises script creates them).",
            "eop_spam_hybrid",
            "eop-spam-verdicts",
        )

    _mx_steps(add, answers, create, review, manual, eop, filters, target, option)
    for text, guide in _sender_authentication(answers):
        add("configure", text, guide, "sender-authentication")

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
    if eop and not filters:
        add(
            "after",
            "Only once both connectors pass their tests: point your domains' MX records "
            "straight to Exchange Online Protection. " + MX_COPY,
            "eop_setup",
        )
        if manual:
            # F20a: the internet -> on-premises path through EOP exists only after the switch.
            add(
                "after",
                "After the MX change, send from an internet mailbox to an on-premises mailbox. "
                "Pass: it arrives, and message trace shows it passed through Exchange Online "
                "Protection.",
                "test_mail_flow",
            )
        add(
            "after",
            "About 72 hours after the MX change, restrict inbound TCP 25 on your servers to "
            "the Exchange Online IP ranges only, and update any relay allow-lists.",
            "eop_setup",
        )
    if answers.subscription == "exchange-online":
        add(
            "after",
            "Optional hardening, once message trace shows nothing sends by direct send: turn on "
            "Reject Direct Send (Set-OrganizationConfig -RejectDirectSend $true).",
            "cmdlet_set_orgconfig",
            "reject-direct-send",
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


def _mx_steps(add, answers, create, review, manual, eop, filters, target, option) -> None:
    """Add the MX step that fits where MX points (F1, F10). Never "point MX to Microsoft 365"
    while a connector locks the tenant to a filtering service in front of it."""
    if filters:
        names = _list([p.name for p in filters])
        locks = _list(
            [
                f"“{_name(c)}”"
                for c in create
                if c.purpose == "partner" and "*" in (c.settings.get("SenderDomains") or ())
            ]
        )
        add(
            "configure",
            f"Keep your domains' MX records pointed at {names}. The connector {locks} accepts "
            f"internet mail only from {names}, so mail arriving any other way is rejected: "
            "leave MX with the service for as long as that connector is on. Enhanced Filtering is "
            "set on the same connector by the Exchange Online script.",
            "third_party_cloud",
            "enhanced-filtering",
        )
        return
    if eop:
        return  # standalone EOP: the MX change comes last, after the tests (see "after")
    if target == "third-party-service":
        add(
            "configure",
            "Your MX records point to a third-party service. Create an inbound connector for "
            "it (a partner with sender domain * and its IP addresses or certificate) and turn "
            "on Enhanced Filtering there. Moving MX to Microsoft 365 is recommended once you "
            "no longer need the service in front. " + MX_COPY,
            "third_party_cloud",
            "enhanced-filtering",
        )
        return
    if target == "on-premises":
        add(
            "configure",
            "Your MX records point to your on-premises server, so internet mail reaches "
            "Exchange Online through it; Enhanced Filtering on the inbound connector from it "
            "lets Exchange Online see the real source (the Exchange Online script sets it). "
            "Moving MX to Microsoft 365 is recommended, not required: if you move it, do so "
            "only once the connectors work. " + MX_COPY,
            "enhanced_filtering",
            "enhanced-filtering",
        )
        return
    if review:
        add(
            "configure",
            "If your domains' MX records don't point to Microsoft 365 yet, pointing them there "
            "is recommended (not required) once the hybrid connectors are validated; if MX "
            "stays elsewhere, turn on Enhanced Filtering on the inbound connector that carries "
            "that mail. " + MX_COPY,
            "add_mx_record",
        )
    elif manual:
        add(
            "configure",
            "Point your domains' MX records to Microsoft 365, once the connectors exist. "
            + MX_COPY,
            "add_mx_record",
        )
    else:
        text = "Check that your domains' MX records point to Microsoft 365. " + MX_COPY
        if option == "smtp-relay":
            text += " Your devices send to that same MX host on port 25."
        add("configure", text, "add_mx_record")


def _sender_authentication(answers: Answers) -> list[tuple[str, str]]:
    """Return the SPF, DKIM and DMARC steps (F12)."""
    return [
        (_spf(answers), "spf_configure"),
        (
            "Turn on DKIM signing for each domain: publish the selector1 and selector2 CNAME "
            "records shown in the Microsoft Defender portal (Email authentication settings > "
            "DKIM), then enable signing.",
            "dkim_configure",
        ),
        (
            "Publish a DMARC record for each domain (_dmarc TXT), starting with "
            "v=DMARC1; p=none; rua=mailto:<reports address>, and move to p=quarantine, then "
            "p=reject, once the reports show every legitimate sender passes.",
            "dmarc_configure",
        ),
    ]


def _spf(answers: Answers) -> str:
    addresses = list(answers.organization.onprem_sending_ips if answers.has_onprem_server else ())
    if answers.devices.send_mail and device_option(answers) == "smtp-relay":
        addresses += [ip for ip in answers.devices.sending_ips if ip not in addresses]
    # F12: the engine's own definition; documentation ranges count as public here too.
    public = [a for a in addresses if not is_non_public(a)]
    private = [a for a in addresses if a not in public]
    terms = ["v=spf1", "include:spf.protection.outlook.com", *(f"ip4:{a}" for a in public)]
    missing = []
    if answers.has_onprem_server and not answers.organization.onprem_sending_ips:
        missing.append("your on-premises server")
    if device_option(answers) == "smtp-relay" and not answers.devices.sending_ips:
        missing.append("your devices")
    terms += [f"ip4:<public IP of {who}>" for who in missing]
    text = (
        "Publish exactly one SPF TXT record per domain (merge it with any you have; two "
        f"records invalidate each other): {' '.join([*terms, '-all'])}. Add any other "
        "service that sends as your domain to the same record. Microsoft recommends -all "
        "(hard fail) for Microsoft 365 domains, together with DKIM and DMARC; use ~all only "
        "while a sender is still missing from the record."
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
        if connector.purpose == "partner" and settings.get("TlsSettings") == "DomainValidation":
            text += (
                " If validation fails with a certificate-name error, check the name on the "
                "certificate of the partner's MX servers (mx_certificate_domain)."
            )
        if connector.purpose == "own-servers" and answers.subscription != EOP:
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
