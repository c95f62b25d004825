"""Builders for audit tests: export files as the script writes them, plans, and a fake tenant."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from planner.engine.audit import ExistingConnector, parse_exports, schema

DATA = Path(__file__).resolve().parents[3] / "data" / "audit"
EXO_FILE = "exchange-online.json"
EMS_FILE = "exchange-server.json"

_EMPTY = {
    schema.BOOL: False,
    schema.LIST: [],
    schema.DOMAINS: [],
    schema.IPS: [],
}


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()


def plan_dict(name: str = "plan-manual.json") -> dict:
    return json.loads(data(name))


def record(properties: tuple[schema.Property, ...], **values) -> dict:
    """Return one object as the export script writes it: every property, defaults for the rest."""
    out = {prop.name: _EMPTY.get(prop.kind) for prop in properties}
    unknown = set(values) - set(out)
    assert not unknown, f"not in the schema: {unknown}"
    out.update(values)
    return out


def inbound(**values) -> dict:
    values.setdefault("Name", "Inbound test")
    values.setdefault("Enabled", True)
    values.setdefault("ConnectorType", "Partner")
    values.setdefault("ConnectorSource", "Default")
    values.setdefault("RequireTls", True)
    return record(schema.INBOUND, **values)


def outbound(**values) -> dict:
    values.setdefault("Name", "Outbound test")
    values.setdefault("Enabled", True)
    values.setdefault("ConnectorType", "Partner")
    values.setdefault("ConnectorSource", "Default")
    values.setdefault("IsValidated", True)
    values.setdefault("LastValidationTimestamp", "2026-11-30T10:00:00.0000000Z")
    return record(schema.OUTBOUND, **values)


def accepted(*names: str) -> list[dict]:
    return [
        record(schema.ACCEPTED_DOMAIN, DomainName=name, DomainType="Authoritative")
        for name in names
    ]


def exo_export(
    *,
    inbound_connectors=(),
    outbound_connectors=(),
    accepted_domains=None,
    reject_direct_send=True,
    smtp_auth_disabled=True,
) -> dict:
    return {
        "kind": schema.EXCHANGE_ONLINE,
        "version": 1,
        "generated": "2026-12-03T09:41:17.5230000Z",
        "inbound_connectors": list(inbound_connectors),
        "outbound_connectors": list(outbound_connectors),
        "accepted_domains": accepted("contoso.com")
        if accepted_domains is None
        else accepted_domains,
        "organization_config": {"RejectDirectSend": reject_direct_send},
        "transport_config": {"SmtpClientAuthenticationDisabled": smtp_auth_disabled},
    }


def ems_export(*, send_connectors=(), receive_connectors=(), servers=()) -> dict:
    return {
        "kind": schema.EXCHANGE_SERVER,
        "version": 1,
        "generated": "2026-12-03T09:52:03.1180000Z",
        "send_connectors": list(send_connectors),
        "receive_connectors": list(receive_connectors),
        "exchange_servers": [
            record(schema.EXCHANGE_SERVER_PROPERTIES, Name=name, AdminDisplayVersion=version)
            for name, version in servers
        ],
    }


def encode(export: dict) -> bytes:
    return json.dumps(export, indent=4).encode("utf-8")


def current(*exports: dict):
    return parse_exports(
        {f"export-{number}.json": encode(item) for number, item in enumerate(exports)}
    )


def sample():
    """Return the sample tenant of tests/data/audit (both exports)."""
    return parse_exports({EXO_FILE: data(EXO_FILE), EMS_FILE: data(EMS_FILE)})


def apply(config, changes):
    """Return `config` as Exchange Online would hold it after the script's changes ran.

    Set-* overwrites the given properties of the named connector; New-* adds a connector with
    the given properties and the cmdlet's defaults for the rest; commented lines do nothing.
    """
    found = {
        "inbound": list(config.inbound_connectors),
        "outbound": list(config.outbound_connectors),
    }
    for change in changes:
        if change.commented:
            continue
        direction = "inbound" if change.cmdlet.endswith("InboundConnector") else "outbound"
        table = schema.PARAMETER_PROPERTIES[direction]
        values = {
            table.get(parameter, parameter): tuple(value) if isinstance(value, list) else value
            for parameter, value in change.parameters.items()
        }
        if change.cmdlet.startswith("Set-"):
            connectors = found[direction]
            number = next(
                index
                for index, item in enumerate(connectors)
                if item.name.lower() == change.identity.lower()
            )
            properties = {**connectors[number].properties, **values}
            connectors[number] = ExistingConnector(properties, direction=direction)
        elif change.cmdlet.startswith("New-"):
            properties = dict.fromkeys(schema.CONNECTOR_PROPERTIES[direction])
            properties.update({"Enabled": True, "ConnectorSource": "Default", **values})
            found[direction].append(ExistingConnector(properties, direction=direction))
    return dataclasses.replace(
        config,
        inbound_connectors=tuple(found["inbound"]),
        outbound_connectors=tuple(found["outbound"]),
    )
