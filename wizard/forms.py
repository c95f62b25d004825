"""One small form per wizard step; the engine's cleaners do the checking.

Each form knows how to turn its cleaned data into its part of the answers dict
(`answers_from()`), and asks `parse_answers()` about that part in `clean()`, so a rule
that spans steps (standalone EOP needs on-premises servers, say) is refused on the step
where the answer arises, with the engine's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Fieldset, Layout
from django import forms
from django.utils.datastructures import MultiValueDict

from planner.engine.answers import (
    HYBRID_CONFIGURATION_CHOICES,
    IDENTIFY_BY,
    MX_POINTS_TO_CHOICES,
    ONPREM_SERVERS,
)
from planner.engine.summary import (
    DIRECTION_LABELS,
    IDENTIFY_LABELS,
    ONPREM_LABELS,
    SUBSCRIPTION_LABELS,
)
from planner.engine.validation import (
    MAX_PARTNERS,
    PARTNER_NAME_MAX,
    PLAN_NAME_MAX,
    AnswersError,
    FieldError,
    clean_device_ip,
    clean_domain,
    clean_free_text,
    clean_host,
    clean_plan_name,
    clean_sender_ip,
    clean_text,
    parse_answers,
)
from planner.services import NOTE_MAX
from wizard.steps import CONDITIONS, EXCHANGE_VERSIONS, field_for_path

YES_NO = [("yes", "Yes"), ("no", "No")]
YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not sure")]
YES_NO_DONT_KNOW = [("yes", "Yes"), ("no", "No"), ("unknown", "I don't know")]
DONT_KNOW = ("unknown", "I don't know")
BOOLS = {"yes": True, "no": False, "unknown": None}
WORDS = {True: "yes", False: "no", None: "unknown"}
# The labels are the engine's, as the check page, the plan and the PDF show them.
SERVER_CHOICES = [(v, ONPREM_LABELS[v]) for v in ONPREM_SERVERS if v != "exchange-2010-or-later"]
IDENTIFY_CHOICES = [
    *((value, IDENTIFY_LABELS[value]) for value in IDENTIFY_BY),
    ("unknown", f"Not sure: {IDENTIFY_LABELS[None].lower()}"),
]
DIRECTION_CHOICES = list(DIRECTION_LABELS.items())
QUESTION = "bootstrap5/question.html"
HELP_STEPS = frozenset({"server", "updates", "hybrid", "configuration", "mx", "oauth"})
PARTNER_FIELDS = (
    "name",
    "domains",
    "direction",
    "require_tls",
    "certificate_domain",
    "mx_certificate_domain",
    "sender_ips",
)
_SEPARATORS = re.compile(r"[,;\r\n]+")


class HintedRadioSelect(forms.RadioSelect):
    """Radio buttons, each option with an optional hint under its label (GOV.UK radios)."""

    hints: dict = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["hint"] = self.hints.get(value, "")
        if option["hint"] and option["attrs"].get("id"):
            option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}-hint"
        return option


class RadioField(forms.ChoiceField):
    widget = HintedRadioSelect

    def __init__(self, *, choices, hints=None, required_message, **kwargs):
        super().__init__(choices=choices, error_messages={"required": required_message}, **kwargs)
        self.widget.hints = hints or {}


class DescribedErrors:
    """Point each text field with an error at its message, after its hint (crispy's ids)."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            field = self.fields.get(name)
            if field is not None and not field.widget.use_fieldset:
                bound = self[name]
                ids = [f"{bound.auto_id}_helptext"] if field.help_text else []
                field.widget.attrs["aria-describedby"] = " ".join([*ids, f"{bound.auto_id}_error"])


def form_helper(*layout) -> FormHelper:
    """Return a crispy helper laying out fields inside the wizard's own <form> tag."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


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


def has_exact_exchange(answers: dict) -> bool:
    return answers.get("onprem_server") in EXCHANGE_VERSIONS


def text_to_lines(values) -> str:
    return "\n".join(values or ())


class StepForm(DescribedErrors, forms.Form):
    """A wizard step; `prior` holds the answers of the steps before it that apply."""

    step = ""
    title = ""

    def __init__(self, *args, prior=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.prior = prior or {}
        self.helper = form_helper(*self.layout())

    def layout(self) -> list:
        """Return the crispy layout: by default the question, then the step's help, if any."""
        question, *others = self.fields
        help_page = [HTML(f'{{% include "wizard/help/{self.step}.html" %}}')]
        return [Field(question, template=QUESTION), *others, *help_page[: self.step in HELP_STEPS]]

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


def merge_answers(answers: dict, part: dict) -> dict:
    """Return `answers` completed with one step's `part` (devices come from two steps)."""
    merged = {**answers}
    for key, value in part.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def engine_errors(prior: dict, part: dict) -> dict[str, list[str]]:
    """Return the engine's complaints about `prior` answers completed with `part`."""
    try:
        parse_answers(merge_answers(prior, part))
    except AnswersError as exc:
        return exc.errors
    return {}


class ServerForm(StepForm):
    step = "server"
    title = "Which email servers does your organization run on premises?"

    onprem_server = RadioField(
        label=title,
        choices=SERVER_CHOICES,
        hints={
            "exchange-se": "Version 15.2, build 2562 or later.",
            "exchange-2019": "Version 15.2 with a build before 2562.",
            "exchange-2016": "Version 15.1.",
            "exchange-2013": "Version 15.0.",
            "exchange-2010": "Version 14.",
            "exchange-2007-or-earlier": "Exchange Server 2007 (version 8) or 2003.",
            "non-microsoft-smtp": "For example Postfix, Sendmail, HCL Domino or a mail appliance.",
            "none": "Every mailbox is in Microsoft 365 (or will be).",
        },
        help_text=(
            "Choose the servers that hold mailboxes or relay mail for your domains today. With "
            "more than one Exchange version, choose the oldest one that sends or receives mail "
            "for Microsoft 365."
        ),
        required_message="Select which email servers your organization runs on premises.",
    )

    def layout(self):
        asked_again = HTML(
            '{% if version_asked_again %}<p class="lead-hint">The saved plan says “Exchange 2010 '
            "or later”. The planner now needs the exact version: choose it below.</p>{% endif %}"
        )
        return [asked_again, *super().layout()]

    @classmethod
    def answers_from(cls, cleaned_data):
        return {"onprem_server": cleaned_data["onprem_server"]}

    @classmethod
    def step_data_from(cls, answers, *, prefix):
        if answers["onprem_server"] not in dict(cls.base_fields["onprem_server"].choices):
            # "Exchange 2010 or later" (rules version 1, or the API): the wizard asks again for
            # the exact version rather than guess one.
            return {}
        return {f"{prefix}-onprem_server": [answers["onprem_server"]]}


class UpdatesForm(StepForm):
    step = "updates"
    title = "Do your Exchange servers have the latest cumulative update and security update?"

    onprem_up_to_date = RadioField(
        label=title,
        choices=YES_NO_DONT_KNOW,
        hints={
            "yes": "Every server that sends or receives mail for Microsoft 365 has both.",
            "no": "At least one of them is behind.",
        },
        help_text=(
            "Only the servers that send mail to Microsoft 365 or receive mail from it matter. "
            "Exchange Online slows down, then refuses, mail from servers that are out of date."
        ),
        required_message=(
            "Select yes if your Exchange servers have the latest updates, no, or I don't know."
        ),
    )

    @classmethod
    def answers_from(cls, cleaned_data):
        return {"onprem_up_to_date": BOOLS[cleaned_data["onprem_up_to_date"]]}

    @classmethod
    def step_data_from(cls, answers, *, prefix):
        if not has_exact_exchange(answers):
            return {}
        return {f"{prefix}-onprem_up_to_date": [WORDS[answers.get("onprem_up_to_date")]]}


class SubscriptionForm(StepForm):
    step = "subscription"
    title = "Which Microsoft 365 email service do you subscribe to?"

    subscription = RadioField(
        label=title,
        choices=list(SUBSCRIPTION_LABELS.items()),
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


class ConfigurationForm(StepForm):
    step = "configuration"
    title = "Which configuration was chosen in the Hybrid Configuration Wizard?"

    hybrid_configuration = RadioField(
        label=title,
        choices=[*HYBRID_CONFIGURATION_CHOICES, DONT_KNOW],
        hints={
            "full": "For a long-term hybrid: free/busy, mail flow and connectors between the two.",
            "minimal": "For moving mailboxes over a few months; it sets up no mail flow.",
            "express": "For moving every mailbox in a couple of weeks (Classic wizard only).",
        },
        help_text=(
            "Only Full creates the connectors. With Minimal or Express, the plan has you create "
            "them by hand."
        ),
        required_message="Select the configuration chosen in the Hybrid Configuration Wizard, or I don't know.",
    )

    @classmethod
    def answers_from(cls, cleaned_data):
        value = cleaned_data["hybrid_configuration"]
        return {"hybrid_configuration": None if value == "unknown" else value}

    @classmethod
    def step_data_from(cls, answers, *, prefix):
        if answers.get("hybrid_completed") is not True:
            return {}
        value = answers.get("hybrid_configuration") or "unknown"
        return {f"{prefix}-hybrid_configuration": [value]}


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
    )

    def layout(self):
        return [
            HTML(
                '<h1 class="page-heading">{{ question }}</h1><p class="lead-hint">These details '
                "make the plan's cmdlets ready to paste. Every answer is optional: leave out what "
                "you don't know and the plan tells you what to fill in.</p>"
            ),
            *self.fields,
        ]

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


class MxForm(StepForm):
    step = "mx"
    title = "Where do your domains' MX records point?"

    mx_points_to = RadioField(
        label=title,
        choices=[*MX_POINTS_TO_CHOICES, DONT_KNOW],
        hints={
            "microsoft-365": "The MX host ends in mail.protection.outlook.com or mx.microsoft.",
            "on-premises": "The MX host is your own server or appliance, like mail.contoso.com.",
            "third-party-service": "For example Mimecast, Proofpoint or a cloud email gateway.",
        },
        help_text=(
            "Where internet mail for your domains arrives first, or where it will arrive after "
            "the change this plan is for."
        ),
        required_message="Select where your domains' MX records point, or I don't know.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.prior.get("onprem_server") == "none":
            field = self.fields["mx_points_to"]
            field.choices = [choice for choice in field.choices if choice[0] != "on-premises"]

    @classmethod
    def answers_from(cls, cleaned_data):
        value = cleaned_data["mx_points_to"]
        return {"mx_points_to": None if value == "unknown" else value}

    @classmethod
    def step_data_from(cls, answers, *, prefix):
        return {f"{prefix}-mx_points_to": [answers.get("mx_points_to") or "unknown"]}


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
    )
    smtp_auth_capable = RadioField(
        label="Can they sign in with SMTP AUTH over TLS 1.2 or later?",
        choices=YES_NO_UNKNOWN,
        help_text="The device's mail settings ask for a user name, a password, port 587 and TLS.",
        required=False,
        required_message="",
    )
    sending_ips = ListField(
        label="Their static public IP addresses",
        item_cleaner=clean_device_ip,
        help_text=(
            "Optional. The public address Microsoft 365 sees when they send, one per line, like "
            "203.0.113.10 or 203.0.113.0/24."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # With an on-premises server the devices relay through it, so private addresses do.
        onprem = self.prior.get("onprem_server")
        field = self.fields["sending_ips"]
        field.item_cleaner = lambda value: clean_device_ip(value, onprem_server=onprem)
        if onprem not in (None, "none"):
            field.label = "Their static IP addresses"
            field.help_text = (
                "Optional. They relay through your on-premises server, so give the addresses it "
                "sees, one per line, like 10.0.5.20 or 203.0.113.0/24."
            )

    def layout(self):
        return [
            Field("send_mail", template=QUESTION),
            Fieldset("If yes, tell us about them", *self.follow_ups, css_class="follow-ups"),
        ]

    # Nothing is pre-selected (review M3), so after "Yes" each follow-up needs an answer;
    # "Not sure" stays an explicit choice.
    FOLLOW_UP_MESSAGES = {
        "external_recipients": "Select yes if they send to people outside your organization, "
        "no, or not sure.",
        "smtp_auth_capable": "Select yes if they can sign in with SMTP AUTH, no, or not sure.",
    }

    def clean(self):
        if self.cleaned_data.get("send_mail") == "no":
            # The follow-ups sit on the page without JavaScript; after "No" they mean nothing.
            for name in self.follow_ups:
                self._errors.pop(name, None)
                self.cleaned_data[name] = [] if name == "sending_ips" else ""
        elif self.cleaned_data.get("send_mail") == "yes":
            for name, message in self.FOLLOW_UP_MESSAGES.items():
                if not self.cleaned_data.get(name) and name not in self._errors:
                    self.add_error(name, message)
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


class OauthForm(StepForm):
    step = "oauth"
    title = "Can the devices and applications sign in to SMTP AUTH with OAuth?"

    oauth_capable = RadioField(
        label=title,
        choices=YES_NO_DONT_KNOW,
        hints={
            "yes": "Every one of them supports OAuth 2.0 (modern authentication) for SMTP.",
            "no": "Some only take a user name and password (basic authentication).",
        },
        help_text=(
            "Microsoft turns basic authentication for SMTP AUTH off by default from the end of "
            "December 2026; OAuth keeps working."
        ),
        required_message="Select yes if they can sign in with OAuth, no, or I don't know.",
    )

    @classmethod
    def answers_from(cls, cleaned_data):
        return {"devices": {"oauth_capable": BOOLS[cleaned_data["oauth_capable"]]}}

    @classmethod
    def step_data_from(cls, answers, *, prefix):
        devices = answers.get("devices") or {}
        if not devices.get("send_mail") or devices.get("smtp_auth_capable") is False:
            return {}
        return {f"{prefix}-oauth_capable": [WORDS[devices.get("oauth_capable")]]}


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
            "For example a bank that requires TLS, or a partner whose mail must come from known "
            "IP addresses or a certificate. A filtering service in front of Microsoft 365 (such "
            "as Mimecast or Proofpoint) is not a partner: the MX question asks about it."
        ),
        required_message="Select yes if partner organizations need TLS, certificate or IP restrictions, or no.",
    )

    @classmethod
    def answers_from(cls, cleaned_data):
        return {} if cleaned_data["partners"] == "yes" else {"partners": []}

    @classmethod
    def step_data_from(cls, answers, *, prefix):
        return {f"{prefix}-partners": [WORDS[bool(answers.get("partners"))]]}


class PartnerForm(DescribedErrors, forms.Form):
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
    )
    require_tls = forms.BooleanField(
        label="Require TLS for mail with this partner",
        required=False,
        help_text="Mail that cannot be sent over TLS is rejected instead of sent in clear text.",
    )
    certificate_domain = forms.CharField(
        label="Domain on the partner's sending certificate",
        required=False,
        max_length=DOMAIN_TEXT_MAX,
        help_text=(
            "Optional, like mail.fabrikam.com. The certificate the partner's servers present when "
            "they send mail to you: Microsoft 365 uses it to recognize their mail. Ask the "
            "partner's mail administrator."
        ),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "none"}),
    )
    mx_certificate_domain = forms.CharField(
        label="Domain on the partner's receiving (MX) certificate",
        required=False,
        max_length=DOMAIN_TEXT_MAX,
        help_text=(
            "Optional, for mail to the partner, like mx.fabrikam.com. The certificate on the "
            "servers their MX record points to, which Microsoft 365 checks before it delivers "
            "your mail. It is often not the same as the sending certificate. Leave it empty if "
            "you don't know: the plan then requires TLS without checking the name."
        ),
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
        self.helper = form_helper()

    def clean_name(self):
        return engine_field(
            lambda value: clean_text(value, max_length=PARTNER_NAME_MAX, label="partner name")
        )(self.cleaned_data["name"])

    def clean_certificate_domain(self):
        return engine_field(clean_domain)(self.cleaned_data["certificate_domain"]) or None

    def clean_mx_certificate_domain(self):
        return engine_field(clean_domain)(self.cleaned_data["mx_certificate_domain"]) or None


class BasePartnerFormSet(forms.BaseFormSet):
    step = "partner"
    title = "Partner organizations"
    default_error_messages = {
        "too_many_forms": f"You can add at most {MAX_PARTNERS} partners to one plan.",
        "too_few_forms": "Add at least one partner, or go back and answer no.",
    }

    def __init__(self, data=None, *args, prior=None, **kwargs):
        if data is not None:
            # Rows left completely blank are dropped rather than reported.
            prefix = kwargs.get("prefix") or self.get_default_prefix()
            rows = partner_rows(data, prefix=prefix)
            kept = [row for row in rows if not is_blank(row)] or rows[:1]
            data = MultiValueDict(partner_data(kept, prefix=prefix))
        super().__init__(data, *args, **kwargs)
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
                    "mx_certificate_domain": row["mx_certificate_domain"] or None,
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
                "mx_certificate_domain": partner.get("mx_certificate_domain") or "",
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
    # Nothing pre-selected (GOV.UK; review M3): the admin answers each question.
    return dict.fromkeys(PARTNER_FIELDS, "")


def is_blank(row: dict) -> bool:
    return not any(
        row[name].strip()
        for name in ("name", "domains", "certificate_domain", "mx_certificate_domain", "sender_ips")
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
        self.helper = form_helper(*self.fields)

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
    "updates": UpdatesForm,
    "subscription": SubscriptionForm,
    "hybrid": HybridForm,
    "configuration": ConfigurationForm,
    "organization": OrganizationForm,
    "mx": MxForm,
    "devices": DevicesForm,
    "oauth": OauthForm,
    "partners": PartnersForm,
    "partner": PartnerFormSet,
    "check": CheckForm,
}


@dataclass
class Progress:
    """What a run has answered: each applying step's cleaned data, and the answers before it."""

    cleaned: dict
    prior: dict
    answers: dict


def collect(stored, *, editing: bool = False) -> Progress:
    """Return the answers stored for the steps that apply, validated in step order, once."""
    answers, cleaned, prior = {}, {}, {}
    for step, form_class in STEP_FORMS.items():
        prior[step] = answers
        condition = CONDITIONS.get(step)
        data = stored(step)
        if data is None or (condition is not None and not condition(cleaned)):
            continue
        extra = {"editing": editing} if step == "check" else {}
        form = form_class(data, prefix=step, prior=answers, **extra)
        if form.is_valid():
            cleaned[step] = form.cleaned_data
            answers = merge_answers(answers, form_class.answers_from(form.cleaned_data))
    return Progress(cleaned=cleaned, prior=prior, answers=answers)


def error_items(form, *, problem=None, stale=None, **kwargs) -> list[dict]:
    """Return the error summary's entries: each message with a link to its field."""
    items = [{"stale": stale}] if stale is not None else []
    if problem:
        items.append({"href": "#id_check-name", "text": problem})
    if isinstance(form, BasePartnerFormSet):
        items += [{"href": "#partner-list", "text": text} for text in form.non_form_errors()]
        for number, partner_form in enumerate(form.forms, start=1):
            items += _form_errors(partner_form, label=f"Partner {number}: ")
    else:
        items += _form_errors(form)
    return items


def _form_errors(form, *, label="") -> list[dict]:
    if not form.is_bound:
        return []

    def href(bound):
        return f"#{bound.auto_id}_0" if bound.field.widget.use_fieldset else f"#{bound.auto_id}"

    first = form[next(iter(form.fields))]
    items = [{"href": href(first), "text": f"{label}{text}"} for text in form.non_field_errors()]
    for bound in form:
        items += [{"href": href(bound), "text": f"{label}{text}"} for text in bound.errors]
    return items
