"""The import: strict, all or nothing, and forgiving only of PowerShell's own JSON habits."""

import codecs
import contextlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.engine.audit import (
    MAX_FILE_BYTES,
    CurrentConfig,
    ExportError,
    audit_script,
    compare,
    from_dict,
    parse_exports,
)
from tests.planner.engine.audit.audit_helpers import (
    EMS_FILE,
    EXO_FILE,
    data,
    encode,
    exo_export,
    inbound,
    outbound,
    sample,
)


def problems(files) -> list:
    with pytest.raises(ExportError) as caught:
        parse_exports(files)
    return [problem.to_dict() for problem in caught.value.problems]


def one_problem(files) -> dict:
    found = problems(files)
    assert len(found) == 1, found
    return found[0]


def test_sample_exports_import_every_section():
    config = sample()
    assert [c.name for c in config.inbound_connectors] == [
        "Inbound from on-premises",
        "Contoso Bank inbound (certificate)",
        "Fabrikam Mail Filter",
        "Old scanner relay",
    ]
    assert len(config.outbound_connectors) == 1
    assert config.accepted_domain_names[0] == "contoso.com"
    assert config.setting("organization_config", "RejectDirectSend") is False
    assert config.setting("transport_config", "SmtpClientAuthenticationDisabled") is False
    assert len(config.send_connectors) == len(config.receive_connectors) == 1
    assert len(config.exchange_servers) == 4


def test_address_space_strings_become_plain_domains():
    config = sample()
    assert config.inbound_connectors[1]["SenderDomains"] == ("contosobank.com",)
    assert config.send_connectors[0]["AddressSpaces"] == ("*",)


def test_windows_powershell_51_utf16_file_imports_like_the_script_file():
    quirky = parse_exports({"ps51.json": data("exchange-online-ps51.json")})
    plain = parse_exports({EXO_FILE: data(EXO_FILE)})
    assert quirky.inbound_connectors == plain.inbound_connectors
    assert quirky.outbound_connectors == plain.outbound_connectors
    assert quirky.accepted_domains == plain.accepted_domains
    assert quirky.sources[0].generated == plain.sources[0].generated == "2026-12-03T09:41:17Z"


def test_utf8_with_byte_order_mark_is_accepted():
    config = parse_exports({EXO_FILE: codecs.BOM_UTF8 + data(EXO_FILE)})
    assert len(config.inbound_connectors) == 4


def test_utf16_big_endian_with_byte_order_mark_is_accepted():
    text = data(EXO_FILE).decode("utf-8")
    config = parse_exports({EXO_FILE: codecs.BOM_UTF16_BE + text.encode("utf-16-be")})
    assert len(config.inbound_connectors) == 4


def test_utf16_without_byte_order_mark_is_refused():
    text = data(EXO_FILE).decode("utf-8")
    problem = one_problem({EXO_FILE: text.encode("utf-16-le")})
    assert problem["file"] == EXO_FILE
    assert "UTF-8" in problem["message"]


def test_legacy_code_page_is_refused():
    export = exo_export(inbound_connectors=[inbound(Name="Zürich relay")])
    problem = one_problem({"cp1252.json": json.dumps(export, ensure_ascii=False).encode("cp1252")})
    assert (problem["file"], problem["path"]) == ("cp1252.json", "")


def test_file_over_the_size_limit_is_refused_and_the_limit_named():
    big = b" " * (MAX_FILE_BYTES + 1)
    problem = one_problem({"big.json": big})
    assert problem["file"] == "big.json"
    assert "2 MB" in problem["message"]


def test_raw_cmdlet_output_is_refused_with_the_cmdlet_named():
    problem = one_problem({"raw.json": data("raw-get-inboundconnector.json")})
    assert "raw Get-InboundConnector output" in problem["message"]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        pytest.param({"kind": "something/else"}, "kind", id="unknown-kind"),
        pytest.param({"version": 2}, "version", id="newer-version"),
        pytest.param({"version": True}, "version", id="version-not-a-number"),
        pytest.param({"extra": []}, "extra", id="unknown-section"),
    ],
)
def test_bad_marker_is_refused_at_its_path(change, path):
    export = {**exo_export(), **change}
    assert one_problem({"x.json": encode(export)})["path"] == path


