"""One small form per wizard step; the engine's cleaners do the checking.

Each form knows how to turn its cleaned data into its part of the answers dict
(`answers_from()`), and asks `parse_answers()` about that part in `clean()`, so a rule
that spans steps (standalone EOP needs on-premises servers, say) is refused on the step
where the answer arises, with the engine's own words.
"""

from __future__ import annotations

import re

from django import forms

from planner.engine.answers import IDENTIFY_BY
from planner.engine.validation import (
    MAX_PARTNERS,
    PARTNER_NAME_MAX,
    PLAN_NAME_MAX,
    AnswersError,
    FieldError,
    clean_domain,
    clean_free_text,
    clean_host,
    clean_plan_name,
    clean_sender_ip,
    clean_text,
    parse_answers,
)
from planner.services import NOTE_MAX
from wizard.steps import field_for_path

YES_NO = [("yes", "Yes"), ("no", "No")]
YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not sure")]
BOOLS = {"yes": True, "no": False, "unknown": None}
WORDS = {True: "yes", False: "no", None: "unknown"}
IDENTIFY_CHOICES = [
    ("certificate", "By certificate (recommended)"),
    ("ip", "By IP address"),
    ("unknown", "Not sure: let the planner choose"),
]
DIRECTION_CHOICES = [
    ("both", "Both directions"),
    ("inbound", "Only mail from the partner (inbound)"),
    ("outbound", "Only mail to the partner (outbound)"),
]
PARTNER_FIELDS = ("name", "domains", "direction", "require_tls", "certificate_domain", "sender_ips")
_SEPARATORS = re.compile(r"[,;\r\n]+")


class RadioField(forms.ChoiceField):
    """Radio buttons, each option with an optional hint shown under its label."""

    widget = forms.RadioSelect

    def __init__(self, *, choices, hints=None, required_message, **kwargs):
        super().__init__(choices=choices, error_messages={"required": required_message}, **kwargs)
        self.hints = hints or {}


# Bounds for free text, so no field can carry an unbounded value into the session.
LIST_TEXT_MAX = 13_000
DOMAIN_TEXT_MAX = 255


class ListField(forms.CharField):
    """A textarea of values, one per line or comma-separated, each checked by `item_cleaner`."""

    widget = forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocapitalize": "none"})

    def __init__(self, *, item_cleaner, **kwargs):
        kwargs.setdefault("required", False)
        # Room for 50 long domain names; the API's 256 KiB body cap bounds the rest.
        kwargs.setdefault("max_length", LIST_TEXT_MAX)
        super().__init__(strip=True, **kwargs)
        self.item_cleaner = item_cleaner

    def clean(self, value):
        text = super().clean(value)
        values = [item.strip() for item in _SEPARATORS.split(text or "") if item.strip()]
        cleaned, problems = [], []
        for item in values:
            try:
                cleaned.append(self.item_cleaner(item))
            except FieldError as exc:
                problems.append(str(exc))
        if problems:
            raise forms.ValidationError(problems)
        return cleaned


def engine_field(cleaner):
    """Return a `clean_<field>` body that runs an engine cleaner on a non-empty value."""

    def clean(value):
        if value in (None, ""):
            return value
        try:
            return cleaner(value)
        except FieldError as exc:
            raise forms.ValidationError(str(exc)) from None

    return clean


def text_to_lines(values) -> str:
    return "\n".join(values or ())


