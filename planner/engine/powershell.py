"""PowerShell scripts that carry out a plan: the Exchange Online side and the on-premises side.

Every value that reaches a script goes through `ps_quote()`: a single-quoted literal, so
PowerShell never expands anything in it, with every kind of single quote doubled and control
characters (line breaks above all) replaced, so no answer can end its string or its line. Values
the admin still has to supply become variables at the top of the script, holding a
`<FILL IN: ...>` placeholder and guarded by a `throw`, so a forgotten one stops the script before
it changes anything instead of creating a connector with a made-up value.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence

from .answers import BLOCKED_EXCHANGE, EXCHANGE_2010_OR_LATER, Answers
from .connectors import identify_by
from .facts import device_option, mx_target
from .recommendation import Connector
from .rules import RULES_VERSION

# PowerShell's tokenizer treats these like the ASCII apostrophe, inside and around strings.
SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
FILL_IN = "<FILL IN: {}>"
_PARAMETER = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_VARIABLE = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
RULE = "# " + "-" * 78


def _single_line(value: str) -> str:
    # Control and format characters (CR, LF, NEL, U+2028/2029, bidi overrides...) become spaces.
    # Printable ASCII, nearly every value, has none of them: skip the per-character check.
    if value.isascii() and value.isprintable():
        return value
    return "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in value
    )


def ps_quote(value) -> str:
    """Return `value` as a PowerShell literal: '...' strings, $true/$false, @('a', 'b') lists."""
    if isinstance(value, bool):
        return "$true" if value else "$false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return "@(" + ", ".join(ps_quote(item) for item in value) + ")"
    if not isinstance(value, str):
        raise TypeError(f"Can't quote {type(value).__name__} for PowerShell.")
    text = _single_line(value)
    for quote in SINGLE_QUOTES:
        text = text.replace(quote, quote * 2)
    return "'" + text + "'"


def _comment(text: str) -> str:
    """Return `text` as one comment line; admin values in it can't start a new line."""
    return "# " + _single_line(text) if text else "#"


def _comments(lines: Iterable[str]) -> list[str]:
    return [_comment(line) for line in lines]


class _Placeholders:
    """The values the admin must fill in, declared and guarded at the top of a script."""

    def __init__(self):
        self.lines: list[str] = []
        self.guards: list[str] = []

    def add(self, name: str, hint: str, *, many: bool = False, only_if: str | None = None) -> str:
        if not _VARIABLE.match(name):
            raise ValueError(f"Bad variable name {name!r}.")
        self.lines.append(_comment(hint[:1].upper() + hint[1:]))
        if many:
            self.lines.append("# One value in quotes, or several as @('first', 'second').")
        self.lines.append(f"${name} = {ps_quote(FILL_IN.format(hint))}")
        self.lines.append("")
        check = f"(-not ${name} -or (@(${name}) -like '<FILL IN*'))"
        if only_if:
            check = f"(${only_if} -and {check})"
        message = ps_quote(f"Fill in ${name} at the top of this script before running it.")
        self.guards.append(f"if {check} {{ throw {message} }}")
        return f"${name}"

    def section(self) -> list[str]:
        if not self.lines:
            return []
        return [
            RULE,
            "# Values to fill in. The script stops here until every one is filled in.",
            RULE,
            "",
            *self.lines,
            *self.guards,
            "",
        ]


