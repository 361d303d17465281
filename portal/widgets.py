"""Form widgets that render the same markup as Django's, cheaper.

Django renders every `<option>` of a `<select>` through its own template include
(django/forms/widgets/select_option.html): a list of fifty departments costs some fifty includes each time the form
is shown — a third of the overdue board's page. `OptionsSelect` writes the same markup in Python;
tests/portal/test_widgets.py compares it with Django's rendering.
"""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


def _attrs(attrs) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return format_html_join("", "{}", ((format_html(' {}', name) if value is True
                                        else format_html(' {}="{}"', name, str(value)),)
                                       for name, value in attrs.items() if value is not False))


class OptionsSelect(forms.Select):
    """A `<select>` with the markup of Django's select.html and select_option.html, written out in Python."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in group_choices:
                parts.append(format_html('\n  <option value="{}"{}>{}</option>\n', str(option["value"]),
                                         _attrs(option["attrs"]), option["label"]))
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every variable part went through format_html
