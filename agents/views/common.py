"""What the agents pages share: who sees which company, authorisation validity, lights of bundles and demands.

Seeing follows agents/api/permissions.py (the same rules as the API); acting is always decided by the services,
whose refusals (portal.errors.DomainError) are shown as messages with the user's input kept.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from agents.api import permissions as seeing
from agents.models import Authorization, DemandStatus
from approvals.lights import Light
from approvals.models import Application, ApplicationStatus
from portal.errors import DomainError
from portal.models import Enterprise
from portal.models.users import Role

PARK_ROLES = {Role.AGENT, Role.LEADER, Role.ADMIN, Role.SUPERVISOR}
OVERSEERS = {Role.LEADER, Role.ADMIN, Role.SUPERVISOR}
FINISHED = (ApplicationStatus.NOT_ACCEPTED, ApplicationStatus.DELIVERED, ApplicationStatus.CLOSED,
            ApplicationStatus.WITHDRAWN)


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
    urgent first — light, due time and order computed by the database (Application.objects.with_light /
    with_next_due)."""
    now = now or timezone.now()
    applications = (Application.objects.visible_to(user).filter(enterprise__in=enterprises)
                    .exclude(status__in=FINISHED)
                    .select_related("enterprise", "lead_department", "filed_by_agent")
                    .with_light(now).with_next_due()
                    .order_by("light_rank", F("next_due").asc(nulls_last=True), "pk"))
    return [{"application": a, "light": a.light, "next_due": a.next_due} for a in applications]


def demand_rows(demands, *, now=None):
    """(demand, light) rows. A queryset gets its lights selected with it (`Demand.objects.with_light`) unless it
    has them already; loaded rows (or a slice) are given the same rule row by row."""
    now = now or timezone.now()
    if isinstance(demands, QuerySet) and not demands.query.is_sliced and "light" not in demands.query.annotations:
        demands = demands.with_light(now)
    return [{"demand": demand, "light": demand.__dict__.get("light") or demand.light_at(now)} for demand in demands]


GRID_CLASSES = ["small", "general", "big", ""]
GRID_LIGHTS = [Light.RED, Light.YELLOW, Light.GREEN, Light.WAITING, Light.DONE]


def demands_by_class_and_light(demands, *, now=None):
    """{class: {light: n}} over `demands` (what the workspace's grid shows): one grouped query."""
    now = now or timezone.now()
    grid = {c: {light.value: 0 for light in GRID_LIGHTS} for c in GRID_CLASSES}
    counts = (demands.with_light(now).order_by().values_list("classification", "light")
              .annotate(n=Count("pk")))
    for classification, light, n in counts:
        grid.setdefault(classification or "", {light.value: 0 for light in GRID_LIGHTS})
        grid[classification or ""][light] = grid[classification or ""].get(light, 0) + n
    return grid


def active_demands(queryset):
    return queryset.exclude(status=DemandStatus.CLOSED)


def red_demands(queryset, *, now=None):
    """The demands whose light is red now (Demand.LIGHT)."""
    return queryset.filter_light(Light.RED, now or timezone.now())


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
