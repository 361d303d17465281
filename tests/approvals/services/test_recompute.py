"""Stored clocks follow the calendar: publishing a year or switching a day recomputes every open clock whose window
contains a changed day, in a task queued after commit, with a timeline entry per changed clock.

2026 is loaded from chinesecalendar (the official schedule); 2027 is not published, so it counts Monday to Friday
until an administrator publishes it. Office hours end at 17:30.
"""

from datetime import date

import pytest

from approvals.calendar.seeding import load_from_chinesecalendar
from approvals.models import (
    ApplicationEvent, CalendarYear, ClockRecompute, EventKind, ItemReview, ReviewStatus,
)
from approvals.services import recompute, reviews
from approvals.services.calendar_days import publish_year, switch_day, unpublish_year
from approvals.services.deadlines import sweep
from approvals.services.progress import application_calendar_published, review_clock
from approvals.tasks import recompute_clocks
from portal.models import AuditEntry
from tests.approvals.deadlines.broker import private_broker, published
from tests.factories.applications import (
    accepted_application, decided_application, frozen, paid_application, reload, shanghai, submitted_application,
)
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db
T = shanghai
TASK = "approvals.tasks.recompute_clocks"


@pytest.fixture
def admin(db):
    return UserFactory(admin=True)


@pytest.fixture(autouse=True)
def _no_requests_yet(cat):
    """Loading 2026 for the catalog asked for a recompute of 2026 (no clock existed then): start without it."""
    ClockRecompute.objects.all().delete()


@pytest.fixture
def queue(tmp_path):
    with private_broker(tmp_path / "celery") as folder:
        yield folder


def run_queued(queue):
    """Run every queued recompute as the worker would, in publishing order; returns their results."""
    return [recompute_clocks(*args) for name, args in published(queue) if name == TASK]


def recomputed_events(application):
    return list(ApplicationEvent.objects.filter(application=application, kind=EventKind.CLOCK_RECOMPUTED)
                .order_by("id").values_list("data", flat=True))


def fee_review(application, cat):
    return application.reviews.get(item=cat.fee_item)


def test_a_legal_due_date_moves_when_new_years_day_2027_becomes_a_holiday(
        cat, admin, queue, django_capture_on_commit_callbacks):
    # Accepted Mon 2026-12-14; the legal limit is 20 working days: Dec 15 .. 18 (4), 21 .. 25 (9), 28 .. 31 (13),
    # and with 2027 counted Monday to Friday: Fri 01-01 (14), 01-04 .. 01-08 (19), Mon 01-11 (20).
    application = accepted_application(cat, items=cat.items, now=T(2026, 12, 14, 10))
    review = fee_review(application, cat)
    assert review.legal_due_at == T(2027, 1, 11, 17, 30)
    assert review.due_at == T(2026, 12, 18, 17, 30)  # 4 days: all in 2026
    assert review_clock(review, now=T(2026, 12, 15, 10)).calendar_published is False
    assert application_calendar_published(application) is False

    with django_capture_on_commit_callbacks(execute=True):
        publish_year(2027, actor=admin, source="国办发明电〔2026〕", now=T(2026, 12, 15, 9))
    [published_year] = ClockRecompute.objects.all()
    assert (published_year.first, published_year.last, published_year.done_at) == (
        date(2027, 1, 1), date(2027, 12, 31), None)
    assert published(queue) == [(TASK, ("2027-01-01", "2027-12-31", published_year.pk))]
    # Published as typed in, Monday to Friday: no clock changes.
    assert run_queued(queue)[0]["changed"] == {}
    assert recomputed_events(application) == []

    with django_capture_on_commit_callbacks(execute=True):
        switch_day(date(2027, 1, 1), is_workday=False, note="元旦", actor=admin, now=T(2026, 12, 15, 9, 5))
    new_year = ClockRecompute.objects.exclude(pk=published_year.pk).get()
    assert (new_year.first, new_year.last, new_year.done_at) == (date(2027, 1, 1), date(2027, 1, 1), None)
    assert published(queue)[1:] == [(TASK, ("2027-01-01", "2027-01-01", new_year.pk))]
    assert reload(review).legal_due_at == T(2027, 1, 11, 17, 30)  # nothing moves before the task runs

    result = recompute_clocks(*published(queue)[1][1])
    # The holiday on 01-01 moves the legal due dates of the three reviews (20 days each) one working day on.
    assert result["changed"] == {"review": 3}
    review = reload(review)
    assert (review.due_at, review.legal_due_at) == (T(2026, 12, 18, 17, 30), T(2027, 1, 12, 17, 30))
    assert review.next_check_at == review.warn_at  # armed again from its first threshold
    assert all(r.done_at is not None for r in ClockRecompute.objects.all())
    event = next(e for e in recomputed_events(application) if e["item"] == "T-GREEN")
    assert event == {"clock": "review", "item": "T-GREEN",
                     "before": {"due_at": "2026-12-18T17:30:00+08:00", "legal_due_at": "2027-01-11T17:30:00+08:00"},
                     "after": {"due_at": "2026-12-18T17:30:00+08:00", "legal_due_at": "2027-01-12T17:30:00+08:00"}}
    message = ApplicationEvent.objects.filter(application=application, kind=EventKind.CLOCK_RECOMPUTED).first().message
    assert "2027-01-12 17:30" in message and "2027-01-11 17:30" in message
    assert application_calendar_published(application) is True
    assert review_clock(review, now=T(2026, 12, 15, 10)).calendar_published is True

    # Idempotent: the same task again (a redelivered message) changes nothing and writes nothing.
    again = recompute_clocks("2027-01-01", "2027-01-01", new_year.pk)
    assert again["changed"] == {} and len(recomputed_events(application)) == 3


