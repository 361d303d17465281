"""The working-day calendar page: one month, each day a working day, rest day, holiday or make-up working day."""

import calendar as pycalendar
import re
from datetime import date

from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from approvals.calendar.loading import get_calendar
from approvals.calendar.workdays import FIRST_DATE, LAST_DATE, DayKind
from approvals.models import CalendarDay

_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


def _kind_labels():
    return {
        DayKind.WORKDAY: _("Working day"),
        DayKind.REST_DAY: _("Rest day"),
        DayKind.HOLIDAY: _("Holiday"),
        DayKind.MAKEUP_WORKDAY: _("Make-up working day"),
    }


def parse_month(value: str | None, today: date) -> tuple[date, bool]:
    """First day of the month given as YYYY-MM (within the calendar range); (current month, False) if invalid."""
    if value:
        match = _MONTH_RE.match(value.strip())
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12 and FIRST_DATE.year <= year <= LAST_DATE.year:
                return date(year, month, 1), True
        return today.replace(day=1), False
    return today.replace(day=1), True


def _shift(first: date, months: int) -> date | None:
    index = first.year * 12 + first.month - 1 + months
    shifted = date(index // 12, index % 12 + 1, 1)
    return shifted if FIRST_DATE <= shifted <= LAST_DATE else None


def calendar_month(request, now=None):
    today = timezone.localdate(now) if now else timezone.localdate()
    first, valid = parse_month(request.GET.get("month"), today)
    calendar = get_calendar()
    labels = _kind_labels()
    weeks_dates = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    visible = [d for week in weeks_dates for d in week if FIRST_DATE <= d <= LAST_DATE]
    notes = dict(
        CalendarDay.objects.filter(date__gte=visible[0], date__lte=visible[-1]).values_list("date", "note")
    )
    weeks = []
    for week in weeks_dates:
        cells = []
        for d in week:
            if not FIRST_DATE <= d <= LAST_DATE:
                cells.append(None)
                continue
            kind = calendar.day_kind(d)
            published = calendar.is_published(d.year)
            cells.append({
                "date": d,
                "in_month": d.month == first.month,
                "is_today": d == today,
                "is_workday": calendar.is_workday(d),
                "kind": kind,
                "kind_label": labels[kind],
                "note": notes.get(d, "") if published else "",
            })
        weeks.append(cells)
    last_day = date(first.year, first.month, pycalendar.monthrange(first.year, first.month)[1])
    prev_month, next_month = _shift(first, -1), _shift(first, 1)
    context = {
        "month": first,
        "month_label": date_format(first, "YEAR_MONTH_FORMAT"),
        "weeks": weeks,
        "weekday_names": [date_format(date(2024, 1, 1 + i), "D") for i in range(7)],  # 2024-01-01 is a Monday
        "published": calendar.is_published(first.year),
        "workdays": calendar.workdays_in(first, last_day),
        "prev_month": prev_month and f"{prev_month:%Y-%m}",
        "next_month": next_month and f"{next_month:%Y-%m}",
        "this_month": f"{today:%Y-%m}",
        "invalid_month": not valid,
        "office_hours": ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in calendar.office_hours),
        "tz": str(calendar.tz),
    }
    return render(request, "approvals/calendar.html", context)
