"""Render a plan document as GitHub-flavoured Markdown, for pasting into a ticket."""

from __future__ import annotations

import re

from planner.documents import FOOTER_LINE, plan_context

# Characters that start emphasis, code, links, HTML or end a table cell anywhere in a line; the
# others (headings, lists, quotes) only matter at the start, handled separately. Backslash
# escapes keep the raw text readable in tickets that don't render Markdown.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>|~]|&(?=#?\w+;))")
_BARE_URL = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*):\/\/")
_BARE_WWW = re.compile(r"(?i)\b(www)\.")
_MARKDOWN_LINE_START = re.compile(r"^(\d+)([.)])|^([#=+-])")


def markdown_text(value) -> str:
    """Return `value` as inert Markdown text: no headings, links, code, HTML or table breaks."""
    text = " ".join(str(value).split())  # a newline would end a list item or a table row
    text = _MARKDOWN_INLINE.sub(r"\\\1", text)
    # GFM's extended autolinks and @mentions (GitHub, GitLab): "https\[:\]//" and "www\[.\]" no
    # longer link, and a word joiner after "@" stops mentions and e-mail links (review A15).
    text = _BARE_URL.sub(lambda match: f"{match[1]}\\[:\\]//", text)
    text = _BARE_WWW.sub(lambda match: f"{match[1]}\\[.\\]", text)
    text = text.replace("@", "@\u2060")
    return _MARKDOWN_LINE_START.sub(
        lambda match: f"{match[1]}\\{match[2]}" if match[1] else f"\\{match[3]}", text
    )


def render_plan_markdown(document: dict, *, share_url: str) -> str:
    """Return the plan as GitHub-flavoured Markdown for pasting into a ticket."""
    context = plan_context(document, share_url=share_url)
    md = markdown_text
    lines = [
        f"# Connector plan: {md(context['name'])}",
        "",
        f"Revision {context['revision']}, "
        f"{'saved' if context['revision'] == 1 else 'updated'} {context['updated_on']}.",
        f"Shared plan: <{share_url}>",
        "",
        md(context["rules_line"]),
        "",
    ]
    if context["blockers"]:
        lines += [f"> **{md(context['blocker_callout'])}**", ">"]
        lines += [f"> - {md(note['text'])}" for note in context["blockers"]]
        lines.append("")
    lines += [
        md(context["summary"]),
        "",
        "## Your answers",
        "",
    ]
    lines += [f"- **{md(row.question)}:** {md(row.answer)}" for row in context["answers"]]
    lines += ["", "## Connectors", ""]
    if not context["connectors"]:
        lines += ["No connectors to create.", ""]
    for connector in context["connectors"]:
        lines += [
            f"### {md(connector['title'])}",
            "",
            f"- **From:** {md(connector['from_label'])}; **to:** {md(connector['to_label'])}",
            f"- **{connector['requirement']}**; action: {md(connector['action_label'])}",
            (
                f"- **Cmdlet:** `{connector['cmdlet']}`"
                if connector["creates"]
                else f"- **Review with** `{connector['review_cmdlet']}`**; don't create it:** "
                "the Hybrid Configuration Wizard made it."
            ),
            f"- **Why:** {md(connector['reason'])}",
        ]
        if connector["guide"]:
            lines.append(f"- **Guide:** {_md_guide(connector['guide'])}")
        if connector["setting_rows"]:
            lines += ["", "| Parameter | Value |", "| --- | --- |"]
        for row in connector["setting_rows"]:
            value = f"*Fill in:* {md(row.value)}" if row.fill_in else md(row.value)
            lines.append(f"| {md(row.parameter)} | {value} |")
        lines.append("")
    if context["devices"]:
        devices = context["devices"]
        lines += ["## Devices and applications", "", md(devices["summary"]), ""]
        for option in devices["options"]:
            guide = f" Guide: {_md_guide(option['guide'])}" if option["guide"] else ""
            lines.append(
                f"- **{md(option['title'])}** ({option['verdict_label']}): {md(option['why'])}{guide}"
            )
        if devices["options"]:
            lines.append("")
    if context["checklist"]:
        lines += ["## Checklist", ""]
        for phase in context["checklist"]:
            lines += [f"### {phase['label']}", ""]
            for number, item in enumerate(phase["items"], start=1):
                guide = item["guide"]
                link = f" Guide: [{md(guide['title'])}](<{guide['url']}>)" if guide else ""
                lines.append(f"{number}. {md(item['text'])}{link}")
            lines.append("")
    rollback = context["rollback"]
    if rollback["connectors"]:
        lines += [
            "## Rollback",
            "",
            "If mail stops flowing after the change, disable the connectors this plan creates "
            "(Exchange Online PowerShell):",
            "",
            "```powershell",
            rollback["disable_script"],
            "```",
            "",
            "To remove them for good, once mail flows as it did before:",
            "",
            "```powershell",
            rollback["remove_script"],
            "```",
            "",
        ]
    if context["scripts"]:
        lines += ["## PowerShell", ""]
        for script in context["scripts"]:
            # A fence longer than any run of backticks in the script, so no value can close it.
            longest = max((len(run) for run in re.findall(r"`+", script["text"])), default=0)
            fence = "`" * max(3, longest + 1)
            lines += [f"### {script['title']}", "", f"{fence}powershell", script["text"].rstrip()]
            lines += [fence, ""]
    if context["notes"]:
        # Under a heading per severity, not a "**Warnings:**" label on every note (review L11).
        lines += ["## Notes", ""]
        label = None
        for note in context["notes"]:
            if note["severity_label"] != label:
                if label is not None:
                    lines.append("")
                label = note["severity_label"]
                lines += [f"### {label}", ""]
            guide = f" See {_md_guide(note['guide'])}" if note["guide"] else ""
            lines.append(f"- {md(note['text'])}{guide}")
        lines.append("")
    if context["audit"]:
        lines += _audit_lines(context["audit"])
    lines += ["## Guides", ""]
    lines += [f"- {_md_guide(guide)}" for guide in context["guides"]]
    lines += ["", f"*{md(FOOTER_LINE)}*", ""]
    return "\n".join(lines)


