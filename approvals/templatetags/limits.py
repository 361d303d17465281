"""Time limits as the catalog prints them: "即办" (on the spot) for an immediate item, never "0个工作日".

    {% load limits %}{{ item|promised_limit }}   {{ 4|working_days }}
"""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def working_days(days) -> str:
    """4 -> "4个工作日" / "4 working days"; 0 -> "即办" / "on the spot"."""
    try:
        days = int(days)
    except (TypeError, ValueError):
        return ""
    if days == 0:
        return _("on the spot (即办)")
    return ngettext("%(d)d working day", "%(d)d working days", days) % {"d": days}


@register.filter
def promised_limit(item) -> str:
    """An item's promised limit: 即办 for an immediate item whatever its stored number."""
    if getattr(item, "immediate", False):
        return working_days(0)
    return working_days(item.promised_limit_days)