def _pascal(text: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", text) if part)


def _splat(settings: dict, values: dict[str, str]) -> list[str]:
    """Return `$params = @{ ... }` lines; `values` holds placeholder variables by parameter."""
    lines = ["$params = @{"]
    for parameter, value in settings.items():
        if not _PARAMETER.match(parameter):
            raise ValueError(f"Bad cmdlet parameter name {parameter!r}.")
        literal = values[parameter] if value is None else ps_quote(value)
        lines.append(f"    {parameter} = {literal}")
    lines.append("}")
    return lines


BLOCKED = [
    "BLOCKER: Exchange Online refuses mail from Exchange 2007, 2010 and 2013 over an",
    "OnPremises connector (450 4.7.230, then 550 5.7.230). These connectors carry mail only",
    "once a supported server (Exchange SE, or a mail server with TLS 1.2 and a certificate in",
    "an accepted domain) relays for it. Read the plan's first note before you run this.",
    "",
]


def _header(
    title: str, what: Sequence[str], where: str, answers: Answers | None = None
) -> list[str]:
    blocked = answers is not None and answers.onprem_server in BLOCKED_EXCHANGE
    return [
        RULE,
        _comment(title),
        RULE,
        *(_comments(BLOCKED) if blocked else []),
        *_comments(what),
        "#",
        _comment(where),
        _comment(
            f"Made by Connector Planner (rules version {RULES_VERSION}). Read it through "
            "before you run it."
        ),
        RULE,
        "",
        "$ErrorActionPreference = 'Stop'",
        "",
    ]


# --- Exchange Online ---------------------------------------------------------------------------

HYBRID_REVIEW = {
    "New-InboundConnector": (
        "Get-InboundConnector | Where-Object { $_.ConnectorSource -eq 'HybridWizard' } | "
        "Format-List Name,ConnectorType,SenderDomains,TlsSenderCertificateName,"
        "SenderIPAddresses,RequireTls,CloudServicesMailEnabled,Enabled"
    ),
    "New-OutboundConnector": (
        "Get-OutboundConnector | Where-Object { $_.ConnectorSource -eq 'HybridWizard' } | "
        "Format-List Name,ConnectorType,RecipientDomains,AllAcceptedDomains,SmartHosts,"
        "TlsSettings,TlsDomain,CloudServicesMailEnabled,RouteAllMessagesViaOnPremises,"
        "IsValidated,Enabled"
    ),
}


def exchange_online_script(answers: Answers, connectors: Sequence[Connector]) -> str:
    """Return the Exchange Online PowerShell script for the plan, or "" with no connector.

    Connectors to create get New-InboundConnector / New-OutboundConnector with every planned
    setting; those the Hybrid Configuration Wizard made get Get- commands to review them.
    """
    create = [c for c in connectors if c.action == "create"]
    review = [c for c in connectors if c.action == "review-existing"]
    if not create and not review:
        return ""
    placeholders = _Placeholders()
    body: list[str] = []
    validations: list[tuple[Connector, str, str | None]] = []
    # §4.5: when another device option fits better, the relay connector is an alternative;
    # creating it by default would combine a connector with direct send (W17).
    gated = device_option(answers) not in (None, "smtp-relay", "onprem-relay")

    for number, connector in enumerate(create, start=1):
        prefix = _pascal(connector.id)
        switch = None
        if connector.purpose == "device-relay" and gated:
            switch = "CreateDeviceRelayConnector"
            placeholders.lines += [
                "# Optional: your answers point to another way for devices to send mail, which",
                "# needs no connector. Set this to $true only if you choose SMTP relay (Option 3)",
                "# for your devices instead; never combine it with direct send for one device.",
                f"${switch} = $false",
                "",
            ]
        fills = {item.parameter: item.hint for item in connector.fill_in}
        values = {}
        for parameter, value in connector.settings.items():
            if value is None:
                hint = fills.get(parameter, f"{parameter} for the connector")
                values[parameter] = placeholders.add(
                    prefix + parameter,
                    hint,
                    many=parameter in ("SmartHosts", "SenderIPAddresses"),
                    only_if=switch,
                )
        name = connector.settings.get("Name") or connector.title
        need = "Required" if connector.required else "Optional"
        body += [
            RULE,
            _comment(f"{number}. {connector.title}"),
            _comment(
                f"From: {connector.from_label}. To: {connector.to_label}. "
                f"{connector.connector_type} connector. {need}."
            ),
            RULE,
            *_splat(connector.settings, values),
        ]
        if switch:
            body += [f"if (${switch}) {{", f"    {connector.cmdlet} @params", "}", ""]
        else:
            body += [f"{connector.cmdlet} @params", ""]
        if connector.direction == "outbound":
            validations.append((connector, name, None))

    recipients = {}
    for connector, _name, _ in validations:
        behind = (
            "a mailbox on your on-premises server"
            if connector.to == "your-organization-email-server"
            else "an address at the partner ("
            + ", ".join(connector.settings.get("RecipientDomains") or ())
            + ") that may receive a test message"
        )
        recipients[connector.id] = placeholders.add(
            _pascal(connector.id) + "TestRecipient",
            f"For validating {connector.settings.get('Name')}: {behind}.",
        )

    if validations:
        body += [
            RULE,
            "# Validate the outbound connectors. Each test connects to the smart host (or the",
            "# recipient's MX) and sends a test message; both must succeed. Validation doesn't",
            "# record the result: once both tests pass, record it with the Set-OutboundConnector",
            "# line shown under each test (time in UTC).",
            RULE,
        ]
        for connector, name, _ in validations:
            body += [
                f"Validate-OutboundConnector -Identity {ps_quote(name)} "
                f"-Recipients {recipients[connector.id]} | Format-List",
                _comment(
                    f"If it passed: Set-OutboundConnector -Identity {ps_quote(name)} "
                    "-IsValidated $true -LastValidationTimestamp (Get-Date).ToUniversalTime()"
                ),
                "",
            ]

    if review:
        body += [
            RULE,
            "# Connectors the Hybrid Configuration Wizard made: review them, don't create",
            "# duplicates. Check that TlsSenderCertificateName is one of your accepted domains",
            "# (or *.domain), not a single host name, and that the outbound connector is",
            "# validated and enabled. To change them, rerun the Hybrid Configuration Wizard.",
            "# Only the Full configuration creates connectors: if nothing is listed, the wizard",
            "# ran as Minimal or Express. Rerun it with Full, or create the pair by hand",
            '# (answer "Minimal" in the planner to get that plan).',
            RULE,
        ]
        for cmdlet in dict.fromkeys(c.cmdlet for c in review):
            body += [HYBRID_REVIEW[cmdlet], ""]
        body += [
            "if (-not (Get-InboundConnector | Where-Object { $_.ConnectorSource -eq "
            "'HybridWizard' })) {",
            "    Write-Warning 'No connectors made by the Hybrid Configuration Wizard: rerun it "
            "with the Full configuration, or create the connectors by hand.'",
            "}",
            "",
        ]
        if mx_target(answers) == "on-premises":
            body += [
                RULE,
                "# Enhanced Filtering for Connectors: your MX points to your on-premises servers,",
                "# so internet mail reaches Exchange Online through the wizard's inbound",
                "# connector. Skip its last hop so filtering sees the real source.",
                RULE,
                "Get-InboundConnector | Where-Object { $_.ConnectorSource -eq 'HybridWizard' } | "
                "Set-InboundConnector -EFSkipLastIP $true",
                "",
            ]

    if answers.subscription == "exchange-online":
        body += [
            RULE,
            "# Hardening (tenant-wide, optional): if nothing sends to you by direct send",
            "# (unauthenticated mail from your own domains to your MX endpoint), reject it.",
            "# Mail that matches an inbound connector by IP address or certificate still",
            "# arrives. Check message trace for direct-send traffic first, then remove the #:",
            "# Set-OrganizationConfig -RejectDirectSend $true",
            RULE,
            "",
        ]
    if any("EFSkipIPs" in c.settings or "EFSkipLastIP" in c.settings for c in create):
        body += [
            "# Enhanced Filtering for Connectors is set on the inbound connector(s) above that",
            "# carry mail from the server in front of Microsoft 365 (EFSkipIPs / EFSkipLastIP).",
            "# Never list Microsoft 365 or private (RFC 1918) addresses there.",
            "",
        ]
    what = ["Creates the connectors of your plan in Exchange Online."] if create else []
    if validations:
        what.append("Then validates the outbound ones with Validate-OutboundConnector.")
    if review:
        what.append("Lists the connectors the Hybrid Configuration Wizard made, for review.")
    if create:
        what.append("Add and verify your accepted domains before you run it.")
    lines = _header(
        "Connector plan: Exchange Online side",
        what,
        "Run in Exchange Online PowerShell, after Connect-ExchangeOnline.",
        answers,
    )
    lines += [
        "if (-not (Get-Command Get-InboundConnector -ErrorAction SilentlyContinue)) {",
        "    throw 'Connect to Exchange Online first: Connect-ExchangeOnline'",
        "}",
        "",
    ]
    return "\n".join([*lines, *placeholders.section(), *body]).rstrip() + "\n"


# --- On-premises -------------------------------------------------------------------------------

E2010 = "exchange-2010-or-later"
E2010_EXACT = "exchange-2010"
E2007 = "exchange-2007-or-earlier"
NON_MS = "non-microsoft-smtp"
EOP = "exchange-online-protection"
EXO = "exchange-online"

MX_HINT = (
    "the MX value of your accepted domain, copied from the Microsoft 365 admin center "
    "(Settings > Domains). Don't work it out yourself: it ends in "
    "mail.protection.outlook.com, or mx.microsoft for newer domains"
)


def on_premises_script(answers: Answers, connectors: Sequence[Connector]) -> str | None:
    """Return the on-premises side of the plan, or None without an on-premises server.

    For Exchange it is an Exchange Management Shell script; for a non-Microsoft server it is
    the steps in words, as a script of comment lines only (PowerShell can't configure that
    server, but the download stays a valid .ps1 that does nothing).
    """
    if not answers.has_onprem_server:
        return None
    if answers.onprem_server == NON_MS:
        return _non_microsoft(answers)
    if any(c.action == "review-existing" and c.purpose == "own-servers" for c in connectors):
        return _exchange_hybrid_review(answers)
    return _exchange_manual(answers)


def _certificate_host(answers: Answers) -> str | None:
    domain = answers.organization.onprem_certificate_domain
    return domain if domain and not domain.startswith("*.") else None


def _device_relay(
    answers: Answers, placeholders: _Placeholders, version: str, *, review: bool = False
) -> list[str]:
    if not answers.devices.send_mail:
        return []
    switch = "CreateDeviceRelayConnector"
    # F13: in a hybrid review the wizard's set-up may already relay for the devices: opt in.
    if review:
        placeholders.lines += [
            "# Your printers and applications relay through this server. Set this to $true to",
            "# create a relay connector for them; it is off here because the hybrid set-up may",
            "# already have one (check Get-ReceiveConnector first).",
            f"${switch} = $false",
            "",
        ]
    else:
        placeholders.lines += [
            "# Your printers and applications relay through this server. Set this to $false if",
            "# a Receive connector already lets them relay.",
            f"${switch} = $true",
            "",
        ]
    ips = answers.devices.sending_ips
    if ips:
        ranges = ps_quote(list(ips))
        note = [
            "# These are the device addresses from your answers. The connector must list the",
            "# addresses this server sees them connect from (their internal addresses), each a",
            "# single address (/32) where possible: every address listed may relay anonymously",
            "# to any recipient, so a wider range or a public address makes an open relay.",
        ]
    else:
        ranges = placeholders.add(
            "DeviceAddresses",
            "the IP addresses your printers and applications connect to this server from",
            many=True,
            only_if=switch,
        )
        note = []
    modern = version in EXCHANGE_2010_OR_LATER and version != E2010_EXACT
    if version == E2010_EXACT:
        frontend = "# Exchange 2010: run on the Hub Transport server."
    elif modern:
        frontend = (
            "# Exchange 2013 or later. On Exchange 2010 leave out -TransportRole FrontendTransport."
        )
    else:
        frontend = "# Exchange 2007: run on the Hub Transport server; add -Server <name> if needed."
    role = " -TransportRole FrontendTransport" if modern else ""
    return [
        RULE,
        "# Relay for devices: an anonymous relay Receive connector that accepts mail only from",
        "# the devices' addresses. Never widen it to other addresses: that makes an open relay.",
        RULE,
        *note,
        frontend,
        f"if (${switch}) {{",
        f"    New-ReceiveConnector -Name 'Relay for devices'{role} -Custom "
        f"-Bindings 0.0.0.0:25 -RemoteIPRanges {ranges}",
        "    Set-ReceiveConnector -Identity 'Relay for devices' -PermissionGroups AnonymousUsers",
        "    Get-ReceiveConnector -Identity 'Relay for devices' | Add-ADPermission "
        "-User 'NT AUTHORITY\\ANONYMOUS LOGON' -ExtendedRights 'Ms-Exch-SMTP-Accept-Any-Recipient'",
        "}",
        "",
    ]


def _eop_spam_rules(answers: Answers) -> list[str]:
    """Return the transport rules that turn EOP's spam verdicts into SCL 6 (F11)."""
    if answers.subscription != EOP:
        return []
    lines = [
        RULE,
        "# Standalone EOP: turn its spam verdicts into SCL 6 so spam lands in Junk Email",
        "# (Set up your EOP service, Step 5). Skip this if EOP's anti-spam policy quarantines",
        "# spam instead.",
        RULE,
    ]
    for verdict in ("SFV:SPM", "SFV:SKS", "SFV:SKB"):
        name = f"EOP spam verdict {verdict} to SCL 6"
        lines.append(
            f"New-TransportRule -Name {ps_quote(name)} -HeaderContainsMessageHeader "
            f"'X-Forefront-Antispam-Report' -HeaderContainsWords {ps_quote(verdict)} -SetSCL 6"
        )
    return [*lines, ""]


def _coexistence(answers: Answers) -> list[str]:
    """Return the coexistence routing options for shared domains without Full hybrid (F6)."""
    if answers.subscription != EXO:
        return []
    return [
        RULE,
        "# Coexistence routing (mailboxes on premises and in Exchange Online share your",
        "# domains). This server thinks it owns them: mail to a cloud colleague bounces (5.1.1)",
        "# unless you do one of these. Uncomment and adapt ONE of them.",
        "# a) An on-premises mail user (or remote mailbox) per cloud mailbox whose external",
        "#    address is user@<tenant>.mail.onmicrosoft.com, kept in step with Microsoft Entra",
        "#    Connect or Cloud Sync; the Send connector above carries that routing domain.",
        "# b) Or make the shared domain internal relay, so unknown recipients go on to",
        "#    Microsoft 365 through the Send connector above:",
        "#    Set-AcceptedDomain -Identity 'contoso.com' -DomainType InternalRelay",
        RULE,
        "",
    ]


def _exchange_manual(answers: Answers) -> str:
    version = answers.onprem_server
    placeholders = _Placeholders()
    mx = placeholders.add("TenantMxHost", MX_HINT)
    host = _certificate_host(answers)
    fqdn = (
        ps_quote(host)
        if host
        else placeholders.add(
            "CertificateHostName",
            "the host name this server's CA-signed TLS certificate is issued to (its subject "
            "or a SAN), like mail.contoso.com",
        )
    )
    send = [
        RULE,
        "# 1. Send connector to Microsoft 365: all outgoing mail goes to your tenant's MX host",
        "#    over TLS, and Exchange checks Microsoft 365's certificate.",
        "#    An existing Send connector for address space * (your Internet connector) would",
        "#    compete with it: disable it, or give its address space a higher cost (the number",
        "#    after ';' in AddressSpaces), once this one works.",
        RULE,
        "Get-SendConnector | Where-Object { $_.AddressSpaces -match '\\*' } | "
        "Format-List Name,AddressSpaces,Enabled",
        "",
        "$params = @{",
        "    Name = 'To Microsoft 365'",
        "    AddressSpaces = '*'",
        f"    SmartHosts = {mx}",
        "    DNSRoutingEnabled = $false",
        "    RequireTLS = $true",
    ]
    if version == E2010_EXACT:
        send += [
            "    TlsAuthLevel = 'CertificateValidation'",
            f"    Fqdn = {fqdn}",
            "    Usage = 'Internet'",
            "}",
            "# Exchange 2010 has no CloudServicesMailEnabled.",
            "New-SendConnector @params",
            "",
        ]
    elif version in EXCHANGE_2010_OR_LATER:
        send += [
            "    TlsAuthLevel = 'CertificateValidation'",
            f"    Fqdn = {fqdn}",
            "    Usage = 'Internet'",
            "    # Exchange 2013 or later only: remove this line on Exchange 2010. Microsoft's",
            "    # route-mail guide sets it on this Send connector; this plan sets it nowhere else.",
            "    CloudServicesMailEnabled = $true",
            "}",
            "New-SendConnector @params",
            "",
        ]
    else:
        send += [
            f"    Fqdn = {fqdn}",
            "    Usage = 'Internet'",
            "}",
            "# Exchange 2007 has no TlsAuthLevel and no CloudServicesMailEnabled.",
            "New-SendConnector @params",
            "",
        ]

    if version in EXCHANGE_2010_OR_LATER:
        server = placeholders.add(
            "ExchangeServer", "the name of your internet-facing Exchange server, like EX01"
        )
        certificate = placeholders.add(
            "TlsCertificateName",
            "your certificate as <I>issuer<S>subject, built from Get-ExchangeCertificate "
            "(see step 2)",
        )
        receive = [
            RULE,
            "# 2. Receive side: the connector that takes mail from Microsoft 365 must present",
            "#    your CA-signed certificate. Its name here is in Exchange's <I>issuer<S>subject",
            "#    format, not a plain domain as in Exchange Online. Find the certificate with",
            "#      Get-ExchangeCertificate | Format-List Thumbprint,Issuer,Subject,Services",
            "#    and build the name, for example:",
            "#      $c = Get-ExchangeCertificate -Thumbprint <thumbprint>",
            "#      '<I>' + $c.Issuer + '<S>' + $c.Subject",
            "#    Exchange 2013 or later: 'Default Frontend <server>'. On Exchange 2010 the",
            "#    connector is 'Default <server>': change the -f format below.",
            RULE,
            f"Set-ReceiveConnector -Identity ('{{0}}\\Default Frontend {{0}}' -f {server}) "
            f"-TlsCertificateName {certificate}",
            "",
        ]
    else:
        thumbprint = placeholders.add(
            "CertificateThumbprint",
            "the thumbprint of this server's CA-signed TLS certificate, from "
            "Get-ExchangeCertificate",
        )
        receive = [
            RULE,
            "# 2. Receive side: enable your CA-signed certificate for SMTP so the server offers",
            "#    it to Microsoft 365. Find it with",
            "#      Get-ExchangeCertificate | Format-List Thumbprint,Issuer,Subject,Services",
            RULE,
            f"Enable-ExchangeCertificate -Thumbprint {thumbprint} -Services SMTP",
            "",
        ]

    relay = _device_relay(answers, placeholders, version)
    spam = _eop_spam_rules(answers)
    coexistence = _coexistence(answers)
    what = [
        "Creates the Send connector from your Exchange organization to Microsoft 365 and",
        "makes the server present its TLS certificate to Microsoft 365.",
    ]
    if relay:
        what.append("Adds a relay Receive connector for your printers and applications.")
    if spam:
        what.append("Adds transport rules that send EOP's spam verdicts to Junk Email.")
    if coexistence:
        what.append("Shows the coexistence routing options for your shared domains.")
    if version in BLOCKED_EXCHANGE:
        pass  # the BLOCKER lines of the header say it
    elif version in ("exchange-2016", "exchange-2019"):
        what += [
            "Exchange 2016 and 2019 have been out of support since 14 October 2025, and Exchange",
            "Online throttles, then blocks, mail from out-of-date Exchange servers",
            "(4.7.230 / 5.7.230): upgrade to Exchange Server SE.",
        ]
    else:
        what += [
            "Exchange Online throttles, then blocks, mail from out-of-date Exchange servers",
            "(4.7.230 / 5.7.230): keep the servers that send to Microsoft 365 updated.",
        ]
    lines = _header(
        "Connector plan: on-premises side (Exchange)",
        what,
        "Run in the Exchange Management Shell on your Exchange server.",
        answers,
    )
    body = [*send, *receive, *spam, *coexistence, *relay]
    return "\n".join([*lines, *placeholders.section(), *body]).rstrip() + "\n"


def _exchange_hybrid_review(answers: Answers) -> str:
    placeholders = _Placeholders()
    relay = _device_relay(answers, placeholders, answers.onprem_server, review=True)
    what = [
        "Lists what the Hybrid Configuration Wizard set up on premises, for review. To change",
        "it, rerun the Hybrid Configuration Wizard rather than editing the connectors here.",
    ]
    if relay:
        what.append("Can add a relay Receive connector for your printers and applications.")
    lines = _header(
        "Connector plan: on-premises side (Exchange, hybrid)",
        what,
        "Run in the Exchange Management Shell on your Exchange server.",
        answers,
    )
    review = [
        RULE,
        "# Review: look for the Send connector the wizard made (named like 'Outbound to",
        "# Office 365'): it should require TLS and have CloudServicesMailEnabled true.",
        "# On the Receive connector 'Default Frontend <server>' the wizard sets",
        "# TlsDomainCapabilities 'mail.protection.outlook.com:AcceptCloudServicesMail'",
        "# (AcceptOorgProtocol on Exchange 2010) and TlsCertificateName: check both.",
        "# If no such Send connector exists, the wizard ran as Minimal or Express.",
        "# Hybrid also needs the dedicated Exchange hybrid application (since 31 October",
        "# 2025): run the current Hybrid Configuration Wizard if it isn't set up.",
        RULE,
        "Get-HybridConfiguration | Format-List",
        "Get-SendConnector | Format-List Name,AddressSpaces,SmartHosts,RequireTLS,TlsAuthLevel,"
        "TlsDomain,Fqdn,TlsCertificateName,CloudServicesMailEnabled,Enabled",
        "Get-ReceiveConnector | Format-List Identity,Bindings,TlsCertificateName,"
        "RequireTLS,TlsDomainCapabilities",
        "",
    ]
    return "\n".join([*lines, *placeholders.section(), *review, *relay]).rstrip() + "\n"


def _non_microsoft(answers: Answers) -> str:
    org = answers.organization
    steps = [
        "Route all outgoing internet mail through Microsoft 365: set a smart host (relay host) "
        "for every remote domain, port 25, pointing to your tenant's MX host. Copy it from the "
        "Microsoft 365 admin center (Settings > Domains); don't work it out yourself: it ends "
        "in mail.protection.outlook.com, or mx.microsoft for newer domains. For Postfix: "
        "relayhost = [<tenant MX host>]:25.",
        "Require TLS 1.2 or later on that route and verify Microsoft 365's certificate against "
        "trusted certificate authorities. For Postfix: smtp_tls_security_level = secure (or "
        "verify) and smtp_tls_mandatory_protocols = >=TLSv1.2.",
    ]
    if identify_by(answers) == "ip":
        where = ", ".join(org.onprem_sending_ips) or "your static public IP addresses"
        steps.append(
            f"Send to Microsoft 365 from {where}: the inbound connector recognizes your server "
            "by these addresses. Use a CA-signed TLS certificate all the same."
        )
    else:
        name = org.onprem_certificate_domain or "one of your accepted domains"
        steps.append(
            f"Present your CA-signed TLS certificate for {name} as a client certificate when "
            "sending to Microsoft 365: the inbound connector recognizes your server by that "
            "name. For Postfix: smtp_tls_cert_file and smtp_tls_key_file; without them Postfix "
            "presents no certificate and Exchange Online can't recognize it."
        )
    steps.append(
        "Accept mail from Microsoft 365 on TCP 25 from all published Exchange Online IP "
        "ranges, offering TLS with the same certificate. Relay only for your own domains: "
        "never let the server become an open relay."
    )
    if answers.subscription == EOP:
        steps.append(
            "Standalone EOP marks spam in the X-Forefront-Antispam-Report header: add a header "
            "check on your server that files messages whose header contains SFV:SPM, SFV:SKS or "
            "SFV:SKB as spam (Junk), or quarantine spam in EOP's anti-spam policy instead."
        )
    else:
        steps.append(
            "Coexistence routing: your server still thinks it owns your domains. Send mail for "
            "recipients that live in Microsoft 365 on to Microsoft 365, for example with "
            "per-user transport_maps entries (or relaying unknown local recipients) to "
            "user@<tenant>.mail.onmicrosoft.com through the smart host; otherwise mail to "
            "cloud mailboxes bounces."
        )
    if answers.devices.send_mail:
        ips = answers.devices.sending_ips
        where = (
            ", ".join(ips) + " (their addresses as your server sees them)"
            if ips
            else "the addresses your devices connect from"
        )
        steps.append(
            f"Let your printers and applications relay through the server, from {where} only, "
            "each a single address where possible (for Postfix: mynetworks); any wider range "
            "lets every host in it relay."
        )
    steps.append(
        "Test: send from a mailbox on your server to an external mailbox, and from an "
        "external mailbox to a mailbox on your server. Both must arrive."
    )
    lines = [
        "Connector plan: on-premises side (non-Microsoft SMTP server)",
        "",
        "PowerShell can't configure your server: these are the steps in words. Apply them in "
        "your server's own configuration. Running this file does nothing.",
        "",
    ]
    for number, step in enumerate(steps, start=1):
        lines += textwrap.wrap(
            f"{number}. {step}", width=86, subsequent_indent="   ", break_on_hyphens=False
        )
    return _comment_block(lines)


def _comment_block(lines: list[str]) -> str:
    """Return `lines` as comment lines, wrapping any longer than 86 characters."""
    out = []
    for line in lines:
        wrapped = (
            textwrap.wrap(line, width=86, break_on_hyphens=False) if len(line) > 86 else [line]
        )
        out += _comments(wrapped)
    return "\n".join(out) + "\n"
