"""The engine's input: an admin's answers, normalised and immutable."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

ONPREM_SERVERS = (
    "exchange-2010-or-later",
    "exchange-2007-or-earlier",
    "non-microsoft-smtp",
    "none",
)
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


@dataclass(frozen=True)
class Partner:
    name: str
    domains: tuple[str, ...]
    direction: str = "both"
    require_tls: bool = True
    certificate_domain: str | None = None
    sender_ips: tuple[str, ...] = ()

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

    @property
    def has_onprem_server(self) -> bool:
        return self.onprem_server != "none"

    def to_dict(self) -> dict:
        """Return the normalised answers as plain JSON-ready data (lists, not tuples)."""
        return _lists(asdict(self))


def _lists(value):
    if isinstance(value, dict):
        return {key: _lists(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(item) for item in value]
    return value
