"""The badges of an application's status and light: one markup for every page (the includes
approvals/applications/_status.html and _light.html call these tags), cheap enough for the rows of a long list.

    {% load application_badges %}{% application_status_badge row.status %} {% application_light_badge row.light %}

The words are translated once per language and value, not once per row.
"""

from functools import lru_cache

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from approvals.models import ApplicationStatus

register = template.Library()


@lru_cache(maxsize=16)
def _texts(language) -> dict:
    return {
        "status": {value: str(label) for value, label in ApplicationStatus.choices},
        "light": {"green": _("On time"), "yellow": _("Due soon"), "red": _("Overdue"), "paused": _("Clock paused"),
                  "done": _("Done"), "waiting": _("No clock running")},
    }


@register.simple_tag
def application_status_badge(status):
    """<span class="status status--submitted" data-status="submitted">已提交</span>"""
    label = _texts(get_language())["status"].get(status, status)
    return format_html('<span class="status status--{}" data-status="{}">{}</span>', status, status, label)


@register.simple_tag
def application_light_badge(light):
    """The light of an application's clocks; any other value (none running) reads "No clock running"."""
    texts = _texts(get_language())["light"]
    light = light if light in texts else "waiting"
    return format_html('<span class="light light--{}" data-light="{}">{}</span>', light, light, texts[light])