def test_every_kind_of_open_clock_follows_a_switched_day(cat, admin):
    # All in June 2026 (Dragon Boat Festival Fri 06-19 off). Thu 06-11 becomes a rest day.
    submitted = submitted_application(cat, now=T(2026, 6, 8, 10))  # acceptance: 5 days -> Mon 06-15
    running = accepted_application(cat, now=T(2026, 6, 8, 10, 5))  # the trio: one stage of 5 days -> Mon 06-15
    decided = paid_application(cat, now=T(2026, 6, 8, 10, 10))  # delivery: 10 days -> Tue 06-23
    unpaid = decided_application(cat, now=T(2026, 6, 8, 10, 10))  # its delivery clock waits for the fee
    signed_late = decided.reviews.get(item=cat.fee_item)
    before = {"acceptance": submitted.acceptance_due_at, "stage": running.stages.get().due_at,
              "review": fee_review(running, cat).due_at, "delivery": decided.delivery_due_at}
    assert before == {"acceptance": T(2026, 6, 15, 17, 30), "stage": T(2026, 6, 15, 17, 30),
                      "review": T(2026, 6, 12, 17, 30), "delivery": T(2026, 6, 23, 17, 30)}

    switch_day(date(2026, 6, 11), is_workday=False, note="临时调整", actor=admin, now=T(2026, 6, 9, 9))
    report = recompute.recompute_clocks(date(2026, 6, 11), date(2026, 6, 11), now=T(2026, 6, 9, 9, 1))

    # Each moves one working day on: Mon 06-15 -> Tue 06-16, Fri 06-12 -> Mon 06-15, Tue 06-23 -> Wed 06-24.
    assert reload(submitted).acceptance_due_at == T(2026, 6, 16, 17, 30)
    assert reload(running).stages.get().due_at == T(2026, 6, 16, 17, 30)
    assert fee_review(running, cat).due_at == T(2026, 6, 15, 17, 30)
    assert reload(decided).delivery_due_at == reload(decided).delivery_check_at == T(2026, 6, 24, 17, 30)
    assert reload(unpaid).delivery_due_at is None  # no due time until paid: the payment computes it
    # The trio's three reviews (the immediate one, due on 06-08, and the legal limits of all three: 45 days,
    # past 06-11) and its stage; the acceptance and the delivery; the signed reviews are closed: left alone.
    assert report.changed == {"review": 3, "stage": 1, "acceptance": 1, "delivery": 1}
    # A signed review's due time stays on record as it was (Fri 06-12): a closed clock is not recomputed.
    assert (reload(signed_late).status, reload(signed_late).due_at) == (ReviewStatus.SIGNED, T(2026, 6, 12, 17, 30))
    assert len(recomputed_events(running)) == 4 and len(recomputed_events(submitted)) == 1
    assert [e["clock"] for e in recomputed_events(decided)] == ["delivery"]
    assert report.failed == 0

    # A second run finds every clock right.
    second = recompute.recompute_clocks(date(2026, 6, 11), date(2026, 6, 11), now=T(2026, 6, 9, 9, 2))
    assert second.changed == {} and len(recomputed_events(running)) == 4