def _md_guide(guide: dict) -> str:
    return f"{markdown_text(guide['title'])}: <{guide['url']}>"


def _audit_lines(audit: dict) -> list[str]:
    md = markdown_text
    lines = ["## Compared with your tenant", ""]
    lines += [
        f"Imported {audit['imported_at'] or 'just now'}, against revision {audit['revision']}.",
        "",
    ]
    if audit["compared_exchange_online"]:
        for item in audit["connectors"]:
            where = f" (existing: {md(item['existing_name'])})" if item["existing_name"] else ""
            lines.append(
                f"- **{item['status_label']}:** {md(item['title'] or item['plan_id'])}{where}"
            )
            lines += [
                f"  - {md(diff['parameter'])}: current {md(diff['current_text'])}, "
                f"planned {md(diff['planned_text'])}"
                for diff in item["differences"]
            ]
        lines += [
            f"- **{item['disposition_label']}:** {md(item['name'])}. {md(item['why'])}"
            for item in audit["unplanned"]
        ]
    else:
        lines.append("No Exchange Online export was imported: the connectors were not compared.")
    lines.append("")
    if audit["findings"]:
        lines += ["### Findings", ""]
        lines += [
            f"- {md(item['subject'])}: {md(item['text'])} Rule: {md(item['rule'])} "
            f"<{item['source']}>"
            for item in audit["findings"]
        ]
        lines.append("")
    lines += ["## As found", ""]
    lines += [
        f"- {md(source['label'])} export {md(source['file_name'])}, made "
        f"{md(source['generated'] or 'at an unknown time')}"
        for source in audit["sources"]
    ]
    lines.append("")
    lines += [
        f"- {md(row['what'])}: {md(row['name'])}"
        + (f" ({md(row['detail'])})" if row["detail"] else "")
        for row in audit["found"]
    ]
    lines.append("")
    return lines
