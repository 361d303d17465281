"""Review clocks across the 2026 National Day and Spring Festival, with pauses and the one extension.

Every expected due date below is computed by hand from the State Council's 2026 schedule (国办发明电〔2025〕
7号) and written out day by day in the comments:

* Spring Festival: Sun 02-15 .. Mon 02-23 off; Sat 02-14 and Sat 02-28 are make-up working days.
* Mid-Autumn Festival: Fri 09-25 .. Sun 09-27 off.
* National Day: Thu 10-01 .. Wed 10-07 off; Sun 09-20 and Sat 10-10 are make-up working days.
* Dragon Boat Festival: Fri 06-19 .. Sun 06-21 off.

Office hours 09:00-12:00 and 13:30-17:30 (7 h a day); a limit of N working days starts counting the day after
the start and is due at 17:30 of the Nth working day (Art. 82); N = 0 is due at 17:30 of the start day, or of
the next working day when the start day is a day off.
"""

from datetime import timedelta

import pytest

from approvals import clocks
from approvals.calendar.loading import get_calendar
from approvals.models import ReviewStatus
from approvals.services import acceptance, reviews
from approvals.services.progress import review_clock
from tests.factories.applications import accepted_application, frozen, reload, shanghai, submitted_application

pytestmark = pytest.mark.django_db
R = ReviewStatus
T = shanghai


@pytest.mark.parametrize(("start", "days", "due"), [
    # --- National Day 2026 ---
    # Fri 09-18 -> Sun 09-20 is a make-up working day (1), Mon 09-21 (2).
    (T(2026, 9, 18, 10), 1, T(2026, 9, 20, 17, 30)),
    (T(2026, 9, 18, 10), 2, T(2026, 9, 21, 17, 30)),
    # Wed 09-23 -> Thu 09-24 (1); Fri 09-25..Sun 09-27 Mid-Autumn; Mon 09-28 (2).
    (T(2026, 9, 23, 10), 2, T(2026, 9, 28, 17, 30)),
    # Mon 09-28 -> 09-29 (1), 09-30 (2), 10-08 (3), 10-09 (4), Sat 10-10 (5), Mon 10-12 (6).
    (T(2026, 9, 28, 10), 3, T(2026, 10, 8, 17, 30)),
    (T(2026, 9, 28, 10), 4, T(2026, 10, 9, 17, 30)),
    (T(2026, 9, 28, 10), 5, T(2026, 10, 10, 17, 30)),
    (T(2026, 9, 28, 10), 6, T(2026, 10, 12, 17, 30)),
    # ... 10-13 (7) .. 10-16 (10), 10-19 (11) .. 10-23 (15), 10-26 (16) .. Fri 10-30 (20).
    (T(2026, 9, 28, 10), 20, T(2026, 10, 30, 17, 30)),
    # Wed 09-30 late afternoon -> 10-08 (1), 10-09 (2), 10-10 (3), 10-12 (4), 10-13 (5).
    (T(2026, 9, 30, 17, 0), 5, T(2026, 10, 13, 17, 30)),
    # Started on a holiday (Sat 10-03): the first working day after it is 10-08.
    (T(2026, 10, 3, 10), 1, T(2026, 10, 8, 17, 30)),
    (T(2026, 10, 3, 10), 0, T(2026, 10, 8, 17, 30)),
    # Started on the make-up Saturday 10-10: Mon 10-12 (1); an immediate item is due that Saturday.
    (T(2026, 10, 10, 10), 1, T(2026, 10, 12, 17, 30)),
    (T(2026, 10, 10, 10), 0, T(2026, 10, 10, 17, 30)),
    # --- Spring Festival 2026 ---
    # Fri 02-13 -> Sat 02-14 make-up (1), Tue 02-24 (2), 02-25 (3), 02-26 (4), 02-27 (5), Sat 02-28 (6), Mon 03-02 (7).
    (T(2026, 2, 13, 10), 1, T(2026, 2, 14, 17, 30)),
    (T(2026, 2, 13, 10), 2, T(2026, 2, 24, 17, 30)),
    (T(2026, 2, 13, 10), 4, T(2026, 2, 26, 17, 30)),
    (T(2026, 2, 13, 10), 6, T(2026, 2, 28, 17, 30)),
    (T(2026, 2, 13, 10), 7, T(2026, 3, 2, 17, 30)),
    # Started on the make-up Saturday 02-14 -> Tue 02-24 (1).
    (T(2026, 2, 14, 15), 1, T(2026, 2, 24, 17, 30)),
    # Started inside the holiday (Wed 02-18): 02-24 (1); on the day: 02-24 too.
    (T(2026, 2, 18, 10), 1, T(2026, 2, 24, 17, 30)),
    (T(2026, 2, 18, 10), 0, T(2026, 2, 24, 17, 30)),
    # Started after office hours on a working day still counts from the next day: Thu 02-12 20:00 ->
    # 02-13 (1), 02-14 (2), 02-24 (3).
    (T(2026, 2, 12, 20), 3, T(2026, 2, 24, 17, 30)),
])
def test_due_dates_by_hand(calendar_2026, start, days, due):
    cal = get_calendar()
    assert clocks.due_at(cal, start, days) == due