class StepForm(forms.Form):
    """A wizard step; `prior` holds the answers of the steps before it that apply."""

    step = ""
    title = ""

    def __init__(self, *args, prior=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.prior = prior or {}

    @classmethod
    def answers_from(cls, cleaned_data) -> dict:
        return {}

    @classmethod
    def step_data_from(cls, answers: dict, *, prefix: str) -> dict:
        """Return stored step data (`{"<prefix>-<field>": [value]}`) for saved answers."""
        return {}

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for path, messages in engine_errors(self.prior, self.answers_from(cleaned)).items():
                where = field_for_path(path)
                if where and where.step == self.step:
                    field = where.field if where.field in self.fields else None
                    for message in messages:
                        self.add_error(field, message)
        return cleaned


def engine_errors(prior: dict, part: dict) -> dict[str, list[str]]:
    """Return the engine's complaints about `prior` answers completed with `part`."""
    data = {**prior}
    for key, value in part.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    try:
        parse_answers(data)
    except AnswersError as exc:
        return exc.errors
    return {}


class ServerForm(StepForm):
    step = "server"
    title = "Which email servers does your organization run on premises?"

    onprem_server = RadioField(
        label=title,
        choices=[
            ("exchange-2010-or-later", "Exchange 2010 or later"),
            ("exchange-2007-or-earlier", "Exchange 2007 or earlier"),
            ("non-microsoft-smtp", "Non-Microsoft SMTP server"),
            ("none", "No on-premises email servers"),
        ],
        hints={
            "exchange-2010-or-later": "Exchange Server 2010, 2013, 2016, 2019 or Subscription Edition.",
            "exchange-2007-or-earlier": "Exchange Server 2007 or 2003.",
            "non-microsoft-smtp": "For example Postfix, Sendmail, HCL Domino or a mail appliance.",
            "none": "Every mailbox is in Microsoft 365 (or will be).",
        },
        help_text="Choose the servers that hold mailboxes or relay mail for your domains today.",
        required_message="Select which email servers your organization runs on premises.",
    )

    @classmethod
    def answers_from(cls, cleaned_data):
        return {"onprem_server": cleaned_data["onprem_server"]}

    @classmethod
    def step_data_from(cls, answers, *, prefix):
        return {f"{prefix}-onprem_server": [answers["onprem_server"]]}


class SubscriptionForm(StepForm):
    step = "subscription"
    title = "Which Microsoft 365 email service do you subscribe to?"

    subscription = RadioField(
        label=title,
        choices=[
            ("exchange-online-protection", "Exchange Online Protection"),
            ("exchange-online", "Exchange Online"),
        ],
        hints={
            "exchange-online-protection": (
                "Standalone EOP: Microsoft 365 filters mail for mailboxes that stay on your "
                "own servers."
            ),
            "exchange-online": (
                "Some or all mailboxes are in Microsoft 365. Exchange Online includes EOP."
            ),
        },
        help_text="You can see it in the Microsoft 365 admin center under Billing, Your products.",
        required_message="Select Exchange Online Protection or Exchange Online.",
    )

    @classmethod
    def answers_from(cls, cleaned_data):
        return {"subscription": cleaned_data["subscription"]}

    @classmethod
    def step_data_from(cls, answers, *, prefix):
        return {f"{prefix}-subscription": [answers["subscription"]]}


class HybridForm(StepForm):
    step = "hybrid"
    title = "Has the Hybrid Configuration Wizard been run for this organization?"

    hybrid_completed = RadioField(
        label=title,
        choices=YES_NO,
        hints={
            "yes": "The wizard finished, so hybrid mail flow is already set up.",
            "no": "It has never been run, or it did not finish.",
        },
        help_text=(
            "The Hybrid Configuration Wizard (HCW) connects Exchange 2010 or later to "
            "Exchange Online and creates the connectors for you."
        ),
        required_message="Select yes if the Hybrid Configuration Wizard has been run, or no.",
    )

    @classmethod
    def answers_from(cls, cleaned_data):
        return {"hybrid_completed": BOOLS[cleaned_data["hybrid_completed"]]}

    @classmethod
    def step_data_from(cls, answers, *, prefix):
        if answers.get("hybrid_completed") is None:
            return {}
        return {f"{prefix}-hybrid_completed": [WORDS[answers["hybrid_completed"]]]}


class OrganizationForm(StepForm):
    step = "organization"
    title = "Your organization's mail details"

    domains = ListField(
        label="Accepted domains",
        item_cleaner=lambda value: clean_domain(value, allow_wildcard=False),
        help_text=(
            "The domains you receive mail for, one per line, like contoso.com. Find them in the "
            "Microsoft 365 admin center under Settings, Domains."
        ),
    )
    onprem_smart_hosts = ListField(
        label="Public host name or IP address of your on-premises mail server",
        item_cleaner=clean_host,
        help_text=(
            "Where Microsoft 365 delivers mail for your server, like mail.contoso.com. It is "
            "usually the host your MX record pointed to before Microsoft 365."
        ),
    )
    onprem_certificate_domain = forms.CharField(
        label="Domain on the server's TLS certificate",
        required=False,
        max_length=DOMAIN_TEXT_MAX,
        help_text=(
            "The subject or a SAN name of the certificate your server sends with, like "
            "mail.contoso.com or *.contoso.com. Exchange lists it with Get-ExchangeCertificate."
        ),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "none"}),
    )
    onprem_sending_ips = ListField(
        label="Public IP addresses your server sends from",
        item_cleaner=clean_sender_ip,
        help_text=(
            "The address Microsoft 365 sees, after NAT: an IPv4 address or a range from /24 "
            "to /32, like 198.51.100.25. Your firewall or network team knows it."
        ),
    )
    identify_by = RadioField(
        label="How should Microsoft 365 recognize mail from your server?",
        choices=IDENTIFY_CHOICES,
        hints={
            "certificate": "Works when your IP address changes, and for forwarded mail and bounces.",
            "ip": "Only if your server cannot send over TLS with a CA-signed certificate.",
        },
        required_message="Select how Microsoft 365 should recognize mail from your server.",
        initial="unknown",
    )

    def clean_onprem_certificate_domain(self):
        return engine_field(clean_domain)(self.cleaned_data["onprem_certificate_domain"]) or None

    @classmethod
    def answers_from(cls, cleaned_data):
        identify_by = cleaned_data["identify_by"]
        return {
            "organization": {
                "domains": cleaned_data["domains"],
                "onprem_smart_hosts": cleaned_data["onprem_smart_hosts"],
                "onprem_certificate_domain": cleaned_data["onprem_certificate_domain"] or None,
                "onprem_sending_ips": cleaned_data["onprem_sending_ips"],
                "identify_by": identify_by if identify_by in IDENTIFY_BY else None,
            }
        }

    @classmethod
    def step_data_from(cls, answers, *, prefix):
        org = answers.get("organization") or {}
        return {
            f"{prefix}-domains": [text_to_lines(org.get("domains"))],
            f"{prefix}-onprem_smart_hosts": [text_to_lines(org.get("onprem_smart_hosts"))],
            f"{prefix}-onprem_certificate_domain": [org.get("onprem_certificate_domain") or ""],
            f"{prefix}-onprem_sending_ips": [text_to_lines(org.get("onprem_sending_ips"))],
            f"{prefix}-identify_by": [org.get("identify_by") or "unknown"],
        }


