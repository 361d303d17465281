"""{{ field|described }}: a form field's widget whose aria-describedby names exactly the help and error elements
the page prints (ids `<id>_helptext` and `<id>-errors`), with aria-invalid when it has errors. Screen readers
then read the help and the errors with the field (WCAG 1.3.1, 3.3.1)."""

from django import template

register = template.Library()


def help_id(field) -> str:
    return f"{field.auto_id}_helptext"


def errors_id(field) -> str:
    return f"{field.auto_id}-errors"


@register.filter
def described(field, has_help=None):
    """The widget; `has_help` (True/False) overrides whether a help element with `<id>_helptext` is printed
    (default: when the field has help text)."""
    ids = []
    if field.errors:
        ids.append(errors_id(field))
    if (field.help_text if has_help is None else has_help) and field.auto_id:
        ids.append(help_id(field))
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    widget_html = field.as_widget(attrs=attrs)
    if not ids and "aria-describedby" in widget_html:  # Django's own default points at a help we do not print
        widget_html = widget_html.replace(f' aria-describedby="{help_id(field)}"', "")
    return widget_html
