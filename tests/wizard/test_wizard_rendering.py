"""The wizard's own field rendering (issue 7): the markup Django and the old templates wrote,
without their cost; and no session write for a page view or a refused answer."""

import re

import pytest
from django import forms
from django.db import connection
from django.template import engines
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from formtools.wizard.forms import ManagementForm

from tests.wizard.conftest import EXCHANGE_2010, partner_fields
from wizard.forms import STEP_FORMS, CheckForm, PartnerForm
from wizard.templatetags.wizard_tags import SIMPLE_WIDGETS, radio_options, render_widget

pytestmark = pytest.mark.django_db

HOSTILE = '<b>"it\'s" & </textarea><i>'

# The radio options as the wizard's template wrote them before they moved into Python (the
# option's hint came from a filter; here it is looked up beforehand).
OLD_RADIO_OPTIONS = """<div class="radios">
  {% for choice in choices %}{% with hint=choice.hint %}
  <div class="form-check radio-option">
    <input class="form-check-input{% if field.errors %} is-invalid{% endif %}" type="radio" name="{{ field.html_name }}" id="{{ choice.id_for_label }}" value="{{ choice.data.value }}"{% if choice.data.selected %} checked{% endif %}{% if hint %} aria-describedby="{{ choice.id_for_label }}-hint"{% endif %}>
    <label class="form-check-label" for="{{ choice.id_for_label }}">{{ choice.choice_label }}</label>
    {% if hint %}<div id="{{ choice.id_for_label }}-hint" class="form-hint radio-hint">{{ hint }}</div>{% endif %}
  </div>
  {% endwith %}{% endfor %}
</div>"""


def squeeze(html):
    return re.sub(r">\s+<", "><", str(html)).strip()


def old_radio_options(bound_field):
    hints = getattr(bound_field.field, "hints", {})
    choices = list(bound_field)
    for choice in choices:
        choice.hint = hints.get(choice.data["value"], "")
    template = engines["django"].from_string(OLD_RADIO_OPTIONS)
    return template.render({"field": bound_field, "choices": choices})


def forms_to_render():
    """Every wizard form, unbound and bound with typical, empty and hostile data."""
    forms = []
    classes = [cls for step, cls in STEP_FORMS.items() if step not in ("partner", "check")]
    for cls in classes:
        names = list(cls.base_fields)
        typical = {f"{cls.step}-{name}": "yes" for name in names}
        hostile = {f"{cls.step}-{name}": HOSTILE for name in names}
        forms.append(cls(prefix=cls.step))
        forms.append(cls(prefix=cls.step, initial={names[0]: HOSTILE}))
        for data in ({}, typical, hostile):
            form = cls(data, prefix=cls.step)
            form.is_valid()
            forms.append(form)
    for data in ({}, {"partner-0-require_tls": "on", "partner-0-name": HOSTILE}):
        form = PartnerForm(data, prefix="partner-0", use_required_attribute=False)
        form.is_valid()
        forms.append(form)
    forms.append(PartnerForm(prefix="partner-0", initial={"require_tls": True, "name": "A"}))
    for editing in (False, True):
        forms.append(CheckForm(prefix="check", editing=editing, initial={"name": HOSTILE}))
        form = CheckForm({"check-name": "", "check-note": HOSTILE}, prefix="check", editing=editing)
        form.is_valid()
        forms.append(form)
    forms.append(ManagementForm(prefix="plan_wizard_abc", initial={"current_step": "server"}))
    return forms


@pytest.mark.parametrize(
    "attrs",
    [
        None,
        {"class": "form-control"},
        {"class": "form-check-input is-invalid", "aria-describedby": "a-hint a-error"},
    ],
)
def test_inputs_are_rendered_exactly_as_django_renders_them(attrs):
    compared = set()
    for form in forms_to_render():
        for bound in form:
            if isinstance(bound.field.widget, SIMPLE_WIDGETS):
                assert render_widget(bound, attrs) == bound.as_widget(attrs=attrs)
                compared.add(type(bound.field.widget).__name__)
    assert compared == {"TextInput", "Textarea", "CheckboxInput", "HiddenInput"}


