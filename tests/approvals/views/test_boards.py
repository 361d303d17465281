"""The deadline boards through the test client: who may see them, and figures that agree with the clocks and
the sweep — the chief's escalation board for one department, the overdue board across all departments."""

from contextlib import contextmanager
from datetime import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY

from approvals.models import ApplicationStatus, DeadlineFiring, FiringKind
from approvals.models.reviews import RUNNING_REVIEW_STATES
from approvals.services import boards
from approvals.services.deadlines import sweep
from approvals.services.progress import review_clock
from approvals.services.reviews import review_light
from tests.approvals.services.conftest import _english, _fast_passwords, _media, calendar_2026, cat  # noqa: F401
from tests.factories.applications import (
    SHANGHAI, accepted_application, decided_application, paid_application, reload, submitted_application,
)
from tests.factories.approvals import StaffAssignmentFactory
from tests.factories.portal import UserFactory, with_totp

pytestmark = pytest.mark.django_db
ESCALATIONS = "/boards/escalations/"
OVERDUE = "/boards/overdue/"


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@contextmanager
def moment(when):
    with time_machine.travel(when, tick=False):
        yield


def login(user):
    """A client logged in now (inside the travelled time), past the second factor for staff."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    if user.needs_second_factor:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = (user.totpdevice_set.first() or with_totp(user)).persistent_id
        session.save()
    return client


def page(user, url, when, **params):
    with moment(when):
        response = login(user).get(url, params)
    assert response.status_code == 200, response.status_code
    return response


def reviews_in(response, key):
    return [r.pk for r in response.context[key]]


# --- access -------------------------------------------------------------------------------------------------
def test_access_per_role(cat):
    d0 = cat.departments[0]
    clerk, staff, chief = cat.clerk, cat.staff_of(d0), cat.chief_of(d0)
    leader, admin, supervisor = cat.leader, UserFactory(admin=True), UserFactory(supervisor=True)
    expected = {
        ESCALATIONS: {cat.applicant: 403, clerk: 403, staff: 200, chief: 200, leader: 403, supervisor: 403},
        OVERDUE: {cat.applicant: 403, clerk: 403, staff: 403, chief: 403, leader: 200, admin: 200,
                  supervisor: 200},
    }
    for url, by_user in expected.items():
        for user, status in by_user.items():
            assert login(user).get(url).status_code == status, (url, user.role)
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_staff_without_a_department_has_no_escalation_board(cat):
    assert login(UserFactory(staff=True)).get(ESCALATIONS).status_code == 403


# --- the escalation board ---------------------------------------------------------------------------------------
def test_chief_sees_own_department_red_and_yellow_and_its_history(cat):
    application = accepted_application(cat)  # Mon 2026-06-01 10:00
    fee = application.reviews.get(item=cat.fee_item)  # dept 0: due Fri 06-05 17:30, yellow from Thu 17:30
    health = application.reviews.get(item=cat.commitment_item)  # dept 2: promised 3 -> due Thu 06-04 17:30
    friday = at(2026, 6, 5, 11, 0)
    sweep(now=friday)

    d0, d2 = cat.departments[0], cat.departments[2]
    mine = page(cat.chief_of(d0), ESCALATIONS, friday)
    assert reviews_in(mine, "yellow") == [fee.pk] and reviews_in(mine, "red") == []
    assert (mine.context["yellow_total"], mine.context["red_total"]) == (1, 0)
    html = mine.content.decode()
    assert f'href="/reviews/{fee.pk}/"' in html
    assert f'href="/reviews/{health.pk}/"' not in html  # another department's review
    assert "Yellow: due soon" in html  # the light as text, not only colour
    history = list(mine.context["history"].object_list)
    assert history and {f.department_id for f in history} == {d0.pk}
    assert [f.kind for f in history if f.subject_id == fee.pk] == [FiringKind.REVIEW_YELLOW]

    theirs = page(cat.staff_of(d2), ESCALATIONS, friday)
    assert reviews_in(theirs, "red") == [health.pk] and reviews_in(theirs, "yellow") == []
    assert not theirs.context["red"][0].legal_overrun
    kinds = [f.kind for f in theirs.context["history"].object_list if f.subject_id == health.pk]
    assert kinds == [FiringKind.REVIEW_RED, FiringKind.REVIEW_YELLOW]  # newest first
    assert "overdue by" in theirs.content.decode()
    # Before office hours on Friday no office time has passed since Thursday 17:30: red, not "0 min left".
    early = page(cat.staff_of(d2), ESCALATIONS, at(2026, 6, 5, 8, 0)).content.decode()
    assert "overdue, no office time since" in early and "0 h 0 min left" not in early

    # The stage (5 working days, led by dept 0) is due Mon 06-08 17:30: not yet yellow on Friday.
    assert mine.context["stages"] == []
    monday = at(2026, 6, 8, 18, 0)
    sweep(now=monday)
    later = page(cat.chief_of(d0), ESCALATIONS, monday)
    [stage] = later.context["stages"]
    assert stage.is_red and stage.pk == application.stages.get().pk


def test_legal_overrun_is_flagged(cat):
    application = accepted_application(cat)
    fee = application.reviews.get(item=cat.fee_item)
    after_legal = at(2026, 8, 5, 9, 0)  # the joint 45-working-day limit ended Tue 08-04 17:30
    sweep(now=after_legal)
    board = page(cat.chief_of(cat.departments[0]), ESCALATIONS, after_legal)
    [red] = board.context["red"]
    assert red.pk == fee.pk and red.legal_overrun
    assert board.context["legal_total"] == 1
    assert 'data-testid="legal-overrun"' in board.content.decode()
    assert FiringKind.REVIEW_LEGAL in {f.kind for f in board.context["history"].object_list}


def test_history_is_paginated_newest_first(cat, monkeypatch):
    monkeypatch.setattr("approvals.views.boards.PAGE_SIZE", 4)
    for hour in (9, 10):
        accepted_application(cat, now=at(2026, 6, 1, hour, 0))
    when = at(2026, 9, 1, 9, 0)
    sweep(now=at(2026, 6, 8, 18, 0))
    sweep(now=when)
    d0 = cat.departments[0]
    total = DeadlineFiring.objects.filter(department=d0).count()
    assert total == 10  # per application: the fee review's yellow, red, legal and the stage's yellow, red
    first = page(cat.chief_of(d0), ESCALATIONS, when).context["history"]
    last = page(cat.chief_of(d0), ESCALATIONS, when, page=3).context["history"]
    assert first.paginator.count == total and len(first.object_list) == 4 and len(last.object_list) == 2
    shown = list(first.object_list) + list(page(cat.chief_of(d0), ESCALATIONS, when, page=2)
                                            .context["history"].object_list) + list(last.object_list)
    assert [f.fired_at for f in shown] == sorted((f.fired_at for f in shown), reverse=True)
    assert len({f.pk for f in shown}) == total


# --- the overdue board -------------------------------------------------------------------------------------------
def light_counts(now):
    """The figures the board must show, computed review by review from the clocks (the slow, obvious way)."""
    from approvals.models import ItemReview

    counts = {}
    for review in ItemReview.objects.all():
        light = review_light(review, now=now)
        row = counts.setdefault(review.department.code, {"yellow": 0, "red": 0, "legal": 0})
        if light in ("yellow", "red"):
            row[light] += 1
        if light == "red" and review.legal_due_at and review.legal_due_at <= now:
            row["legal"] += 1
    return counts


@pytest.mark.parametrize("when", [at(2026, 6, 4, 18, 0), at(2026, 6, 5, 12, 0), at(2026, 6, 9, 9, 0),
                                  at(2026, 8, 5, 9, 0)])
def test_overdue_board_counts_agree_with_the_clocks(cat, when):
    accepted_application(cat)
    accepted_application(cat, items=[cat.fee_item], now=at(2026, 6, 2, 15, 0))
    decided_application(cat, now=at(2026, 6, 1, 11, 0))
    sweep(now=when)
    board = page(UserFactory(supervisor=True), OVERDUE, when)
    expected = light_counts(when)
    shown = {c.department.code: {"yellow": c.yellow, "red": c.red, "legal": c.legal}
             for c in board.context["counts"]}
    for code in shown:
        assert shown[code] == expected.get(code, {"yellow": 0, "red": 0, "legal": 0}), (code, when)
    totals = board.context["totals"]
    assert totals.red == sum(r["red"] for r in expected.values())
    assert board.context["overdue"].paginator.count == totals.red


def test_overdue_board_red_stages_undelivered_and_deemed(cat):
    accepted_application(cat)  # stage of 5 working days led by dept 0: due Mon 06-08 17:30
    decided = paid_application(cat, now=at(2026, 6, 1, 11, 0))  # delivery due 10 working days later
    waiting = submitted_application(cat, now=at(2026, 6, 1, 12, 0))  # nobody answers: deemed after 5 days
    when = at(2026, 6, 16, 9, 0)
    report = sweep(now=when)
    assert report.deemed_accepted == 1
    assert reload(waiting).deemed_accepted and reload(waiting).status == ApplicationStatus.UNDER_REVIEW
    assert reload(decided).delivery_due_at <= when

    board = page(UserFactory(supervisor=True), OVERDUE, when)
    d0 = next(c for c in board.context["counts"] if c.department == cat.departments[0])
    assert d0.red_stages == 2  # the accepted one and the deemed one (same package, lead dept 0)
    assert d0.undelivered == 1
    [deemed] = board.context["deemed"].object_list
    assert deemed.application_id == waiting.pk
    html = board.content.decode()
    assert waiting.reference in html and "Deemed acceptances (Art. 32)" in html


def test_overdue_list_is_ordered_by_remaining_working_time(cat):
    for when in (at(2026, 6, 3, 16, 0), at(2026, 6, 1, 10, 0), at(2026, 6, 2, 9, 30)):
        accepted_application(cat, now=when)
    now = at(2026, 6, 20, 10, 0)  # a Saturday after the Dragon Boat Festival
    board = page(UserFactory(supervisor=True), OVERDUE, now)
    rows = list(board.context["overdue"].object_list)
    assert len(rows) == 9  # three bundles of three items, all overdue
    remaining = [review_clock(r, now=now).remaining for r in rows]
    assert remaining == sorted(remaining)
    assert all(r.status in RUNNING_REVIEW_STATES for r in rows)
    # Supervisors cannot open a department's review page; each row leads to its application.
    assert f'href="/applications/{rows[0].application_id}/"' in board.content.decode()


def test_overdue_board_filters_the_history(cat):
    accepted_application(cat)
    sweep(now=at(2026, 6, 4, 18, 0))  # yellow and red firings on Thursday
    sweep(now=at(2026, 6, 9, 9, 0))  # more on the next Tuesday
    supervisor = UserFactory(supervisor=True)
    when = at(2026, 6, 9, 10, 0)
    everything = page(supervisor, OVERDUE, when).context["history"].paginator.count
    assert everything == DeadlineFiring.objects.count() > 2

    d2 = cat.departments[2]
    by_department = page(supervisor, OVERDUE, when, department=d2.code).context["history"]
    assert by_department.paginator.count == DeadlineFiring.objects.filter(department=d2).count()
    by_kind = page(supervisor, OVERDUE, when, kind=FiringKind.REVIEW_RED).context["history"]
    assert {f.kind for f in by_kind.object_list} == {FiringKind.REVIEW_RED}
    thursday = page(supervisor, OVERDUE, when, date_from="2026-06-04", date_to="2026-06-04").context["history"]
    assert thursday.paginator.count == DeadlineFiring.objects.filter(fired_at__date="2026-06-04").count() > 0
    assert all(f.fired_at.astimezone(SHANGHAI).date().isoformat() == "2026-06-04" for f in thursday.object_list)
    wrong = page(supervisor, OVERDUE, when, date_from="2026-06-05", date_to="2026-06-04")
    assert wrong.context["form"].errors and wrong.context["history"].paginator.count == everything


def test_counts_take_the_same_few_queries_however_many_reviews(cat):
    when = at(2026, 6, 9, 9, 0)
    accepted_application(cat)
    with CaptureQueriesContext(connection) as few:
        small = boards.counts_by_department(now=when)
    for hour in (11, 12, 13, 14):
        accepted_application(cat, now=at(2026, 6, 1, hour, 0))
    with CaptureQueriesContext(connection) as many:
        large = boards.counts_by_department(now=when)
    assert len(many.captured_queries) == len(few.captured_queries) <= 4
    assert boards.totals(large).red == 5 * boards.totals(small).red > 0


def test_another_departments_member_does_not_see_ours(cat):
    application = accepted_application(cat)
    sweep(now=at(2026, 6, 9, 9, 0))
    outsider_department = cat.departments[1]
    chief = StaffAssignmentFactory(user=UserFactory(chief=True), department=outsider_department).user
    board = page(chief, ESCALATIONS, at(2026, 6, 9, 9, 0))
    ours = {r.pk for r in application.reviews.exclude(department=outsider_department)}
    assert not ours & set(reviews_in(board, "red") + reviews_in(board, "yellow"))
    assert {f.department_id for f in board.context["history"].object_list} == {outsider_department.pk}


# --- the applicant's timeline ------------------------------------------------------------------------------------
def test_applicant_timeline_explains_deemed_acceptance_pauses_and_extensions(cat):
    from approvals.models import PauseKind
    from approvals.services import reviews as review_services

    application = submitted_application(cat)  # received Mon 2026-06-01 10:00
    sweep(now=at(2026, 6, 9, 9, 0))  # nobody answered within 5 working days
    fee = application.reviews.get(item=cat.fee_item)
    health = application.reviews.get(item=cat.commitment_item)
    with moment(at(2026, 6, 9, 10, 0)):
        review_services.suspend(fee, actor=cat.staff_of(fee.department), kind=PauseKind.EXPERT_REVIEW,
                                reason="需组织专家论证绿地占用方案", expected_days=7)
        review_services.extend(health, actor=cat.leader, days=5, reason="现场核查需要协调多个部门")
    html = page(cat.applicant, f"/applications/{application.pk}/", at(2026, 6, 9, 11, 0)).content.decode()
    timeline = html.split('data-testid="timeline"')[1].split("</ol>")[0]
    assert "Deemed accepted from 2026-06-01, the day your materials were received" in timeline
    assert "(Art. 32)" in timeline
    assert "expected to take 7 working days" in timeline and "Reason: 需组织专家论证绿地占用方案" in timeline
    assert "the limit is extended by 5 working days." in timeline and "Reason: 现场核查需要协调多个部门" in timeline
    assert cat.fee_item.name in timeline and cat.commitment_item.name in timeline
