"""Warnings and advice a plan can carry: code -> severity, text, guide, and the doc they come from.

Codes are stable identifiers (scripts and the API contract rely on them); wording may improve.
Sources are the W-numbers and sections of shared/domain/connectors-reference.md, or the finding
of shared/reviews/2026-12-advice.md (F1-F20) with the Microsoft source it cites. Every note
names a guide (a key of guides.json), so each says where it comes from.

Severities: blocker (mail cannot flow as answered), warning, info. Blockers come first.
A note never repeats a checklist step: what the admin does is a step; a note explains.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NoteSpec:
    severity: str  # blocker, warning, info
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
    "relay-needs-certificate-or-accepted-domains": NoteSpec(
        "info",
        "For Microsoft 365 to relay your servers' mail to the internet (since 1 November "
        "2023), either identify the server by a certificate whose name is one of your accepted "
        "domains (or *.<accepted domain>), or make every sender domain an accepted domain. "
        "Exchange Online attributes such mail by the certificate domain first, then the MAIL "
        "FROM domain, then the recipient domain; one Exchange organization serving several "
        "tenants needs its own certificate and Send connector per tenant, and a certificate is "
        "better than an IP address shared with anyone else (MC1226222, February 2026).",
        "smtp_relay_requirements",
        "W10; §4.1; F5; F19",
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
    "certificate-name-not-accepted-domain": NoteSpec(
        "warning",
        "Your server's certificate name looks like a host name (such as mail.contoso.com) "
        "rather than an accepted domain. Exchange Online relays non-delivery reports, forwarded "
        "mail and senders outside your accepted domains only when the certificate name on the "
        "OnPremises inbound connector is itself an accepted domain or a wildcard of one; "
        "otherwise they fail with 550 5.7.64 TenantAttribution. Where the host is in one of "
        "the accepted domains you listed, this plan puts *.<that domain> in "
        "TlsSenderCertificateName (it still matches the host's certificate). Otherwise add the "
        "host name as an accepted domain, or use *.<accepted domain> in the connector.",
        "cert_relay",
        "F5; office-365-notice; updated-requirements-smtp-relay; MC1226222",
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
        "the current Hybrid Configuration Wizard with the Full configuration: it creates these "
        "connectors (and the on-premises ones) for you. It needs a supported Exchange server "
        "on the latest cumulative and security update, and the dedicated Exchange hybrid "
        "application (see the prerequisites). If you only want mail routing, create the two "
        "connectors by hand as planned here.",
        "hybrid_prerequisites",
        "Table B row 2; §3; F3",
    ),
    "hybrid-no-connectors": NoteSpec(
        "warning",
        "The Minimal and Express configurations of the Hybrid Configuration Wizard create no "
        "Send, Receive, inbound or outbound connectors. This plan therefore creates the pair by "
        "hand. Alternatively rerun the wizard and choose the Full configuration, which creates "
        "them; then don't also create the ones planned here.",
        "hcw_options",
        "F7; hybrid-configuration-wizard-options",
    ),
    "hybrid-configuration-unknown": NoteSpec(
        "info",
        "You didn't say which Hybrid Configuration Wizard configuration was chosen. Only Full "
        "creates connectors: if the review lists no connectors made by the wizard, it was "
        "Minimal or Express, and you create the pair by hand (answer Minimal to get that plan).",
        "hcw_options",
        "F7",
    ),
    "hybrid-dedicated-app": NoteSpec(
        "warning",
        "Exchange hybrid now needs the dedicated Exchange hybrid application in Microsoft "
        "Entra ID (run the current Hybrid Configuration Wizard, Exchange April 2025 hotfix or "
        "later): since 31 October 2025 the shared service principal no longer works for "
        "free/busy, MailTips and photos. It doesn't change mail flow, but check it while you "
        "review the hybrid connectors.",
        "dedicated_hybrid_app",
        "F3; F17",
    ),
    "hybrid-connectors-exist": NoteSpec(
        "info",
        "The Hybrid Configuration Wizard already created your connectors. Review or edit them "
        "on the Connectors page of the Exchange admin center, or rerun the wizard; don't create "
        "duplicates beside them.",
        "hcw",
        "W06; Table B row 3; §9.12",
    ),
    "exchange-version-blocked": NoteSpec(
        "blocker",
        "Exchange Online refuses mail from Exchange 2007, 2010 and 2013 sent over an "
        "OnPremises connector (transport-based enforcement: throttled with 450 4.7.230, then "
        "rejected with 550 5.7.230), and Exchange 2007 can't use TLS 1.2 at all. The "
        "connectors below will not carry mail from these servers. Ways forward: (1) migrate "
        "the mailboxes to Exchange Online first, without relaying through the old server; "
        "(2) put a supported server in front and relay through it: Exchange Server SE, or a "
        "non-Microsoft mail server with TLS 1.2 and a certificate whose name is an accepted "
        "domain, then use its names in this plan; (3) only while you migrate, pause the "
        "enforcement: in Exchange Online PowerShell, New-TenantExemptionInfo -BlockingScenario "
        "UnpatchedOnPremServer -NumberOfDays <days>, at most 90 days per calendar year. See "
        "which servers are affected in the Exchange admin center under Reports > Mail flow > "
        "Out-of-date connecting on-premises Exchange servers (or Get-OnPremServerReportInfo).",
        "tbe",
        "F2; F3; Exchange Team: TBE (2023) and pausing it (December 2023)",
    ),
    "exchange-out-of-support": NoteSpec(
        "warning",
        "Exchange 2016 and 2019 reached end of support on 14 October 2025, and Exchange "
        "Online's transport-based enforcement throttles and then blocks mail from Exchange "
        "servers that aren't current (450 4.7.230, then 550 5.7.230). Check the Exchange admin "
        "center under Reports > Mail flow > Out-of-date connecting on-premises Exchange servers "
        "(or Get-OnPremServerReportInfo) before you rely on this plan, and upgrade to Exchange "
        "Server Subscription Edition (SE): in place from Exchange 2019 CU14 or CU15; from "
        "Exchange 2016, install Exchange SE servers and move mailboxes and mail flow to them.",
        "tbe",
        "F3; Exchange Team: TBE; ESU announcements (July 2025)",
    ),
    "exchange-version-unknown": NoteSpec(
        "warning",
        "You answered \u201cExchange 2010 or later\u201d without the exact version. In "
        "December 2026 that decides whether this plan can work: Exchange Online refuses mail "
        "from Exchange 2010 and 2013, Exchange 2016 and 2019 are out of support and throttled "
        "or blocked unless current, and only Exchange Server SE is supported. Check the "
        "version (Get-ExchangeServer | Format-List Name,AdminDisplayVersion) and answer it.",
        "tbe",
        "F3",
    ),
    "coexistence-routing": NoteSpec(
        "warning",
        "Your mailboxes live in both places without a Full hybrid, so your on-premises server "
        "still thinks it owns your domains: mail from on-premises users to a cloud colleague "
        "never leaves it and bounces (5.1.1). Connectors don't fix that. Either give every "
        "cloud mailbox an on-premises object that forwards to its "
        "<tenant>.mail.onmicrosoft.com address (a mail user or remote mailbox whose external "
        "address is user@<tenant>.mail.onmicrosoft.com; keep both sides in step with Microsoft "
        "Entra Connect or Cloud Sync), or make the domain an internal relay domain on "
        "premises, so unknown recipients go on to Microsoft 365 through the Send connector. "
        "The on-premises script shows both.",
        "transport_options",
        "F6; exchange-hybrid; transport-options",
    ),
    "eop-spam-verdicts": NoteSpec(
        "warning",
        "Standalone EOP marks spam in the X-Forefront-Antispam-Report header but can't move it "
        "to your on-premises Junk Email folders. Turn its verdicts into SCL 6 on your Exchange "
        "servers with three transport rules (SFV:SPM, SFV:SKS, SFV:SKB; the on-premises script "
        "creates them), or quarantine spam in EOP's anti-spam policy instead. Sync your "
        "recipients (Microsoft Entra Connect, or mail users) before you make the domains "
        "Authoritative, so EOP can reject unknown recipients.",
        "eop_spam_hybrid",
        "F11; set-up-your-eop-service Step 5; configure-eop-spam-protection-hybrid",
    ),
    "sender-authentication": NoteSpec(
        "info",
        "Authenticate mail that uses your domains: one SPF record per domain that lists every "
        "sender and ends in -all (Microsoft's recommendation for Microsoft 365 domains, with "
        "DKIM and DMARC); DKIM signing in Microsoft 365 (publish the selector1 and selector2 "
        "CNAME records shown in the Defender portal, then enable signing); and a DMARC record, "
        "starting with p=none and a reporting address, then quarantine or reject once the "
        "reports are clean. SPF alone is not enough, and large mailbox providers require "
        "DKIM and DMARC from bulk senders. The checklist has the steps.",
        "spf_configure",
        "F12; email-authentication-spf-configure; -dkim-configure; -dmarc-configure",
    ),
    "enhanced-filtering": NoteSpec(
        "warning",
        "Your MX records don't point to Microsoft 365, so Exchange Online sees the server in "
        "front of it (a filtering service or your own server) as the source of every message, "
        "and spoof and spam detection suffer. Turn on Enhanced Filtering for Connectors on the "
        "inbound connector that carries that mail: this plan's script sets EFSkipIPs (the "
        "addresses of the hop in front) or EFSkipLastIP $true on it; where this plan creates "
        "no such connector, set it on the connector the mail arrives through "
        "(Set-InboundConnector). Don't bypass filtering with SCL -1 rules, and never list "
        "Microsoft 365 or private (RFC 1918) addresses. Moving MX to Microsoft 365 is "
        "recommended but not required, except that MX must stay with a filtering service that "
        "a connector locks your tenant to.",
        "enhanced_filtering",
        "F1; F10; W21; W34; W35; §4.7; §4.8",
    ),
    "mx-contradicts-filter": NoteSpec(
        "warning",
        "You said MX points somewhere other than the filtering service, but a partner with "
        "sender domain * restricts all inbound internet mail to that service: mail that "
        "arrives any other way is rejected. Keep MX on the service while that connector is on, "
        "or leave the partner out of this plan.",
        "third_party_cloud",
        "F1",
    ),
    "leave-cloud-services-mail-to-hcw": NoteSpec(
        "info",
        "Don't set CloudServicesMailEnabled on the Exchange Online connectors you create by "
        "hand: Microsoft advises leaving it to the Hybrid Configuration Wizard. (Microsoft's "
        "route-mail guide does set it on the on-premises Send connector, Exchange 2013 or later "
        "only; the on-premises script follows that guide.)",
        "cmdlet_new_inbound",
        "W24; §4.3",
    ),
    "exchange-2007-limited-hybrid": NoteSpec(
        "warning",
        "Check the Connectors page for connectors that already exist before you create new "
        "ones. The old \u201climited hybrid\u201d for Exchange 2007 (an Exchange 2010 SP3 or "
        "2013 server in front of it) is history: those servers are blocked too.",
        "use_connectors",
        "W07; Table B row 4; F2",
    ),
    "outdated-exchange-throttling": NoteSpec(
        "warning",
        "Exchange Online throttles and then blocks mail sent over an on-premises connector "
        "from out-of-date Exchange servers (450 4.7.230, then 550 5.7.230). Keep every server "
        "that sends to Microsoft 365 on the latest cumulative and security update. See which "
        "servers are affected in the Exchange admin center under Reports > Mail flow > "
        "Out-of-date connecting on-premises Exchange servers, or with Get-OnPremServerReportInfo "
        "in Exchange Online PowerShell. While you update, you can pause the enforcement: "
        "New-TenantExemptionInfo -BlockingScenario UnpatchedOnPremServer -NumberOfDays <days> "
        "(at most 90 days per calendar year).",
        "tbe",
        "W31; §4.4; §12.6; F18",
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
    "graylisting": NoteSpec(
        "info",
        "These connectors also keep Microsoft 365 from graylisting your servers' traffic "
        "(451 4.7.500-699 ASxxx) when volume grows.",
        "fix_451_graylisting",
        "W02; §4.9",
    ),
    # --- connectors in general -----------------------------------------------------------
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
        "server (for Exchange, an anonymous relay Receive connector), which already has a "
        "connector to Microsoft 365. No extra connector is needed. The relay connector may "
        "list only the devices' own addresses as the server sees them: their internal "
        "addresses, single addresses (/32) wherever possible, on a connector that isn't "
        "reachable from the internet. Anonymous relay for any wider range lets every host in "
        "it send as anyone to anywhere: an open relay.",
        "allow_anonymous_relay",
        "§4.5; §9.14; F13",
    ),
    "device-relay-ranges": NoteSpec(
        "warning",
        "A device address in this plan is a range, not a single address. Every host in a "
        "relay range can send mail as your domains through the relay (and, for the "
        "Exchange Online relay connector, is attributed to your tenant): list each device's "
        "own address (/32) unless every address in the range is yours and needs to relay.",
        "smtp_relay_requirements",
        "F13; MC1226222",
    ),
    "smtp-auth-limits": NoteSpec(
        "warning",
        "SMTP AUTH client submission needs TLS 1.2 or later on port 587 (or 25; never 465), a "
        "licensed Exchange Online mailbox to send as, and OAuth 2.0 sign-in (XOAUTH2). It is "
        "limited to 30 messages a minute and 10,000 recipients a day.",
        "mfd_option1_smtp_auth",
        "W19; §4.5; F8",
    ),
    "smtp-auth-basic-retirement": NoteSpec(
        "warning",
        "Basic authentication for SMTP AUTH (user name and password): Microsoft's timeline "
        "(Exchange Team, 27 January 2026) is no change until December 2026; at the end of "
        "December 2026 it is disabled by default for existing tenants (admins can turn it "
        "back on for now); tenants created after December 2026 don't have it; Microsoft will "
        "announce the final removal date in the second half of 2027. Devices and applications "
        "that can't use OAuth should use the relay connector (Option 3) instead, High Volume "
        "Email for internal recipients, or Azure Communication Services Email for applications "
        "that send in bulk to external recipients.",
        "smtp_auth",
        "F8; Exchange Team, 27 January 2026",
    ),
    "smtp-auth-disabled-by-default": NoteSpec(
        "info",
        "SMTP AUTH is turned off by default for tenants created after January 2020. Turn it on "
        "for the sending mailbox only (Set-CASMailbox -SmtpClientAuthenticationDisabled "
        "$false).",
        "smtp_auth",
        "W30; §4.5",
    ),
    "reject-direct-send": NoteSpec(
        "info",
        "Hardening: if nothing in your organization sends by direct send (unauthenticated mail "
        "from your own domains to your MX endpoint), turn it off with Set-OrganizationConfig "
        "-RejectDirectSend $true (the Exchange Online script shows the line). Such mail is then "
        "rejected with 550 5.7.68 unless it matches an inbound connector by IP address or "
        "certificate, so devices on a relay connector keep working. Check message trace for "
        "direct-send traffic first.",
        "cmdlet_set_orgconfig",
        "W29; §7.4; F9; Exchange Team: more control over Direct Send (April 2025)",
    ),
    "smtp-relay-static-ip": NoteSpec(
        "warning",
        "SMTP relay through a connector needs a static public IP address that no other "
        "organization shares (or a certificate). Dynamic addresses and hosted clouds such as "
        "Azure don't work. The devices' sender address must be in one of your accepted "
        "domains, and senders without a licence each need an EOP licence.",
        "mfd_option3_smtp_relay",
        "W18; §4.5; F8; updated-requirements-smtp-relay",
    ),
    # --- partners ------------------------------------------------------------------------
    "ip-and-certificate-split": NoteSpec(
        "warning",
        "A partner gave both IP addresses and a certificate. IP restrictions and certificate "
        "restrictions must live in separate partner connectors, so this plan has two inbound "
        "connectors for that partner, neither carrying both. The result is either-or: Exchange "
        "Online accepts the partner's mail when it meets either connector (the certificate or "
        "one of the addresses), not only when it meets both.",
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
        "A partner asks for no TLS, certificate or IP restriction on its mail to you, so no "
        "inbound connector is planned for it: Microsoft 365 already uses opportunistic TLS "
        "with every partner.",
        "partner_secure",
        "§4.6; F15",
    ),
    "partner-outbound-opportunistic": NoteSpec(
        "info",
        "A partner doesn't require TLS on mail to it, so no outbound connector is planned for "
        "it: Microsoft 365 sends with opportunistic TLS.",
        "partner_secure",
        "§4.6; F4; F15",
    ),
    "partner-outbound-certificate": NoteSpec(
        "info",
        "An outbound partner connector without the name on the partner's receiving (MX) "
        "certificate checks only that the certificate is trusted (CertificateValidation). "
        "Its name is checked (DomainValidation with TlsDomain) only when you give "
        "mx_certificate_domain: the partner's sending certificate often has another name. If "
        "validation fails with a certificate-name error, ask the partner for the name on its "
        "MX servers' certificate.",
        "partner_secure",
        "F4; New-OutboundConnector -TlsSettings",
    ),
    "all-inbound-mail-restricted": NoteSpec(
        "warning",
        "A partner with sender domain * restricts all inbound internet mail to that service. "
        "Any of its IP addresses or certificates you leave out means lost mail.",
        "partner_examples",
        "W16; §4.6",
    ),
    "private-ip-address": NoteSpec(
        "warning",
        "An IP address in this plan is a private (RFC 1918 or other non-public) address. "
        "Exchange Online sees only public addresses: use the public address mail leaves from.",
        "enhanced_filtering",
        "§4.7",
    ),
    "inbound-dane-mta-sts": NoteSpec(
        "info",
        "If you enable inbound SMTP DANE with DNSSEC for a domain, its MX moves to the "
        "mx.microsoft namespace: update the smart host your server sends to, and copy the MX "
        "value again. Consider MTA-STS for your domains as well, so senders insist on TLS to "
        "Microsoft 365.",
        "smtp_dane",
        "F19; Exchange Team: inbound SMTP DANE with DNSSEC",
    ),
}
