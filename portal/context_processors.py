"""Navigation for the role of the logged-in user: every page shows the same menu for the same role."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from portal.models.users import Role
from portal.services.notify import unread_count

# (url name, label, roles that see it; None = everyone logged in)
MENU = [
    ("portal:home", _("My workspace"), None),
    ("approvals:my_applications", _("My applications"), {Role.APPLICANT}),
    ("approvals:desk", _("Acceptance desk"), {Role.CLERK}),
    ("approvals:inbox", _("Review inbox"), {Role.STAFF, Role.CHIEF}),
    ("approvals:extensions", _("Extensions"), {Role.LEADER}),
    ("approvals:escalations", _("Warnings and escalations"), {Role.STAFF, Role.CHIEF}),
    ("approvals:overdue_board", _("Overdue board"), {Role.LEADER, Role.SUPERVISOR, Role.ADMIN}),
    ("agents:workspace", _("Agency workspace"), {Role.AGENT}),
    ("agents:demands", _("Demands"), {Role.APPLICANT, Role.AGENT, Role.LEADER, Role.ADMIN, Role.SUPERVISOR}),
    ("agents:leader", _("My companies"), {Role.LEADER}),
    ("approvals:catalog", _("Service catalog"), None),
    ("approvals:packages", _("Packages"), None),
    ("approvals:calendar", _("Working-day calendar"), None),
    ("admin:index", _("Administration"), {Role.ADMIN}),
    ("swagger-ui", _("API"), {Role.ADMIN, Role.SUPERVISOR}),
    ("portal:account", _("My account"), None),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [
            (reverse("approvals:catalog"), _("Service catalog"), request.path.startswith(reverse("approvals:catalog"))),
        ]}
    items = []
    for name, label, roles in MENU:
        if roles is not None and user.role not in roles and not user.is_superuser:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # a page of a package that is not installed
            continue
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append((url, label, active))
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
