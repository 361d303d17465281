"""Calendar admin: unpublished-year warning, edits through switch_day with a required note."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from approvals.calendar.loading import get_calendar
from approvals.calendar.seeding import load_from_chinesecalendar
from approvals.models import ApplicationEvent, CalendarDay, CalendarYear, ClockRecompute, EventKind
from approvals.services.calendar_days import publish_year
from approvals.tasks import recompute_clocks
from portal.models import AuditEntry
from tests.approvals.deadlines.broker import private_broker, published
from tests.factories.applications import accepted_application, make_catalog, reload, shanghai
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


# --- audited, and the open clocks follow (issue 8, items 3 and 13) ----------------------------------------------
def test_a_day_edited_in_the_admin_recomputes_the_open_clocks(admin_client, tmp_path,
                                                              django_capture_on_commit_callbacks):
    load_from_chinesecalendar(years=[2026])
    cat = make_catalog()
    application = accepted_application(cat, items=cat.items, now=shanghai(2026, 6, 1, 10))
    review = application.reviews.get(item=cat.fee_item)
    assert review.due_at == shanghai(2026, 6, 5, 17, 30)  # 06-02 .. 06-05
    ClockRecompute.objects.all().delete()

    url = reverse("admin:approvals_calendarday_change", args=["2026-06-03"])
    with private_broker(tmp_path / "celery") as queue, django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"note": "临时调整"})  # unchecked box: a rest day
    assert response.status_code == 302
    assert AuditEntry.objects.filter(event="calendar.day_switched", subject_id="2026-06-03").count() == 1
    request = ClockRecompute.objects.get()
    assert published(queue) == [("approvals.tasks.recompute_clocks", ("2026-06-03", "2026-06-03", request.pk))]

    recompute_clocks(*published(queue)[0][1])  # what the worker does with it
    # Wed 06-03 off: 06-02, 06-04, 06-05, Mon 06-08.
    assert reload(review).due_at == shanghai(2026, 6, 8, 17, 30)
    assert reload(request).done_at is not None
    assert ApplicationEvent.objects.filter(application=application, kind=EventKind.CLOCK_RECOMPUTED).exists()


def test_every_year_edit_in_the_admin_is_audited(admin_client):
    load_from_chinesecalendar(years=[2026])
    ClockRecompute.objects.all().delete()
    change = reverse("admin:approvals_calendaryear_change", args=["2026"])

    # The note of a published year: audited, no recompute (no day changes).
    response = admin_client.post(change, {"published": "on", "source": "chinesecalendar", "note": "已核对国办通知"})
    assert response.status_code == 302
    edited = AuditEntry.objects.get(event="calendar.year_edited", subject_id="2026")
    assert edited.actor == admin_client.admin and edited.data["after"]["note"] == "已核对国办通知"
    assert not ClockRecompute.objects.exists()

    # Withdrawn: audited, and the year's clocks are recomputed as Monday to Friday.
    response = admin_client.post(change, {"source": "chinesecalendar", "note": "通知撤回"})
    assert response.status_code == 302
    year = CalendarYear.objects.get(year=2026)
    assert (year.published, year.note) == (False, "通知撤回")
    assert AuditEntry.objects.get(event="calendar.year_unpublished", subject_id="2026").data["after"] == {
        "published": False, "source": "chinesecalendar", "note": "通知撤回"}
    assert [(r.first, r.last) for r in ClockRecompute.objects.all()] == [(date(2026, 1, 1), date(2026, 12, 31))]

    # A year added unpublished (a placeholder with a note): audited too.
    response = admin_client.post(reverse("admin:approvals_calendaryear_add"),
                                 {"year": "2028", "source": "", "note": "待国务院公布"})
    assert response.status_code == 302
    assert not CalendarYear.objects.get(year=2028).published
    assert AuditEntry.objects.filter(event="calendar.year_edited", subject_id="2028").count() == 1


def test_the_calendar_opens_at_the_current_year_with_weekdays_in_the_users_language(admin_client):
    load_from_chinesecalendar(years=[2004, 2025, 2026])
    url = reverse("admin:approvals_calendarday_changelist")
    response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    cl = response.context["cl"]
    assert cl.result_count == 365 and cl.result_list[0].date == date(2026, 1, 1)  # 2026, not 2004
    assert "Thursday" in response.content.decode()  # 2026-01-01, Django's translated day name
    everything = admin_client.get(url, {"year": "all"}, HTTP_ACCEPT_LANGUAGE="en").context["cl"]
    assert everything.result_count == 366 + 365 + 365 and everything.result_list[0].date == date(2004, 1, 1)

    chinese = admin_client.get(url, {"year": "2025"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.context["cl"].result_list[0].date == date(2025, 1, 1)
    assert "星期三" in chinese.content.decode()  # 2025-01-01 was a Wednesday
