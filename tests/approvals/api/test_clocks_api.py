"""What the API says of the legal clocks: due times to the minute after a pause, and `calendar_published: false`
while a clock counts a year whose holiday schedule is not published (the demo loads chinesecalendar's years,
up to 2026: 2027 falls back to Monday to Friday)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from approvals.services.calendar_days import publish_year
from portal.models import User
from tests.approvals.api.conftest import APPS, REVIEWS

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
WHOLE_MINUTE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:00\+08:00$")


@pytest.fixture
def december():
    """Mon 2026-12-14, 10:00 in Shanghai: the trio's legal limits (45 working days) end in 2027."""
    with time_machine.travel(datetime(2026, 12, 14, 10, 0, tzinfo=SHANGHAI), tick=True):
        yield


def accepted_trio(login, make_submitted):
    _client, detail = make_submitted(package="cg-trio")
    assert login("clerk").post(f"{APPS}{detail['id']}/accept/").status_code == 200
    return detail["id"]


def test_a_clock_due_in_an_unpublished_year_says_so(december, login, make_submitted):
    application_id = accepted_trio(login, make_submitted)
    applicant = login("applicant")
    detail = applicant.get(f"{APPS}{application_id}/").json()
    assert detail["calendar_published"] is False
    assert detail["reviews"] and {r["legal_due_at"][:4] for r in detail["reviews"]} == {"2027"}
    assert {r["calendar_published"] for r in detail["reviews"]} == {False}
    inbox = login("chief_cg").get(REVIEWS).json()["results"]
    assert inbox and {r["calendar_published"] for r in inbox} == {False}

    publish_year(2027, actor=User.objects.get(username="admin"))
    detail = applicant.get(f"{APPS}{application_id}/").json()
    assert detail["calendar_published"] is True
    assert {r["calendar_published"] for r in detail["reviews"]} == {True}


def test_a_submitted_application_in_the_last_days_of_the_year(login, make_submitted):
    with time_machine.travel(datetime(2026, 12, 29, 10, 0, tzinfo=SHANGHAI), tick=True):
        client, detail = make_submitted(package="cg-trio")
        detail = client.get(f"{APPS}{detail['id']}/").json()
    # Five working days after Tue 12-29: 12-30, 12-31, then 2027 counted Monday to Friday.
    assert detail["acceptance_clock"]["due_at"].startswith("2027-01-")
    assert detail["acceptance_clock"]["calendar_published"] is False
    assert detail["calendar_published"] is False


def test_due_times_stay_to_the_minute_after_a_pause_of_seconds(login, make_submitted):
    with time_machine.travel(datetime(2026, 6, 1, 10, 0, 7, 123456, tzinfo=SHANGHAI), tick=True):
        application_id = accepted_trio(login, make_submitted)
        staff = login("staff")
        review = next(r for r in staff.get(REVIEWS).json()["results"] if r["application"]["id"] == application_id)
        before = review["due_at"]
        suspended = staff.post(f"{REVIEWS}{review['id']}/suspend/",
                               {"kind": "testing", "reason": "送检", "expected_days": 1}, format="json")
        assert suspended.status_code == 200, suspended.content
        resumed = staff.post(f"{REVIEWS}{review['id']}/resume/")
        assert resumed.status_code == 200, resumed.content
    after = resumed.json()
    assert after["due_at"] == before  # stopped and resumed the same day: nothing moves
    assert WHOLE_MINUTE.match(after["due_at"]) and WHOLE_MINUTE.match(after["legal_due_at"])