# --- clocks started by the services ----------------------------------------------------------------------------
def reviews_by_code(application):
    return {r.item.code: r for r in application.reviews.select_related("item")}


def test_accepted_before_national_day(cat):
    application = accepted_application(cat, items=cat.items, now=T(2026, 9, 28, 10))  # not joint
    due = {code: (r.due_at, r.legal_due_at) for code, r in reviews_by_code(application).items()}
    assert due == {
        "T-GREEN": (T(2026, 10, 9, 17, 30), T(2026, 10, 30, 17, 30)),  # 4 / 20 working days
        "T-HEALTH": (T(2026, 10, 8, 17, 30), T(2026, 10, 30, 17, 30)),  # 3 / 20
        "T-SIGN": (T(2026, 9, 28, 17, 30), T(2026, 10, 30, 17, 30)),  # immediate: the same day
    }
    assert application.stages.get().due_at == T(2026, 10, 9, 17, 30)  # the longest item: 4


def test_accepted_before_spring_festival(cat):
    application = accepted_application(cat, now=T(2026, 2, 13, 10))
    due = {code: r.due_at for code, r in reviews_by_code(application).items()}
    assert due == {"T-GREEN": T(2026, 2, 26, 17, 30), "T-HEALTH": T(2026, 2, 25, 17, 30),
                   "T-SIGN": T(2026, 2, 13, 17, 30)}
    assert application.stages.get().due_at == T(2026, 2, 27, 17, 30)  # package stage limit 5


def test_accepted_on_the_make_up_saturday(cat):
    application = accepted_application(cat, now=T(2026, 2, 28, 10))
    due = {code: r.due_at for code, r in reviews_by_code(application).items()}
    # Sat 02-28 -> 03-02 (1), 03-03 (2), 03-04 (3), 03-05 (4).
    assert due == {"T-GREEN": T(2026, 3, 5, 17, 30), "T-HEALTH": T(2026, 3, 4, 17, 30),
                   "T-SIGN": T(2026, 2, 28, 17, 30)}


def test_deemed_acceptance_clock_starts_at_receipt(cat):
    application = submitted_application(cat, now=T(2026, 9, 30, 11))
    acceptance.accept(application, actor=None, deemed=True, now=T(2026, 10, 14, 9))
    # Received Wed 09-30: the 4-day item is due 10-08 (1), 10-09 (2), 10-10 (3), 10-12 (4).
    assert reviews_by_code(reload(application))["T-GREEN"].due_at == T(2026, 10, 12, 17, 30)


# --- pauses and the extension ---------------------------------------------------------------------------------
def fee_review(application):
    return reviews_by_code(application)["T-GREEN"]


def test_pause_and_resume_move_the_due_time_by_the_paused_working_days(cat):
    application = accepted_application(cat, items=cat.items, now=T(2026, 6, 1, 10))
    review = fee_review(application)
    staff = cat.staff_of(review.department)
    assert review.due_at == T(2026, 6, 5, 17, 30)  # 06-02 (1) .. 06-05 (4)

    reviews.suspend(review, actor=staff, kind="testing", reason="送检", expected_days=2, now=T(2026, 6, 2, 10))
    assert reload(review).due_at is None
    reviews.resume(review, actor=staff, now=T(2026, 6, 4, 10))

    # Stopped Tue 06-02, resumed Thu 06-04: two working days (Wed, Thu): Fri 06-05 -> Tue 06-09.
    review = reload(review)
    assert review.due_at == T(2026, 6, 9, 17, 30)
    # The legal clock moves alike: 20 working days -> Tue 06-30, + 2 -> Thu 07-02.
    assert review.legal_due_at == T(2026, 7, 2, 17, 30)


