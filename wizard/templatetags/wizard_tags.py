import html

from django import template
from django.forms import CheckboxInput, HiddenInput, Textarea, TextInput
from django.utils.safestring import mark_safe

register = template.Library()

# The widgets the wizard uses, written out here exactly as Django's own widget templates write
# them: rendering one through the form renderer (three nested templates) took longer than
# the rest of its field (issue 7). Any other widget still goes through Django.
SIMPLE_WIDGETS = (TextInput, HiddenInput, CheckboxInput, Textarea)


def _escape(value) -> str:
    """Return `conditional_escape(value)`, without its lazy-string wrapper (called a lot)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _flat_attrs(attrs) -> str:
    # django/forms/widgets/attrs.html
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {_escape(name)}")
        elif value is not False:
            parts.append(f' {_escape(name)}="{_escape(value)}"')
    return "".join(parts)


def render_widget(bound_field, attrs=None):
    """Return what `bound_field.as_widget(attrs=attrs)` returns, without the template engine."""
    field = bound_field.field
    widget = field.widget
    if type(widget) not in SIMPLE_WIDGETS or field.localize:
        return bound_field.as_widget(attrs=attrs)
    attrs = bound_field.build_widget_attrs(attrs or {}, widget)
    if bound_field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound_field.auto_id)
    context = widget.get_context(bound_field.html_name, bound_field.value(), attrs)["widget"]
    name, value = _escape(context["name"]), context["value"]
    if type(widget) is Textarea:
        # django/forms/widgets/textarea.html
        text = _escape(value) if value else ""
        return mark_safe(
            f'<textarea name="{name}"{_flat_attrs(context["attrs"])}>\n{text}</textarea>'
        )
    # django/forms/widgets/input.html
    value = "" if value is None else f' value="{_escape(value)}"'
    kind = _escape(context["type"])
    return mark_safe(f'<input type="{kind}" name="{name}"{value}{_flat_attrs(context["attrs"])}>')


@register.simple_tag
def radio_options(bound_field):
    """Render the field's radio buttons, each with its label and the option's hint, if any.

    Written out here rather than in a template: a template spent some 40 variable look-ups on
    every option, the costliest part of a wizard page (issue 7).
    """
    hints = getattr(bound_field.field, "hints", {})
    invalid = " is-invalid" if bound_field.errors else ""
    name = _escape(bound_field.html_name)
    html = ['<div class="radios">']
    for choice in bound_field:
        option_id, value = _escape(choice.id_for_label), choice.data["value"]
        hint = hints.get(value, "")
        checked = " checked" if choice.data["selected"] else ""
        described = f' aria-describedby="{option_id}-hint"' if hint else ""
        html.append(
            f'\n  <div class="form-check radio-option">'
            f'\n    <input class="form-check-input{invalid}" type="radio" name="{name}"'
            f' id="{option_id}" value="{_escape(value)}"{checked}{described}>'
            f'\n    <label class="form-check-label" for="{option_id}">'
            f"{_escape(choice.choice_label)}</label>"
        )
        if hint:
            html.append(
                f'\n    <div id="{option_id}-hint" class="form-hint radio-hint">{_escape(hint)}</div>'
            )
        html.append("\n  </div>")
    html.append("\n</div>")
    return mark_safe("".join(html))


@register.simple_tag
def described_by(bound_field):
    """Return the ids of the hint and error message that describe `bound_field`."""
    ids = []
    if bound_field.help_text:
        ids.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        ids.append(f"{bound_field.auto_id}-error")
    return " ".join(ids)


@register.simple_tag
def field_widget(bound_field, css_class="form-control"):
    """Render the field's input with its classes, error state and aria-describedby."""
    attrs = {"class": f"{css_class} is-invalid" if bound_field.errors else css_class}
    ids = described_by(bound_field)
    if ids:
        attrs["aria-describedby"] = ids
    return render_widget(bound_field, attrs)


@register.simple_tag
def plain_widget(bound_field):
    """Render the field's input as Django would, like the wizard's hidden management form."""
    return render_widget(bound_field)


@register.filter
def answer_lines(answer):
    """Split a summary answer like "Domains: a; Direction: b" into its parts."""
    return [part for part in str(answer).split("; ") if part]
