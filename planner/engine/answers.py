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
            ),
            partners=tuple(
                Partner(
                    name=p["name"],
                    domains=tuple(p["domains"]),
                    direction=p.get("direction", "both"),
                    require_tls=p.get("require_tls", True),
                    certificate_domain=p.get("certificate_domain"),
                    sender_ips=tuple(p.get("sender_ips") or ()),
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
