"""Public calendar API: days of a range and due dates, with readable 400s."""

import pytest
from django.urls import include, path, reverse
from drf_spectacular.generators import SchemaGenerator

from approvals.api import urls as api_urls

from approvals.calendar.seeding import load_from_chinesecalendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    load_from_chinesecalendar(years=[2025, 2026])


# Messages are asserted in English (the msgids); the default language is Chinese.
def days(client, **params):
    return client.get(reverse("calendar-days"), params, HTTP_ACCEPT_LANGUAGE="en")


def add(client, **params):
    return client.get(reverse("calendar-add-working-days"), params, HTTP_ACCEPT_LANGUAGE="en")


def test_days_of_the_spring_festival(client, published):
    response = days(client, start="2026-02-13", end="2026-02-28")
    assert response.status_code == 200
    body = response.json()
    assert body["start"] == "2026-02-13" and body["end"] == "2026-02-28" and body["published"] is True
    by_date = {d["date"]: d for d in body["days"]}
    assert len(by_date) == 16
    assert by_date["2026-02-14"] == {"date": "2026-02-14", "is_workday": True, "kind": "makeup_workday",
                                     "note": "春节调休上班", "published": True}
    assert by_date["2026-02-16"]["is_workday"] is False and by_date["2026-02-16"]["note"] == "春节"
    assert by_date["2026-02-16"]["kind"] == "holiday"
    # 13, 14 (Sat), 24, 25, 26, 27, 28 (Sat)
    assert body["workdays"] == 7 == sum(d["is_workday"] for d in body["days"])


def test_days_of_an_unpublished_year_fall_back_and_say_so(client, published):
    body = days(client, start="2026-12-30", end="2027-01-04").json()
    assert body["published"] is False
    flags = [(d["date"], d["is_workday"], d["published"]) for d in body["days"]]
    assert flags == [
        ("2026-12-30", True, True), ("2026-12-31", True, True),
        ("2027-01-01", True, False),  # New Year's Day, but 2027 is not published: a Friday counts
        ("2027-01-02", False, False), ("2027-01-03", False, False), ("2027-01-04", True, False),
    ]


def test_add_working_days_over_national_day(client, published):
    response = add(client, start="2026-09-30", days="3")
    assert response.status_code == 200
    assert response.json() == {"start": "2026-09-30", "days": 3, "due_date": "2026-10-10",
                               "due_at": "2026-10-10T17:30:00+08:00", "published": True}


def test_add_working_days_zero_on_a_rest_day(client, published):
    assert add(client, start="2026-10-03", days=0).json()["due_date"] == "2026-10-08"


def test_add_working_days_into_an_unpublished_year_is_flagged(client, published):
    body = add(client, start="2026-12-25", days=10).json()
    assert body["published"] is False and body["due_date"].startswith("2027-01")


@pytest.mark.parametrize(("params", "field", "words"), [
    ({"start": "2026-02-30", "end": "2026-03-01"}, "start", "YYYY-MM-DD"),
    ({"start": "yesterday", "end": "2026-03-01"}, "start", "YYYY-MM-DD"),
    ({"end": "2026-03-01"}, "start", "required"),
    ({"start": "2026-03-02", "end": "2026-03-01"}, "end", "before"),
    ({"start": "2026-01-01", "end": "2027-01-02"}, "end", "366"),
    ({"start": "1999-12-31", "end": "2000-01-02"}, "start", "2000-01-01"),
])
def test_days_rejects_bad_ranges(client, params, field, words):
    response = days(client, **params)
    assert response.status_code == 400
    assert words in " ".join(response.json()[field])


def test_a_full_leap_year_is_allowed(client):
    response = days(client, start="2024-01-01", end="2024-12-31")
    assert response.status_code == 200 and len(response.json()["days"]) == 366


@pytest.mark.parametrize(("params", "field", "words"), [
    ({"start": "2026-09-30", "days": "-1"}, "days", "negative"),
    ({"start": "2026-09-30", "days": "3651"}, "days", "3650"),
    ({"start": "2026-09-30", "days": "ten"}, "days", "whole number"),
    ({"start": "2026-09-30"}, "days", "required"),
    ({"start": "30/09/2026", "days": "3"}, "start", "YYYY-MM-DD"),
    ({"start": "2100-12-20", "days": "30"}, "days", "2100-12-31"),
])
def test_add_working_days_rejects_bad_input(client, params, field, words):
    response = add(client, **params)
    assert response.status_code == 400
    assert words in " ".join(response.json()[field])


def test_the_api_is_public_and_documented(client, published):
    assert add(client, start="2026-09-30", days=1).status_code == 200  # anonymous
    # The schema of the calendar endpoints alone (the whole schema depends on every app's serializers).
    patterns = [p for p in api_urls.urlpatterns if getattr(p, "name", "").startswith("calendar-")]
    schema = SchemaGenerator(patterns=[path("api/v1/", include(patterns))]).get_schema(request=None, public=True)
    days_op = schema["paths"]["/api/v1/calendar/days/"]["get"]
    assert {p["name"] for p in days_op["parameters"]} >= {"start", "end"}
    add_op = schema["paths"]["/api/v1/calendar/add-working-days/"]["get"]
    assert {p["name"] for p in add_op["parameters"]} >= {"start", "days"}
    response_schema = add_op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    name = response_schema.rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][name]["properties"]) == {
        "start", "days", "due_date", "due_at", "published"
    }
