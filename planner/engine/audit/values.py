"""How a planned setting and an imported property are compared: one normal form per kind."""

from __future__ import annotations

import ipaddress
from typing import Any

from . import schema


def _ip(text: str) -> str:
    try:
        if "-" in text:
            return text
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        return text.lower()


def _domain(text: str) -> str:
    text = text.strip().lower().rstrip(".")
    if text.startswith("smtp:") and ";" in text:
        text = text[5 : text.rindex(";")]
    return text


def kind_of(direction: str, parameter: str, value: Any) -> schema.Property:
    """Return the property a plan parameter reads back as; unknown ones by their value's type."""
    name = schema.PARAMETER_PROPERTIES[direction].get(parameter, parameter)
    known = schema.CONNECTOR_PROPERTIES[direction].get(name)
    if known:
        return known
    if isinstance(value, bool):
        kind = schema.BOOL
    elif isinstance(value, list | tuple):
        kind = schema.LIST
    else:
        kind = schema.TEXT
    return schema.Property(name, kind)


def normal(prop: schema.Property, value: Any) -> Any:
    """Return `value` in the form two values of `prop` compare equal in."""
    if value is None:
        return frozenset() if prop.kind in (schema.LIST, schema.DOMAINS, schema.IPS) else None
    if prop.kind == schema.BOOL:
        return value
    if prop.kind in (schema.LIST, schema.DOMAINS, schema.IPS):
        items = [value] if isinstance(value, str) else list(value)
        form = {schema.IPS: _ip, schema.DOMAINS: _domain}.get(prop.kind, str.lower)
        return frozenset(form(str(item)) for item in items)
    if prop.kind == "enum" and isinstance(value, int) and not isinstance(value, bool):
        value = schema.ENUMS[prop.enum].get(value, str(value))
    text = str(value).strip()
    return text.lower() or None


def same(prop: schema.Property, current: Any, planned: Any) -> bool:
    """Return whether the imported value already is the planned one."""
    return normal(prop, current) == normal(prop, planned)
