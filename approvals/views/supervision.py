"""The supervision pages: the dashboard of figures (every number a link to the list behind it), the ranking and
trends drawn as SVG on the server, the live board of running bundles (refreshing itself), the lists behind the
numbers, and CSV/XLSX exports of every table. Read-only: leaders, administrators and supervisors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe
from rest_framework.exceptions import ValidationError

from approvals import aggregates, charts, exports, metrics
from approvals.api.ratings import filters_from
from approvals.lights import Light
from approvals.models import ApplicationStatus, Department, Package, RatingLevel
from approvals.services.permissions import OVERSEEING_ROLES
from portal.errors import DomainError
from portal.models.users import Role

PAGE_SIZE = 25
EXPORT_CHUNK = 2000
SECTION_TITLES = {
    "volume": gettext_lazy("Volume and timeliness"), "durations": gettext_lazy("Working days"),
    "catalog": gettext_lazy("The catalog"), "visits_and_fees": gettext_lazy("Visits and fees"),
    "bundles": gettext_lazy("Bundles (一件事) against filing item by item"),
    "satisfaction": gettext_lazy("Satisfaction (好差评)"), "demands": gettext_lazy("The park's demands (222)"),
    "san_ji": gettext_lazy("三即 milestones"),
}


def require_overseer(request):
    if request.user.role not in OVERSEEING_ROLES:
        raise PermissionDenied(_("The supervision pages are for leaders, administrators and supervisors."))


def _filters(request):
    """The filters from the query string; bad values are dropped with a message rather than a 500."""
    try:
        return filters_from(request.GET), {}
    except ValidationError as exc:
        errors = {k: [str(m) for m in v] for k, v in exc.detail.items()}
        return metrics.Filters(), errors


def _query(request, **changes) -> str:
    q = QueryDict(mutable=True)
    for key in ("from", "to", "department", "item", "package", "park"):
        if request.GET.get(key):
            q[key] = request.GET[key]
    for key, value in changes.items():
        q[key] = value
    return q.urlencode()


def _drill_link(request, figure) -> str:
    if not figure.drill:
        return ""
    key, value = figure.drill.split("=", 1)
    if key == "level":
        return reverse("approvals:supervision_ratings") + "?" + _query(request, level=value)
    return reverse("approvals:supervision_applications") + "?" + _query(request, stage=value)


def _sections(request, f, now):
    sections = []
    for name, compute in metrics.SECTIONS:
        figures = compute(f, now)
        for figure in figures:
            figure.link = _drill_link(request, figure)
            figure.shown = metrics.shown(figure)
        sections.append({"name": name, "title": SECTION_TITLES.get(name, name), "figures": figures})
    return sections


def package_headers():
    headers = [_("Package")]
    for what in (_("Fields"), _("Materials"), _("Steps"), _("Promised working days")):
        headers += [_("%(what)s item by item") % {"what": what}, _("%(what)s bundled") % {"what": what},
                    _("%(what)s saved") % {"what": what}]
    return headers + [_("Bundles received")]


@require_safe  # read-only: a POST is refused (405)
@login_required
def dashboard(request):
    require_overseer(request)
    now = timezone.now()
    f, errors = _filters(request)
    if request.GET.get("export") in exports.FORMATS:
        table = request.GET.get("table", "figures")
        if table == "packages":
            return exports.table_response("packages", package_headers(), [
                (r["name"], *(r[f"{what}_{how}"] for what in metrics.SAVED for how in ("item_by_item", "bundled",
                                                                                         "saved")),
                 r["applications"]) for r in metrics.package_savings(f)], request.GET["export"])
        if table == "ranking":
            rows = metrics.department_ranking(f, now=now)
            return exports.table_response("ranking", [_("Department"), _("Items decided"), _("On time"),
                                                      _("On-time rate"), _("Overdue now")],
                                          [(r["name"], r["decided"], r["on_time"], r["on_time_rate"], r["overdue"])
                                           for r in rows], request.GET["export"])
        return exports.table_response("figures", [_("Key"), _("Figure"), _("Value"), _("Definition")],
                                      [(fig.key, str(fig.label), fig.value, fig.definition)
                                       for fig in metrics.figures(f, now=now)], request.GET["export"])
    sections = _sections(request, f, now)
    by_key = {fig.key: fig for s in sections for fig in s["figures"]}
    satisfaction = charts.bar_chart([(RatingLevel(level).label, by_key[f"rating_{level}"].value,
                                      by_key[f"rating_{level}"].link) for level in RatingLevel.values])
    unit = "week" if request.GET.get("unit") == "week" else "month"
    trend = metrics.trend(f, unit=unit)
    trend_chart = charts.grouped_bar_chart(
        [(row["period"].strftime("%m-%d" if unit == "week" else "%Y-%m"), [row["received"], row["decided"]],
          ["", ""]) for row in trend], [_("Received"), _("Decided")])
    ranking = metrics.department_ranking(f, now=now)
    for row in ranking:
        row["link"] = reverse("approvals:supervision_applications") + "?" + _query(
            request, stage="decided", department=row["pk"])
        row["overdue_link"] = reverse("approvals:supervision_applications") + "?" + _query(
            request, stage="overdue", department=row["pk"])
    packages = metrics.package_savings(f)
    for row in packages:
        row["link"] = reverse("approvals:supervision_applications") + "?" + _query(
            request, stage="received", package=row["pk"])
    from_tables = any(fig.source == "aggregate" for s in sections for fig in s["figures"])
    refreshed = aggregates.last_refresh() if from_tables else None
    return render(request, "approvals/supervision/dashboard.html", {
        "packages": packages, "refreshed_at": refreshed.finished_at if refreshed else None,
        "sections": sections, "errors": errors, "filters": f, "computed_at": now,
        "satisfaction": satisfaction, "trend": trend, "trend_chart": trend_chart, "unit": unit,
        "ranking": ranking, "departments": Department.objects.order_by("name"),
        "packages": Package.objects.order_by("name"), "query": _query(request),
        "week_query": _query(request, unit="week"), "month_query": _query(request, unit="month"),
    })


STAGE_TITLES = {
    "received": gettext_lazy("Received"), "accepted": gettext_lazy("Accepted"), "decided": gettext_lazy("Decided"),
    "on_time": gettext_lazy("Items decided on time"), "overdue": gettext_lazy("Overdue now"),
    "running": gettext_lazy("Running"),
}


@require_safe  # read-only: a POST is refused (405)
@login_required
def application_list(request):
    """The applications behind a number (read-only; each links to its page)."""
    require_overseer(request)
    now = timezone.now()
    f, errors = _filters(request)
    stage = request.GET.get("stage") if request.GET.get("stage") in metrics.DRILL_STAGES else "received"
    qs = metrics.drill(f, stage, now=now)
    status = request.GET.get("status")
    if stage == "running" and status in ApplicationStatus.values:
        qs = qs.filter(status=status)
    light = request.GET.get("light")
    if stage == "running" and light in Light.values:
        qs = qs.filter_light([light], now)
    qs = qs.order_by("-submitted_at", "-pk")
    if request.GET.get("export") in exports.FORMATS:
        # Plain tuples streamed from SQL in chunks (one query), never model instances.
        statuses = dict(ApplicationStatus.choices)
        rows = qs.values_list("reference", "title", "enterprise__name", "lead_department__name", "status",
                              "submitted_at", "accepted_at", "decided_at").iterator(chunk_size=EXPORT_CHUNK)
        return exports.table_response(f"applications-{stage}", [
            _("Reference"), _("Title"), _("Enterprise"), _("Lead department"), _("Status"), _("Submitted"),
            _("Accepted"), _("Decided")], ((ref, title, enterprise, lead, statuses.get(status, status), *times)
                                           for ref, title, enterprise, lead, status, *times in rows),
            request.GET["export"])
    qs = qs.select_related("enterprise", "lead_department", "package")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "approvals/supervision/applications.html", {
        "page": page, "stage": stage, "stage_title": STAGE_TITLES[stage], "errors": errors,
        "query": _query(request, stage=stage), "back": _query(request)})


@require_safe  # read-only: a POST is refused (405)
@login_required
def rating_list(request):
    require_overseer(request)
    f, errors = _filters(request)
    qs = metrics.ratings(f).order_by("-rated_at", "-pk")
    level = request.GET.get("level")
    if level == "bad":
        qs = qs.bad()
    elif level in RatingLevel.values:
        qs = qs.filter(level=level)
    if request.GET.get("export") in exports.FORMATS:
        levels = dict(RatingLevel.choices)
        rows = qs.values_list("application__reference", "item__name", "department__name", "level", "text",
                              "rated_at").iterator(chunk_size=EXPORT_CHUNK)
        return exports.table_response("ratings", [_("Application"), _("Item"), _("Department"), _("Rating"),
                                                  _("Comment"), _("Rated at")],
                                      ((ref, item or "", department, levels.get(level, level), text, rated_at)
                                       for ref, item, department, level, text, rated_at in rows),
                                      request.GET["export"])
    qs = qs.select_related("application__enterprise", "item", "department")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "approvals/supervision/ratings.html", {
        "page": page, "errors": errors, "level": level, "query": _query(request, level=level or ""),
        "back": _query(request)})


@require_safe  # read-only: a POST is refused (405)
@login_required
def live_board(request):
    """Every running bundle by status and light; the page reloads itself every 30 seconds."""
    require_overseer(request)
    now = timezone.now()
    f, errors = _filters(request)
    counts = metrics.live_board(f, now=now)
    lights = [Light.RED, Light.YELLOW, Light.GREEN, Light.PAUSED, Light.WAITING]
    rows = []
    for status in metrics.RUNNING_STATES:
        cells = [{"light": light, "n": counts.get((status, light.value), 0),
                  "link": reverse("approvals:supervision_applications") + "?" + _query(
                      request, stage="running", status=status, light=light.value)} for light in lights]
        rows.append({"status": ApplicationStatus(status).label, "cells": cells,
                     "total": sum(c["n"] for c in cells)})
    return render(request, "approvals/supervision/live.html", {
        "rows": rows, "lights": lights, "computed_at": now, "errors": errors, "refresh": 30})


def _month(raw):
    """(year, month) of "YYYY-MM", or None."""
    try:
        year, month = (int(part) for part in (raw or "").split("-"))
    except ValueError:
        return None
    return (year, month) if 1 <= month <= 12 and 2000 <= year <= 2100 else None


def _report_readership(request):
    """What the user reads of the monthly reports (`report_readership`: every report, or their department's);
    refused (403) to whoever reads none."""
    from approvals.models.aggregates import report_readership

    readership = report_readership(request.user)
    if readership is None:
        raise PermissionDenied(_("The monthly reports are for leaders, administrators, supervisors and the "
                                 "departments' chiefs (their own department's)."))
    return readership


def _department(raw):
    """The Department of a primary key given in a form or a query string, or None (absent or unknown)."""
    try:
        return Department.objects.filter(pk=int(raw)).first() if raw else None
    except (TypeError, ValueError):
        return None


@require_safe  # read-only: a POST is refused (405)
@login_required
def monthly_report(request):
    """The sealed monthly report of `?month=YYYY-MM` (default: last month) and `?department=<id>` (default: the
    whole district): its stored document's download, for whoever may read it."""
    from approvals.documents import access
    from approvals.documents.monthly_report import month_report, previous_month

    _report_readership(request)
    wanted = _month(request.GET.get("month") or "%d-%02d" % previous_month(timezone.localdate()))
    if wanted is None:
        messages.error(request, _("Give the month as YYYY-MM."))
        return redirect("approvals:monthly_reports")
    department = _department(request.GET.get("department"))
    if request.GET.get("department") and department is None:
        messages.error(request, _("Choose a department from the list."))
        return redirect("approvals:monthly_reports")
    document = month_report(*wanted, department=department)
    if document is None or not access.may_download(request.user, document):
        messages.error(request, _("The report of %(month)s has not been issued yet.") % {
            "month": "%d-%02d" % wanted})
        return redirect("approvals:monthly_reports")
    return redirect("approvals:document_download", pk=document.pk)


def _order_report(request):
    """An administrator orders a past month's report, of the district or of one department (once)."""
    from approvals.documents.monthly_report import order_report

    if request.user.role != Role.ADMIN:
        raise PermissionDenied(_("Only an administrator orders a monthly report."))
    wanted = _month(request.POST.get("month"))
    department = _department(request.POST.get("department"))
    if wanted is None:
        messages.error(request, _("Give the month as YYYY-MM."))
    elif request.POST.get("department") and department is None:
        messages.error(request, _("Choose a department from the list."))
    else:
        try:
            document, new = order_report(*wanted, department=department, actor=request.user, request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(title)s is being issued.") % {"title": document.title} if new else
                             _("%(title)s already exists.") % {"title": document.title})
    return redirect("approvals:monthly_reports")


@login_required
@require_http_methods(["GET", "POST"])
def monthly_reports(request):
    """The sealed monthly reports the user may read, newest month first, filtered by scope (the district or a
    department) and month, for download and verification; an administrator orders a past month's report of the
    district or of a department (once). A department's chief sees their own department's reports."""
    from approvals.documents.monthly_report import DISTRICT, reports
    from approvals.models.aggregates import EVERY_REPORT

    readership = _report_readership(request)
    if request.method == "POST":
        return _order_report(request)
    errors = []
    raw_scope, raw_month = request.GET.get("scope", ""), request.GET.get("month", "")
    scope = None
    if raw_scope == DISTRICT:
        scope = DISTRICT
    elif raw_scope:
        scope = _department(raw_scope)
        if scope is None:
            errors.append(_("Choose a department from the list."))
    wanted = _month(raw_month) if raw_month else None
    if raw_month and wanted is None:
        errors.append(_("Give the month as YYYY-MM."))
    year, month = wanted or (None, None)
    documents = reports(request.user, scope=scope, year=year, month=month)
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    departments = (Department.objects.order_by("code") if readership == EVERY_REPORT
                   else Department.objects.filter(pk=readership.pk))
    return render(request, "approvals/supervision/reports.html", {
        "page": page, "may_order": request.user.role == Role.ADMIN, "departments": departments,
        "every_report": readership == EVERY_REPORT, "district": DISTRICT, "errors": errors,
        "scope": raw_scope if scope is not None else "", "month": raw_month if wanted else ""})

