"""The engine's input: an admin's answers, normalised and immutable."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# The exact Exchange versions (rules version 2), newest first, with the labels the wizard shows.
EXCHANGE_VERSION_CHOICES = (
    ("exchange-se", "Exchange Server Subscription Edition (SE)"),
    ("exchange-2019", "Exchange Server 2019"),
    ("exchange-2016", "Exchange Server 2016"),
    ("exchange-2013", "Exchange Server 2013"),
    ("exchange-2010", "Exchange Server 2010"),
)
EXCHANGE_VERSIONS = tuple(value for value, _ in EXCHANGE_VERSION_CHOICES)
ONPREM_SERVERS = (
    "exchange-2010-or-later",  # version 1: "2010 or later, version not given"
    *EXCHANGE_VERSIONS,
    "exchange-2007-or-earlier",
    "non-microsoft-smtp",
    "none",
)
# Every value meaning Exchange 2010 or later: hybrid_completed applies to each of them.
EXCHANGE_2010_OR_LATER = frozenset({"exchange-2010-or-later", *EXCHANGE_VERSIONS})
# Every Exchange value: onprem_up_to_date is accepted for each of them (a 400 for the others).
EXCHANGE_SERVERS = frozenset({*EXCHANGE_2010_OR_LATER, "exchange-2007-or-earlier"})
UP_TO_DATE_SERVERS = EXCHANGE_SERVERS
# Exchange Online refuses mail from these (transport-based enforcement): a blocker.
BLOCKED_EXCHANGE = frozenset({"exchange-2007-or-earlier", "exchange-2010", "exchange-2013"})
# Out of support since 14 October 2025: a prominent warning.
OUT_OF_SUPPORT_EXCHANGE = frozenset({"exchange-2016", "exchange-2019"})

HYBRID_CONFIGURATION_CHOICES = (
    ("full", "Full hybrid configuration"),
    ("minimal", "Minimal hybrid configuration"),
    ("express", "Express migration (Classic Express)"),
)
HYBRID_CONFIGURATIONS = tuple(value for value, _ in HYBRID_CONFIGURATION_CHOICES)

MX_POINTS_TO_CHOICES = (
    ("microsoft-365", "Microsoft 365 (Exchange Online Protection)"),
    ("on-premises", "Our on-premises email server"),
    ("third-party-service", "A third-party filtering or archiving service"),
)
MX_TARGETS = tuple(value for value, _ in MX_POINTS_TO_CHOICES)
SUBSCRIPTIONS = ("exchange-online-protection", "exchange-online")
DIRECTIONS = ("both", "inbound", "outbound")
IDENTIFY_BY = ("certificate", "ip")


@dataclass(frozen=True)
class Organization:
    domains: tuple[str, ...] = ()
    onprem_smart_hosts: tuple[str, ...] = ()
    onprem_certificate_domain: str | None = None
    onprem_sending_ips: tuple[str, ...] = ()
    # How Exchange Online recognizes mail from the on-premises server; None lets the engine
    # choose from the details given (certificate when it has one: the recommended option).
    identify_by: str | None = None


@dataclass(frozen=True)
class Devices:
    send_mail: bool = False
    external_recipients: bool | None = None
    smtp_auth_capable: bool | None = None
    sending_ips: tuple[str, ...] = ()
    oauth_capable: bool | None = None


@dataclass(frozen=True)
class Partner:
    name: str
    domains: tuple[str, ...]
    direction: str = "both"
    require_tls: bool = True
    certificate_domain: str | None = None
    sender_ips: tuple[str, ...] = ()
    # The name on the certificate of the partner's receiving (MX) servers; rules version 2.
    mx_certificate_domain: str | None = None

    @property
    def inbound(self) -> bool:
        return self.direction in ("both", "inbound")

    @property
    def outbound(self) -> bool:
        return self.direction in ("both", "outbound")


@dataclass(frozen=True)
class Answers:
    onprem_server: str
    subscription: str
    hybrid_completed: bool | None = None
    organization: Organization = field(default_factory=Organization)
    devices: Devices = field(default_factory=Devices)
    partners: tuple[Partner, ...] = ()
    # Rules version 2; stored version 1 answers load with these unknown (None).
    onprem_up_to_date: bool | None = None
    hybrid_configuration: str | None = None
    mx_points_to: str | None = None

    @property
    def has_onprem_server(self) -> bool:
        return self.onprem_server != "none"

    @property
    def is_exchange(self) -> bool:
        return self.onprem_server in EXCHANGE_SERVERS

    @property
    def is_exchange_2010_or_later(self) -> bool:
        return self.onprem_server in EXCHANGE_2010_OR_LATER

    def to_dict(self) -> dict:
        """Return the normalised answers as plain JSON-ready data (lists, not tuples)."""
        return _lists(asdict(self))

    @classmethod
    def from_dict(cls, data: dict) -> Answers:
        """Rebuild answers stored by `to_dict()`, without validating them again.

        A saved plan keeps the meaning it was saved with: if validation grows stricter later,
        old plans must still open. Untrusted input goes through `parse_answers()` instead.
        """
        org = data.get("organization") or {}
        devices = data.get("devices") or {}
        return cls(
            onprem_server=data["onprem_server"],
            subscription=data["subscription"],
            hybrid_completed=data.get("hybrid_completed"),
            onprem_up_to_date=data.get("onprem_up_to_date"),
            hybrid_configuration=data.get("hybrid_configuration"),
            mx_points_to=data.get("mx_points_to"),
            organization=Organization(
                domains=tuple(org.get("domains") or ()),
                onprem_smart_hosts=tuple(org.get("onprem_smart_hosts") or ()),
                onprem_certificate_domain=org.get("onprem_certificate_domain"),
                onprem_sending_ips=tuple(org.get("onprem_sending_ips") or ()),
                identify_by=org.get("identify_by"),
            ),
            devices=Devices(
                send_mail=bool(devices.get("send_mail")),
                external_recipients=devices.get("external_recipients"),
                smtp_auth_capable=devices.get("smtp_auth_capable"),
                sending_ips=tuple(devices.get("sending_ips") or ()),
                oauth_capable=devices.get("oauth_capable"),
            ),
            partners=tuple(
                Partner(
                    name=p["name"],
                    domains=tuple(p["domains"]),
                    direction=p.get("direction", "both"),
                    require_tls=p.get("require_tls", True),
                    certificate_domain=p.get("certificate_domain"),
                    sender_ips=tuple(p.get("sender_ips") or ()),
                    mx_certificate_domain=p.get("mx_certificate_domain"),
                )
                for p in data.get("partners") or ()
            ),
        )


def _lists(value):
    if isinstance(value, dict):
        return {key: _lists(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(item) for item in value]
    return value