def test_radio_options_keep_the_markup_of_the_old_template():
    rendered = 0
    for form in forms_to_render():
        for bound in form:
            if isinstance(bound.field.widget, forms.RadioSelect):
                assert squeeze(radio_options(bound)) == squeeze(old_radio_options(bound))
                rendered += 1
    assert rendered > 10


def test_radio_options_escape_labels_and_hints():
    form = STEP_FORMS["server"](prefix="server")
    field = form.fields["onprem_server"]
    field.choices = [("a&b", "<Label>")]
    field.hints = {"a&b": "<hint>"}
    html = str(radio_options(form["onprem_server"]))
    assert 'value="a&amp;b"' in html
    assert "&lt;Label&gt;" in html
    assert "&lt;hint&gt;" in html
    assert "<hint>" not in html


def test_non_field_errors_are_shown_above_the_fields():
    form = STEP_FORMS["server"]({"server-onprem_server": "none"}, prefix="server")
    form.is_valid()
    form.add_error(None, "Something about <the whole step>.")
    html = render_to_string("wizard/steps/server.html", {"form": form})
    assert squeeze(html).startswith(
        '<div class="alert alert-block alert-danger"><ul class="m-0">'
        "<li>Something about &lt;the whole step&gt;.</li></ul></div>"
    )


def test_devices_follow_ups_are_one_fieldset_with_a_legend(walk):
    walk.answer(EXCHANGE_2010[:6])
    html = squeeze(walk.get("devices").content.decode())
    assert '<fieldset class="follow-ups"><legend>If yes, tell us about them</legend>' in html
    follow_ups = html.split('<fieldset class="follow-ups">')[1]
    for name in ("external_recipients", "smtp_auth_capable", "sending_ips"):
        assert f'name="devices-{name}"' in follow_ups


# --- session writes ------------------------------------------------------------------------------


def session_writes(send):
    with CaptureQueriesContext(connection) as queries:
        response = send()
    return response, [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))
    ]


def test_viewing_a_step_again_does_not_write_the_session(walk):
    walk.answer(EXCHANGE_2010[:4])
    walk.get("organization")
    for _ in range(2):
        response, writes = session_writes(lambda: walk.get("organization"))
        assert response.status_code == 200
        assert writes == []


def test_refused_answer_does_not_write_the_session(walk):
    walk.get("server")
    response, writes = session_writes(lambda: walk.post("server", {}))
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert writes == []


def test_answer_and_move_to_another_step_write_the_session(walk):
    walk.get("server")
    response, writes = session_writes(lambda: walk.post("server", {"onprem_server": "none"}))
    assert response.status_code == 302
    assert len(writes) == 1 and "django_session" in writes[0]
    assert walk.stored("server") == {"server-onprem_server": ["none"]}
    # Back on an earlier step from a link: the run's current step changes, and is kept.
    walk.answer([("subscription", {"subscription": "exchange-online"})])
    response, writes = session_writes(lambda: walk.get("server"))
    assert response.status_code == 200
    assert len(writes) == 1
    assert walk.client.session[f"wizard_{walk.prefix}"]["step"] == "server"


def test_partner_list_edits_are_kept_without_a_valid_answer(walk):
    walk.answer([*EXCHANGE_2010[:7], ("partners", {"partners": "yes"})])
    fields = partner_fields({"name": "Fabrikam", "domains": ""})
    response = walk.post("partner", fields, extra={"partner_action": "add"})
    assert response.status_code == 302
    assert walk.stored("partner")["partner-TOTAL_FORMS"] == ["2"]
    html = walk.get("partner").content.decode()
    assert 'value="Fabrikam"' in html
    assert 'id="id_partner-1-name"' in html
