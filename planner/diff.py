"""What changed between two revisions of a plan, in words an admin can check."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from planner.engine import Answers
from planner.engine.recommendation import ENDPOINT_LABELS
from planner.engine.summary import AnswerRow, answer_rows

NOT_ASKED = "Not asked"


@dataclass(frozen=True)
class AnswerChange:
    question: str
    before: str
    after: str


@dataclass(frozen=True)
class ConnectorChange:
    sign: str  # "+" added, "−" removed
    text: str

    @property
    def added(self) -> bool:
        return self.sign == "+"

    def __str__(self) -> str:
        return f"{self.sign} {self.text}"


def _rows(answers: Answers) -> dict[str, AnswerRow]:
    rows = {}
    for row in answer_rows(answers):
        if row.key.startswith("partners."):
            # The partner's name is in the question ("Partner 1: Contoso Bank"); fold it into
            # the answer so a renamed partner shows as a change under a stable question.
            index = int(row.key.split(".")[1])
            name = answers.partners[index].name
            row = AnswerRow(
                row.key, f"Partner {index + 1}", f"Name: {name}; {row.answer}", row.step
            )
        rows[row.key] = row
    return rows


def answer_changes(before: Answers, after: Answers) -> list[AnswerChange]:
    """Return the answers that differ between two revisions, in the order the wizard asks them."""
    old, new = _rows(before), _rows(after)
    keys = _merged_order(list(old), list(new))
    changes = []
    for key in keys:
        old_row, new_row = old.get(key), new.get(key)
        old_answer = old_row.answer if old_row else NOT_ASKED
        new_answer = new_row.answer if new_row else NOT_ASKED
        if old_answer != new_answer:
            question = (new_row or old_row).question
            changes.append(AnswerChange(question, old_answer, new_answer))
    return changes


def _merged_order(old: list[str], new: list[str]) -> list[str]:
    # Questions that are no longer asked go back where they used to be, after the question
    # that preceded them, so the comparison reads in the wizard's order.
    keys = list(new)
    for index, key in enumerate(old):
        if key in keys:
            continue
        previous = next((k for k in reversed(old[:index]) if k in keys), None)
        keys.insert(keys.index(previous) + 1 if previous else 0, key)
    return keys


def _joined(values) -> str:
    return ", ".join(str(value) for value in values)


def describe_connector(connector: dict) -> str:
    """Return one line naming a connector by From → To and its key restrictions and scope.

    For example "Partner organization → Office 365 (TLS, contosobank.com)".
    """
    label = f"{ENDPOINT_LABELS[connector['from']]} → {ENDPOINT_LABELS[connector['to']]}"
    settings = connector.get("settings") or {}
    details = []
    if connector.get("purpose") == "device-relay":
        details.append("devices and applications")
    if connector.get("action") == "review-existing":
        details.append("review existing")
    if settings.get("RequireTls") or settings.get("TlsSettings"):
        details.append("TLS")
    for key, what in (
        ("TlsSenderCertificateName", "certificate"),
        ("TlsDomain", "certificate"),
    ):
        if settings.get(key):
            details.append(f"{what} {settings[key]}")
    if settings.get("SenderIPAddresses"):
        details.append(f"IPs {_joined(settings['SenderIPAddresses'])}")
    if settings.get("SmartHosts"):
        details.append(f"smart hosts {_joined(settings['SmartHosts'])}")
    for key in ("SenderDomains", "RecipientDomains"):
        domains = settings.get(key)
        if domains == ["*"]:
            details.append("any domain")
        elif domains:
            details.append(_joined(domains))
    if settings.get("AllAcceptedDomains"):
        details.append("all accepted domains")
    return f"{label} ({', '.join(details)})" if details else label


def connector_changes(before: dict, after: dict) -> list[ConnectorChange]:
    """Return connectors only in `before` (−) and only in `after` (+), given two recommendations."""
    old = Counter(describe_connector(c) for c in before.get("connectors", []))
    new = Counter(describe_connector(c) for c in after.get("connectors", []))
    removed = [ConnectorChange("−", text) for text in _ordered(before, old - new)]
    added = [ConnectorChange("+", text) for text in _ordered(after, new - old)]
    return removed + added


def _ordered(recommendation: dict, wanted: Counter) -> list[str]:
    remaining = Counter(wanted)
    lines = []
    for connector in recommendation.get("connectors", []):
        text = describe_connector(connector)
        if remaining[text] > 0:
            remaining[text] -= 1
            lines.append(text)
    return lines