def test_a_pause_over_national_day_counts_only_working_days(cat):
    application = accepted_application(cat, items=cat.items, now=T(2026, 9, 28, 10))
    review = fee_review(application)  # 09-29 (1), 09-30 (2), 10-08 (3), 10-09 (4): due Fri 10-09
    staff = cat.staff_of(review.department)
    reviews.suspend(review, actor=staff, kind="expert_review", reason="专家评审", expected_days=3,
                    now=T(2026, 9, 29, 10))
    reviews.resume(review, actor=staff, now=T(2026, 10, 8, 10))
    # Stopped Tue 09-29, resumed Thu 10-08: working days after 09-29 up to 10-08 are 09-30 and 10-08 (10-01 ..
    # 10-07 is the holiday): two. Due Fri 10-09 -> Sat 10-10 (make-up working day), Mon 10-12.
    assert reload(review).due_at == T(2026, 10, 12, 17, 30)


def test_a_pause_over_the_spring_festival_counts_only_working_days(cat):
    application = accepted_application(cat, items=cat.items, now=T(2026, 2, 9, 10))  # Mon
    review = fee_review(application)  # 02-10 (1), 02-11 (2), 02-12 (3), 02-13 (4): due Fri 02-13
    # Legal 20: 02-10 .. 02-13 (4), Sat 02-14 (5), 02-24 .. 02-27 (9), Sat 02-28 (10), 03-02 .. 03-06 (15),
    # 03-09 .. Fri 03-13 (20).
    assert (review.due_at, review.legal_due_at) == (T(2026, 2, 13, 17, 30), T(2026, 3, 13, 17, 30))
    staff = cat.staff_of(review.department)
    reviews.suspend(review, actor=staff, kind="hearing", reason="听证", expected_days=3, now=T(2026, 2, 12, 16))
    reviews.resume(review, actor=staff, now=T(2026, 2, 25, 9, 5))
    # Stopped Thu 02-12, resumed Wed 02-25: Fri 02-13, Sat 02-14 (make-up), (02-15 .. 02-23 off), Tue 02-24,
    # Wed 02-25: four working days. Due Fri 02-13 -> Sat 02-14, Tue 02-24, Wed 02-25, Thu 02-26.
    # Legal: Fri 03-13, four more: 03-16, 03-17, 03-18, Thu 03-19.
    review = reload(review)
    assert (review.due_at, review.legal_due_at) == (T(2026, 2, 26, 17, 30), T(2026, 3, 19, 17, 30))


def test_a_pause_within_one_day_moves_nothing(cat):
    application = accepted_application(cat, items=cat.items, now=T(2026, 6, 1, 10))
    review = fee_review(application)
    staff = cat.staff_of(review.department)
    reviews.suspend(review, actor=staff, kind="inspection", reason="现场勘验", expected_days=1,
                    now=T(2026, 6, 2, 10))
    reviews.resume(review, actor=staff, now=T(2026, 6, 2, 15))
    # Stopped and resumed on Tue 06-02: no working day passed, the due time stays Fri 06-05 17:30.
    review = reload(review)
    assert (review.due_at, review.legal_due_at) == (T(2026, 6, 5, 17, 30), T(2026, 6, 30, 17, 30))


def test_a_pause_of_a_few_seconds_leaves_the_due_time_at_the_end_of_office_hours(cat):
    application = accepted_application(cat, items=cat.items, now=T(2026, 6, 1, 10))
    review = fee_review(application)
    staff = cat.staff_of(review.department)
    stopped = T(2026, 6, 5, 17, 29, 55, 940213)  # Fri, seconds before the due time
    reviews.suspend(review, actor=staff, kind="testing", reason="送检", expected_days=1, now=stopped)
    reviews.resume(review, actor=staff, now=stopped + timedelta(seconds=4, microseconds=119574))
    review = reload(review)
    assert review.due_at == T(2026, 6, 5, 17, 30)
    for moment in (review.due_at, review.legal_due_at, review.warn_at, review.next_check_at):
        assert (moment.second, moment.microsecond) == (0, 0)


