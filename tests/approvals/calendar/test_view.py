"""The month page: kinds of days, notes, navigation and the unpublished-year banner."""

import re
from datetime import date

import pytest
from django.urls import reverse

from approvals.calendar.seeding import load_from_chinesecalendar
from approvals.views.calendar import parse_month

pytestmark = pytest.mark.django_db


def cell(html, day):
    match = re.search(rf'<td class="([^"]*)"\s+data-date="{day}"[^>]*>(.*?)</td>', html, re.S)
    assert match, day
    return match.group(1), match.group(2)


def test_february_2026(client):
    load_from_chinesecalendar(years=[2026])
    response = client.get(reverse("approvals:calendar"), {"month": "2026-02"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    classes, content = cell(html, "2026-02-14")
    assert "cal-day--makeup_workday" in classes and "Make-up working day" in content and "春节调休上班" in content
    classes, content = cell(html, "2026-02-17")
    assert "cal-day--holiday" in classes and "春节" in content
    assert "cal-day--workday" in cell(html, "2026-02-24")[0]
    assert "cal-day--rest_day" in cell(html, "2026-02-22")[0]  # a Sunday inside the holiday: rest day
    assert 'href="?month=2026-01"' in html and 'href="?month=2026-03"' in html
    assert "<caption>" in html and 'scope="col"' in html
    assert "16 working days" in html  # 2-6, 9-13, 14 (Sat), 24-27, 28 (Sat)
    assert 'data-testid="calendar-unpublished"' not in html


def test_unpublished_year_shows_the_banner_and_falls_back(client):
    load_from_chinesecalendar(years=[2026])
    response = client.get(reverse("approvals:calendar"), {"month": "2027-01"}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert 'data-testid="calendar-unpublished"' in html
    assert "The holiday schedule for 2027 is not published yet" in html
    assert "cal-day--workday" in cell(html, "2027-01-01")[0]  # a Friday, no schedule


def test_bad_month_shows_the_current_month_with_a_notice(client):
    response = client.get(reverse("approvals:calendar"), {"month": "2026-13"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "The month must be given as YYYY-MM" in response.content.decode()


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-02", (date(2026, 2, 1), True)),
    ("2026-2", (date(2026, 2, 1), True)),
    (None, (date(2026, 11, 1), True)),
    ("2026-00", (date(2026, 11, 1), False)),
    ("1999-12", (date(2026, 11, 1), False)),
    ("feb", (date(2026, 11, 1), False)),
])
def test_parse_month(value, expected):
    assert parse_month(value, date(2026, 11, 21)) == expected
