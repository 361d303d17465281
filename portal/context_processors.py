"""Navigation for the role of the logged-in user: every page shows the same menu for the same role.

The entries come from portal.navigation, where each app registers its pages; the portal names none of them.
"""

from django.urls import NoReverseMatch, reverse

from portal.models.users import Role
from portal.navigation import entries
from portal.services.notify import unread_count


def _resolved(entry):
    try:
        return reverse(entry.url_name)
    except NoReverseMatch:  # a page of a package that is not installed
        return None


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        items = []
        for entry in entries():
            url = _resolved(entry) if entry.public else None
            if url:
                items.append((url, entry.label, request.path.startswith(url)))
        return {"nav_items": items}
    items = []
    for entry in entries():
        if entry.roles is not None and user.role not in entry.roles and not user.is_superuser:
            continue
        url = _resolved(entry)
        if url is None:
            continue
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append((url, entry.label, active))
    return {"nav_items": items, "role_label": Role(user.role).label if user.role in Role.values else ""}


def notifications(request):
    """`unread_notifications`: the user's unread count for the header badge, counted only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    cache = {}

    def unread():
        if "n" not in cache:
            cache["n"] = unread_count(user)
        return cache["n"]

    return {"unread_notifications": unread}
