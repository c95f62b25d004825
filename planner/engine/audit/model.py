"""What a tenant already has, as imported from the export files: frozen, JSON-ready."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

FORMAT = 1  # of `CurrentConfig.to_dict()`; bump when its shape changes


def _frozen(properties: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(properties))


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


@dataclass(frozen=True)
class Record:
    """One object as a Get- cmdlet returned it: property name -> normalized value.

    Values are str, bool, None, or tuples of str for multi-valued properties; dates are
    ISO 8601 UTC strings; enums are their names.
    """

    properties: Mapping[str, Any]

    def __post_init__(self):
        object.__setattr__(self, "properties", _frozen(self.properties))

    def __getitem__(self, name: str) -> Any:
        return self.properties.get(name)

    def to_dict(self) -> dict:
        return {name: _plain(value) for name, value in self.properties.items()}


@dataclass(frozen=True)
class ExistingConnector(Record):
    """An inbound or outbound connector in Exchange Online."""

    direction: str = "inbound"  # inbound, outbound

    @property
    def name(self) -> str:
        return self["Name"]

    @property
    def connector_type(self) -> str | None:
        return self["ConnectorType"]

    @property
    def cmdlet_noun(self) -> str:
        return "InboundConnector" if self.direction == "inbound" else "OutboundConnector"


@dataclass(frozen=True)
class Source:
    """One imported export file."""

    kind: str
    file_name: str
    generated: str | None  # ISO 8601 UTC, as the script wrote it

    def to_dict(self) -> dict:
        return {"kind": self.kind, "file_name": self.file_name, "generated": self.generated}


@dataclass(frozen=True)
class CurrentConfig:
    """Everything imported from one tenant's export files (either side may be missing)."""

    sources: tuple[Source, ...] = ()
    inbound_connectors: tuple[ExistingConnector, ...] = ()
    outbound_connectors: tuple[ExistingConnector, ...] = ()
    accepted_domains: tuple[Record, ...] = ()
    organization_config: Record | None = None
    transport_config: Record | None = None
    send_connectors: tuple[Record, ...] = ()
    receive_connectors: tuple[Record, ...] = ()
    exchange_servers: tuple[Record, ...] = ()

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(source.kind for source in self.sources)

    @property
    def connectors(self) -> tuple[ExistingConnector, ...]:
        return self.inbound_connectors + self.outbound_connectors

    @property
    def accepted_domain_names(self) -> tuple[str, ...]:
        return tuple(domain["DomainName"].lower() for domain in self.accepted_domains)

    def setting(self, section: str, name: str) -> Any:
        """Return an organization-wide setting, or None when it wasn't exported."""
        record = getattr(self, section)
        return record[name] if record is not None else None

    def to_dict(self) -> dict:
        """Return a JSON-ready dict that `from_dict()` (in `parse`) turns back into this."""

        def many(items):
            return [item.to_dict() for item in items]

        def one(item):
            return item.to_dict() if item is not None else None

        return {
            "format": FORMAT,
            "sources": many(self.sources),
            "inbound_connectors": many(self.inbound_connectors),
            "outbound_connectors": many(self.outbound_connectors),
            "accepted_domains": many(self.accepted_domains),
            "organization_config": one(self.organization_config),
            "transport_config": one(self.transport_config),
            "send_connectors": many(self.send_connectors),
            "receive_connectors": many(self.receive_connectors),
            "exchange_servers": many(self.exchange_servers),
        }
