"""Read the export files back: strictly, all or nothing.

`parse_exports()` takes the uploaded files and returns a complete `CurrentConfig`, or raises
`ExportError` listing every problem found (file name, property path, message); it never returns
part of an import. Anything else it raises is a bug.

Encodings: UTF-8, with or without a byte order mark (the export script writes UTF-8 without
one), and UTF-16 with a byte order mark, because Windows PowerShell 5.1's `Out-File` and `>`
write UTF-16LE with a BOM, so a copy saved that way must still import. UTF-16 without a BOM and
legacy code pages are refused: they can't be told apart from other bytes reliably.

PowerShell's JSON quirks accepted: a single object where a list belongs, `{"value": [...],
"Count": n}` wrappers around lists, `/Date(1700000000000)/` dates and `{"value": ..., "DateTime":
...}` date wrappers, enums as numbers or names, AddressSpace strings (`smtp:contoso.com;1`) in
domain lists, and AdminDisplayVersion as text or as a {Major, Minor, Build, Revision} object.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from . import schema
from .model import FORMAT, CurrentConfig, ExistingConnector, Record, Source

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FILES = 2  # one export of each kind
MAX_TEXT = 1024  # characters in one value
MAX_ITEMS = 5000  # objects in a section, or values in a multi-valued property

_DATE = re.compile(r"^/Date\((-?\d{1,15})([+-]\d{4})?\)/$")
_ADDRESS_SPACE = re.compile(r"^smtp:(.+);\d+$", re.IGNORECASE)
_VERSION = re.compile(r"^Version (\d{1,3})\.(\d{1,3}) \(Build (\d{1,6})\.(\d{1,6})\)$")
_RANGE = re.compile(r"^([0-9.]+)-([0-9.]+)$")

# Property names that give away what a stray file really is, for a helpful message.
_RAW_HINTS = (
    ("SenderDomains", "Get-InboundConnector"),
    ("RecipientDomains", "Get-OutboundConnector"),
    ("DomainType", "Get-AcceptedDomain"),
    ("AddressSpaces", "Get-SendConnector"),
    ("Bindings", "Get-ReceiveConnector"),
    ("AdminDisplayVersion", "Get-ExchangeServer"),
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an uploaded file: where (file, property path) and what."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"

    def to_dict(self) -> dict:
        return {"file": self.file, "path": self.path, "message": self.message}


class ExportError(ValueError):
    """The uploaded files can't be imported; `problems` says every reason."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))


class _Invalid(Exception):
    pass


# --- values ------------------------------------------------------------------------------------


def _items(value: Any) -> list:
    """Return a multi-valued JSON value as a list, undoing PowerShell's wrappers."""
    if value is None:
        return []
    if isinstance(value, dict) and set(value) == {"value", "Count"}:
        inner, count = value["value"], value["Count"]
        inner = [] if inner is None else inner if isinstance(inner, list) else [inner]
        if type(count) is not int or count != len(inner):
            raise _Invalid(f"Count is {count!r} but the list holds {len(inner)} value(s).")
        return inner
    if isinstance(value, list):
        return value
    return [value]


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"Expected text, got {_describe(value)}.")
    if len(value) > MAX_TEXT:
        raise _Invalid(f"Longer than {MAX_TEXT} characters.")
    return value


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"Expected true or false, got {_describe(value)}.")
    return value


def _enum(value: Any, enum: str) -> str:
    names = schema.ENUMS[enum]
    if type(value) is int:
        if value not in names:
            raise _Invalid(f"{value} is not a {enum} value ({_choices(names)}).")
        return names[value]
    if isinstance(value, str):
        for name in names.values():
            if name.lower() == value.lower():
                return name
        raise _Invalid(f"{value[:80]!r} is not a {enum} value ({_choices(names)}).")
    raise _Invalid(f"Expected a {enum} name or number, got {_describe(value)}.")


def _choices(names: Mapping[int, str]) -> str:
    return ", ".join(f"{name} ({number})" for number, name in names.items())


def _date(value: Any) -> str:
    if isinstance(value, dict) and "value" in value and ({"DateTime", "DisplayHint"} & set(value)):
        value = value["value"]  # Windows PowerShell 5.1 wraps dates that carry ETS properties
    text = _text(value)
    try:
        match = _DATE.match(text)
        if match:
            moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(match[1]))
        else:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:  # no offset: PowerShell wrote a UTC time as "unspecified"
                moment = moment.replace(tzinfo=UTC)
            moment = moment.astimezone(UTC)
    except (ValueError, OverflowError) as error:
        raise _Invalid(f"{text[:80]!r} is not a date.") from error
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _version(value: Any) -> str:
    if isinstance(value, dict):
        parts = [value.get(key) for key in ("Major", "Minor", "Build", "Revision")]
        if not all(type(part) is int and 0 <= part < 10**6 for part in parts):
            raise _Invalid("Expected Major, Minor, Build and Revision numbers.")
        return "Version {}.{} (Build {}.{})".format(*parts)
    text = _text(value)
    if not _VERSION.match(text):
        raise _Invalid(f"{text[:80]!r} is not like 'Version 15.2 (Build 2562.17)'.")
    return text


