"""The pages: the applicant's rating form, the rectification page, pain points, the dashboard with its links,
the lists behind the numbers, exports and the live board; supervisors read and change nothing."""

import io

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from openpyxl import load_workbook

from approvals.models import PainPoint, Rating, RectificationCase
from tests.factories.applications import decided_application
from tests.factories.portal import UserFactory, with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(cat):
    return decided_application(cat)


@pytest.fixture
def supervisor(db):
    return UserFactory(supervisor=True)


def logged_in(client, user):
    """Logged in, past the second factor for government roles (as the login view leaves the session)."""
    client.logout()
    client.force_login(user)
    if user.needs_second_factor:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = (user.totpdevice_set.first() or with_totp(user)).persistent_id
        session.save()
    return client


def test_the_applicant_rates_on_the_page(client, cat, decided):
    c = logged_in(client, cat.applicant)
    assert 'data-testid="rate-link"' in c.get(reverse("approvals:application", args=[decided.pk])).content.decode()
    assert decided.reference in c.get(reverse("approvals:awaiting_rating")).content.decode()
    url = reverse("approvals:rate_application", args=[decided.pk])
    assert c.post(url, {"target": "bundle", "level": "great"}).status_code == 400
    answer = c.post(url, {"target": "bundle", "level": "dissatisfied", "efficiency": "dissatisfied", "text": "慢"})
    assert answer.status_code == 302
    assert Rating.objects.get().efficiency == "dissatisfied"
    page = c.get(url).content.decode()
    assert 'value="bundle"' not in page  # the bundle is rated: only the items are left
    assert decided.reference not in c.get(reverse("approvals:awaiting_rating")).content.decode()
    assert c.post(url, {"target": "bundle", "level": "satisfied"}).status_code == 400  # not a choice any more


def test_nobody_else_opens_the_rating_form(client, cat, decided, supervisor):
    page = logged_in(client, supervisor).get(reverse("approvals:rate_application", args=[decided.pk]))
    assert page.status_code == 403


def test_the_department_works_the_case_on_its_page(client, cat, decided):
    logged_in(client, cat.applicant).post(reverse("approvals:rate_application", args=[decided.pk]),
                                          {"target": "bundle", "level": "very_dissatisfied"})
    case = RectificationCase.objects.get()
    c = logged_in(client, cat.staff_of(case.department))
    url = reverse("approvals:rectification", args=[case.pk])
    assert c.post(url, {"action": "call_back", "cb-note": ""}).status_code == 400
    assert c.post(url, {"action": "call_back", "cb-note": "已回访"}).status_code == 302
    assert c.post(url, {"action": "call_back", "cb-note": "again"}).status_code == 400  # wrong state: a message
    assert c.post(url, {"action": "resolve", "rs-outcome": "rectified", "rs-note": "已整改"}).status_code == 302
    c = logged_in(client, cat.applicant)
    assert "rate_fix" in c.get(url).content.decode()
    assert c.post(url, {"action": "rate_fix", "fx-level": "satisfied"}).status_code == 302
    case.refresh_from_db()
    assert (case.status, case.fix_level) == ("resolved", "satisfied")


