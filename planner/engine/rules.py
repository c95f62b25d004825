"""The rules table: which connectors and notes a plan gets, as data.

A rule fires when every fact it lists holds one of its accepted values. Facts are the answers
themselves plus a few categorical ones derived by the small named functions in `facts.py`
(e.g. which device option fits). Rules with `for_each="partner"` are tried once per partner,
with that partner's facts added. Rules with `stage="plan"` look at what the first stage
planned (counts of connectors), so plan-wide warnings stay data too.

Bump RULES_VERSION whenever this table, a connector's settings or a note's meaning changes:
a saved plan keeps the version it was computed with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

RULES_VERSION = 1

E2010 = "exchange-2010-or-later"
E2007 = "exchange-2007-or-earlier"
NON_MS = "non-microsoft-smtp"
NONE = "none"
EOP = "exchange-online-protection"
EXO = "exchange-online"
ON_PREMISES = frozenset({E2010, E2007, NON_MS})
ANY_SUBSCRIPTION = frozenset({EOP, EXO})
YES = frozenset({True})
NO = frozenset({False})


@dataclass(frozen=True)
class Rule:
    id: str
    when: Mapping[str, frozenset]
    reason: str
    source: str
    connectors: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    own_servers: str | None = None
    required: bool = False
    action: str = "create"
    for_each: str | None = None
    stage: str = "answers"

    def __post_init__(self):
        # Accept plain sets in the table for readability; store them frozen.
        object.__setattr__(self, "when", {k: frozenset(v) for k, v in self.when.items()})

    def matches(self, facts: Mapping) -> bool:
        return all(facts.get(name) in accepted for name, accepted in self.when.items())


MANUAL_PAIR = ("own-servers-outbound", "own-servers-inbound")
OWN_SERVER_NOTES = (
    "both-directions-required",
    "relay-needs-certificate-or-accepted-domains",
    "leave-cloud-services-mail-to-hcw",
)

RULES: tuple[Rule, ...] = (
    # --- Table B: "I have my own email servers" (and table A rows A1/A2) ---------------------
    Rule(
        id="own-servers-exchange-2010-eop",
        when={"onprem_server": frozenset({E2010}), "subscription": frozenset({EOP})},
        connectors=MANUAL_PAIR,
        own_servers="manual-connectors",
        required=True,
        notes=OWN_SERVER_NOTES,
        reason="With standalone Exchange Online Protection in front of Exchange 2010 or later, "
        "you create both connectors by hand: one from Office 365 to your servers for filtered "
        "incoming mail, one from your servers to Office 365 for outgoing mail. The Hybrid "
        "Configuration Wizard does not apply to standalone EOP.",
        source="Table B row 1 (Exchange 2010 or later, EOP); table A row A1",
    ),
    Rule(
        id="own-servers-exchange-2010-exo-no-hybrid",
        when={
            "onprem_server": frozenset({E2010}),
            "subscription": frozenset({EXO}),
            "hybrid_completed": NO,
        },
        connectors=MANUAL_PAIR,
        own_servers="consider-hybrid",
        required=True,
        notes=("consider-hybrid-wizard", *OWN_SERVER_NOTES),
        reason="Mailboxes on Exchange 2010 or later and in Exchange Online need a connector in "
        "each direction. Check first whether a hybrid deployment fits: the Hybrid "
        "Configuration Wizard would create this pair for you. If you only want mail routing, "
        "create them by hand as shown.",
        source="Table B row 2 (Exchange 2010 or later, Exchange Online, HCW not run); table A "
        "row A2",
    ),
    Rule(
        id="own-servers-exchange-2010-exo-hybrid-done",
        when={
            "onprem_server": frozenset({E2010}),
            "subscription": frozenset({EXO}),
            "hybrid_completed": YES,
        },
        connectors=("hybrid-outbound", "hybrid-inbound"),
        own_servers="created-by-hybrid-wizard",
        required=True,
        action="review-existing",
        notes=("hybrid-connectors-exist", "edits-take-effect-on-save"),
        reason="The Hybrid Configuration Wizard has already created the connectors between "
        "your Exchange servers and Exchange Online. Create nothing by hand: review them on the "
        "Connectors page, edit them there, or rerun the wizard.",
        source="Table B row 3 (Exchange 2010 or later, Exchange Online, HCW run); §9.12",
    ),
    Rule(
        id="own-servers-exchange-2007",
        when={"onprem_server": frozenset({E2007}), "subscription": ANY_SUBSCRIPTION},
        connectors=MANUAL_PAIR,
        own_servers="manual-connectors",
        required=True,
        notes=("exchange-2007-limited-hybrid", *OWN_SERVER_NOTES),
        reason="Exchange 2007 or earlier needs both connectors created by hand. Hybrid exists "
        "with Exchange 2007 only in limited cases, so look for connectors that already exist "
        "first.",
        source="Table B row 4 (Exchange 2007 or earlier, EOP or Exchange Online); table A "
        "rows A1/A2",
    ),
    Rule(
        id="own-servers-non-microsoft",
        when={"onprem_server": frozenset({NON_MS}), "subscription": ANY_SUBSCRIPTION},
        connectors=MANUAL_PAIR,
        own_servers="manual-connectors",
        required=True,
        notes=OWN_SERVER_NOTES,
        reason="A non-Microsoft SMTP server needs both connectors created by hand: one from "
        "Office 365 to your server, one from your server to Office 365. The Hybrid "
        "Configuration Wizard only works with Exchange.",
        source="Table B row 5 (non-Microsoft SMTP server, EOP or Exchange Online); table A "
        "rows A1/A2",
    ),
    # --- Notes that follow from having own servers --------------------------------------------
    Rule(
        id="own-servers-common",
        when={"onprem_server": ON_PREMISES},
        notes=(
            "open-relay",
            "accepted-domains-first",
            "spf-single-record",
            "firewall-exchange-online-ranges",
            "graylisting",
        ),
        reason="Any organization that routes mail between its own servers and Microsoft 365.",
        source="W01, W02, W08, W20; §4.1; §5",
    ),
    Rule(
        id="standalone-eop",
        when={"onprem_server": ON_PREMISES, "subscription": frozenset({EOP})},
        notes=("standalone-eop-mx-and-port-25",),
        reason="Standalone EOP filters mail for your own servers: MX points straight to EOP, "
        "and your servers then accept mail only from it.",
        source="W27; §5.2; §5.5; table A row A1",
    ),
    Rule(
        id="own-servers-mx",
        when={"onprem_server": ON_PREMISES, "subscription": frozenset({EXO})},
        notes=("mx-to-microsoft-365",),
        reason="Mail for a tenant with Exchange Online mailboxes is best filtered when MX "
        "points to Microsoft 365.",
        source="W23; §5.2",
    ),
    Rule(
        id="outdated-exchange",
        when={"onprem_server": frozenset({E2010, E2007})},
        notes=("outdated-exchange-throttling",),
        reason="Exchange Online throttles and blocks out-of-date Exchange servers that send over "
        "an on-premises connector.",
        source="W31; §4.4; §12.6",
    ),
    Rule(
        id="treat-as-internal-option",
        when={"onprem_server": frozenset({E2007, NON_MS}), "subscription": frozenset({EXO})},
        notes=("treat-messages-as-internal",),
        reason="Without Exchange 2010 or later, mail from on-premises is treated as external "
        "unless the inbound connector says otherwise.",
        source="W25; §4.4",
    ),
    Rule(
        id="identify-by-ip",
        when={"onprem_server": ON_PREMISES, "manual_connectors": YES, "identify_by": {"ip"}},
        notes=("ip-identification-relay-limits",),
        reason="Identifying the on-premises server by IP address limits what Microsoft 365 "
        "will relay.",
        source="W11; §4.2",
    ),
    Rule(
        id="certificate-not-accepted-domain",
        when={"manual_connectors": YES, "certificate_outside_domains": YES},
        notes=("certificate-domain-must-be-accepted",),
        reason="A certificate domain outside the accepted domains can't attribute mail.",
        source="§4.2; §5.4",
    ),
    # --- Table A row A3 and §4.5: devices and applications -----------------------------------
    Rule(
        id="devices-via-on-premises",
        when={"devices.send_mail": YES, "onprem_server": ON_PREMISES},
        notes=("devices-relay-via-onprem",),
        reason="You have an on-premises email server: printers, scanners and applications relay "
        "through it, and its connector to Microsoft 365 carries their mail. No extra connector.",
        source="§4.5 (last item); §9.14",
    ),
    Rule(
        id="devices-smtp-auth",
        when={"devices.send_mail": YES, "onprem_server": {NONE}, "devices.option": {"smtp-auth"}},
        connectors=("device-relay-inbound",),
        notes=(
            "smtp-auth-limits",
            "smtp-auth-disabled-by-default",
            "smtp-auth-basic-auth-retirement",
        ),
        reason="All mailboxes are in Exchange Online and the devices can sign in over TLS 1.2: "
        "SMTP AUTH client submission (Option 1) needs no connector. The SMTP relay connector "
        "(Option 3) is listed as an optional alternative.",
        source="Table A row A3; §4.5 Option 1",
    ),
    Rule(
        id="devices-direct-send",
        when={
            "devices.send_mail": YES,
            "onprem_server": {NONE},
            "devices.option": {"direct-send"},
        },
        connectors=("device-relay-inbound",),
        notes=("direct-send-internal-only", "reject-direct-send", "spf-single-record"),
        reason="All mailboxes are in Exchange Online and the devices mail only your own "
        "people: direct send (Option 2) to your MX endpoint needs no connector and no "
        "mailbox. The SMTP relay connector (Option 3) is listed as an optional alternative; "
        "use one or the other for a device, never both.",
        source="Table A row A3; §4.5 Option 2; W17",
    ),
    Rule(
        id="devices-smtp-relay",
        when={
            "devices.send_mail": YES,
            "onprem_server": {NONE},
            "devices.option": {"smtp-relay"},
        },
        connectors=("device-relay-inbound",),
        notes=("smtp-relay-static-ip", "spf-single-record", "accepted-domains-first"),
        reason="All mailboxes are in Exchange Online, and the devices must reach external "
        "recipients without signing in: SMTP relay (Option 3) through one inbound connector "
        "that recognizes their static public IP address. The connector is optional in "
        "Microsoft's table because Options 1 and 2 need none, but it is the one that fits "
        "your answers.",
        source="Table A row A3; §4.5 Option 3; §9.14",
    ),
    Rule(
        id="device-ips-missing",
        when={
            "devices.send_mail": YES,
            "onprem_server": {NONE},
            "devices.option": {"smtp-relay"},
            "devices.has_ips": NO,
        },
        notes=("device-ips-missing",),
        reason="The relay connector needs the devices' public IP addresses.",
        source="§4.5 Option 3",
    ),
    # --- Table A row A4 and §4.6: partners, once per partner ---------------------------------
    Rule(
        id="partner-inbound-tls",
        for_each="partner",
        when={"partner.inbound": YES, "partner.restriction": {"tls"}},
        connectors=("partner-inbound-tls",),
        notes=("partner-rejects-noncompliant",),
        reason="The partner wants mail from its domains to arrive over TLS only: one inbound "
        "partner connector scoped to its sender domains with RequireTls.",
        source="Table A row A4; §4.6 example 1",
    ),
    Rule(
        id="partner-inbound-certificate",
        for_each="partner",
        when={"partner.inbound": YES, "partner.restriction": {"certificate"}},
        connectors=("partner-inbound-certificate",),
        notes=("partner-rejects-noncompliant",),
        reason="The partner's mail must arrive over TLS from a server whose certificate "
        "matches its name: one inbound partner connector with TlsSenderCertificateName and "
        "RestrictDomainsToCertificate (which needs TLS).",
        source="Table A row A4; §4.6 example 2",
    ),
    Rule(
        id="partner-inbound-ip",
        for_each="partner",
        when={"partner.inbound": YES, "partner.restriction": {"ip"}},
        connectors=("partner-inbound-ip",),
        notes=("partner-rejects-noncompliant",),
        reason="The partner's mail must come from its own IP addresses: one inbound partner "
        "connector with SenderIPAddresses and RestrictDomainsToIPAddresses.",
        source="Table A row A4; §4.6 examples 3 and 5",
    ),
    Rule(
        id="partner-inbound-ip-and-certificate",
        for_each="partner",
        when={"partner.inbound": YES, "partner.restriction": {"ip-and-certificate"}},
        connectors=("partner-inbound-certificate", "partner-inbound-ip"),
        notes=("ip-and-certificate-split", "partner-rejects-noncompliant"),
        reason="The partner gave both a certificate and IP addresses. Microsoft says to keep IP "
        "and certificate restrictions in separate partner connectors, so there are two.",
        source="Table A row A4; §4.6; §9.9",
    ),
    Rule(
        id="partner-inbound-nothing-to-enforce",
        for_each="partner",
        when={"partner.inbound": YES, "partner.restriction": {"none"}},
        notes=("partner-no-connector-needed",),
        reason="Without TLS, certificate or IP restrictions an inbound connector enforces "
        "nothing; opportunistic TLS already applies.",
        source="§4.6",
    ),
    Rule(
        id="partner-outbound-tls",
        for_each="partner",
        when={"partner.outbound": YES, "partner.outbound_tls": YES},
        connectors=("partner-outbound",),
        reason="Mail to the partner must always travel over TLS to a server with a trusted "
        "certificate (and its name, when you gave one): one outbound partner connector scoped "
        "to the partner's domains, delivering by MX.",
        source="Table A row A4; §4.6; §7.2",
    ),
    Rule(
        id="partner-outbound-nothing-to-enforce",
        for_each="partner",
        when={"partner.outbound": YES, "partner.outbound_tls": NO},
        notes=("partner-no-connector-needed",),
        reason="Without a TLS requirement an outbound connector changes nothing; opportunistic "
        "TLS already applies.",
        source="§4.6",
    ),
    Rule(
        id="partner-all-senders",
        for_each="partner",
        when={"partner.all_senders": YES},
        notes=("all-inbound-mail-restricted", "third-party-filter-enhanced-filtering"),
        reason="Sender domain * makes the connector apply to all inbound internet mail, as "
        "for a filtering service in front of Microsoft 365.",
        source="§4.6 example 4; §4.8",
    ),
    Rule(
        id="partner-private-address",
        for_each="partner",
        when={"partner.private_ip": YES},
        notes=("private-ip-address",),
        reason="Exchange Online never sees private addresses.",
        source="§4.7",
    ),
    # --- Plan-wide, after the connectors are known ----------------------------------------------
    Rule(
        id="mixed-partner-restrictions",
        stage="plan",
        when={"plan.partner_allow_and_restrict": YES},
        notes=("restrict-overrides-allow",),
        reason="An allow-by-domain partner connector beside a restricting one is overridden.",
        source="W03; §9.10",
    ),
    Rule(
        id="validate-outbound",
        stage="plan",
        when={"plan.outbound_to_create": {"one", "several"}},
        notes=("validate-connectors",),
        reason="Outbound connectors must be validated and turned on.",
        source="W12; §8",
    ),
    Rule(
        id="several-outbound",
        stage="plan",
        when={"plan.outbound_to_create": {"several"}},
        notes=("overlapping-scopes",),
        reason="Several outbound connectors must not overlap in scope.",
        source="§6",
    ),
    Rule(
        id="inbound-developer-tenant",
        stage="plan",
        when={"plan.inbound_to_create": {"one", "several"}},
        notes=("inbound-connectors-developer-tenant",),
        reason="Inbound connectors can't be created in E5 developer tenants.",
        source="W28",
    ),
    Rule(
        id="onprem-private-address",
        when={"onprem_server": ON_PREMISES, "organization.private_ip": YES},
        notes=("private-ip-address",),
        reason="Exchange Online never sees private addresses.",
        source="§4.7",
    ),
)