def _domain(value: Any) -> str:
    text = _text(value)
    match = _ADDRESS_SPACE.match(text)
    return match[1] if match else text


def _ip(value: Any) -> str:
    text = _text(value)
    try:
        match = _RANGE.match(text)
        if match:
            first, last = (ipaddress.IPv4Address(part) for part in match.groups())
            if first > last:
                raise ValueError
        elif "/" in text:
            ipaddress.ip_network(text, strict=False)
        else:
            ipaddress.ip_address(text)
    except ValueError as error:
        raise _Invalid(f"{text[:80]!r} is not an IP address or range.") from error
    return text


_SCALARS = {schema.TEXT: _text, schema.BOOL: _bool, schema.DATE: _date, schema.VERSION: _version}
_MULTI = {schema.LIST: _text, schema.DOMAINS: _domain, schema.IPS: _ip}


class _Reader:
    """Collects the problems of one file while normalizing its values."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = problems

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, path, message))

    def value(self, prop: schema.Property, value: Any, path: str) -> Any:
        try:
            if prop.kind in _MULTI:
                items = _items(value)
                if len(items) > MAX_ITEMS:
                    raise _Invalid(f"More than {MAX_ITEMS} values.")
                out = []
                for number, item in enumerate(items):
                    try:
                        out.append(_MULTI[prop.kind](item))
                    except _Invalid as error:
                        self.fail(f"{path}[{number}]", str(error))
                return tuple(out)
            if value is None:
                if prop.required:
                    raise _Invalid("Must have a value, got null.")
                return None
            if prop.kind == "enum":
                return _enum(value, prop.enum)
            return _SCALARS[prop.kind](value)
        except _Invalid as error:
            self.fail(path, str(error))
            return None

    def record(self, properties: tuple[schema.Property, ...], data: Any, path: str, cmdlet: str):
        if not isinstance(data, dict):
            self.fail(path, f"Expected an object from {cmdlet}, got {_describe(data)}.")
            return None
        known = {prop.name for prop in properties}
        for name in data:
            if name not in known:
                self.fail(
                    f"{path}.{name}",
                    f"Unknown property: {cmdlet} in this export has no {name}."
                    + _hint(data, cmdlet),
                )
        out = {}
        for prop in properties:
            if prop.name not in data:
                self.fail(f"{path}.{prop.name}", "Missing property (null is fine, absent isn't).")
                continue
            out[prop.name] = self.value(prop, data[prop.name], f"{path}.{prop.name}")
        return out

    def section(self, section: schema.Section, data: Any) -> list[dict]:
        if not section.many:
            record = self.record(section.properties, data, section.key, section.cmdlet)
            return [record] if record is not None else []
        try:
            items = _items(data)
        except _Invalid as error:
            self.fail(section.key, str(error))
            return []
        if len(items) > MAX_ITEMS:
            self.fail(section.key, f"More than {MAX_ITEMS} objects.")
            return []
        records = []
        for number, item in enumerate(items):
            path = f"{section.key}[{number}]"
            record = self.record(section.properties, item, path, section.cmdlet)
            if record is not None:
                records.append(record)
        return records


def _hint(data: dict, cmdlet: str) -> str:
    for name, source in _RAW_HINTS:
        if name in data and source != cmdlet:
            return f" This object looks like {source} output, in the wrong place."
    return ""


# --- files -------------------------------------------------------------------------------------


def _decode(reader: _Reader, data: bytes) -> str | None:
    if len(data) > MAX_FILE_BYTES:
        reader.fail("", f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
        return None
    if not data.strip():
        reader.fail("", "The file is empty.")
        return None
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            return data[3:].decode("utf-8")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")  # the BOM picks the byte order
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        reader.fail(
            "",
            "The file isn't UTF-8 text (nor UTF-16 with a byte order mark). Upload the file "
            "the export script wrote, unchanged.",
        )
        return None
    if "\x00" in text:  # valid UTF-8 bytes, but really UTF-16 that lost its byte order mark
        reader.fail(
            "",
            "The file isn't UTF-8 text: it looks like UTF-16 without a byte order mark. Upload "
            "the file the export script wrote, unchanged.",
        )
        return None
    return text


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out = {}
    for key, value in pairs:
        if key in out:
            raise _Invalid(f"The property {key!r} appears twice in one object.")
        out[key] = value
    return out


def _no_constants(name: str):
    raise _Invalid(f"{name} is not a JSON value.")


def _load(reader: _Reader, text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except _Invalid as error:
        reader.fail("", str(error))
    except json.JSONDecodeError as error:
        reader.fail("", f"Not valid JSON (line {error.lineno}, column {error.colno}).")
    except (ValueError, RecursionError):
        reader.fail("", "Not valid JSON (nested too deeply or a number too long).")
    return _FAILED


_FAILED = object()


def _top(reader: _Reader, data: Any) -> tuple[str, str | None, dict] | None:
    """Check the marker of one export; return its kind, generation time and sections."""
    if not isinstance(data, dict) or "kind" not in data:
        sample = data[0] if isinstance(data, list) and data else data
        raw = next(
            (source for name, source in _RAW_HINTS if isinstance(sample, dict) and name in sample),
            None,
        )
        if raw:
            reader.fail(
                "",
                f"This is raw {raw} output, not a Connector Planner export. Run the export "
                "script and upload the one file it writes.",
            )
        else:
            reader.fail("kind", "Not a Connector Planner export: there is no 'kind' marker.")
        return None
    kind = data["kind"]
    if kind not in schema.KINDS:
        reader.fail(
            "kind",
            f"Unknown export kind {str(kind)[:80]!r}; expected one of {', '.join(schema.KINDS)}.",
        )
        return None
    version = data.get("version")
    if type(version) is not int or version != schema.EXPORT_VERSION:
        reader.fail(
            "version",
            f"Export version {str(version)[:20]} isn't supported (expected {schema.EXPORT_VERSION}); "
            "download the export script again.",
        )
        return None
    sections = schema.SECTIONS[kind]
    expected = {"kind", "version", "generated", *(section.key for section in sections)}
    for key in data:
        if key not in expected:
            reader.fail(key, f"Unknown section for a {kind} export.")
    for key in expected - set(data):
        reader.fail(key, "Missing section (an empty list is fine, absent isn't).")
    generated = reader.value(
        schema.Property("generated", schema.DATE), data.get("generated"), "generated"
    )
    return kind, generated, data


def _records(kind: str, data: dict, reader: _Reader) -> dict[str, list[dict]]:
    return {
        section.key: reader.section(section, data.get(section.key))
        for section in schema.SECTIONS[kind]
        if section.key in data
    }


def _config(sources: list[Source], found: dict[str, list[dict]]) -> CurrentConfig:
    def records(key):
        return tuple(Record(item) for item in found.get(key, ()))

    def one(key):
        items = found.get(key)
        return Record(items[0]) if items else None

    return CurrentConfig(
        sources=tuple(sources),
        inbound_connectors=tuple(
            ExistingConnector(item, direction="inbound")
            for item in found.get("inbound_connectors", ())
        ),
        outbound_connectors=tuple(
            ExistingConnector(item, direction="outbound")
            for item in found.get("outbound_connectors", ())
        ),
        accepted_domains=records("accepted_domains"),
        organization_config=one("organization_config"),
        transport_config=one("transport_config"),
        send_connectors=records("send_connectors"),
        receive_connectors=records("receive_connectors"),
        exchange_servers=records("exchange_servers"),
    )


def parse_exports(files: Mapping[str, bytes] | Iterable[tuple[str, bytes]]) -> CurrentConfig:
    """Return the tenant's current configuration from export files (name -> bytes).

    Raises `ExportError` with every problem found; nothing is imported unless all is well.
    """
    pairs = list(files.items() if isinstance(files, Mapping) else files)
    problems: list[Problem] = []
    if not pairs:
        raise ExportError([Problem("", "", "No file was uploaded.")])
    if len(pairs) > MAX_FILES:
        raise ExportError(
            [Problem("", "", f"Upload at most {MAX_FILES} files: one export of each kind.")]
        )
    sources: list[Source] = []
    found: dict[str, list[dict]] = {}
    for name, data in pairs:
        reader = _Reader(str(name)[:200], problems)
        if not isinstance(data, bytes | bytearray):
            reader.fail("", "Not file contents (bytes).")
            continue
        text = _decode(reader, bytes(data))
        if text is None:
            continue
        loaded = _load(reader, text)
        if loaded is _FAILED:
            continue
        top = _top(reader, loaded)
        if top is None:
            continue
        kind, generated, body = top
        if any(source.kind == kind for source in sources):
            reader.fail("kind", f"A second {kind} export; upload one of each kind.")
            continue
        sources.append(Source(kind, reader.file, generated))
        found.update(_records(kind, body, reader))
    if problems:
        raise ExportError(problems)
    return _config(sources, found)


def from_dict(data: Any) -> CurrentConfig:
    """Return the `CurrentConfig` that `CurrentConfig.to_dict()` stored; checked like an upload."""
    problems: list[Problem] = []
    reader = _Reader("stored", problems)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ExportError(
            [Problem("stored", "format", f"Expected a stored import, format {FORMAT}.")]
        )
    sources = []
    stored = data.get("sources")
    for number, item in enumerate(stored if isinstance(stored, list) else ()):
        path = f"sources[{number}]"
        if not isinstance(item, dict) or item.get("kind") not in schema.KINDS:
            reader.fail(path, "Expected a source with a known kind.")
            continue
        name = reader.value(schema.Property("file_name", schema.TEXT), item.get("file_name"), path)
        generated = reader.value(
            schema.Property("generated", schema.DATE), item.get("generated"), f"{path}.generated"
        )
        sources.append(Source(item["kind"], name or "", generated))
    found = {}
    for source in sources:
        found.update(_records(source.kind, data, reader))
    if problems:
        raise ExportError(problems)
    return _config(sources, found)