def test_missing_section_is_refused():
    export = exo_export()
    del export["accepted_domains"]
    assert one_problem({"x.json": encode(export)})["path"] == "accepted_domains"


@pytest.mark.parametrize(
    ("connector", "path"),
    [
        pytest.param(inbound(Enabled="yes"), "inbound_connectors[0].Enabled", id="text-for-bool"),
        pytest.param(inbound(Name=None), "inbound_connectors[0].Name", id="null-name"),
        pytest.param(inbound(Name=7), "inbound_connectors[0].Name", id="number-for-text"),
        pytest.param(
            inbound(ConnectorType=5),
            "inbound_connectors[0].ConnectorType",
            id="unknown-enum-number",
        ),
        pytest.param(
            inbound(ConnectorType="Hybrid"),
            "inbound_connectors[0].ConnectorType",
            id="unknown-enum-name",
        ),
        pytest.param(
            inbound(SenderIPAddresses=["203.0.113.10", "mail.contoso.com"]),
            "inbound_connectors[0].SenderIPAddresses[1]",
            id="host-for-ip",
        ),
        pytest.param(
            inbound(SenderDomains={"value": ["a.com", "b.com"], "Count": 3}),
            "inbound_connectors[0].SenderDomains",
            id="count-disagrees",
        ),
        pytest.param(
            {**inbound(), "Comment": "x"}, "inbound_connectors[0].Comment", id="unknown-property"
        ),
        pytest.param("Inbound test", "inbound_connectors[0]", id="text-for-connector"),
    ],
)
def test_wrong_value_is_refused_at_its_property_path(connector, path):
    export = exo_export(inbound_connectors=[connector])
    problem = one_problem({"x.json": encode(export)})
    assert (problem["file"], problem["path"]) == ("x.json", path)


def test_missing_property_is_refused_at_its_path():
    connector = inbound()
    del connector["RequireTls"]
    problem = one_problem({"x.json": encode(exo_export(inbound_connectors=[connector]))})
    assert problem["path"] == "inbound_connectors[0].RequireTls"


def test_outbound_connector_in_the_inbound_list_is_named_as_such():
    export = exo_export(inbound_connectors=[outbound()])
    messages = [p["message"] for p in problems({"x.json": encode(export)})]
    assert any("looks like Get-OutboundConnector output" in message for message in messages)


def test_second_export_of_the_same_kind_is_refused():
    problem = one_problem({"a.json": data(EXO_FILE), "b.json": data(EXO_FILE)})
    assert (problem["file"], problem["path"]) == ("b.json", "kind")


def test_problems_of_every_file_are_reported_together():
    bad_exo = encode(exo_export(inbound_connectors=[inbound(Enabled=1)]))
    found = problems({"a.json": bad_exo, "b.json": b"{not json"})
    assert {problem["file"] for problem in found} == {"a.json", "b.json"}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(b'{"kind": 1, "kind": 2}', id="duplicate-key"),
        pytest.param(b'{"kind": NaN}', id="nan"),
        pytest.param(b"[" * 100_000, id="deep-nesting"),
        pytest.param(b"", id="empty"),
    ],
)
def test_malformed_json_is_refused(text):
    assert one_problem({"x.json": text})["file"] == "x.json"


def test_no_files_is_refused():
    assert one_problem({})["message"] == "No file was uploaded."


