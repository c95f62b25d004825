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

from .answers import EXCHANGE_2010_OR_LATER, EXCHANGE_SERVERS

RULES_VERSION = 2

E2010 = "exchange-2010-or-later"
E2007 = "exchange-2007-or-earlier"
NON_MS = "non-microsoft-smtp"
NONE = "none"
EOP = "exchange-online-protection"
EXO = "exchange-online"
# Every answer meaning Exchange 2010 or later (the version 1 bucket and the exact versions):
# Table B's rows for "Exchange 2010 or later" apply to each of them.
EXCHANGE_NEW = EXCHANGE_2010_OR_LATER
EXCHANGE = EXCHANGE_SERVERS
ON_PREMISES = frozenset({*EXCHANGE_SERVERS, NON_MS})
ANY_SUBSCRIPTION = frozenset({EOP, EXO})
YES = frozenset({True})
NO = frozenset({False})
NOT_YES = frozenset({False, None})


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
)

RULES: tuple[Rule, ...] = (
    # --- Blockers and version warnings first (F2, F3): they decide whether mail flows at all --
    Rule(
        id="exchange-version-blocked",
        when={"exchange": {"blocked"}},
        notes=("exchange-version-blocked",),
        reason="Exchange Online refuses mail from Exchange 2007, 2010 and 2013 over an "
        "on-premises connector (transport-based enforcement), whatever the connectors say.",
        source="F2; F3; Exchange Team TBE posts (2023)",
    ),
    Rule(
        id="exchange-out-of-support",
        when={"exchange": {"out-of-support"}},
        notes=("exchange-out-of-support",),
        reason="Exchange 2016 and 2019 have been out of support since 14 October 2025 and are "
        "throttled, then blocked, unless current.",
        source="F3",
    ),
    Rule(
        id="exchange-version-unknown",
        when={"exchange": {"unknown"}},
        notes=("exchange-version-unknown",),
        reason="\u201cExchange 2010 or later\u201d covers versions that are blocked, out of "
        "support and current: the plan can't say which applies.",
        source="F3; API contract, rules version 2",
    ),
    Rule(
        id="outdated-exchange",
        when={"exchange": {"unknown", "out-of-support", "current"}, "onprem_up_to_date": NOT_YES},
        notes=("outdated-exchange-throttling",),
        reason="Exchange Online throttles and blocks out-of-date Exchange servers that send over "
        "an on-premises connector; these servers aren't known to be current.",
        source="W31; §4.4; §12.6; F18",
    ),
    # --- Table B: "I have my own email servers" (and table A rows A1/A2) ---------------------
    Rule(
        id="own-servers-exchange-2010-eop",
        when={"onprem_server": EXCHANGE_NEW, "subscription": frozenset({EOP})},
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
            "onprem_server": EXCHANGE_NEW,
            "subscription": frozenset({EXO}),
            "hybrid_completed": NO,
        },
        connectors=MANUAL_PAIR,
        own_servers="consider-hybrid",
        required=True,
        notes=("consider-hybrid-wizard", *OWN_SERVER_NOTES, "leave-cloud-services-mail-to-hcw"),
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
            "onprem_server": EXCHANGE_NEW,
            "subscription": frozenset({EXO}),
            "hybrid_completed": YES,
            "hybrid_connectors": {"exist"},
        },
        connectors=("hybrid-outbound", "hybrid-inbound"),
        own_servers="created-by-hybrid-wizard",
        required=True,
        action="review-existing",
        notes=("hybrid-connectors-exist", "hybrid-dedicated-app", "edits-take-effect-on-save"),
        reason="The Hybrid Configuration Wizard (Full configuration) has already created the "
        "connectors between your Exchange servers and Exchange Online. Create nothing by hand: "
        "review them on the Connectors page, edit them there, or rerun the wizard.",
        source="Table B row 3 (Exchange 2010 or later, Exchange Online, HCW run); §9.12; F7",
    ),
    Rule(
        id="own-servers-exchange-2010-exo-hybrid-configuration-unknown",
        when={"hybrid_connectors": {"exist"}, "hybrid_configuration": {None}},
        notes=("hybrid-configuration-unknown",),
        reason="Only the Full configuration of the Hybrid Configuration Wizard creates connectors.",
        source="F7; hybrid-configuration-wizard-options",
    ),
    Rule(
        id="own-servers-exchange-2010-exo-hybrid-minimal",
        when={
            "onprem_server": EXCHANGE_NEW,
            "subscription": frozenset({EXO}),
            "hybrid_completed": YES,
            "hybrid_connectors": {"none"},
        },
        connectors=MANUAL_PAIR,
        own_servers="manual-connectors",
        required=True,
        notes=("hybrid-no-connectors", *OWN_SERVER_NOTES, "leave-cloud-services-mail-to-hcw"),
        reason="The Hybrid Configuration Wizard ran with the Minimal or Express configuration, "
        "which creates no connectors: create both by hand (or rerun it with Full).",
        source="F7; hybrid-configuration-wizard-options (connector row: No for Minimal and "
        "Express)",
    ),
    Rule(
        id="own-servers-exchange-2007",
        when={"onprem_server": frozenset({E2007}), "subscription": ANY_SUBSCRIPTION},
        connectors=MANUAL_PAIR,
        own_servers="manual-connectors",
        required=True,
        notes=("exchange-2007-limited-hybrid", *OWN_SERVER_NOTES),
        reason="Exchange 2007 or earlier needs both connectors created by hand, and Exchange "
        "Online refuses its mail: the connectors only carry mail once a supported server "
        "relays for it (see the blocker).",
        source="Table B row 4 (Exchange 2007 or earlier, EOP or Exchange Online); table A "
        "rows A1/A2; F2",
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
        notes=("open-relay", "graylisting", "inbound-dane-mta-sts"),
        reason="Any organization that routes mail between its own servers and Microsoft 365.",
        source="W01, W02; §4.1; §5; F19",
    ),
    Rule(
        id="coexistence-routing",
        when={
            "onprem_server": ON_PREMISES,
            "subscription": frozenset({EXO}),
            "manual_connectors": YES,
        },
        notes=("coexistence-routing",),
        reason="Mailboxes on premises and in Exchange Online share your domains without a Full "
        "hybrid: on-premises users reach cloud mailboxes only through coexistence routing.",
        source="F6; exchange-hybrid; transport-options",
    ),
    Rule(
        id="standalone-eop-spam-verdicts",
        when={"onprem_server": EXCHANGE, "subscription": frozenset({EOP})},
        notes=("eop-spam-verdicts",),
        reason="Standalone EOP's spam verdicts reach on-premises Junk Email folders only "
        "through transport rules that set the SCL.",
        source="F11; set-up-your-eop-service Step 5",
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
    Rule(
        id="certificate-name-is-a-host",
        when={"manual_connectors": YES, "certificate_name": {"subdomain", "unchecked"}},
        notes=("certificate-name-not-accepted-domain",),
        reason="A host name on the certificate isn't an accepted domain: relayed mail would "
        "fail attribution (550 5.7.64).",
        source="F5; office-365-notice; updated-requirements-smtp-relay",
    ),
    # --- Where MX points (F1, F10) ------------------------------------------------------------
    Rule(
        id="enhanced-filtering",
        when={"mx.elsewhere": YES},
        notes=("enhanced-filtering",),
        reason="MX doesn't point to Microsoft 365: Enhanced Filtering for Connectors lets "
        "Exchange Online see the real source of inbound mail.",
        source="F1; F10; enhanced-filtering-for-connectors",
    ),
    Rule(
        id="mx-contradicts-filter",
        when={"mx.contradicts_filter": YES},
        notes=("mx-contradicts-filter",),
        reason="A connector with sender domain * locks inbound mail to a filtering service.",
        source="F1; partner doc example 4",
    ),
    # --- Tenant-wide hardening and sender authentication (F9, F12) ----------------------------
    Rule(
        id="sender-authentication",
        when={"subscription": ANY_SUBSCRIPTION},
        notes=("sender-authentication",),
        reason="Every domain that sends mail needs SPF, DKIM and DMARC.",
        source="F12; email-authentication-spf-configure",
    ),
    Rule(
        id="reject-direct-send",
        when={"subscription": frozenset({EXO})},
        notes=("reject-direct-send",),
        reason="Reject Direct Send blocks unauthenticated mail from your own domains that no "
        "connector vouches for.",
        source="F9; Set-OrganizationConfig -RejectDirectSend",
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
        notes=("smtp-auth-limits", "smtp-auth-disabled-by-default", "smtp-auth-basic-retirement"),
        reason="All mailboxes are in Exchange Online and the devices can sign in to SMTP AUTH "
        "with OAuth: SMTP AUTH client submission (Option 1) needs no connector. The SMTP relay "
        "connector (Option 3) is listed as an optional alternative.",
        source="Table A row A3; §4.5 Option 1; F8",
    ),
    Rule(
        id="devices-smtp-relay",
        when={
            "devices.send_mail": YES,
            "onprem_server": {NONE},
            "devices.option": {"smtp-relay"},
        },
        connectors=("device-relay-inbound",),
        notes=("smtp-relay-static-ip", "smtp-auth-basic-retirement"),
        reason="All mailboxes are in Exchange Online, and the devices can't (or aren't known "
        "to) sign in with OAuth: SMTP relay (Option 3) through one inbound connector that "
        "recognizes their static public IP address, for internal and external recipients. "
        "It replaces direct send, which is unauthenticated and stops once Reject Direct Send "
        "is on. The connector is optional in Microsoft's table because Options 1 and 2 need "
        "none, but it is the one that fits your answers.",
        source="Table A row A3; §4.5 Option 3; §9.14; F8; F9",
    ),
    Rule(
        id="device-relay-ranges",
        when={"devices.send_mail": YES, "devices.wide_range": YES},
        notes=("device-relay-ranges",),
        reason="A relay range wider than one address lets every host in it relay.",
        source="F13",
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
        "and certificate restrictions in separate partner connectors, so there are two, and "
        "mail meeting either one is accepted.",
        source="Table A row A4; §4.6; §9.9; F15",
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
        "certificate (and the name on its receiving servers' certificate, when you gave one): "
        "one outbound partner connector scoped to the partner's domains, delivering by MX.",
        source="Table A row A4; §4.6; §7.2; F4",
    ),
    Rule(
        id="partner-outbound-certificate-name",
        for_each="partner",
        when={
            "partner.outbound": YES,
            "partner.outbound_tls": YES,
            "partner.mx_certificate": NO,
        },
        notes=("partner-outbound-certificate",),
        reason="Without the name on the partner's MX certificate, the outbound connector checks "
        "only that the certificate is trusted.",
        source="F4",
    ),
    Rule(
        id="partner-outbound-nothing-to-enforce",
        for_each="partner",
        when={"partner.outbound": YES, "partner.outbound_tls": NO},
        notes=("partner-outbound-opportunistic",),
        reason="Without a TLS requirement an outbound connector changes nothing; opportunistic "
        "TLS already applies.",
        source="§4.6; F4; F15",
    ),
    Rule(
        id="partner-all-senders",
        for_each="partner",
        when={"partner.all_senders": YES},
        notes=("all-inbound-mail-restricted",),
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
        reason="An allow-by-domain partner connector beside a restricting one for the same "
        "sender domain is overridden.",
        source="W03; §9.10; F15",
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
