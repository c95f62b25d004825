"""Warnings and advice a plan can carry: code -> severity, text, guide, and the doc they come from.

Codes are stable identifiers (scripts and the API contract rely on them); wording may improve.
Sources are the W-numbers and sections of shared/domain/connectors-reference.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NoteSpec:
    severity: str
    text: str
    guide: str | None
    source: str


NOTES: dict[str, NoteSpec] = {
    # --- own servers ---------------------------------------------------------------------
    "open-relay": NoteSpec(
        "warning",
        "Make sure your internet-facing email servers are not open relays. An open relay hides "
        "the real source of mail and passes spam through Microsoft 365, which can get your "
        "connector's mail rejected.",
        "use_connectors",
        "W01",
    ),
    "both-directions-required": NoteSpec(
        "warning",
        "Create and validate both connectors before you change anything else. With only one "
        "of them, mail stops flowing in the other direction.",
        "route_mail",
        "W09; §4.1",
    ),
    "accepted-domains-first": NoteSpec(
        "info",
        "Add and verify your accepted domains in Microsoft 365 before you create any connector.",
        "accepted_domains",
        "W08; §5.1",
    ),
    "relay-needs-certificate-or-accepted-domains": NoteSpec(
        "info",
        "For Microsoft 365 to relay your servers' mail to the internet, either identify the "
        "server by a certificate whose subject matches one of your accepted domains, or make "
        "every sender domain and subdomain an accepted domain.",
        "route_mail",
        "W10; §4.1",
    ),
    "ip-identification-relay-limits": NoteSpec(
        "warning",
        "You chose to identify your server by IP address. Non-delivery reports relayed to the "
        "internet, senders whose domain is not an accepted domain, and forwarding to external "
        "addresses are then rejected with 550 5.7.64 Relay Access Denied ATTR36. Identify the "
        "server by certificate instead if you need any of these.",
        "cert_relay",
        "W11; §4.2",
    ),
    "certificate-domain-must-be-accepted": NoteSpec(
        "warning",
        "The certificate domain you gave is not one of the accepted domains you listed. "
        "Exchange Online attributes mail by certificate only for a domain accepted in your "
        "tenant: use a certificate (or *.domain) whose name is an accepted domain.",
        "cert_relay",
        "§4.2; §5.4",
    ),
    "consider-hybrid-wizard": NoteSpec(
        "info",
        "Check whether an Exchange hybrid deployment fits your organization. If it does, run "
        "the Hybrid Configuration Wizard: it creates these connectors (and the on-premises "
        "ones) for you. If you only want mail routing, create the two connectors by hand as "
        "planned here.",
        "hcw",
        "Table B row 2; §3",
    ),
    "hybrid-connectors-exist": NoteSpec(
        "info",
        "The Hybrid Configuration Wizard already created your connectors. Review or edit them "
        "on the Connectors page of the Exchange admin center, or rerun the wizard; don't create "
        "duplicates beside them.",
        "hcw",
        "W06; Table B row 3; §9.12",
    ),
    "leave-cloud-services-mail-to-hcw": NoteSpec(
        "info",
        "Don't set CloudServicesMailEnabled on the Exchange Online connectors you create by "
        "hand: Microsoft advises leaving it to the Hybrid Configuration Wizard. (Microsoft's "
        "route-mail guide does set it on the on-premises Send connector, Exchange 2013 or later "
        "only; the on-premises script follows that guide.)",
        "hcw",
        "W24; §4.3",
    ),
    "exchange-2007-limited-hybrid": NoteSpec(
        "warning",
        "A hybrid deployment with Exchange 2007 exists only in limited cases (an Exchange 2010 "
        "SP3 or 2013 server in front of it). Check the Connectors page for connectors that "
        "already exist before you create new ones, and don't treat this as a supported hybrid "
        "path.",
        "use_connectors",
        "W07; Table B row 4",
    ),
    "outdated-exchange-throttling": NoteSpec(
        "warning",
        "Exchange Online throttles and then blocks mail sent over an on-premises connector "
        "from out-of-date Exchange servers (450 4.7.230, then 550 5.7.230). This covers "
        "Exchange 2007, 2010 and 2013 and unpatched 2016/2019; only current Exchange Server "
        "Subscription Edition builds are clear. Update the servers that send to Microsoft 365.",
        "route_mail",
        "W31; §4.4; §12.6",
    ),
    "treat-messages-as-internal": NoteSpec(
        "info",
        "Mail from your servers arrives as external. TreatMessagesAsInternal $true on the "
        "on-premises inbound connector would mark it internal, but it skips antispam "
        "filtering; it is meant only for organizations without Exchange 2010 or later. This "
        "plan does not set it.",
        "cmdlet_new_inbound",
        "W25; §4.4",
    ),
    "standalone-eop-mx-and-port-25": NoteSpec(
        "warning",
        "Point your MX record straight to Exchange Online Protection, and change it last, once "
        "both connectors work. About 72 hours after the change, restrict inbound TCP 25 on "
        "your servers to the Exchange Online IP ranges.",
        "eop_setup",
        "W27; §5.2; §5.5",
    ),
    "mx-to-microsoft-365": NoteSpec(
        "info",
        "Point your MX record to Microsoft 365 (copy the value from the admin center under "
        "Settings > Domains; don't guess it). Mail that enters elsewhere is filtered less well.",
        "add_mx_record",
        "W23; §5.2",
    ),
    "firewall-exchange-online-ranges": NoteSpec(
        "info",
        "Open TCP 25 on your firewall to all published Exchange Online IP ranges so Microsoft "
        "365 can deliver to your servers.",
        "m365_ip_ranges",
        "§4.1; §5.5",
    ),
    "graylisting": NoteSpec(
        "info",
        "These connectors also keep Microsoft 365 from graylisting your servers' traffic "
        "(451 4.7.500-699 ASxxx) when volume grows.",
        "fix_451_graylisting",
        "W02; §4.9",
    ),
    "spf-single-record": NoteSpec(
        "info",
        "Publish exactly one SPF record per domain, with include:spf.protection.outlook.com "
        "plus an ip4: entry for every on-premises server or device address that sends mail; "
        "two SPF records invalidate each other.",
        "mail_flow_best_practices",
        "W20; §5.3",
    ),
    # --- connectors in general -----------------------------------------------------------
    "validate-connectors": NoteSpec(
        "info",
        "Validate and turn on every outbound connector after you create it (Validate this "
        "connector, or Validate-OutboundConnector). Several connectors in the same direction "
        "are a common cause of mail-flow faults.",
        "validate_connectors",
        "W12; §8",
    ),
    "overlapping-scopes": NoteSpec(
        "info",
        "This plan has more than one outbound connector. Exchange Online picks the most "
        "specific match for a recipient domain, but the documented order between all-accepted-"
        "domains and wildcard scopes is inconsistent: keep scopes from overlapping.",
        "multiple_connectors",
        "§6",
    ),
    "edits-take-effect-on-save": NoteSpec(
        "info",
        "Editing a connector is safe: the old settings keep carrying mail until you save the "
        "new ones.",
        "route_mail",
        "W13",
    ),
    "inbound-connectors-developer-tenant": NoteSpec(
        "info",
        "Inbound connectors can't be created in Microsoft 365 E5 developer subscriptions.",
        "cmdlet_new_inbound",
        "W28; §5.5",
    ),
    # --- devices -------------------------------------------------------------------------
    "devices-relay-via-onprem": NoteSpec(
        "info",
        "Your printers, scanners and applications should send through your on-premises email "
        "server (for Exchange, an anonymous relay or a custom Receive connector), which already "
        "has a connector to Microsoft 365. No extra connector is needed.",
        "allow_anonymous_relay",
        "§4.5; §9.14",
    ),
    "smtp-auth-limits": NoteSpec(
        "warning",
        "SMTP AUTH client submission needs TLS 1.2 or later on port 587 (or 25; never 465) and "
        "a licensed Exchange Online mailbox to sign in as. It can't use basic authentication "
        "with Security Defaults or MFA, and it is limited to 30 messages a minute and 10,000 "
        "recipients a day.",
        "mfd_option1_smtp_auth",
        "W19; §4.5",
    ),
    "smtp-auth-disabled-by-default": NoteSpec(
        "info",
        "SMTP AUTH is turned off by default for tenants created after January 2020. Turn it on "
        "for the sending mailbox only (Set-CASMailbox -SmtpClientAuthenticationDisabled "
        "$false).",
        "smtp_auth",
        "W30; §4.5",
    ),
    "smtp-auth-basic-auth-retirement": NoteSpec(
        "warning",
        "Basic authentication for SMTP AUTH is being retired: Microsoft has announced it will "
        "be off by default for existing tenants after December 2026 and removed in the second "
        "half of 2027. Plan for OAuth, or for Option 3 (SMTP relay), if the device can't do "
        "OAuth.",
        "smtp_auth",
        "§12.7",
    ),
    "direct-send-internal-only": NoteSpec(
        "warning",
        "Direct send reaches only recipients with mailboxes in Microsoft 365; mail to external "
        "addresses such as Gmail is rejected. Never combine direct send with a connector for "
        "the same device.",
        "mfd_option2_direct_send",
        "W17; §4.5",
    ),
    "reject-direct-send": NoteSpec(
        "warning",
        "If you turn on RejectDirectSend (Set-OrganizationConfig), direct send from your "
        "devices is rejected with 550 5.7.68 unless an inbound connector matches their IP "
        "address or certificate.",
        "cmdlet_set_orgconfig",
        "W29; §7.4",
    ),
    "smtp-relay-static-ip": NoteSpec(
        "warning",
        "SMTP relay through a connector needs a static public IP address that no other "
        "organization shares (or a certificate). Dynamic addresses and hosted clouds such as "
        "Azure don't work. Senders without a licence each need an EOP licence.",
        "mfd_option3_smtp_relay",
        "W18; §4.5",
    ),
    "device-ips-missing": NoteSpec(
        "info",
        "Fill in your devices' static public IP addresses before you create the relay connector.",
        "mfd_option3_smtp_relay",
        "§4.5",
    ),
    # --- partners ------------------------------------------------------------------------
    "ip-and-certificate-split": NoteSpec(
        "warning",
        "A partner gave both IP addresses and a certificate. IP restrictions and certificate "
        "restrictions must live in separate partner connectors, so this plan has two inbound "
        "connectors for that partner, neither carrying both.",
        "partner_secure",
        "W04; §4.6; §9.9",
    ),
    "restrict-overrides-allow": NoteSpec(
        "warning",
        "This plan mixes partner connectors that only check the sender domain with partner "
        "connectors that restrict by IP address or certificate. Exchange Online looks partner "
        "connectors up by IP or certificate first, so a restricting connector wins over an "
        "allow-by-domain one for the same mail.",
        "use_connectors",
        "W03; §4.6; §9.10",
    ),
    "partner-rejects-noncompliant": NoteSpec(
        "info",
        "Mail that fails a partner connector's restrictions is rejected, not delivered. Ask "
        "each partner to send a test message from the matching domain or IP address.",
        "partner_secure",
        "W15; §4.6",
    ),
    "partner-no-connector-needed": NoteSpec(
        "info",
        "A partner asks for no TLS, certificate or IP restriction, so no connector is planned "
        "for it: Microsoft 365 already uses opportunistic TLS with every partner.",
        "partner_secure",
        "§4.6",
    ),
    "all-inbound-mail-restricted": NoteSpec(
        "warning",
        "A partner with sender domain * restricts all inbound internet mail to that service. "
        "Any of its IP addresses or certificates you leave out means lost mail.",
        "partner_examples",
        "W16; §4.6",
    ),
    "third-party-filter-enhanced-filtering": NoteSpec(
        "info",
        "With a filtering service in front of Microsoft 365, turn on Enhanced Filtering for "
        "Connectors on that partner connector (not an SCL -1 bypass rule: providers share IPs "
        "between customers). Don't list Microsoft 365 or private (RFC 1918) addresses.",
        "enhanced_filtering",
        "W21; W34; W35; §4.7; §4.8",
    ),
    "private-ip-address": NoteSpec(
        "warning",
        "An IP address in this plan is a private (RFC 1918 or other non-public) address. "
        "Exchange Online sees only public addresses: use the public address mail leaves from.",
        "partner_secure",
        "§4.7",
    ),
}
