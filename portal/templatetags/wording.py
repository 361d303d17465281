"""{% colon %}: a label's colon in the active language ("：" in Chinese, ": " in English).

    {% load wording %}<strong>{% translate "Reason" %}{% colon %}</strong> {{ reason }}
"""

from django import template

from portal import wording

register = template.Library()


@register.simple_tag
def colon() -> str:
    return wording.colon()
