"""The park's demand reports (日研判 / 周调度 / 月清零) and the 222 compliance per class, with date pickers."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from agents.forms import ReportDatesForm
from agents.services import reports as services
from agents.views import common


@login_required
def reports(request):
    common.require_roles(request.user, common.PARK_ROLES, _("The demand reports are for the park."))
    today = timezone.localdate()
    form = ReportDatesForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    day = data.get("day") or today
    week = data.get("week") or today
    week_start = week - timedelta(days=week.weekday())
    year, month = data.get("month") or (today.year, today.month)
    start = data.get("start") or today.replace(day=1)
    end = data.get("end") or today
    if end < start:
        start, end = end, start
    if not form.is_bound:
        form = ReportDatesForm(initial={"day": day, "week": week_start, "month": f"{year:04d}-{month:02d}",
                                        "start": start, "end": end})
    return render(request, "agents/reports.html", {
        "form": form,
        "day": day, "week_start": week_start, "week_end": week_start + timedelta(days=6),
        "year": year, "month": month, "start": start, "end": end,
        "daily": services.daily_triage(day),
        "weekly": services.weekly_dispatch(week_start),
        "monthly": services.monthly_clear_to_zero(year, month),
        "compliance": services.compliance_222(start, end),
    }, status=400 if form.is_bound and form.errors else 200)
