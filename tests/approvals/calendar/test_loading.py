"""Building the calendar from the database, caching it per process, seeding from chinesecalendar."""

from datetime import date, datetime, time
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone

from approvals.calendar import loading
from approvals.calendar.loading import VERSION_KEY, get_calendar, invalidate
from approvals.calendar.seeding import covered_years, load_from_chinesecalendar, official_days
from approvals.models import CalendarDay, CalendarYear
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db


def test_empty_database_falls_back_to_monday_to_friday():
    calendar = get_calendar()
    assert calendar.published_years == frozenset()
    assert not calendar.is_workday(date(2026, 2, 14))  # a Saturday
    assert calendar.is_workday(date(2026, 10, 1))      # a Thursday


def test_seeding_one_year_publishes_it_and_the_calendar_follows():
    report = load_from_chinesecalendar(years=[2026])
    assert (report.created, report.updated, report.unchanged, report.kept_edited) == (365, 0, 0, 0)
    assert CalendarDay.objects.filter(date__year=2026).count() == 365
    year = CalendarYear.objects.get(year=2026)
    assert year.published and year.source.startswith("chinesecalendar ")
    day = CalendarDay.objects.get(date=date(2026, 2, 14))
    assert day.is_workday and day.note == "春节调休上班"
    assert CalendarDay.objects.get(date=date(2026, 10, 1)).note == "国庆节"
    calendar = get_calendar()
    assert calendar.is_published(2026) and not calendar.is_published(2025)
    assert calendar.is_workday(date(2026, 2, 14)) and not calendar.is_workday(date(2026, 10, 1))
    assert calendar.due_date(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert calendar.office_hours == ((time(9), time(12)), (time(13, 30), time(17, 30)))


def test_seeding_is_idempotent_and_keeps_days_administrators_edited():
    load_from_chinesecalendar(years=[2024])  # a leap year
    admin = UserFactory(admin=True)
    CalendarDay.objects.filter(date=date(2024, 10, 1)).update(
        is_workday=True, note="edited", edited_by=admin, edited_at=timezone.now()
    )
    CalendarDay.objects.filter(date=date(2024, 10, 2)).update(is_workday=True, note="tampered")  # not an edit
    CalendarDay.objects.filter(date=date(2024, 12, 31)).delete()
    report = load_from_chinesecalendar(years=[2024])
    assert (report.created, report.updated, report.kept_edited, report.unchanged) == (1, 1, 1, 363)
    assert CalendarDay.objects.get(date=date(2024, 10, 1)).is_workday  # kept
    assert not CalendarDay.objects.get(date=date(2024, 10, 2)).is_workday  # restored
    again = load_from_chinesecalendar(years=[2024])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 365)


def test_seeding_every_covered_year():
    report = load_from_chinesecalendar()
    assert report.years == list(covered_years()) == list(range(2004, 2027))
    total = sum(len(official_days(y)) for y in covered_years())
    assert report.created == total == CalendarDay.objects.count()
    calendar = get_calendar()
    assert calendar.published_years == frozenset(range(2004, 2027))
    assert calendar.is_workday(date(2025, 9, 28)) and not calendar.is_workday(date(2025, 10, 8))


def test_seeding_a_year_chinesecalendar_does_not_cover_is_refused():
    with pytest.raises(ValueError, match="2030"):
        load_from_chinesecalendar(years=[2030])
    assert not CalendarYear.objects.exists()


def test_load_calendar_command_reports_counts():
    out = StringIO()
    call_command("load_calendar", "--year", "2025", stdout=out)
    assert "365 days created" in out.getvalue()
    out = StringIO()
    call_command("load_calendar", "--year", "2025", stdout=out)
    assert "0 days created" in out.getvalue() and "365 unchanged" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("load_calendar", "--year", "2031", stdout=StringIO())


def test_calendar_is_cached_until_invalidated(django_assert_num_queries):
    load_from_chinesecalendar(years=[2026])
    first = get_calendar()
    with django_assert_num_queries(0):
        assert get_calendar() is first
    invalidate()
    with django_assert_num_queries(2):
        rebuilt = get_calendar()
    assert rebuilt == first and rebuilt is not first


def test_saving_a_day_invalidates_through_the_signal():
    load_from_chinesecalendar(years=[2026])
    assert not get_calendar().is_workday(date(2026, 10, 5))
    day = CalendarDay.objects.get(date=date(2026, 10, 5))
    day.is_workday = True
    day.save()
    assert get_calendar().is_workday(date(2026, 10, 5))
    CalendarYear.objects.filter(year=2026).update(published=False)  # no signal ...
    assert get_calendar().is_published(2026)                          # ... so still cached
    CalendarYear.objects.get(year=2026).save()                        # a save sends one
    assert not get_calendar().is_published(2026)


def test_another_process_invalidating_is_noticed(settings):
    """A new version in the shared cache (written by another process) makes this process rebuild."""
    settings.CALENDAR_VERSION_CHECK_SECONDS = 0  # read the version on every use
    load_from_chinesecalendar(years=[2026])
    assert get_calendar().is_workday(date(2026, 2, 14))
    CalendarDay.objects.filter(date=date(2026, 2, 14)).update(is_workday=False)  # bulk: no signal
    local_only = loading._cached
    assert get_calendar() is local_only[1]
    cache.set(VERSION_KEY, "written-by-the-worker", timeout=None)
    assert not get_calendar().is_workday(date(2026, 2, 14))


def test_the_shared_version_is_read_at_most_once_per_interval(settings, monkeypatch):
    """A page computing many clocks costs one cache round trip; another process's edit is seen after the interval."""
    settings.CALENDAR_VERSION_CHECK_SECONDS = 60
    load_from_chinesecalendar(years=[2026])
    reads = []
    real = loading._shared_version
    monkeypatch.setattr(loading, "_shared_version", lambda: reads.append(1) or real())
    first = get_calendar()
    for _ in range(100):
        assert get_calendar() is first
    assert len(reads) == 1
    CalendarDay.objects.filter(date=date(2026, 2, 14)).update(is_workday=False)  # bulk: no signal
    cache.set(VERSION_KEY, "written-by-the-worker", timeout=None)
    assert get_calendar() is first  # not yet: within the interval
    version, read_at = loading._checked
    loading._checked = (version, read_at - 61)  # the interval has passed
    assert not get_calendar().is_workday(date(2026, 2, 14))
    assert len(reads) == 2


def test_rows_of_unpublished_years_are_ignored():
    load_from_chinesecalendar(years=[2026])
    CalendarYear.objects.filter(year=2026).update(published=False)
    invalidate()
    calendar = get_calendar()
    assert not calendar.is_published(2026)
    assert not calendar.is_workday(date(2026, 2, 14))  # Saturday again
    assert calendar.is_workday(date(2026, 10, 1))      # Thursday again


def test_office_hours_come_from_settings(settings):
    settings.OFFICE_HOURS = "08:30-17:00"
    calendar = get_calendar()
    assert calendar.add_working_days(date(2026, 3, 2), 1) == datetime(2026, 3, 3, 17, tzinfo=calendar.tz)
    settings.OFFICE_HOURS = "09:00-12:00,13:30-17:30"
    assert get_calendar().add_working_days(date(2026, 3, 2), 1).time() == time(17, 30)


def test_bad_office_hours_setting_fails_loudly(settings):
    settings.OFFICE_HOURS = "09:00-12:00,11:00-13:00"
    with pytest.raises(ValueError, match="overlap"):
        get_calendar()
