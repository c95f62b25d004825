"""The read-only export scripts an admin runs to show us what the tenant already has.

Each script reads with Get- cmdlets only and writes one UTF-8 JSON file holding just the
properties in `schema` (the comparison's needs), under a `kind`/`version` marker the parser
checks. Values are turned into plain text, booleans, lists and ISO dates in PowerShell, so the
file looks the same from Windows PowerShell 5.1 and PowerShell 7 (no ternaries, no `??`).
"""

from __future__ import annotations

import textwrap

from . import schema
from .schema import Section

# PowerShell function that turns one property value into the JSON the parser wants, by kind.
_CONVERT = {
    schema.TEXT: "ConvertTo-PlannerText",
    "enum": "ConvertTo-PlannerText",
    schema.VERSION: "ConvertTo-PlannerText",
    schema.BOOL: "ConvertTo-PlannerBool",
    schema.DATE: "ConvertTo-PlannerDate",
    schema.LIST: "ConvertTo-PlannerList",
    schema.DOMAINS: "ConvertTo-PlannerList",
    schema.IPS: "ConvertTo-PlannerList",
}

_HELPERS = [
    "function ConvertTo-PlannerText($Value) {",
    "    if ($null -eq $Value) { return $null }",
    "    return [string]$Value",
    "}",
    "function ConvertTo-PlannerBool($Value) {",
    "    if ($null -eq $Value) { return $null }",
    "    return [bool]$Value",
    "}",
    "function ConvertTo-PlannerDate($Value) {",
    "    if ($null -eq $Value) { return $null }",
    "    return ([datetime]$Value).ToUniversalTime().ToString('o')",
    "}",
    "function ConvertTo-PlannerList($Value) {",
    "    $items = @(@($Value) | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_ })",
    "    # The comma keeps an empty or one-item list a list on its way out of the function.",
    "    return ,$items",
    "}",
    "",
]

_FILE_NAMES = {
    schema.EXCHANGE_ONLINE: "connector-planner-exchange-online.json",
    schema.EXCHANGE_SERVER: "connector-planner-exchange-server.json",
}


def _object(section: Section, source: str, indent: str) -> list[str]:
    lines = [f"{indent}[ordered]@{{"]
    for prop in section.properties:
        lines.append(f"{indent}    {prop.name} = {_CONVERT[prop.kind]} {source}.{prop.name}")
    lines.append(f"{indent}}}")
    return lines


def _section(section: Section) -> list[str]:
    variable = "$" + section.key.replace("_", "")
    if section.many:
        return [
            f"{variable} = @({section.cmdlet} | ForEach-Object {{",
            *_object(section, "$_", "    "),
            "})",
        ]
    return [
        f"$source = {section.cmdlet}",
        f"{variable} = " + _object(section, "$source", "")[0].lstrip(),
        *_object(section, "$source", "")[1:],
    ]


def _script(kind: str, *, title: str, where: str, check: str, connect: str) -> str:
    sections = schema.SECTIONS[kind]
    cmdlets = ", ".join(section.cmdlet for section in sections)
    lines = [
        "# " + "-" * 78,
        f"# Connector Planner: export {title} (read-only)",
        "# This script changes nothing. It only reads, with these cmdlets:",
        *textwrap.wrap(cmdlets, width=78, initial_indent="#   ", subsequent_indent="#   "),
        "# and writes what they return to one JSON file for you to upload to Connector Planner.",
        "# It keeps only the connector and mail flow settings the comparison uses. Read the",
        "# file before you upload it if you like: it is plain text.",
        f"# {where}",
        "# Works in Windows PowerShell 5.1 and PowerShell 7.",
        "# " + "-" * 78,
        "param(",
        f"    [string]$Path = (Join-Path (Get-Location).Path '{_FILE_NAMES[kind]}')",
        ")",
        "",
        "$ErrorActionPreference = 'Stop'",
        "# ConvertTo-Json and [ordered] need PowerShell 3.0. Exchange 2010's shell is 2.0: there,",
        "# run this from Windows PowerShell 5.1 in a remote session to the Exchange server",
        "# (New-PSSession -ConfigurationName Microsoft.Exchange, then Import-PSSession).",
        "if ($PSVersionTable.PSVersion.Major -lt 3) {",
        "    throw 'This script needs PowerShell 3.0 or later (see the note above).'",
        "}",
        f"if (-not (Get-Command {check} -ErrorAction SilentlyContinue)) {{",
        f"    throw '{connect}'",
        "}",
        "",
        *_HELPERS,
    ]
    for section in sections:
        lines += [*_section(section), ""]
    lines += [
        "$export = [ordered]@{",
        f"    kind = '{kind}'",
        f"    version = {schema.EXPORT_VERSION}",
        "    generated = (Get-Date).ToUniversalTime().ToString('o')",
    ]
    for section in sections:
        lines.append(f"    {section.key} = $" + section.key.replace("_", ""))
    lines += [
        "}",
        "$json = ConvertTo-Json -InputObject $export -Depth 6",
        "# UTF-8 without a byte order mark, whatever the PowerShell version's default.",
        "[System.IO.File]::WriteAllText($Path, $json, (New-Object System.Text.UTF8Encoding "
        "-ArgumentList $false))",
        "Write-Host ('Wrote ' + $Path + '. Upload this file to Connector Planner.')",
    ]
    return "\n".join(lines) + "\n"


def exchange_online_export_script() -> str:
    """Return the read-only Exchange Online PowerShell script that writes the tenant's export."""
    return _script(
        schema.EXCHANGE_ONLINE,
        title="of your Exchange Online connectors and mail flow settings",
        where="Run it in Exchange Online PowerShell, after Connect-ExchangeOnline.",
        check="Get-InboundConnector",
        connect="Connect to Exchange Online first: Connect-ExchangeOnline",
    )


def exchange_server_export_script() -> str:
    """Return the read-only Exchange Management Shell script that writes the on-premises export."""
    return _script(
        schema.EXCHANGE_SERVER,
        title="of your Exchange Server connectors and versions",
        where="Run it in the Exchange Management Shell on one of your Exchange servers.",
        check="Get-SendConnector",
        connect="Run this in the Exchange Management Shell.",
    )


def export_file_name(kind: str) -> str:
    """Return the file name the export script of `kind` writes by default."""
    return _FILE_NAMES[kind]