def test_the_acceptance_clock_keeps_its_yellow_threshold_with_its_due_time(cat, admin):
    """The acceptance light reads `acceptance_warn_at` (docs/statuses.md): it moves with the due time."""
    from django.utils.timezone import localtime

    from approvals.lights import Light
    from approvals.models import Application

    submitted = submitted_application(cat, now=T(2026, 6, 8, 10))  # due Mon 06-15 17:30, yellow its last day
    monday = T(2026, 6, 15, 10)
    assert Application.objects.with_light(monday).get(pk=submitted.pk).light == Light.YELLOW

    switch_day(date(2026, 6, 11), is_workday=False, note="临时调整", actor=admin, now=T(2026, 6, 9, 9))
    recompute.recompute_clocks(date(2026, 6, 11), date(2026, 6, 11), now=T(2026, 6, 9, 9, 1))

    moved = reload(submitted)
    assert moved.acceptance_due_at == T(2026, 6, 16, 17, 30)
    assert moved.acceptance_warn_at > T(2026, 6, 15, 17, 0)  # the last working day before the new due time
    assert Application.objects.with_light(monday).get(pk=submitted.pk).light == Light.GREEN
    event = [e for e in recomputed_events(submitted) if e["clock"] == "acceptance"][-1]
    assert event["after"] == {"due_at": localtime(moved.acceptance_due_at).isoformat(),
                              "warn_at": localtime(moved.acceptance_warn_at).isoformat()}


def test_clocks_whose_window_misses_the_changed_days_are_not_examined(cat, admin):
    early = accepted_application(cat, items=cat.items, now=T(2026, 6, 1, 10))  # legal limits end 06-30
    switch_day(date(2026, 8, 3), is_workday=False, note="临时调整", actor=admin)
    report = recompute.recompute_clocks(date(2026, 8, 3), date(2026, 8, 3))
    assert report.examined == {} and recomputed_events(early) == []


def test_a_suspended_review_is_recomputed_when_it_resumes_on_the_new_calendar(cat, admin):
    application = accepted_application(cat, items=cat.items, now=T(2026, 6, 1, 10))
    review = fee_review(application, cat)  # due Fri 06-05
    staff = cat.staff_of(review.department)
    reviews.suspend(review, actor=staff, kind="testing", reason="送检", expected_days=1, now=T(2026, 6, 2, 10))
    switch_day(date(2026, 6, 5), is_workday=False, note="临时调整", actor=admin)
    recompute.recompute_clocks(date(2026, 6, 5), date(2026, 6, 5))
    assert reload(review).due_at is None  # no due time to recompute while suspended
    assert "T-GREEN" not in [e.get("item") for e in recomputed_events(application)]
    assert "T-HEALTH" in [e.get("item") for e in recomputed_events(application)]  # a running one in the window
    reviews.resume(review, actor=staff, now=T(2026, 6, 3, 10))
    # 06-02 -> 06-03: one paused working day. 4 days from Mon 06-01 without Fri 06-05: 06-02, 03, 04, Mon 08;
    # plus one: Tue 06-09.
    assert reload(review).due_at == T(2026, 6, 9, 17, 30)


