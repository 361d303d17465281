"""Workspace panels contributed by the approvals package, per role."""

from django.db.models import Count, Q, Sum
from django.utils import timezone

from approvals.models import CalendarYear, Department, Package, ServiceItem
from approvals.models.aggregates import report_readership
from portal.models.users import Role
from portal.workspace import panel


@panel("start", roles=[Role.APPLICANT, Role.AGENT], template="approvals/panels/start.html", order=20)
def start_panel(request):
    return {"packages": Package.objects.filter(active=True).order_by("code")[:6],
            "item_count": ServiceItem.objects.filter(active=True).count()}


@panel("department", roles=[Role.CLERK, Role.STAFF, Role.CHIEF], template="approvals/panels/department.html",
       order=20)
def department_panel(request):
    assignment = getattr(request.user, "assignment", None)
    if assignment is None:
        return {"department": None}
    department = assignment.department
    items = department.items.filter(active=True)
    return {
        "department": department,
        "title": assignment.title,
        "items": items,
        "chiefs": [a.user for a in department.assignments.select_related("user") if a.user.role == Role.CHIEF],
        "led_stages": department.led_stages.select_related("package"),
        # A chief reads the department's sealed monthly reports (MonthlyReport.objects.visible_to).
        "reads_reports": report_readership(request.user) is not None,
    }


def catalog_figures():
    """Figures the districts publish about their catalog (seed 001): online share, limit reduction, 即办 share."""
    items = ServiceItem.objects.filter(active=True)
    agg = items.aggregate(
        total=Count("id"),
        online=Count("id", filter=Q(fully_online=True)),
        immediate=Count("id", filter=Q(immediate=True)),
        commitment=Count("id", filter=Q(commitment_allowed=True)),
        legal=Sum("legal_limit_days"),
        promised=Sum("promised_limit_days"),
    )
    total = agg["total"] or 0
    share = (lambda n: round(100 * n / total, 1) if total else None)
    reduction = None
    if agg["legal"]:
        reduction = round(100 * (agg["legal"] - agg["promised"]) / agg["legal"], 1)
    return {
        "total": total,
        "online_share": share(agg["online"]),
        "immediate_share": share(agg["immediate"]),
        "commitment": agg["commitment"],
        "limit_reduction": reduction,
        "departments": Department.objects.count(),
        "packages": Package.objects.filter(active=True).count(),
    }


@panel("catalog_figures", roles=[Role.LEADER, Role.SUPERVISOR, Role.ADMIN],
       template="approvals/panels/catalog_figures.html", order=30)
def catalog_figures_panel(request):
    return {"figures": catalog_figures()}


@panel("calendar_status", roles=[Role.ADMIN], template="approvals/panels/calendar_status.html", order=40)
def calendar_status_panel(request, now=None):
    year = timezone.localdate(now)
    years = {y.year: y for y in CalendarYear.objects.filter(year__in=[year.year, year.year + 1])}
    rows = [{"year": y, "published": bool(years.get(y) and years[y].published)} for y in (year.year, year.year + 1)]
    return {"rows": rows}


@panel("my_work", roles=[Role.APPLICANT], template="approvals/panels/my_work.html", order=10)
def my_work_panel(request):
    """The applicant's to-dos (需补正, 待缴费, an answered pre-review, drafts, and what other packages register,
    e.g. 待评价) and their latest bundles with the next step of each."""
    from approvals.models import Application
    from approvals.services import next_step

    user = request.user
    if not user.enterprise_id:
        return None
    mine = Application.objects.filter(enterprise_id=user.enterprise_id)
    latest = list(mine.select_related("lead_department").with_light(timezone.now()).with_next_due()
                  .order_by("-updated_at")[:8])
    return {"todos": next_step.todos_for(mine), "latest": latest, "total": mine.count()}
