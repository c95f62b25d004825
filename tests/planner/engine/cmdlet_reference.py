"""Read the cmdlet invocations out of a generated script and check them against the reference.

The reference is tests/data/cmdlets/exchange-cmdlets.json, extracted from the cmdlet docs at
one commit (see extract.py there). The tokenizer knows just enough PowerShell for the scripts
the planner writes: quoted strings (every single-quote character PowerShell accepts, doubled to
escape), backtick line continuations, (...) @(...) @{...} {...} $(...) groups, pipelines,
`$name = @{ Key = value }` hashtables splatted as `@name`, `-Param value`, `-Param:value`,
switches, and commands quoted in comments (`# ...: Set-X -Identity 'a' -Y $true`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "cmdlets" / "exchange-cmdlets.json"
SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
DOUBLE_QUOTES = '"\u201c\u201d\u201e'
OPENERS = {"(": ")", "@(": ")", "$(": ")", "@{": "}", "{": "}", "[": "]"}
VERB_NOUN = re.compile(r"^[A-Za-z]+-[A-Za-z][A-Za-z0-9]*$")
IN_COMMENT = re.compile(r"\b[A-Z][a-z]+-[A-Z][A-Za-z0-9]*(?= -[A-Za-z]| *\|)")
WORD = re.compile(r"(?:`.|[^\s|;,=(){}\[\]'\"\u2018\u2019\u201a\u201b\u201c\u201d\u201e])+")
COLON_PARAMETER = re.compile(r"-[A-Za-z_][A-Za-z0-9_]*:")
PARAMETER = re.compile(r"^-([A-Za-z_][A-Za-z0-9_]*)(:?)$")

# PowerShell's own cmdlets, which the Exchange reference doesn't cover.
CORE_CMDLETS = {
    name.lower()
    for name in [
        "Where-Object",
        "ForEach-Object",
        "Select-Object",
        "Sort-Object",
        "Format-List",
        "Format-Table",
        "Get-Command",
        "Get-Date",
        "Write-Host",
        "Write-Output",
        "Write-Warning",
        "Write-Error",
        "Out-File",
        "Export-Csv",
        "ConvertTo-Json",
        "Test-Path",
        "Get-Item",
        "Get-Content",
        "Set-Content",
        "Out-Null",
        "Get-Credential",
        "Measure-Object",
        "Group-Object",
        "Import-Module",
        "Get-Module",
    ]
}
COMMON_PARAMETERS = {
    name.lower(): name
    for name in [
        "Debug",
        "ErrorAction",
        "ErrorVariable",
        "InformationAction",
        "InformationVariable",
        "OutBuffer",
        "OutVariable",
        "PipelineVariable",
        "ProgressAction",
        "Verbose",
        "WarningAction",
        "WarningVariable",
    ]
}


@dataclass(frozen=True)
class Token:
    kind: str  # word, string, variable, splat, group, op, newline, comment
    text: str
    line: int
    space_before: bool
    children: tuple[Token, ...] = ()


@dataclass
class Parameter:
    name: str
    value: str | None  # source text of the value; None for a switch (or a missing value)
    line: int
    literal: tuple[str, ...] | None = None  # the value's literal strings, when it is literal
    colon: bool = False
    from_splat: bool = False


@dataclass
class Invocation:
    cmdlet: str
    line: int
    parameters: list[Parameter] = field(default_factory=list)
    arguments: list[str] = field(default_factory=list)  # positional
    unresolved: list[str] = field(default_factory=list)  # @name splats of no known hashtable
    in_comment: bool = False


# --- Tokenizer ---------------------------------------------------------------------------------


def tokenize(text: str, line: int = 1) -> list[Token]:
    tokens, _, _ = _tokens(text, 0, line, None)
    return tokens


def _tokens(text: str, i: int, line: int, closer: str | None):
    out: list[Token] = []
    space = True
    while i < len(text):
        ch = text[i]
        if ch == "`" and text[i + 1 : i + 2] == "\n":  # line continuation
            i, line, space = i + 2, line + 1, True
        elif ch in " \t\r":
            i, space = i + 1, True
        elif ch == "\n":
            out.append(Token("newline", "\n", line, space))
            i, line, space = i + 1, line + 1, True
        elif closer and ch == closer:
            return out, i + 1, line
        elif ch == "#":
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            out.append(Token("comment", text[i + 1 : end], line, space))
            i = end
        elif ch in SINGLE_QUOTES or ch in DOUBLE_QUOTES:
            start, i, value = line, i + 1, []
            quotes = SINGLE_QUOTES if ch in SINGLE_QUOTES else DOUBLE_QUOTES
            while i < len(text):
                c = text[i]
                if c in quotes:
                    if text[i + 1 : i + 2] and text[i + 1] in quotes:
                        value.append(c)
                        i += 2
                        continue
                    i += 1
                    break
                if c == "`" and quotes is DOUBLE_QUOTES:
                    c, i = text[i + 1 : i + 2], i + 1
                line += c == "\n"
                value.append(c)
                i += 1
            else:
                raise ValueError(f"line {start}: string not closed")
            out.append(Token("string", "".join(value), start, space))
            space = False
        elif text[i : i + 2] in OPENERS or ch in OPENERS:
            opener = text[i : i + 2] if text[i : i + 2] in OPENERS else ch
            start = line
            children, i, line = _tokens(text, i + len(opener), line, OPENERS[opener])
            out.append(Token("group", opener, start, space, tuple(children)))
            space = False
        elif ch in ")}]":
            raise ValueError(f"line {line}: unexpected {ch!r}")
        elif ch in "|;,=":
            out.append(Token("op", ch, line, space))
            i, space = i + 1, ch != ","
        elif ch in "$@" and re.match(r"[$@][A-Za-z_?]", text[i : i + 2]):
            match = re.match(r"[$@][A-Za-z_?][A-Za-z0-9_:.?]*", text[i:])
            kind = "splat" if ch == "@" else "variable"
            out.append(Token(kind, match.group(0).rstrip("."), line, space))
            i, space = i + len(match.group(0).rstrip(".")), False
        else:
            # `-Name:value` is two tokens, the parameter and its value.
            match = COLON_PARAMETER.match(text, i) or WORD.match(text, i)
            out.append(Token("word", match.group(0), line, space))
            i, space = i + len(match.group(0)), False
    if closer:
        raise ValueError(f"line {line}: {closer!r} missing")
    return out, i, line


def source(tokens) -> str:
    """Rebuild source-like text of tokens, for messages."""
    parts = []
    for token in tokens:
        text = {
            "string": "'" + token.text.replace("'", "''") + "'",
            "group": token.text + source(token.children) + OPENERS.get(token.text, ""),
            "comment": "#" + token.text,
        }.get(token.kind, token.text)
        parts.append((" " if token.space_before and parts else "") + text)
    return "".join(parts)


# --- Invocations -------------------------------------------------------------------------------


def invocations(script: str) -> list[Invocation]:
    """Every command in `script` (comments included), with splats expanded."""
    found: list[Invocation] = []
    _statements(tokenize(script), found, {}, in_comment=False)
    return found


def _statements(tokens, found, hashtables, *, in_comment):
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind == "comment":
            if not in_comment:
                match = IN_COMMENT.search(token.text)
                try:
                    quoted = tokenize(token.text[match.start() :], token.line) if match else []
                except ValueError:  # prose after the command, like an apostrophe
                    quoted = []
                _statements(quoted, found, hashtables, in_comment=True)
            i += 1
        elif token.kind in ("newline", "op"):
            i += 1
        elif token.kind == "word" and VERB_NOUN.match(token.text):
            i = _command(tokens, i, found, hashtables, in_comment)
        elif (
            token.kind == "variable"
            and i + 2 < len(tokens)
            and tokens[i + 1].text == "="
            and tokens[i + 2].kind == "group"
            and tokens[i + 2].text == "@{"
        ):
            hashtables[token.text[1:].lower()] = _hashtable(tokens[i + 2])
            _statements(tokens[i + 2].children, found, hashtables, in_comment=in_comment)
            i += 3
        else:  # not a command (if, throw, an expression): look for commands in its groups
            while i < len(tokens) and tokens[i].kind not in ("newline",) and tokens[i].text != ";":
                if tokens[i].kind == "group":
                    _statements(tokens[i].children, found, hashtables, in_comment=in_comment)
                i += 1


def _arguments(tokens, i):
    """Split tokens from i up to the end of the command into arguments (lists of tokens)."""
    arguments: list[list[Token]] = []
    while i < len(tokens):
        token = tokens[i]
        if token.kind in ("newline", "comment") or token.text in ("|", ";"):
            break
        joins = (
            arguments
            and (not token.space_before or token.text == "," or arguments[-1][-1].text == ",")
            and not (len(arguments[-1]) == 1 and PARAMETER.match(arguments[-1][0].text))
        )
        if joins and not (token.kind == "word" and token.text.startswith("-")):
            arguments[-1].append(token)
        else:
            arguments.append([token])
        i += 1
    return arguments, i


def _command(tokens, i, found, hashtables, in_comment):
    invocation = Invocation(tokens[i].text, tokens[i].line, in_comment=in_comment)
    arguments, end = _arguments(tokens, i + 1)
    for token in (token for argument in arguments for token in argument):
        if token.kind == "group":  # commands inside, like (Get-Date)
            _statements(token.children, found, hashtables, in_comment=in_comment)
    k = 0
    while k < len(arguments):
        argument = arguments[k]
        head = argument[0]
        match = PARAMETER.match(head.text) if head.kind == "word" else None
        if match and len(argument) == 1:
            name, colon = match.groups()
            value = None
            # Taken as the value even after a switch, where PowerShell would bind it
            # positionally: check() reports that, knowing which parameters are switches.
            if k + 1 < len(arguments) and (colon or not _is_parameter(arguments[k + 1])):
                value = arguments[k + 1]
                k += 1
            invocation.parameters.append(
                Parameter(
                    name,
                    source(value) if value else None,
                    head.line,
                    _literal(value) if value else None,
                    colon=bool(colon),
                )
            )
        elif head.kind == "splat" and len(argument) == 1:
            if head.text[1:].lower() not in hashtables:
                invocation.unresolved.append(head.text)
            for key, (value, line) in hashtables.get(head.text[1:].lower(), {}).items():
                invocation.parameters.append(
                    Parameter(key, source(value), line, _literal(value), from_splat=True)
                )
        else:
            invocation.arguments.append(source(argument))
        k += 1
    found.append(invocation)
    return end


def _is_parameter(argument) -> bool:
    return (
        len(argument) == 1
        and argument[0].kind == "word"
        and bool(PARAMETER.match(argument[0].text))
    )


def _hashtable(group: Token) -> dict:
    entries = {}
    items = [t for t in group.children if t.kind != "comment"]
    i = 0
    while i < len(items):
        token = items[i]
        if token.kind in ("word", "string") and i + 1 < len(items) and items[i + 1].text == "=":
            j = i + 2
            while j < len(items) and items[j].kind != "newline" and items[j].text != ";":
                j += 1
            entries[token.text] = (items[i + 2 : j], token.line)
            i = j
        else:
            i += 1
    return entries


def _literal(tokens) -> tuple[str, ...] | None:
    """The literal strings of a value (`'a'`, `word`, `@('a', 'b')`, `'a', 'b'`), else None."""
    if len(tokens) == 1 and tokens[0].kind == "group" and tokens[0].text == "@(":
        tokens = [t for t in tokens[0].children if t.kind != "newline"]
    values = []
    for position, token in enumerate(tokens):
        if position % 2:
            if token.text != ",":
                return None
        elif token.kind == "string" or (token.kind == "word" and not token.text.startswith("-")):
            values.append(token.text)
        elif token.kind == "variable" and token.text.lower() in ("$true", "$false", "$null"):
            values.append(token.text.lower())
        else:
            return None
    return tuple(values) if values else None


# --- The reference and the checks -------------------------------------------------------------


@cache
def reference() -> dict:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


@cache
def _lookup() -> dict:
    """cmdlet (lower case) -> (name, {parameter or alias, lower case: canonical name})."""
    table = {}
    for cmdlet, entry in reference()["cmdlets"].items():
        names = {}
        for name, parameter in entry["parameters"].items():
            names[name.lower()] = name
            for alias in parameter["aliases"]:
                names.setdefault(alias.lower(), name)
        table[cmdlet.lower()] = (cmdlet, names)
    return table


def check(invocation: Invocation, side: str) -> list[str]:
    """Problems of one invocation against the reference, as readable lines ([] when none).

    `side` is "exchange_online" or "on_premises": the cmdlet and its parameters must be
    documented as available there.
    """
    if invocation.cmdlet.lower() in CORE_CMDLETS:
        return []
    where = "Exchange Online" if side == "exchange_online" else "Exchange Server"
    known = _lookup().get(invocation.cmdlet.lower())
    if known is None:
        return [f"{invocation.cmdlet}: no such cmdlet in the reference"]
    cmdlet, names = known
    entry = reference()["cmdlets"][cmdlet]
    problems = [
        f"line {invocation.line}: {cmdlet} {splat}: splats no hashtable assigned before it"
        for splat in invocation.unresolved
    ]
    if entry["applicable"] and where not in entry["applicable"]:
        problems.append(
            f"{cmdlet}: the reference doesn't list it for {where} ({entry['applicable']})"
        )
    used = []
    for parameter in invocation.parameters:
        at = f"line {parameter.line}: {cmdlet} -{parameter.name}"
        if parameter.name.lower() in COMMON_PARAMETERS:
            continue
        name = names.get(parameter.name.lower())
        if name is None:
            problems.append(f"{at}: no such parameter of {cmdlet}")
            continue
        used.append(name)
        spec = entry["parameters"][name]
        problems += _value_problems(at, parameter, spec)
        if spec["applicable"] and where not in spec["applicable"]:
            problems.append(
                f"{at}: the reference doesn't list it for {where} ({spec['applicable']})"
            )
    if used and not any(set(used) <= set(names_) for names_ in entry["parameter_sets"]):
        sets = ", ".join(entry["parameter_set_names"])
        problems.append(
            f"line {invocation.line}: {cmdlet}: no parameter set ({sets}) takes all of "
            + ", ".join(f"-{name}" for name in used)
        )
    if len(used) != len({name.lower() for name in used}):
        problems.append(f"line {invocation.line}: {cmdlet}: a parameter given twice")
    return problems


def _value_problems(at: str, parameter: Parameter, spec: dict) -> list[str]:
    kind = spec["type"] or ""
    if kind == "SwitchParameter":
        if parameter.value is not None and not (parameter.colon or parameter.from_splat):
            # `-Switch value` binds value as a positional argument, never to the switch.
            return [f"{at}: a switch followed by {parameter.value}, which binds positionally"]
        allowed = ["$true", "$false"]
    elif parameter.value is None:
        return [f"{at}: needs a {kind} value"]
    elif kind == "Boolean":
        allowed = ["$true", "$false", "0", "1"]
    else:
        values = spec["accepted_values"] or spec.get("listed_values")
        allowed = list(values) if values else None
    if allowed is None or parameter.literal is None:
        return []
    lowered = {value.lower() for value in allowed}
    problems = []
    for literal in parameter.literal:
        parts = [literal] if kind in ("Boolean", "SwitchParameter") else literal.split(",")
        for part in parts:
            if part.strip().lower() not in lowered and literal != "$null":
                shown = allowed if len(allowed) < 20 else [*allowed[:20], "..."]
                problems.append(f"{at}: {part.strip()!r} isn't one of {', '.join(shown)}")
    return problems
