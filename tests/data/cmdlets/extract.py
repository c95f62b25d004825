"""Extract the Exchange cmdlet reference the script tests check against.

Reads the platyPS markdown of MicrosoftDocs/office-docs-powershell at one commit and writes
`exchange-cmdlets.json` next to this file: for each cmdlet, its parameter sets (from the code
blocks under `## SYNTAX`) and, for each parameter, its type, aliases, availability and accepted
values (from the `### -Name` sections under `## PARAMETERS`). Only these facts are kept, no
text of the documentation.

Re-run it against a clone (a checkout or a bare mirror: files are read with `git show`, so the
work tree's state doesn't matter):

    git clone https://github.com/MicrosoftDocs/office-docs-powershell /tmp/office-docs-powershell
    .venv/bin/python tests/data/cmdlets/extract.py /tmp/office-docs-powershell --commit <sha>
    .venv/bin/pytest tests/planner/engine/test_cmdlet_reference.py

Without --commit it reads the clone's HEAD and records that commit. The cmdlets are
`CMDLETS` below plus every Verb-Noun name in planner/engine/*.py that the reference documents,
so a cmdlet newly used by the script generator is picked up by the next run.

`accepted_values` is the doc's `Accepted values:` line. Most enum parameters have none; for
those, `listed_values` holds the values of the description's bullet list ("- Value: ..."),
extracted only when the parameter's type isn't a plain one and every item is a bare name.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[2]
OUTPUT = HERE / "exchange-cmdlets.json"
REPO = "MicrosoftDocs/office-docs-powershell"
DOCS = "exchange/exchange-ps/ExchangePowerShell"

# What a connector planner and a connector audit may run, in Exchange Online and on premises.
CMDLETS = [
    *(f"{verb}-InboundConnector" for verb in ("Get", "New", "Set", "Remove")),
    *(f"{verb}-OutboundConnector" for verb in ("Get", "New", "Set", "Remove")),
    "Validate-OutboundConnector",
    *(f"{verb}-SendConnector" for verb in ("Get", "New", "Set", "Remove")),
    *(f"{verb}-ReceiveConnector" for verb in ("Get", "New", "Set", "Remove")),
    *(f"{verb}-AcceptedDomain" for verb in ("Get", "New", "Set", "Remove")),
    *(f"{verb}-RemoteDomain" for verb in ("Get", "New", "Set", "Remove")),
    "Get-OrganizationConfig",
    "Set-OrganizationConfig",
    "Get-TransportConfig",
    "Set-TransportConfig",
    "Get-ExchangeServer",
    "Get-TransportService",
    "Get-FrontendTransportService",
    "Get-HostedConnectionFilterPolicy",
    "Set-HostedConnectionFilterPolicy",
    "Get-HostedContentFilterPolicy",
    "Set-HostedContentFilterPolicy",
    "Get-HostedOutboundSpamFilterPolicy",
    "Set-HostedOutboundSpamFilterPolicy",
    *(f"{verb}-TransportRule" for verb in ("Get", "New", "Set", "Remove", "Enable", "Disable")),
    "Get-HybridConfiguration",
    "Set-HybridConfiguration",
    *(f"{verb}-DkimSigningConfig" for verb in ("Get", "New", "Set", "Rotate")),
    "Get-AdminAuditLogConfig",
    "Set-AdminAuditLogConfig",
    "Get-CASMailbox",
    "Set-CASMailbox",
    "Get-ExchangeCertificate",
    "Enable-ExchangeCertificate",
    "Get-ADPermission",
    "Add-ADPermission",
    "Connect-ExchangeOnline",
    "Get-ConnectionInformation",
    "Get-MessageTraceV2",
]

PLAIN_TYPES = {
    "String",
    "String[]",
    "Boolean",
    "SwitchParameter",
    "MultiValuedProperty",
    "Int32",
    "Int64",
    "Object",
    "PSCredential",
    "Fqdn",
}
VERB_NOUN = re.compile(r"\b([A-Z][a-z]+-[A-Z][A-Za-z]+)\b")
SYNTAX_PARAMETER = re.compile(r"(?:^|[\s\[])-([A-Za-z][A-Za-z0-9]*)\]?(?:\s+<([^>]+)>)?")
LISTED = re.compile(r"^- `?([A-Za-z][A-Za-z0-9]*)`?(?::|$| \(default\)| \(this is the default)")


def show(repo: str, commit: str, path: str) -> str | None:
    run = subprocess.run(
        ["git", "-C", repo, "show", f"{commit}:{path}"], capture_output=True, text=True
    )
    return run.stdout if run.returncode == 0 else None


def _section(text: str, heading: str) -> str:
    match = re.search(rf"^## {heading}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    return match.group(1) if match else ""


def _applicable(line: str | None) -> str | None:
    return line.strip() if line and line.strip() else None


def parse(text: str, cmdlet: str) -> dict:
    front = re.match(r"---\n(.*?)\n---", text, re.S)
    applicable = None
    if front:
        found = re.search(r"^applicable:\s*(.*)$", front.group(1), re.M)
        applicable = _applicable(found.group(1) if found else None)

    sets, set_names, syntax_types = [], [], {}
    syntax = _section(text, "SYNTAX")
    for match in re.finditer(r"(?:^### (.+?)\s*\n)?```\w*\n(.*?)```", syntax, re.M | re.S):
        block = match.group(2).strip()
        if not block.startswith(cmdlet):
            continue
        names = []
        for name, kind in SYNTAX_PARAMETER.findall(block[len(cmdlet) :]):
            if name not in names:
                names.append(name)
            syntax_types.setdefault(name, kind or "SwitchParameter")
        sets.append(names)
        set_names.append((match.group(1) or "Default").strip())

    parameters = {}
    body = _section(text, "PARAMETERS")
    for match in re.finditer(
        r"^### -([A-Za-z][A-Za-z0-9]*)\s*$(.*?)(?=^### |\Z)", body, re.M | re.S
    ):
        name, section = match.group(1), match.group(2)
        found = re.search(r"^> Applicable:\s*(.*)$", section, re.M)
        fields: dict[str, list[str]] = {}
        for block in re.findall(r"```yaml\n(.*?)```", section, re.S):
            for line in block.splitlines():
                key, _, value = line.partition(":")
                fields.setdefault(key.strip(), []).append(value.strip())
        kind = (fields.get("Type") or [syntax_types.get(name, "")])[0] or None
        accepted = (fields.get("Accepted values") or [""])[0]
        aliases = sorted(
            {
                a.strip()
                for value in fields.get("Aliases", [])
                for a in value.split(",")
                if a.strip()
            }
        )
        entry = {
            "type": kind,
            "aliases": aliases,
            "applicable": _applicable(found.group(1) if found else None),
            "accepted_values": [v.strip() for v in accepted.split(",")] if accepted else None,
        }
        listed = _listed_values(section) if kind and kind not in PLAIN_TYPES else None
        if listed:
            entry["listed_values"] = listed
        parameters[name] = entry
    for name, kind in syntax_types.items():
        parameters.setdefault(
            name, {"type": kind, "aliases": [], "applicable": None, "accepted_values": None}
        )
    return {
        "applicable": applicable,
        "parameter_sets": sets,
        "parameter_set_names": set_names,
        "parameters": dict(sorted(parameters.items())),
    }


def _listed_values(section: str) -> list[str] | None:
    """The bare names of the bullet list after "Valid values ...:", if every item is one."""
    match = re.search(r"[Vv]alid values[^\n]*:[ \t]*\n\n", section)
    if not match:
        return None
    values = []
    for item in section[match.end() :].splitlines():
        if not item.strip() or item.startswith((" ", "\t")):
            continue  # blank lines and nested items between the list's items
        if not item.startswith("- "):
            break
        if item.startswith(("- $null", "- Blank")):
            continue
        found = LISTED.match(item)
        if not found:
            return None
        values.append(found.group(1))
    return values or None


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("repo", help="a clone of MicrosoftDocs/office-docs-powershell")
    options.add_argument("--commit", default="HEAD")
    options.add_argument("--output", type=Path, default=OUTPUT)
    args = options.parse_args(argv)
    commit = subprocess.run(
        ["git", "-C", args.repo, "rev-parse", args.commit + "^{commit}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    wanted = list(CMDLETS)
    for source in sorted((PROJECT / "planner" / "engine").glob("*.py")):
        wanted += VERB_NOUN.findall(source.read_text(encoding="utf-8"))
    cmdlets = {}
    for cmdlet in dict.fromkeys(wanted):
        text = show(args.repo, commit, f"{DOCS}/{cmdlet}.md")
        if text is None:
            if cmdlet in CMDLETS:
                print(f"not documented at {commit[:12]}: {cmdlet}", file=sys.stderr)
            continue
        cmdlets[cmdlet] = parse(text, cmdlet)
    data = {
        "source": {"repo": REPO, "commit": commit, "path": DOCS},
        "cmdlets": dict(sorted(cmdlets.items())),
    }
    args.output.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    count = sum(len(c["parameters"]) for c in cmdlets.values())
    print(f"{len(cmdlets)} cmdlets, {count} parameters -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
