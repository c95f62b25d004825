"""What an export holds, as data: each section's properties, their kinds, and the enums.

One table drives three things: the export scripts (which properties they write and how they
turn each into JSON), the parser (what it accepts), and the comparison (which Get- property a
cmdlet parameter of the plan reads back as, and how two values are compared). A new connector
setting in the rules needs one row here, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

EXPORT_VERSION = 1
EXCHANGE_ONLINE = "connector-planner-export/exchange-online"
EXCHANGE_SERVER = "connector-planner-export/exchange-server"
KINDS = (EXCHANGE_ONLINE, EXCHANGE_SERVER)

# Kinds of value. "domains" are multi-valued domain properties, which Exchange may return as
# AddressSpace strings ("smtp:contoso.com;1"); "ips" are IPv4/IPv6 addresses or CIDR ranges.
TEXT, BOOL, LIST, DOMAINS, IPS, DATE, VERSION = (
    "text",
    "bool",
    "list",
    "domains",
    "ips",
    "date",
    "version",
)

# Enum values as numbers, from the Exchange object model (Microsoft.Exchange.Data); ConvertTo-Json
# writes enums as numbers unless they are turned into text first.
ENUMS: dict[str, dict[int, str]] = {
    "TenantConnectorType": {1: "OnPremises", 2: "Partner"},
    "TenantConnectorSource": {0: "Default", 1: "Migrated", 2: "HybridWizard"},
    "TlsAuthLevel": {1: "EncryptionOnly", 2: "CertificateValidation", 4: "DomainValidation"},
    "AcceptedDomainType": {0: "Authoritative", 1: "ExternalRelay", 2: "InternalRelay"},
}


@dataclass(frozen=True)
class Property:
    name: str
    kind: str  # one of the kinds above, or "enum"
    enum: str | None = None
    required: bool = False  # must hold a value (not null)


def _p(name: str, kind: str, **extra) -> Property:
    return Property(name, kind, **extra)


def _enum(name: str, enum: str) -> Property:
    return Property(name, "enum", enum=enum)


INBOUND = (
    _p("Name", TEXT, required=True),
    _p("Enabled", BOOL),
    _enum("ConnectorType", "TenantConnectorType"),
    _enum("ConnectorSource", "TenantConnectorSource"),
    _p("SenderDomains", DOMAINS),
    _p("SenderIPAddresses", IPS),
    _p("AssociatedAcceptedDomains", DOMAINS),
    _p("TlsSenderCertificateName", TEXT),
    _p("RequireTls", BOOL),
    _p("RestrictDomainsToCertificate", BOOL),
    _p("RestrictDomainsToIPAddresses", BOOL),
    _p("CloudServicesMailEnabled", BOOL),
    _p("TreatMessagesAsInternal", BOOL),
    _p("EFSkipLastIP", BOOL),
    _p("EFSkipIPs", IPS),
    _p("EFUsers", LIST),
)

OUTBOUND = (
    _p("Name", TEXT, required=True),
    _p("Enabled", BOOL),
    _enum("ConnectorType", "TenantConnectorType"),
    _enum("ConnectorSource", "TenantConnectorSource"),
    _p("RecipientDomains", DOMAINS),
    _p("AllAcceptedDomains", BOOL),
    _p("UseMXRecord", BOOL),
    _p("SmartHosts", LIST),
    _enum("TlsSettings", "TlsAuthLevel"),
    _p("TlsDomain", TEXT),
    _p("CloudServicesMailEnabled", BOOL),
    _p("RouteAllMessagesViaOnPremises", BOOL),
    _p("IsTransportRuleScoped", BOOL),
    _p("IsValidated", BOOL),
    _p("LastValidationTimestamp", DATE),
)

ACCEPTED_DOMAIN = (
    _p("DomainName", TEXT, required=True),
    _enum("DomainType", "AcceptedDomainType"),
    _p("Default", BOOL),
)

ORGANIZATION_CONFIG = (_p("RejectDirectSend", BOOL),)
TRANSPORT_CONFIG = (_p("SmtpClientAuthenticationDisabled", BOOL),)

SEND_CONNECTOR = (
    _p("Name", TEXT, required=True),
    _p("Enabled", BOOL),
    _p("AddressSpaces", DOMAINS),
    _p("SmartHosts", LIST),
    _p("DNSRoutingEnabled", BOOL),
    _p("RequireTLS", BOOL),
    _enum("TlsAuthLevel", "TlsAuthLevel"),
    _p("TlsDomain", TEXT),
    _p("TlsCertificateName", TEXT),
    _p("Fqdn", TEXT),
    _p("CloudServicesMailEnabled", BOOL),
)

# PermissionGroups, AuthMechanism and TransportRole are flag enums whose numbers we don't rely
# on: the export script writes them as text, and the parser accepts only text for them.
RECEIVE_CONNECTOR = (
    _p("Identity", TEXT, required=True),
    _p("Enabled", BOOL),
    _p("TransportRole", TEXT),
    _p("Bindings", LIST),
    _p("RemoteIPRanges", LIST),
    _p("PermissionGroups", TEXT),
    _p("AuthMechanism", TEXT),
    _p("RequireTLS", BOOL),
    _p("TlsCertificateName", TEXT),
    _p("Fqdn", TEXT),
)

EXCHANGE_SERVER_PROPERTIES = (
    _p("Name", TEXT, required=True),
    _p("AdminDisplayVersion", VERSION),
    _p("ServerRole", TEXT),
)


@dataclass(frozen=True)
class Section:
    key: str  # top-level key in the export file
    cmdlet: str  # where the script reads it
    properties: tuple[Property, ...]
    many: bool = True  # a list of objects, or a single settings object


SECTIONS: dict[str, tuple[Section, ...]] = {
    EXCHANGE_ONLINE: (
        Section("inbound_connectors", "Get-InboundConnector", INBOUND),
        Section("outbound_connectors", "Get-OutboundConnector", OUTBOUND),
        Section("accepted_domains", "Get-AcceptedDomain", ACCEPTED_DOMAIN),
        Section("organization_config", "Get-OrganizationConfig", ORGANIZATION_CONFIG, many=False),
        Section("transport_config", "Get-TransportConfig", TRANSPORT_CONFIG, many=False),
    ),
    EXCHANGE_SERVER: (
        Section("send_connectors", "Get-SendConnector", SEND_CONNECTOR),
        Section("receive_connectors", "Get-ReceiveConnector", RECEIVE_CONNECTOR),
        Section("exchange_servers", "Get-ExchangeServer", EXCHANGE_SERVER_PROPERTIES),
    ),
}

# Cmdlet parameter of the plan -> the Get- property it reads back as. New-/Set-InboundConnector
# and New-/Set-OutboundConnector name their parameters after the properties, so every row is
# the identity today; a parameter missing here is assumed to read back under its own name.
PARAMETER_PROPERTIES: dict[str, dict[str, str]] = {
    "inbound": {prop.name: prop.name for prop in INBOUND},
    "outbound": {prop.name: prop.name for prop in OUTBOUND},
}

CONNECTOR_PROPERTIES: dict[str, dict[str, Property]] = {
    "inbound": {prop.name: prop for prop in INBOUND},
    "outbound": {prop.name: prop for prop in OUTBOUND},
}

CMDLET_DIRECTION = {
    "New-InboundConnector": "inbound",
    "Set-InboundConnector": "inbound",
    "New-OutboundConnector": "outbound",
    "Set-OutboundConnector": "outbound",
}


def section(kind: str, key: str) -> Section:
    """Return the section `key` of export `kind`; an unknown one is a programming error."""
    return next(item for item in SECTIONS[kind] if item.key == key)