def test_a_supervisor_reads_the_dashboard_drills_down_exports_and_flags(client, cat, decided, supervisor):
    c = logged_in(client, supervisor)
    page = c.get(reverse("approvals:supervision"), {"from": "2026-06-01", "to": "2026-07-01"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="figure-decided"' in html and "<svg" in html and "<script" not in html
    drill = c.get(reverse("approvals:supervision_applications"), {"stage": "decided", "from": "2026-06-01",
                                                                  "to": "2026-07-01"})
    assert decided.reference in drill.content.decode()
    assert decided.reference not in c.get(reverse("approvals:supervision_applications"),
                                          {"stage": "decided", "from": "2026-07-01"}).content.decode()
    csv = c.get(reverse("approvals:supervision_applications"), {"stage": "decided", "export": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and decided.reference in b"".join(csv.streaming_content).decode("utf-8-sig")
    xlsx = c.get(reverse("approvals:supervision"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    keys = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert "decided" in keys and "good_rate" in keys
    assert 'http-equiv="refresh"' in c.get(reverse("approvals:supervision_live")).content.decode()
    assert c.get(reverse("approvals:supervision"), {"from": "June"}).status_code == 200  # a message, not a 500
    detail = c.get(reverse("approvals:application", args=[decided.pk])).content.decode()
    assert 'data-testid="flag-link"' in detail and 'data-testid="rate-link"' not in detail
    flag = reverse("approvals:flag_pain_point") + f"?application={decided.pk}"
    assert c.post(flag, {"description": "补正要求不一致"}).status_code == 302
    point = PainPoint.objects.get()
    admin = logged_in(client, UserFactory(admin=True))
    assert admin.post(reverse("approvals:pain_point", args=[point.pk]), {"answer": "已统一"}).status_code == 302
    point.refresh_from_db()
    assert point.status == "answered"


def test_applicants_do_not_see_the_supervision_pages(client, cat):
    c = logged_in(client, cat.applicant)
    for name in ("supervision", "supervision_applications", "supervision_live", "pain_points"):
        assert c.get(reverse(f"approvals:{name}")).status_code == 403


READ_ONLY = ("supervision", "supervision_applications", "supervision_ratings", "supervision_live", "monthly_report",
             "rectifications", "pain_points", "overdue_board", "escalations", "awaiting_rating")


def test_the_read_only_pages_refuse_a_post(client, cat, supervisor):
    """Supervisors and observers change nothing: every read-only supervision and board page answers a POST
    with 405 (a GET still answers, HEAD too)."""
    c = logged_in(client, supervisor)
    for name in READ_ONLY:
        answer = c.post(reverse(f"approvals:{name}"), {"anything": "1"})
        assert answer.status_code == 405, name
        assert "GET" in answer["Allow"], name
    assert c.get(reverse("approvals:supervision_live")).status_code == 200
    assert c.head(reverse("approvals:supervision_live")).status_code == 200


def _exported_queries(client, url, params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url, params)
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    return len(queries), body


def test_exports_stream_rows_from_sql_in_a_constant_number_of_queries(client, cat, decided, supervisor):
    """The lists' exports read plain rows from SQL (values_list + iterator): the same number of queries for one
    application as for many, in CSV and XLSX."""
    from approvals.models import Application

    c = logged_in(client, supervisor)
    url = reverse("approvals:supervision_applications")
    c.get(url)  # the session's renewal is written by the first request of the minute, not counted below
    one = {fmt: _exported_queries(c, url, {"stage": "decided", "export": fmt}) for fmt in ("csv", "xlsx")}
    assert decided.reference in one["csv"][1].decode("utf-8-sig")
    copies = []
    for n in range(12):
        copy = Application.objects.get(pk=decided.pk)
        copy.pk, copy.id, copy.reference = None, None, f"{decided.reference}-{n}"
        copies.append(copy)
    Application.objects.bulk_create(copies)
    for fmt in ("csv", "xlsx"):
        queries, body = _exported_queries(c, url, {"stage": "decided", "export": fmt})
        assert queries == one[fmt][0], fmt
        if fmt == "csv":
            assert body.decode("utf-8-sig").count(decided.reference) == 13
        else:
            sheet = load_workbook(io.BytesIO(body)).active
            assert sheet.max_row == 14
    ratings_url = reverse("approvals:supervision_ratings")
    before, _body = _exported_queries(c, ratings_url, {"export": "csv"})
    logged_in(client, cat.applicant).post(reverse("approvals:rate_application", args=[decided.pk]),
                                          {"target": "bundle", "level": "satisfied", "text": "=1+1"})
    c = logged_in(client, supervisor)
    c.get(ratings_url)  # a new session: its first request writes the renewal
    after, body = _exported_queries(c, ratings_url, {"export": "csv"})
    assert after == before and "'=1+1" in body.decode("utf-8-sig")


def test_the_dashboard_and_the_api_show_when_the_aggregates_were_refreshed(client, cat, decided, supervisor):
    from approvals import aggregates

    c = logged_in(client, supervisor)
    assert 'data-testid="refreshed-at"' not in c.get(reverse("approvals:supervision")).content.decode()
    assert c.get("/api/v1/metrics/").json()["aggregates_refreshed_at"] is None
    done = aggregates.refresh(full=True)
    assert 'data-testid="refreshed-at"' in c.get(reverse("approvals:supervision")).content.decode()
    answer = c.get("/api/v1/metrics/", {"from": "2026-01-01"}).json()
    from django.utils.dateparse import parse_datetime

    assert parse_datetime(answer["aggregates_refreshed_at"]) == done.finished_at  # the refresh just made
    sources = {fig["key"]: fig["source"] for fig in answer["figures"]}
    assert (sources["decided"], sources["overdue"]) == ("aggregate", "live")
