"""Weigh the ways devices and applications can send mail (§4.5) for one set of answers.

December 2026 (F8, F9): SMTP AUTH only with OAuth, because Basic authentication for SMTP AUTH
is disabled by default for existing tenants at the end of December 2026 and unavailable to new
tenants; the relay connector (Option 3) for devices that can't use OAuth; High Volume Email
and Azure Communication Services Email as Microsoft's other replacements; direct send only as
a last resort (unauthenticated, and refused once Reject Direct Send is on).
"""

from __future__ import annotations

from .answers import Answers
from .recommendation import DeviceAdvice, DeviceOption

TITLES = {
    "smtp-auth": "Option 1: SMTP AUTH client submission with OAuth",
    "smtp-relay": "Option 3: SMTP relay through a connector",
    "hve": "High Volume Email (internal recipients)",
    "acs-email": "Azure Communication Services Email (applications)",
    "direct-send": "Option 2: Direct send",
}
GUIDES = {
    "smtp-auth": "mfd_option1_smtp_auth",
    "smtp-relay": "mfd_option3_smtp_relay",
    "hve": "hve",
    "acs-email": "acs_email",
    "direct-send": "mfd_option2_direct_send",
}


def _smtp_auth(devices) -> tuple[str, str]:
    if devices.smtp_auth_capable is False:
        return "unsuitable", "Your devices can't sign in with SMTP AUTH."
    if devices.oauth_capable is False:
        return "unsuitable", (
            "Your devices can't use OAuth, and Basic authentication for SMTP AUTH is disabled "
            "by default for existing tenants at the end of December 2026 (new tenants created "
            "after December 2026 don't have it)."
        )
    why = (
        "Sign in to smtp.office365.com on port 587 with OAuth 2.0 as a licensed mailbox. Works "
        "for internal and external recipients; limited to 30 messages a minute and 10,000 "
        "recipients a day."
    )
    if devices.oauth_capable is None:
        why += (
            " Only if the devices support OAuth (modern authentication) for SMTP AUTH: "
            "confirm that first; Basic authentication is going off."
        )
    return "possible", why


def _smtp_relay(devices) -> tuple[str, str]:
    return "possible", (
        "Send to your MX endpoint on port 25 from a static public IP address (or with a "
        "certificate) matched by an inbound connector; no sign-in. Works for internal and "
        "external recipients, and keeps working with Reject Direct Send. Not from hosted "
        "clouds such as Azure; the sender address must be in an accepted domain."
    )


def _hve(devices) -> tuple[str, str]:
    if devices.external_recipients:
        return "unsuitable", "High Volume Email sends only to recipients inside your organization."
    why = (
        "A Microsoft 365 service for line-of-business applications and devices that mail "
        "your own people in volume; internal recipients only."
    )
    if devices.external_recipients is None:
        why += " Only if the devices never mail outside your organization."
    return "possible", why


def _acs_email(devices) -> tuple[str, str]:
    return "possible", (
        "For applications (not printers) that send in bulk, above all to external "
        "recipients: a separate Azure service with its own domain set-up, SPF and DKIM."
    )


def _direct_send(devices) -> tuple[str, str]:
    if devices.external_recipients:
        return "unsuitable", "Direct send can't reach recipients outside Microsoft 365."
    return "possible", (
        "Last resort only: unauthenticated mail to your MX endpoint on port 25, to recipients "
        "in Microsoft 365 only. It stops working when Reject Direct Send is turned on; "
        "prefer the relay connector, which authenticates the devices by address."
    )


WEIGHERS = (
    ("smtp-auth", _smtp_auth),
    ("smtp-relay", _smtp_relay),
    ("hve", _hve),
    ("acs-email", _acs_email),
    ("direct-send", _direct_send),
)


def device_advice(answers: Answers, option: str | None) -> DeviceAdvice | None:
    """Return the weighed device options, or None when no device sends mail."""
    if option is None:
        return None
    if option == "onprem-relay":
        return DeviceAdvice(
            recommended="onprem-relay",
            summary="Relay printers, scanners and applications through your on-premises email "
            "server; it already has a connector to Microsoft 365. Allow only the devices' own "
            "addresses on its relay connector.",
        )
    devices = answers.devices
    options = []
    for key, weigh in WEIGHERS:
        verdict, why = weigh(devices)
        if key == option:
            verdict = "recommended"
        options.append(DeviceOption(key, TITLES[key], verdict, why, GUIDES[key]))
    return DeviceAdvice(
        recommended=option,
        summary=f"Recommended: {TITLES[option]}.",
        options=tuple(options),
    )