class DevicesForm(StepForm):
    step = "devices"
    title = "Do printers, scanners or applications need to send email?"
    follow_ups = ("external_recipients", "smtp_auth_capable", "sending_ips")

    send_mail = RadioField(
        label=title,
        choices=YES_NO,
        help_text=(
            "For example multifunction printers that scan to email, or line-of-business "
            "applications that send alerts or invoices."
        ),
        required_message="Select yes if devices or applications need to send email, or no.",
    )
    external_recipients = RadioField(
        label="Do they send to people outside your organization?",
        choices=YES_NO_UNKNOWN,
        required=False,
        required_message="",
        initial="unknown",
    )
    smtp_auth_capable = RadioField(
        label="Can they sign in with SMTP AUTH over TLS 1.2 or later?",
        choices=YES_NO_UNKNOWN,
        help_text="The device's mail settings ask for a user name, a password, port 587 and TLS.",
        required=False,
        required_message="",
        initial="unknown",
    )
    sending_ips = ListField(
        label="Their static public IP addresses",
        item_cleaner=lambda value: clean_sender_ip(value, public_only=True),
        help_text=(
            "Optional. The public address Microsoft 365 sees when they send, one per line, like "
            "203.0.113.10 or 203.0.113.0/24."
        ),
    )

    def clean(self):
        if self.cleaned_data.get("send_mail") == "no":
            # The follow-ups sit on the page without JavaScript; after "No" they mean nothing.
            for name in self.follow_ups:
                self._errors.pop(name, None)
                self.cleaned_data[name] = [] if name == "sending_ips" else ""
        return super().clean()

    @classmethod
    def answers_from(cls, cleaned_data):
        if cleaned_data["send_mail"] != "yes":
            return {"devices": {"send_mail": False}}
        return {
            "devices": {
                "send_mail": True,
                "external_recipients": BOOLS.get(cleaned_data["external_recipients"]),
                "smtp_auth_capable": BOOLS.get(cleaned_data["smtp_auth_capable"]),
                "sending_ips": cleaned_data["sending_ips"],
            }
        }

    @classmethod
    def step_data_from(cls, answers, *, prefix):
        devices = answers.get("devices") or {}
        return {
            f"{prefix}-send_mail": [WORDS[bool(devices.get("send_mail"))]],
            f"{prefix}-external_recipients": [WORDS[devices.get("external_recipients")]],
            f"{prefix}-smtp_auth_capable": [WORDS[devices.get("smtp_auth_capable")]],
            f"{prefix}-sending_ips": [text_to_lines(devices.get("sending_ips"))],
        }


