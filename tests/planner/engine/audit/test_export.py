"""The export scripts: read-only, every property the comparison uses, Windows PowerShell 5.1."""

import re

import pytest

from planner.engine.audit import (
    exchange_online_export_script,
    exchange_server_export_script,
    export_file_name,
    schema,
)

SCRIPTS = [
    pytest.param(schema.EXCHANGE_ONLINE, exchange_online_export_script, id="exchange-online"),
    pytest.param(schema.EXCHANGE_SERVER, exchange_server_export_script, id="exchange-server"),
]

# Every command the scripts may run; anything else (Set-, New-, Remove-, Enable- ...) is a bug.
READ_ONLY = {
    "ConvertTo-Json",
    "ConvertTo-PlannerBool",
    "ConvertTo-PlannerDate",
    "ConvertTo-PlannerList",
    "ConvertTo-PlannerText",
    "ForEach-Object",
    "Get-Command",
    "Get-Date",
    "Get-Location",
    "Join-Path",
    "New-Object",
    "Where-Object",
    "Write-Host",
}


def _code(script: str) -> str:
    """Return the script without comments and without the text of its strings."""
    lines = [line for line in script.splitlines() if not line.lstrip().startswith("#")]
    return re.sub(r"'[^']*'", "''", "\n".join(lines))


@pytest.mark.parametrize(("kind", "build"), SCRIPTS)
def test_script_says_at_its_top_that_it_changes_nothing(kind, build):
    assert "This script changes nothing" in "\n".join(build().splitlines()[:4])


@pytest.mark.parametrize(("kind", "build"), SCRIPTS)
def test_script_runs_only_reading_commands(kind, build):
    commands = set(re.findall(r"\b[A-Z][a-z]+-[A-Z][A-Za-z]+\b", _code(build())))
    cmdlets = {section.cmdlet for section in schema.SECTIONS[kind]}
    assert commands - cmdlets <= READ_ONLY
    assert all(cmdlet.startswith("Get-") for cmdlet in cmdlets)


@pytest.mark.parametrize(("kind", "build"), SCRIPTS)
def test_script_writes_every_schema_property_of_its_sections(kind, build):
    script = build()
    for section in schema.SECTIONS[kind]:
        assert f"    {section.key} = $" in script
        for prop in section.properties:
            assert re.search(rf"^\s+{prop.name} = ConvertTo-Planner\w+ \$", script, re.M)


@pytest.mark.parametrize(("kind", "build"), SCRIPTS)
def test_script_marks_its_file_with_kind_and_version(kind, build):
    script = build()
    assert f"kind = '{kind}'" in script
    assert f"version = {schema.EXPORT_VERSION}" in script
    assert export_file_name(kind) in script


@pytest.mark.parametrize(("kind", "build"), SCRIPTS)
def test_script_avoids_syntax_windows_powershell_51_lacks(kind, build):
    code = _code(build())
    assert "??" not in code
    assert "?." not in code
    assert not re.search(r"\)\s+\?\s+\S+\s+:\s", code)  # ternary
    assert "-Depth" in code  # 5.1's default depth of 2 would flatten the connectors


@pytest.mark.parametrize(("kind", "build"), SCRIPTS)
def test_script_writes_utf8_without_byte_order_mark(kind, build):
    assert "UTF8Encoding -ArgumentList $false" in build()