def test_every_stored_clock_time_is_to_the_minute(cat):
    # Accepted at a time with seconds: the yellow threshold is a fraction of an office-time budget that
    # starts then, so it would carry seconds and microseconds too.
    application = accepted_application(cat, items=cat.items, now=T(2026, 6, 1, 10, 0, 37, 123456))
    times = [t for r in application.reviews.all() for t in (r.due_at, r.legal_due_at, r.warn_at, r.next_check_at)]
    stage = application.stages.get()
    times += [stage.due_at, stage.warn_at, stage.next_check_at]
    assert len(times) == 15 and None not in times
    assert [t for t in times if (t.second, t.microsecond) != (0, 0)] == []


def test_a_pause_across_a_weekend_counts_the_working_days_after_the_stop_day(cat):
    application = accepted_application(cat, items=cat.items, now=T(2026, 6, 1, 10))
    review = fee_review(application)  # due Fri 06-05
    staff = cat.staff_of(review.department)
    reviews.suspend(review, actor=staff, kind="testing", reason="送检", expected_days=1, now=T(2026, 6, 5, 16))
    reviews.resume(review, actor=staff, now=T(2026, 6, 8, 9, 30))
    # Stopped Fri 06-05, resumed Mon 06-08: one working day (Mon). Due Fri 06-05 -> Mon 06-08 17:30.
    assert reload(review).due_at == T(2026, 6, 8, 17, 30)


def test_two_pauses_add_up(cat):
    application = accepted_application(cat, items=cat.items, now=T(2026, 6, 1, 10))
    review = fee_review(application)  # due Fri 06-05
    staff = cat.staff_of(review.department)
    reviews.suspend(review, actor=staff, kind="testing", reason="送检", expected_days=1, now=T(2026, 6, 2, 10))
    reviews.resume(review, actor=staff, now=T(2026, 6, 3, 10))  # Wed: 1
    reviews.suspend(review, actor=staff, kind="hearing", reason="听证", expected_days=1, now=T(2026, 6, 3, 16))
    reviews.resume(review, actor=staff, now=T(2026, 6, 4, 9))  # Thu: 1
    # Two working days in all: Fri 06-05 -> Mon 06-08, Tue 06-09.
    assert reload(review).due_at == T(2026, 6, 9, 17, 30)


@pytest.mark.parametrize(("pauses", "days"), [
    ([], 0),
    ([(T(2026, 6, 2, 10), T(2026, 6, 2, 15))], 0),  # the same day
    ([(T(2026, 6, 2, 10), T(2026, 6, 4, 9))], 2),  # Tue -> Thu
    ([(T(2026, 6, 2, 10), None)], 0),  # still open: not counted (the clock has no due time)
    ([(T(2026, 9, 30, 17), T(2026, 10, 8, 9))], 1),  # over National Day: only 10-08
    ([(T(2026, 9, 30, 17), T(2026, 10, 10, 9))], 3),  # 10-08, 10-09 and the make-up Saturday 10-10
    ([(T(2026, 2, 13, 10), T(2026, 2, 24, 10))], 2),  # Spring Festival: Sat 02-14 (make-up), Tue 02-24
    # Overlapping pauses (of several reviews of a stage) count each day once: Wed, Thu, Fri.
    ([(T(2026, 6, 2, 10), T(2026, 6, 4, 9)), (T(2026, 6, 3, 10), T(2026, 6, 5, 9))], 3),
    # Before the clock started: nothing; reaching over the start: only the days after it.
    ([(T(2026, 5, 25, 10), T(2026, 5, 28, 10))], 0),
    ([(T(2026, 5, 28, 10), T(2026, 6, 3, 10))], 2),
])
def test_paused_working_days(calendar_2026, pauses, days):
    cal = get_calendar()
    start = T(2026, 6, 1, 10) if pauses and pauses[0][0].month in (5, 6) else T(2026, 1, 5, 10)
    assert clocks.paused_days(cal, start, [clocks.Pause(s, e) for s, e in pauses]) == days