def test_batches_walk_ordered_id_ranges_and_continue_from_a_cursor(cat, admin):
    apps = [accepted_application(cat, items=cat.items, now=T(2026, 6, 8, 10, minute)) for minute in range(3)]
    switch_day(date(2026, 6, 11), is_workday=False, note="临时调整", actor=admin)
    ids = sorted(ItemReview.objects.filter(application__in=apps).values_list("pk", flat=True))
    seen = []
    report = recompute.recompute_clocks(date(2026, 6, 11), date(2026, 6, 11), batch=2,
                                        on_batch=lambda kind, last: seen.append((kind, last)))
    assert [last for kind, last in seen if kind == "review"] == ids[1::2] + ([ids[-1]] if len(ids) % 2 else [])
    assert report.changed["review"] == len(ids) == 9
    # Continuing from the middle of the reviews (as a task cut short by its time limit does) finds them done.
    rest = recompute.recompute_clocks(date(2026, 6, 11), date(2026, 6, 11), start_kind="review", after_id=ids[4])
    assert rest.examined["review"] == 4 and rest.changed == {}


def test_withdrawing_a_year_recomputes_its_clocks_as_monday_to_friday(cat, admin, queue,
                                                                       django_capture_on_commit_callbacks):
    application = accepted_application(cat, items=cat.items, now=T(2026, 9, 28, 10))
    review = fee_review(application, cat)
    assert review.due_at == T(2026, 10, 9, 17, 30)  # 09-29, 09-30, 10-08, 10-09 (National Day off)
    with django_capture_on_commit_callbacks(execute=True):
        unpublish_year(2026, actor=admin)
    run_queued(queue)
    # Monday to Friday: 09-29, 09-30, 10-01, 10-02.
    assert reload(review).due_at == T(2026, 10, 2, 17, 30)
    assert review_clock(reload(review), now=T(2026, 9, 29, 10)).calendar_published is False
    assert AuditEntry.objects.filter(event="calendar.year_unpublished").count() == 1


def test_loading_a_schedule_recomputes_the_days_it_changes(cat, queue, django_capture_on_commit_callbacks):
    application = accepted_application(cat, items=cat.items, now=T(2026, 9, 28, 10))
    review = fee_review(application, cat)
    CalendarYear.objects.filter(year=2026).update(published=False)  # as if 2026 had not been loaded yet
    ClockRecompute.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        load_from_chinesecalendar(years=[2026])
    [request] = ClockRecompute.objects.all()
    # The first and last days of 2026 that differ from Monday to Friday: New Year's Day, the make-up Sat 10-10.
    assert (request.first, request.last) == (date(2026, 1, 1), date(2026, 10, 10))
    assert published(queue) == [(TASK, ("2026-01-01", "2026-10-10", request.pk))]
    with django_capture_on_commit_callbacks(execute=True):
        load_from_chinesecalendar(years=[2026])  # nothing changes: no second request
    assert ClockRecompute.objects.count() == 1
    run_queued(queue)
    assert reload(review).due_at == T(2026, 10, 9, 17, 30)  # was already computed on the loaded schedule


def test_a_lost_recompute_is_queued_again_by_the_sweep(cat, admin, queue):
    switch_day(date(2026, 6, 11), is_workday=False, note="临时调整", actor=admin, now=T(2026, 6, 9, 9))
    [request] = ClockRecompute.objects.all()
    assert published(queue) == []  # its on-commit publish never ran: as if the broker had been down
    sweep(now=T(2026, 6, 9, 9, 5))
    assert published(queue) == []  # not yet: it may still be on its way
    sweep(now=T(2026, 6, 9, 9, 11))
    assert published(queue) == [(TASK, ("2026-06-11", "2026-06-11", request.pk))]
    sweep(now=T(2026, 6, 9, 9, 12))
    assert len(published(queue)) == 1  # queued again only after another wait
    run_queued(queue)
    assert reload(request).done_at is not None
    sweep(now=T(2026, 6, 9, 10, 0))
    assert len(published(queue)) == 1


def test_switching_a_day_to_the_same_working_status_asks_for_no_recompute(cat, admin):
    switch_day(date(2026, 6, 11), is_workday=True, note="确认为工作日", actor=admin)  # only the note changes
    assert not ClockRecompute.objects.exists()
    with frozen(T(2026, 6, 9, 9)):
        switch_day(date(2026, 6, 13), is_workday=True, note="调休上班", actor=admin)  # a Saturday worked
    assert ClockRecompute.objects.get().first == date(2026, 6, 13)