class PartnersForm(StepForm):
    step = "partners"
    title = "Do you exchange mail with partner organizations that need extra security?"

    partners = RadioField(
        label=title,
        choices=YES_NO,
        hints={
            "yes": "You will add each partner on the next page.",
        },
        help_text=(
            "For example a bank that requires TLS, a partner whose mail must come from known "
            "IP addresses or a certificate, or a filtering service in front of Microsoft 365."
        ),
        required_message="Select yes if partner organizations need TLS, certificate or IP restrictions, or no.",
    )

    @classmethod
    def answers_from(cls, cleaned_data):
        return {} if cleaned_data["partners"] == "yes" else {"partners": []}

    @classmethod
    def step_data_from(cls, answers, *, prefix):
        return {f"{prefix}-partners": [WORDS[bool(answers.get("partners"))]]}


class PartnerForm(forms.Form):
    name = forms.CharField(
        label="Partner name",
        max_length=PARTNER_NAME_MAX,
        help_text="Used in the connector names, like Fabrikam Bank.",
        error_messages={
            "required": "Enter the partner name.",
            "max_length": f"The partner name must be {PARTNER_NAME_MAX} characters or fewer.",
        },
    )
    domains = ListField(
        label="Partner's email domains",
        item_cleaner=lambda value: clean_domain(value, allow_all=True),
        required=True,
        help_text="One per line, like fabrikam.com. *.fabrikam.com covers its subdomains.",
        error_messages={"required": "Enter at least one of the partner's email domains."},
    )
    direction = RadioField(
        label="Which mail should the connectors cover?",
        choices=DIRECTION_CHOICES,
        required_message="Select which mail the connectors should cover.",
        initial="both",
    )
    require_tls = forms.BooleanField(
        label="Require TLS for mail with this partner",
        required=False,
        initial=True,
        help_text="Mail that cannot be sent over TLS is rejected instead of sent in clear text.",
    )
    certificate_domain = forms.CharField(
        label="Domain on the partner's TLS certificate",
        required=False,
        max_length=DOMAIN_TEXT_MAX,
        help_text="Optional, like mail.fabrikam.com. Ask the partner's mail administrator.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "none"}),
    )
    sender_ips = ListField(
        label="IP addresses the partner sends from",
        item_cleaner=clean_sender_ip,
        help_text="Optional. IPv4 addresses or ranges from /24 to /32, one per line.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "organization"

    def clean_name(self):
        return engine_field(
            lambda value: clean_text(value, max_length=PARTNER_NAME_MAX, label="partner name")
        )(self.cleaned_data["name"])

    def clean_certificate_domain(self):
        return engine_field(clean_domain)(self.cleaned_data["certificate_domain"]) or None


class BasePartnerFormSet(forms.BaseFormSet):
    step = "partner"
    title = "Partner organizations"
    default_error_messages = {
        "too_many_forms": f"You can add at most {MAX_PARTNERS} partners to one plan.",
        "too_few_forms": "Add at least one partner, or go back and answer no.",
    }

    def __init__(self, *args, prior=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.prior = prior or {}

    def clean(self):
        if any(self.errors):
            return
        part = self.answers_from(self.cleaned_data)
        problems = []
        for path, messages in engine_errors(self.prior, part).items():
            where = field_for_path(path)
            if not where or where.step != self.step:
                continue
            if where.index is not None and where.index < len(self.forms):
                form = self.forms[where.index]
                field = where.field if where.field in form.fields else None
                for message in messages:
                    form.add_error(field, message)
            else:
                problems += messages
        if problems:
            raise forms.ValidationError(problems)

    @classmethod
    def answers_from(cls, cleaned_data):
        return {
            "partners": [
                {
                    "name": row["name"],
                    "domains": row["domains"],
                    "direction": row["direction"],
                    "require_tls": row["require_tls"],
                    "certificate_domain": row["certificate_domain"] or None,
                    "sender_ips": row["sender_ips"],
                }
                for row in cleaned_data
                if row
            ]
        }

    @classmethod
    def step_data_from(cls, answers, *, prefix):
        rows = [
            {
                "name": partner["name"],
                "domains": text_to_lines(partner["domains"]),
                "direction": partner["direction"],
                "require_tls": "on" if partner["require_tls"] else "",
                "certificate_domain": partner.get("certificate_domain") or "",
                "sender_ips": text_to_lines(partner.get("sender_ips")),
            }
            for partner in answers.get("partners") or ()
        ]
        return partner_data(rows, prefix=prefix) if rows else {}


PartnerFormSet = forms.formset_factory(
    PartnerForm,
    formset=BasePartnerFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_PARTNERS,
    validate_max=True,
    # One over the limit is still read and shown, so the "at most 50" error keeps every row.
    absolute_max=MAX_PARTNERS + 1,
)


def partner_rows(data, *, prefix: str) -> list[dict]:
    """Return the partner rows as typed (at most one over the limit, so it can be reported)."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", ""))
    except (TypeError, ValueError):
        # A lost or edited counter: count the rows that were actually sent instead.
        found = re.compile(rf"^{re.escape(prefix)}-(\d+)-")
        numbers = [int(match[1]) for key in data if (match := found.match(key))]
        total = max(numbers, default=-1) + 1
    rows = []
    for index in range(max(0, min(total, MAX_PARTNERS + 1))):
        row = {name: data.get(f"{prefix}-{index}-{name}", "") or "" for name in PARTNER_FIELDS}
        row["require_tls"] = "on" if row["require_tls"] else ""
        rows.append(row)
    return rows


def blank_partner() -> dict:
    return dict.fromkeys(PARTNER_FIELDS, "") | {"direction": "both", "require_tls": "on"}


def is_blank(row: dict) -> bool:
    return not any(
        row[name].strip() for name in ("name", "domains", "certificate_domain", "sender_ips")
    )


def partner_data(rows: list[dict], *, prefix: str) -> dict[str, list[str]]:
    """Return formset data (as the wizard stores it) holding `rows`, numbered from 0."""
    data = {
        f"{prefix}-TOTAL_FORMS": [str(len(rows))],
        f"{prefix}-INITIAL_FORMS": ["0"],
        f"{prefix}-MIN_NUM_FORMS": ["1"],
        f"{prefix}-MAX_NUM_FORMS": [str(MAX_PARTNERS)],
    }
    for index, row in enumerate(rows):
        for name in PARTNER_FIELDS:
            if name == "require_tls" and not row[name]:
                continue
            data[f"{prefix}-{index}-{name}"] = [row[name]]
    return data


def partner_initial(rows: list[dict]) -> list[dict]:
    """Return formset `initial` showing `rows` again, without judging them yet."""
    return [{**row, "require_tls": bool(row["require_tls"])} for row in rows]


class CheckForm(StepForm):
    step = "check"
    title = "Check your answers before saving your plan"

    name = forms.CharField(
        label="Plan name",
        max_length=PLAN_NAME_MAX,
        help_text=f"Shown at the top of the plan and its PDF. Up to {PLAN_NAME_MAX} characters.",
        error_messages={
            "required": "Enter a name for the plan.",
            "max_length": f"The plan name must be {PLAN_NAME_MAX} characters or fewer.",
        },
    )
    note = forms.CharField(
        label="What changed? (optional)",
        required=False,
        max_length=NOTE_MAX,
        help_text="A short note for the plan's revision history, like “Added Fabrikam Bank”.",
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["note"]
        self.fields["name"].widget.attrs["autocomplete"] = "off"

    def clean_name(self):
        return engine_field(clean_plan_name)(self.cleaned_data["name"])

    def clean_note(self):
        try:
            return clean_free_text(
                self.cleaned_data.get("note", ""), max_length=NOTE_MAX, label="note"
            )
        except FieldError as error:
            if "characters or fewer" in str(error):
                error = f"Keep the note to {NOTE_MAX} characters or fewer."
            raise forms.ValidationError(str(error)) from None

    @classmethod
    def step_data_from(cls, answers, *, prefix):
        return {}


STEP_FORMS = {
    "server": ServerForm,
    "subscription": SubscriptionForm,
    "hybrid": HybridForm,
    "organization": OrganizationForm,
    "devices": DevicesForm,
    "partners": PartnersForm,
    "partner": PartnerFormSet,
    "check": CheckForm,
}