def test_the_extension_adds_working_days(cat):
    application = accepted_application(cat, items=cat.items, now=T(2026, 6, 1, 10))
    review = fee_review(application)
    reviews.extend(review, actor=cat.leader, days=10, reason="情况复杂", now=T(2026, 6, 3, 10))
    # 4 + 10 = 14 working days from Mon 06-01: 06-02..05 (4), 06-08..12 (9), 06-15..18 (13), Fri 06-19 is the
    # Dragon Boat Festival, Mon 06-22 (14).
    review = reload(review)
    assert review.due_at == T(2026, 6, 22, 17, 30)
    # Legal: 20 + 10 = 30: 06-30 was the 20th, 07-01 .. 07-03 (23), 07-06 .. 07-10 (28), 07-13 (29), 07-14 (30).
    assert review.legal_due_at == T(2026, 7, 14, 17, 30)


def test_pause_and_extension_combined_over_national_day(cat):
    application = accepted_application(cat, items=cat.items, now=T(2026, 9, 28, 10))
    review = fee_review(application)
    staff = cat.staff_of(review.department)
    reviews.suspend(review, actor=staff, kind="hearing", reason="听证", expected_days=2, now=T(2026, 9, 29, 10))
    # Extended while paused: still paused, no due time until resumed.
    reviews.extend(review, actor=cat.leader, days=3, reason="听证后需补充审查", now=T(2026, 9, 30, 10))
    review = reload(review)
    assert (review.status, review.due_at, review.extension_days) == (R.SUSPENDED, None, 3)
    reviews.resume(review, actor=staff, now=T(2026, 10, 8, 10))
    # 4 + 3 = 7 working days from 09-28: 09-29, 09-30, 10-08, 10-09, 10-10, 10-12, 10-13 (7); plus the 14 paused
    # office hours (two working days): 10-14, Thu 10-15.
    review = reload(review)
    assert (review.status, review.due_at) == (R.UNDER_REVIEW, T(2026, 10, 15, 17, 30))


def test_extension_after_a_pause_keeps_the_paused_time(cat):
    application = accepted_application(cat, items=cat.items, now=T(2026, 9, 28, 10))
    review = fee_review(application)
    staff = cat.staff_of(review.department)
    reviews.suspend(review, actor=staff, kind="hearing", reason="听证", expected_days=2, now=T(2026, 9, 29, 10))
    reviews.resume(review, actor=staff, now=T(2026, 10, 8, 10))
    assert reload(review).due_at == T(2026, 10, 12, 17, 30)
    reviews.extend(review, actor=cat.leader, days=3, reason="需补充审查", now=T(2026, 10, 9, 10))
    # The same budget as above, in the other order: Thu 10-15.
    assert reload(review).due_at == T(2026, 10, 15, 17, 30)


# --- lights ------------------------------------------------------------------------------------------------------
def test_the_light_goes_green_yellow_red(cat):
    application = accepted_application(cat, items=cat.items, now=T(2026, 6, 1, 10))
    review = fee_review(application)  # due Fri 06-05 17:30; warning window: one working day
    assert review_clock(review, now=T(2026, 6, 2, 10)).light == clocks.Light.GREEN
    assert review_clock(review, now=T(2026, 6, 4, 17, 0)).light == clocks.Light.GREEN
    assert review_clock(review, now=T(2026, 6, 5, 9, 0)).light == clocks.Light.YELLOW
    red = review_clock(review, now=T(2026, 6, 8, 10, 0))
    assert red.light == clocks.Light.RED
    assert red.remaining == -timedelta(hours=1)
    view = review_clock(review, now=T(2026, 6, 2, 10))
    assert view.remaining == timedelta(hours=6 + 3 * 7)  # 06-02 10:00 .. 06-05 17:30: 6 + 7 + 7 + 7 h
    with frozen(T(2026, 6, 2, 10)):
        reviews.suspend(review, actor=cat.staff_of(review.department), kind="testing", reason="送检",
                        expected_days=1)
    assert review_clock(reload(review), now=T(2026, 6, 9, 10)).light == clocks.Light.PAUSED
