"""Calendar admin: unpublished-year warning, edits through switch_day with a required note."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from approvals.calendar.loading import get_calendar
from approvals.calendar.seeding import load_from_chinesecalendar
from approvals.models import CalendarDay, CalendarYear
from approvals.services.calendar_days import publish_year
from portal.models import AuditEntry
from tests.factories.portal import UserFactory, current_totp, with_totp

pytestmark = pytest.mark.django_db
WARNING = "The holiday schedule for {} is not published yet: working days fall back to Monday to Friday."


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def admin_client(client, frozen, settings):
    settings.LANGUAGE_CODE = "en"
    admin = UserFactory(admin=True)
    device = with_totp(admin)
    response = client.post(reverse("portal:login"), {"username": admin.username, "password": "Portal-Test-2026",
                                                     "otp_token": current_totp(device)})
    assert response.status_code == 302
    client.admin = admin
    return client


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_warning_for_unpublished_current_and_next_year(admin_client):
    response = admin_client.get(reverse("admin:approvals_calendarday_changelist"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert messages_of(response) == [WARNING.format(2026), WARNING.format(2027)]


def test_warning_only_for_the_year_still_missing(admin_client):
    load_from_chinesecalendar(years=[2026])
    response = admin_client.get(reverse("admin:approvals_calendaryear_changelist"), HTTP_ACCEPT_LANGUAGE="en")
    assert messages_of(response) == [WARNING.format(2027)]
    publish_year(2027, actor=admin_client.admin)
    response = admin_client.get(reverse("admin:approvals_calendarday_changelist"), HTTP_ACCEPT_LANGUAGE="en")
    assert messages_of(response) == []


def test_year_filter_and_search(admin_client):
    load_from_chinesecalendar(years=[2025, 2026])
    url = reverse("admin:approvals_calendarday_changelist")
    response = admin_client.get(url, {"year": "2025", "is_workday__exact": "0", "q": "国庆"})
    dates = [d.date for d in response.context["cl"].result_list]
    # 2025-10-01 .. 10-08 off; chinesecalendar names 10-06 the Mid-autumn Festival (中秋节).
    assert dates == [date(2025, 10, d) for d in (1, 2, 3, 4, 5, 7, 8)]


def test_editing_a_day_goes_through_the_service(admin_client):
    load_from_chinesecalendar(years=[2026])
    url = reverse("admin:approvals_calendarday_change", args=["2026-10-08"])
    response = admin_client.post(url, {"is_workday": "", "note": ""})
    assert response.status_code == 200  # the form comes back: a note is required
    assert response.context["adminform"].form.errors["note"]
    assert CalendarDay.objects.get(date=date(2026, 10, 8)).is_workday

    response = admin_client.post(url, {"note": "holiday extended by notice"})  # unchecked box: rest day
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=date(2026, 10, 8))
    assert not day.is_workday and day.edited_by == admin_client.admin and day.edited_at is not None
    assert AuditEntry.objects.filter(event="calendar.day_switched", subject_id="2026-10-08").count() == 1
    assert get_calendar().due_date(date(2026, 9, 30), 1) == date(2026, 10, 9)


def test_days_of_an_unpublished_year_cannot_be_edited(admin_client):
    load_from_chinesecalendar(years=[2026])
    CalendarYear.objects.filter(year=2026).update(published=False)
    url = reverse("admin:approvals_calendarday_change", args=["2026-10-08"])
    response = admin_client.post(url, {"note": "try"})
    assert response.status_code == 200
    assert "not published" in str(response.context["adminform"].form.non_field_errors())
    assert CalendarDay.objects.get(date=date(2026, 10, 8)).is_workday


def test_days_cannot_be_added_or_deleted_by_hand(admin_client):
    assert admin_client.get(reverse("admin:approvals_calendarday_add")).status_code == 403


def test_adding_a_published_year_creates_its_days(admin_client):
    response = admin_client.post(reverse("admin:approvals_calendaryear_add"),
                                 {"year": "2027", "published": "on", "source": "国办发明电", "note": ""})
    assert response.status_code == 302
    assert CalendarDay.objects.filter(date__year=2027).count() == 365
    assert get_calendar().is_published(2027)
    assert AuditEntry.objects.filter(event="calendar.year_published", subject_id="2027").exists()
