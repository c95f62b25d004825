"""The answers as question/answer rows, in plain words, for the check page, plan page and PDF."""

from __future__ import annotations

from dataclasses import dataclass

from .answers import (
    EXCHANGE_2010_OR_LATER,
    EXCHANGE_SERVERS,
    EXCHANGE_VERSION_CHOICES,
    HYBRID_CONFIGURATION_CHOICES,
    MX_POINTS_TO_CHOICES,
    Answers,
)

ONPREM_LABELS = {
    **dict(EXCHANGE_VERSION_CHOICES),
    "exchange-2010-or-later": "Exchange 2010 or later (version not given)",
    "exchange-2007-or-earlier": "Exchange 2007 or earlier",
    "non-microsoft-smtp": "Non-Microsoft SMTP server",
    "none": "No on-premises email servers",
}
SUBSCRIPTION_LABELS = {
    "exchange-online-protection": "Exchange Online Protection",
    "exchange-online": "Exchange Online",
}
DIRECTION_LABELS = {
    "both": "Both directions",
    "inbound": "Mail from the partner only",
    "outbound": "Mail to the partner only",
}
HYBRID_CONFIGURATION_LABELS = {**dict(HYBRID_CONFIGURATION_CHOICES), None: "Not known"}
MX_LABELS = {**dict(MX_POINTS_TO_CHOICES), None: "Not known"}
IDENTIFY_LABELS = {
    "certificate": "By certificate",
    "ip": "By IP address",
    None: "Let the planner choose",
}


@dataclass(frozen=True)
class AnswerRow:
    key: str
    question: str
    answer: str
    step: str  # the wizard step that asks it, for "Change" links


def yes_no(value: bool | None, *, unknown: str = "Not known") -> str:
    return unknown if value is None else "Yes" if value else "No"


def listed(values, *, empty: str = "Not given") -> str:
    return ", ".join(values) if values else empty


def answer_rows(answers: Answers) -> list[AnswerRow]:
    """Return the answers that apply, in the order the wizard asks them."""
    rows = [
        AnswerRow(
            "onprem_server",
            "On-premises email organization",
            ONPREM_LABELS[answers.onprem_server],
            "server",
        ),
    ]
    # The wizard asks it for Exchange 2010 or later only (2007 is a blocker anyway).
    if answers.onprem_server in EXCHANGE_2010_OR_LATER or (
        answers.onprem_server in EXCHANGE_SERVERS and answers.onprem_up_to_date is not None
    ):
        rows.append(
            AnswerRow(
                "onprem_up_to_date",
                "Servers on the latest cumulative and security update",
                yes_no(answers.onprem_up_to_date),
                "updates",
            )
        )
    rows += [
        AnswerRow(
            "subscription",
            "Service subscription",
            SUBSCRIPTION_LABELS[answers.subscription],
            "subscription",
        ),
    ]
    if answers.hybrid_completed is not None:
        rows.append(
            AnswerRow(
                "hybrid_completed",
                "Hybrid Configuration Wizard run",
                yes_no(answers.hybrid_completed),
                "hybrid",
            )
        )
    if answers.hybrid_completed:
        rows.append(
            AnswerRow(
                "hybrid_configuration",
                "Hybrid Configuration Wizard configuration",
                HYBRID_CONFIGURATION_LABELS[answers.hybrid_configuration],
                "configuration",
            )
        )
    org = answers.organization
    if answers.has_onprem_server:
        rows += [
            AnswerRow(
                "organization.domains", "Accepted domains", listed(org.domains), "organization"
            ),
            AnswerRow(
                "organization.onprem_smart_hosts",
                "On-premises server host names or IPs",
                listed(org.onprem_smart_hosts),
                "organization",
            ),
            AnswerRow(
                "organization.onprem_certificate_domain",
                "Domain on the server's TLS certificate",
                org.onprem_certificate_domain or "Not given",
                "organization",
            ),
            AnswerRow(
                "organization.onprem_sending_ips",
                "On-premises sending IP addresses",
                listed(org.onprem_sending_ips),
                "organization",
            ),
            AnswerRow(
                "organization.identify_by",
                "How Microsoft 365 recognizes your server",
                IDENTIFY_LABELS[org.identify_by],
                "organization",
            ),
        ]
    elif org.domains:
        rows.append(
            AnswerRow(
                "organization.domains", "Accepted domains", listed(org.domains), "organization"
            )
        )
    rows.append(
        AnswerRow(
            "mx_points_to", "Where your MX records point", MX_LABELS[answers.mx_points_to], "mx"
        )
    )
    devices = answers.devices
    rows.append(
        AnswerRow(
            "devices.send_mail",
            "Devices or applications send mail",
            yes_no(devices.send_mail),
            "devices",
        )
    )
    if devices.send_mail:
        rows += [
            AnswerRow(
                "devices.external_recipients",
                "Devices mail recipients outside the organization",
                yes_no(devices.external_recipients),
                "devices",
            ),
            AnswerRow(
                "devices.smtp_auth_capable",
                "Devices can use SMTP AUTH over TLS 1.2",
                yes_no(devices.smtp_auth_capable),
                "devices",
            ),
            AnswerRow(
                "devices.oauth_capable",
                "Devices can sign in to SMTP AUTH with OAuth",
                yes_no(devices.oauth_capable),
                "oauth",
            ),
            AnswerRow(
                "devices.sending_ips",
                "Devices' sending IP addresses",
                listed(devices.sending_ips),
                "devices",
            ),
        ]
    rows.append(
        AnswerRow(
            "partners",
            "Partners needing TLS, certificate or IP restrictions",
            yes_no(bool(answers.partners)),
            "partners",
        )
    )
    for number, partner in enumerate(answers.partners, start=1):
        details = [
            f"Domains: {listed(partner.domains)}",
            f"Direction: {DIRECTION_LABELS[partner.direction]}",
            f"Require TLS: {yes_no(partner.require_tls)}",
            f"Certificate domain: {partner.certificate_domain or 'Not given'}",
            f"Receiving certificate domain: {partner.mx_certificate_domain or 'Not given'}",
            f"Sender IPs: {listed(partner.sender_ips)}",
        ]
        rows.append(
            AnswerRow(
                f"partners.{number - 1}",
                f"Partner {number}: {partner.name}",
                "; ".join(details),
                "partner",
            )
        )
    return rows
