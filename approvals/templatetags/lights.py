"""The badge of a light and of a review's status: one markup for every page (the includes
approvals/reviews/_light.html and _status.html call these tags), cheap enough for the rows of a long list.

    {% load lights %}{% light_badge review.clock.light %}   {% review_status_badge review %}

The words are translated once per language and value, not once per row.
"""

from functools import lru_cache

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from approvals.lights import Light
from approvals.models import ReviewStatus

register = template.Library()


@lru_cache(maxsize=64)
def _light_text(language, light) -> str:
    texts = {Light.RED: _("Red: overdue"), Light.YELLOW: _("Yellow: due soon"), Light.GREEN: _("Green: on time"),
             Light.PAUSED: _("Paused"), Light.DONE: _("Done")}
    return str(texts.get(light) or _("Waiting for its stage"))


@lru_cache(maxsize=64)
def _status_texts(language) -> dict:
    return {"opinion_ready": _("Opinion ready"), "on_commitment": _("On commitment"),
            "on_commitment_title": _("Decided on commitment, verify afterwards"),
            **{value: str(label) for value, label in ReviewStatus.choices}}


@register.simple_tag
def light_badge(light):
    """<span class="light light--red">Red: overdue</span> (waiting and unknown lights: "Waiting for its stage")."""
    return format_html('<span class="light light--{}">{}</span>', light or "", _light_text(get_language(), light))


@register.simple_tag
def review_status_badge(review):
    """The review's status, and whether its opinion is ready or it was decided on commitment."""
    texts = _status_texts(get_language())
    html = format_html('<span class="tag review-status review-status--{}">{}</span>', review.status,
                       texts.get(review.status, review.status))
    if getattr(review, "opinion_ready", False):
        html += format_html(' <span class="tag tag--blue opinion-ready" data-testid="opinion-ready">{}</span>',
                            texts["opinion_ready"])
    if review.on_commitment:
        html += format_html(' <span class="tag tag--gold" title="{}">{}</span>', texts["on_commitment_title"],
                            texts["on_commitment"])
    return html
