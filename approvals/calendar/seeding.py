"""Loading the official holiday schedules from the chinesecalendar package into the database.

Idempotent: a second run changes nothing. A day an administrator edited (edited_by / edited_at set) is never
overwritten. `official_calendar()` builds a WorkCalendar straight from the package (no database), for
benchmarks and tests.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass, field
from datetime import date, timedelta

from chinese_calendar.constants import holidays as _cc_holidays
from chinese_calendar.constants import workdays as _cc_workdays
from django.db import transaction

from approvals.calendar.workdays import DEFAULT_OFFICE_HOURS, WorkCalendar

# Notes are data shown as stored (administrators type Chinese notes too), so official holiday names are
# stored in Chinese. Keys are chinesecalendar's English holiday names.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
MAKEUP_SUFFIX = "调休上班"


def _name(value) -> str:
    text = getattr(value, "value", value)
    return HOLIDAY_NAMES.get(text, str(text))


def source_label() -> str:
    return f"chinesecalendar {importlib.metadata.version('chinesecalendar')}"


def covered_years() -> range:
    """The years chinesecalendar has official schedules for (2004..2026 for version 1.11.0)."""
    years = [d.year for d in _cc_holidays]
    return range(min(years), max(years) + 1)


def official_days(year: int) -> list[tuple[date, bool, str]]:
    """(date, is_workday, note) for every day of `year` by the official schedule."""
    if year not in covered_years():
        raise ValueError(f"chinesecalendar has no schedule for {year} (covers {covered_years()[0]}.."
                         f"{covered_years()[-1]}).")
    days = []
    d = date(year, 1, 1)
    while d.year == year:
        if d in _cc_workdays:
            days.append((d, True, _name(_cc_workdays[d]) + MAKEUP_SUFFIX))
        elif d in _cc_holidays:
            days.append((d, False, _name(_cc_holidays[d])))
        else:
            days.append((d, d.weekday() < 5, ""))
        d += timedelta(days=1)
    return days


def official_calendar(office_hours: str = DEFAULT_OFFICE_HOURS, tz: str = "Asia/Shanghai") -> WorkCalendar:
    """A WorkCalendar with every year chinesecalendar covers published; no database involved."""
    overrides = {d: False for d in _cc_holidays}
    overrides.update({d: True for d in _cc_workdays})
    return WorkCalendar(published_years=covered_years(), overrides=overrides, office_hours=office_hours, tz=tz)


@dataclass
class SeedReport:
    years: list[int] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_edited: int = 0  # days an administrator edited, left as they are

    def __str__(self):
        span = f"{self.years[0]}..{self.years[-1]}" if self.years else "none"
        return (f"years {span} ({len(self.years)}): {self.created} days created, {self.updated} updated, "
                f"{self.unchanged} unchanged, {self.kept_edited} edited by administrators kept")


def load_from_chinesecalendar(years=None) -> SeedReport:
    """Load (or reload) the official schedule of `years` (default: every year chinesecalendar covers).

    Each year is published; missing days are created, days that differ from the package are updated unless
    an administrator edited them. Runs one transaction per year and invalidates the calendar cache. When a
    working day changed (a year became published with days that differ from Monday-Friday, or a day was
    switched), the open clocks of the year's changed days are recomputed (a request in the year's transaction).
    """
    from approvals.calendar.loading import invalidate
    from approvals.models import CalendarDay, CalendarYear
    from approvals.services.recompute import request_recompute

    covered = covered_years()
    years = sorted(set(covered if years is None else years))
    for year in years:
        if year not in covered:
            raise ValueError(f"chinesecalendar has no schedule for {year} (covers {covered[0]}..{covered[-1]}).")
    report = SeedReport(years=years)
    source = source_label()
    for year in years:
        switched = []  # days whose working-day status changed (what the clocks counted before -> now)
        official = official_days(year)
        with transaction.atomic():
            cal_year, created = CalendarYear.objects.select_for_update().get_or_create(
                year=year, defaults={"published": True, "source": source}
            )
            newly_published = created or not cal_year.published
            if not created and (not cal_year.published or cal_year.source != source):
                cal_year.published = True
                cal_year.source = source
                cal_year.save(update_fields=["published", "source"])
            existing = {
                day.date: day
                for day in CalendarDay.objects.select_for_update().filter(
                    date__gte=date(year, 1, 1), date__lte=date(year, 12, 31)
                )
            }
            to_create, to_update = [], []
            for d, is_workday, note in official:
                day = existing.get(d)
                # Before: Monday-Friday while the year was not published, else the stored day.
                counted = d.weekday() < 5 if newly_published or day is None else day.is_workday
                if day is None:
                    to_create.append(CalendarDay(date=d, is_workday=is_workday, note=note))
                elif day.edited_by_id is not None or day.edited_at is not None:
                    report.kept_edited += 1
                    is_workday = day.is_workday
                elif day.is_workday != is_workday or day.note != note:
                    day.is_workday, day.note = is_workday, note
                    to_update.append(day)
                else:
                    report.unchanged += 1
                if counted != is_workday:
                    switched.append(d)
            CalendarDay.objects.bulk_create(to_create)
            CalendarDay.objects.bulk_update(to_update, ["is_workday", "note"])
            report.created += len(to_create)
            report.updated += len(to_update)
            if switched:
                request_recompute(switched[0], switched[-1], reason=f"load_calendar {year} ({source})")
    # Bulk operations send no signals: invalidate explicitly, now and once the data is committed.
    invalidate()
    transaction.on_commit(invalidate)
    return report
