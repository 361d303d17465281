"""Administrators switch days through the service: note required, published years only, audited."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from approvals.calendar.loading import get_calendar
from approvals.calendar.seeding import load_from_chinesecalendar
from approvals.models import CalendarDay, CalendarYear
from approvals.services.calendar_days import publish_year, switch_day, unpublish_year
from portal.errors import DomainError, NotAllowed
from portal.models import AuditEntry
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 9, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def admin():
    return UserFactory(admin=True)


@pytest.fixture
def year_2026():
    load_from_chinesecalendar(years=[2026])


def test_switching_a_day_records_who_when_why(admin, year_2026):
    assert get_calendar().due_date(date(2026, 9, 30), 1) == date(2026, 10, 8)
    day = switch_day(date(2026, 10, 8), is_workday=False, note="国务院通知：延长假期", actor=admin, now=NOW)
    day.refresh_from_db()
    assert (day.is_workday, day.note, day.edited_by, day.edited_at) == (False, "国务院通知：延长假期", admin, NOW)
    assert get_calendar().due_date(date(2026, 9, 30), 1) == date(2026, 10, 9)  # seen at once
    entry = AuditEntry.objects.get(event="calendar.day_switched")
    assert entry.actor == admin and entry.subject_id == "2026-10-08"
    assert entry.data["before"] == {"is_workday": True, "note": ""}
    assert entry.data["after"] == {"is_workday": False, "note": "国务院通知：延长假期"}


def test_a_switched_day_survives_reseeding(admin, year_2026):
    switch_day(date(2026, 10, 8), is_workday=False, note="extended", actor=admin)
    report = load_from_chinesecalendar(years=[2026])
    assert report.kept_edited == 1
    assert not CalendarDay.objects.get(date=date(2026, 10, 8)).is_workday


def test_a_note_is_required(admin, year_2026):
    with pytest.raises(DomainError) as exc:
        switch_day(date(2026, 10, 8), is_workday=False, note="   ", actor=admin)
    assert exc.value.code == "note_required"
    with pytest.raises(DomainError):
        switch_day(date(2026, 10, 8), is_workday=False, note="x" * 129, actor=admin)
    assert CalendarDay.objects.get(date=date(2026, 10, 8)).is_workday
    assert not AuditEntry.objects.filter(event="calendar.day_switched").exists()


def test_unpublished_years_cannot_be_edited(admin):
    with pytest.raises(DomainError) as exc:
        switch_day(date(2027, 2, 6), is_workday=True, note="调休", actor=admin)
    assert exc.value.code == "year_unpublished"
    assert "2027" in exc.value.message
    assert not CalendarDay.objects.exists()


def test_only_administrators_may_switch(year_2026):
    with pytest.raises(NotAllowed):
        switch_day(date(2026, 10, 8), is_workday=False, note="no", actor=UserFactory(staff=True))
    with pytest.raises(NotAllowed):
        switch_day(date(2026, 10, 8), is_workday=False, note="no", actor=None)


def test_missing_row_of_a_published_year_is_created(admin, year_2026):
    CalendarDay.objects.filter(date=date(2026, 12, 31)).delete()
    day = switch_day(date(2026, 12, 31), is_workday=False, note="year-end closing", actor=admin)
    assert CalendarDay.objects.get(date=date(2026, 12, 31)) == day
    assert AuditEntry.objects.get(event="calendar.day_switched").data["before"] is None


def test_switching_to_the_same_state_changes_nothing(admin, year_2026):
    switch_day(date(2026, 2, 14), is_workday=True, note="春节调休上班", actor=admin)
    day = CalendarDay.objects.get(date=date(2026, 2, 14))
    assert day.edited_by is None and not AuditEntry.objects.exists()


def test_publishing_a_year_typed_in_by_hand(admin):
    publish_year(2027, actor=admin, source="国办发明电〔2026〕", now=NOW)
    assert CalendarDay.objects.filter(date__year=2027).count() == 365
    assert CalendarDay.objects.filter(date__year=2027, is_workday=True).count() == 261
    calendar = get_calendar()
    assert calendar.is_published(2027)
    switch_day(date(2027, 2, 6), is_workday=True, note="春节调休上班", actor=admin)  # a Saturday
    assert get_calendar().is_workday(date(2027, 2, 6))
    assert AuditEntry.objects.filter(event="calendar.year_published").count() == 1
    publish_year(2027, actor=admin)  # second run: nothing to do, no second entry
    assert AuditEntry.objects.filter(event="calendar.year_published").count() == 1
    unpublish_year(2027, actor=admin)
    assert not CalendarYear.objects.get(year=2027).published
    assert not get_calendar().is_workday(date(2027, 2, 6))
