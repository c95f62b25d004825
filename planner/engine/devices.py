"""Weigh the three ways devices and applications can send mail (§4.5) for one set of answers."""

from __future__ import annotations

from .answers import Answers
from .recommendation import DeviceAdvice, DeviceOption

TITLES = {
    "smtp-auth": "Option 1: SMTP AUTH client submission",
    "direct-send": "Option 2: Direct send",
    "smtp-relay": "Option 3: SMTP relay through a connector",
}
GUIDES = {
    "smtp-auth": "mfd_option1_smtp_auth",
    "direct-send": "mfd_option2_direct_send",
    "smtp-relay": "mfd_option3_smtp_relay",
}


def _smtp_auth(devices) -> tuple[str, str]:
    if devices.smtp_auth_capable is False:
        return "unsuitable", "Your devices can't sign in with SMTP AUTH over TLS 1.2."
    why = (
        "Sign in to smtp.office365.com on port 587 with a licensed mailbox. Works for internal "
        "and external recipients; limited to 30 messages a minute and 10,000 recipients a day."
    )
    if devices.smtp_auth_capable is None:
        why += " Check first that the devices support TLS 1.2 on port 587."
    return "possible", why


def _direct_send(devices) -> tuple[str, str]:
    if devices.external_recipients:
        return "unsuitable", "Direct send can't reach recipients outside Microsoft 365."
    why = "Send to your MX endpoint on port 25, no sign-in; only to recipients in Microsoft 365."
    if devices.external_recipients is None:
        why += " Only if the devices never mail outside your organization."
    return "possible", why


def _smtp_relay(devices) -> tuple[str, str]:
    why = (
        "Send to your MX endpoint on port 25 from a static public IP address matched by an "
        "inbound connector. Works for internal and external recipients; not from hosted "
        "clouds such as Azure."
    )
    return "possible", why


def device_advice(answers: Answers, option: str | None) -> DeviceAdvice | None:
    """Return the weighed device options, or None when no device sends mail."""
    if option is None:
        return None
    if option == "onprem-relay":
        return DeviceAdvice(
            recommended="onprem-relay",
            summary="Relay printers, scanners and applications through your on-premises email "
            "server; it already has a connector to Microsoft 365.",
        )
    devices = answers.devices
    options = []
    for key, weigh in (
        ("smtp-auth", _smtp_auth),
        ("direct-send", _direct_send),
        ("smtp-relay", _smtp_relay),
    ):
        verdict, why = weigh(devices)
        if key == option:
            verdict = "recommended"
        options.append(DeviceOption(key, TITLES[key], verdict, why, GUIDES[key]))
    return DeviceAdvice(
        recommended=option,
        summary=f"Recommended: {TITLES[option]}.",
        options=tuple(options),
    )
