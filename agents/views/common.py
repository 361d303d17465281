"""What the agents pages share: who sees which company, authorisation validity, lights of bundles and demands.

Seeing follows agents/api/permissions.py (the same rules as the API); acting is always decided by the services,
whose refusals (portal.errors.DomainError) are shown as messages with the user's input kept.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from agents.api import permissions as seeing
from agents.models import Authorization, DemandStatus
from agents.services import demand_clocks
from approvals.models import Application, ApplicationStatus, ItemReview
from approvals.services import progress
from portal.errors import DomainError
from portal.models import Enterprise
from portal.models.users import Role

PARK_ROLES = {Role.AGENT, Role.LEADER, Role.ADMIN, Role.SUPERVISOR}
OVERSEERS = {Role.LEADER, Role.ADMIN, Role.SUPERVISOR}
FINISHED = (ApplicationStatus.NOT_ACCEPTED, ApplicationStatus.DELIVERED, ApplicationStatus.CLOSED,
            ApplicationStatus.WITHDRAWN)
LIGHT_ORDER = {"red": 0, "yellow": 1, "green": 2, "paused": 3, "waiting": 4, "done": 5}


def require_roles(user, roles, message):
    if user.role not in roles and not user.is_superuser:
        raise PermissionDenied(message)


def is_member(user, enterprise) -> bool:
    return user.role == Role.APPLICANT and user.enterprise_id == enterprise.pk


def valid_authorizations(user, today=None):
    today = today or timezone.localdate()
    return Authorization.objects.filter(agent=user, revoked_at__isnull=True, valid_from__lte=today,
                                        valid_until__gte=today)


def my_companies(user, today=None):
    """An agent's companies: those they serve (一个专员) or hold a valid authorisation (委托) for today."""
    authorised = valid_authorizations(user, today).values("enterprise_id")
    return Enterprise.objects.filter(Q(service_agent=user) | Q(pk__in=authorised)).select_related(
        "leader", "service_agent").order_by("name")


def visible_enterprise(request, pk):
    """The company if the user may see it; 404 otherwise."""
    return get_object_or_404(seeing.visible_enterprises(request.user).select_related("leader", "service_agent"),
                             pk=pk)


def authorization_state(authorization, today=None) -> str:
    today = today or timezone.localdate()
    if authorization.revoked_at is not None:
        return "revoked"
    if today < authorization.valid_from:
        return "not_yet"
    if today > authorization.valid_until:
        return "expired"
    return "valid"


def with_states(authorizations, today=None):
    rows = list(authorizations)
    for authorization in rows:
        authorization.state = authorization_state(authorization, today)
    return rows


def open_bundles(user, enterprises, *, now=None):
    """Open applications of these companies that `user` may see, with their light and next due time, the most
    urgent first."""
    applications = (Application.objects.visible_to(user).filter(enterprise__in=enterprises)
                    .exclude(status__in=FINISHED)
                    .select_related("enterprise", "lead_department", "filed_by_agent")
                    .prefetch_related(Prefetch("reviews", queryset=ItemReview.objects.select_related("item"))))
    rows = []
    for application in applications:
        light = progress.application_light(application, now=now)
        rows.append({"application": application, "light": light, "next_due": next_due(application)})
    rows.sort(key=lambda r: (LIGHT_ORDER.get(r["light"], 9), r["next_due"] is None,
                             r["next_due"] or timezone.now()))
    return rows


def next_due(application):
    if application.status == ApplicationStatus.SUBMITTED:
        return application.acceptance_due_at
    dues = [r.due_at for r in application.reviews.all() if r.due_at is not None]
    return min(dues) if dues else None


def demand_rows(demands, *, now=None):
    now = now or timezone.now()
    rows = []
    for demand in demands:
        rows.append({"demand": demand, "light": demand_clocks.light(demand, now=now)})
    return rows


def demands_by_class_and_light(rows):
    """{class: {light: n}} over open demands (what the workspace's grid shows)."""
    classes = ["small", "general", "big", ""]
    lights = ["red", "yellow", "green", "waiting", "done"]
    grid = {c: {light: 0 for light in lights} for c in classes}
    for row in rows:
        grid.setdefault(row["demand"].classification or "", {light: 0 for light in lights})
        grid[row["demand"].classification or ""][row["light"]] = (
            grid[row["demand"].classification or ""].get(row["light"], 0) + 1)
    return grid


def active_demands(queryset):
    return queryset.exclude(status=DemandStatus.CLOSED)


def red_demands(queryset, *, now=None):
    now = now or timezone.now()
    return queryset.filter(due_at__lte=now).exclude(status=DemandStatus.CLOSED)


def refused(request, exc):
    """A service refusal as a message in the user's language (the page then re-renders with their input)."""
    messages.error(request, exc.message)
    return exc.http_status


def perform(request, form, call, *, done, redirect_to):
    """Run one page action through its service: (redirect, 302) when it worked, otherwise (None, status) with
    the form errors or the service's refusal on the form and as a message; what the user entered is kept."""
    if form is not None and not form.is_valid():
        messages.error(request, _("Please correct the marked fields; what you entered is kept."))
        return None, 400
    try:
        call(form.cleaned_data if form is not None else {})
    except DomainError as exc:
        if form is not None:
            form.add_error(None, exc.message)
        return None, refused(request, exc)
    messages.success(request, str(done))
    return redirect(*redirect_to), 302