def test_single_object_where_a_list_belongs_is_one_item():
    export = exo_export(inbound_connectors=inbound(SenderDomains="contoso.com"))
    export["inbound_connectors"] = inbound(SenderDomains="contoso.com")
    config = parse_exports({"x.json": encode(export)})
    assert config.inbound_connectors[0]["SenderDomains"] == ("contoso.com",)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("/Date(1796290877523)/", "2026-12-03T09:41:17Z", id="dotnet-date"),
        pytest.param("/Date(1796290877523+0100)/", "2026-12-03T09:41:17Z", id="dotnet-offset"),
        pytest.param("2026-12-03T10:41:17.5230000+01:00", "2026-12-03T09:41:17Z", id="iso-offset"),
        pytest.param("2026-12-03T09:41:17", "2026-12-03T09:41:17Z", id="iso-unspecified"),
        pytest.param(
            {"value": "/Date(1796290877523)/", "DisplayHint": 2, "DateTime": "Thursday"},
            "2026-12-03T09:41:17Z",
            id="ps51-wrapper",
        ),
    ],
)
def test_dates_in_every_powershell_form_become_iso_utc(value, expected):
    export = exo_export(outbound_connectors=[outbound(LastValidationTimestamp=value)])
    config = parse_exports({"x.json": encode(export)})
    assert config.outbound_connectors[0]["LastValidationTimestamp"] == expected


def test_enum_names_are_matched_without_regard_to_case():
    export = exo_export(outbound_connectors=[outbound(TlsSettings="domainvalidation")])
    config = parse_exports({"x.json": encode(export)})
    assert config.outbound_connectors[0]["TlsSettings"] == "DomainValidation"


def test_version_object_becomes_admin_display_text():
    assert sample().exchange_servers[1]["AdminDisplayVersion"] == "Version 15.0 (Build 1497.2)"


def test_stored_dict_round_trips():
    config = sample()
    assert from_dict(json.loads(json.dumps(config.to_dict()))) == config


def test_tampered_stored_dict_is_refused():
    stored = sample().to_dict()
    stored["inbound_connectors"][0]["Enabled"] = "maybe"
    with pytest.raises(ExportError):
        from_dict(stored)


# --- fuzzing -----------------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


def _outcome(files):
    """Return the config, or None after ExportError; anything else fails the test."""
    try:
        result = parse_exports(files)
    except ExportError as error:
        assert error.problems
        return None
    assert isinstance(result, CurrentConfig)
    return result


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_import_or_raise_export_error(raw):
    _outcome({"fuzz.json": raw})


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_arbitrary_json_imports_or_raises_export_error(value):
    _outcome({"fuzz.json": json.dumps(value).encode()})


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _replace(value, path, new):
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replace(value[path[0]], path[1:], new)
    return copy


SAMPLE = json.loads(data(EXO_FILE))
SAMPLE_PATHS = list(_paths(SAMPLE))
SERVER_SAMPLE = json.loads(data(EMS_FILE))
SERVER_PATHS = list(_paths(SERVER_SAMPLE))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SAMPLE_PATHS), JSON)
def test_any_value_swapped_in_a_real_export_imports_or_raises_export_error(path, new):
    _outcome({EXO_FILE: json.dumps(_replace(SAMPLE, path, new)).encode()})


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SERVER_PATHS), JSON, st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_any_value_swapped_in_a_server_export_in_any_encoding_imports_or_raises(path, new, codec):
    _outcome({EMS_FILE: json.dumps(_replace(SERVER_SAMPLE, path, new)).encode(codec)})


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_arbitrary_stored_dict_loads_or_raises_export_error(value):
    with contextlib.suppress(ExportError):
        assert isinstance(from_dict(value), CurrentConfig)


PLAN = json.loads(data("plan-manual.json"))


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SAMPLE_PATHS), JSON)
def test_whatever_imports_can_be_compared_and_scripted(path, new):
    config = _outcome({EXO_FILE: json.dumps(_replace(SAMPLE, path, new)).encode()})
    if config is not None:
        comparison = compare(PLAN, config)
        assert audit_script(PLAN, comparison).endswith("\n")
