from django import template

register = template.Library()


@register.filter
def option_hint(bound_field, value):
    """Return the hint shown under one radio option, if the field has one."""
    return getattr(bound_field.field, "hints", {}).get(value, "")


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
    return bound_field.as_widget(attrs=attrs)


@register.filter
def answer_lines(answer):
    """Split a summary answer like "Domains: a; Direction: b" into its parts."""
    return [part for part in str(answer).split("; ") if part]
