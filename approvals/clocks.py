"""Clock arithmetic of reviews, stages and acceptance, on top of the working-day calendar. Pure: no ORM.

A clock of N working days started at `start` is due at the end of office hours of the Nth working day after it
(Art. 82: the start day is not counted). Pauses (Art. 45) count in whole working days: a pause moves the due
date by the working days after the day the clock stopped up to and including the day it resumed (stopped and
resumed the same day: nothing moves; stopped Tuesday, resumed Thursday: two). A due time therefore always stays
at the end of office hours. An open pause has no due time: a paused clock never fires.

Yellow threshold: the warning window before the due time, the smaller of one working day and a quarter of the
budget (both configurable in settings: CLOCK_YELLOW_DAYS, CLOCK_YELLOW_FRACTION); the services store it as
`warn_at` next to `due_at`. The lights themselves are read from those stored columns: approvals/lights.py.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from approvals.calendar.workdays import WorkCalendar
from approvals.lights import Light  # noqa: F401  (the one definition of the lights; re-exported for callers)

ACCEPTANCE_DAYS = 5  # Art. 32: tell the applicant within 5 working days, or the application is deemed accepted
DELIVERY_DAYS = 10  # Art. 44: deliver the permit within 10 working days of the decision (stopped while the fee
#                    is awaited: `delivery_due_at`)


@dataclass(frozen=True)
class Pause:
    start: datetime
    end: datetime | None


def budget(cal: WorkCalendar, start: datetime, days: int) -> timedelta:
    """The office time an N-working-day limit gives from `start`."""
    return cal.working_time_between(start, cal.add_working_days(start, days))


def paused_days(cal: WorkCalendar, start: datetime, pauses) -> int:
    """Whole working days a clock started at `start` was stopped by its closed pauses (Art. 45).

    A pause counts the working days after the day it stopped up to and including the day it resumed; days
    before the clock's start do not count, and a day covered by several pauses (the reviews of one stage)
    counts once. Open pauses are not counted: a paused clock has no due time.
    """
    first = cal.local_date(start)
    spans = sorted(
        (max(cal.local_date(p.start), first), cal.local_date(p.end)) for p in pauses if p.end is not None
    )
    total, current = 0, None
    for stopped, resumed in spans:
        if resumed <= stopped:
            continue
        if current is not None and stopped <= current[1]:  # (a, b] and (c, d] with c <= b: one span
            current = (current[0], max(current[1], resumed))
            continue
        if current is not None:
            total += cal.working_days_between(*current)
        current = (stopped, resumed)
    if current is not None:
        total += cal.working_days_between(*current)
    return total


def due_at(cal: WorkCalendar, start: datetime, days: int, pauses=()) -> datetime | None:
    """When an N-working-day clock started at `start` runs out, given its pauses; None while paused.

    The end of office hours of the Nth working day after `start`, moved on by the paused working days."""
    pauses = list(pauses)
    if any(p.end is None for p in pauses):
        return None
    due = cal.add_working_days(start, days)
    extra = paused_days(cal, start, pauses)
    return cal.add_working_days(due, extra) if extra else due


def delivery_due_at(cal: WorkCalendar, decided_at: datetime, *, fee_issued_at: datetime | None = None,
                    fee_paid_at: datetime | None = None) -> datetime | None:
    """The certificate delivery clock (Art. 44: 10 working days from the decision); None while it waits for the fee.

    Results are handed over only once the fees are paid (docs/fees.md), and the time the applicant takes to pay
    is not the agency's: like a supplement the applicant owes, it stops the clock, from the payment notice to the
    payment, counted in whole working days as every pause (a fee paid the day the notice was issued moves
    nothing). `fee_issued_at` / `fee_paid_at`: the payment notice's, if the decision charged a fee."""
    pauses = [] if fee_issued_at is None else [Pause(fee_issued_at, fee_paid_at)]
    return due_at(cal, decided_at, DELIVERY_DAYS, pauses)


def on_published_calendar(cal: WorkCalendar, start: datetime | None, *dues) -> bool:
    """Whether every year from `start` to the latest of `dues` has a published holiday schedule (otherwise the
    due time counts Monday to Friday there and is recomputed when the year is published)."""
    dues = [d for d in dues if d is not None]
    if not dues:
        return True
    first = cal.local_date(start).year if start is not None else min(cal.local_date(d).year for d in dues)
    last = max(cal.local_date(d).year for d in dues)
    return all(cal.is_published(year) for year in range(first, last + 1))


def warning_window(cal: WorkCalendar, full_budget: timedelta, *, yellow_days: float = 1,
                   yellow_fraction: float = 0.25) -> timedelta:
    return min(cal.office_day * yellow_days, full_budget * yellow_fraction)


def warn_at(cal: WorkCalendar, start: datetime, days: int, due: datetime | None, *, yellow_days: float = 1,
            yellow_fraction: float = 0.25) -> datetime | None:
    """When the light of a clock turns yellow: the warning window before its due time, in office time."""
    if due is None:
        return None
    return warn_before(cal, due, budget(cal, start, days), yellow_days=yellow_days, yellow_fraction=yellow_fraction)


def warn_before(cal: WorkCalendar, due: datetime, full_budget: timedelta, *, yellow_days: float = 1,
                yellow_fraction: float = 0.25) -> datetime:
    """The yellow threshold of a clock due at `due` with `full_budget` of office time (days or hours): the warning
    window before it, to the minute (a quarter of a budget that began at 10:00:37.12 has seconds): rounded down,
    never later. Every clock's `warn_at` comes from here."""
    window = warning_window(cal, full_budget, yellow_days=yellow_days, yellow_fraction=yellow_fraction)
    return to_minute(cal.subtract_working_hours(due, window))


def to_minute(moment: datetime, *, up: bool = False) -> datetime:
    """`moment` to the whole minute people are shown: down (a warning never later), or up (a due time never
    earlier than its limit)."""
    down = moment.replace(second=0, microsecond=0)
    return down + timedelta(minutes=1) if up and down != moment else down


def hours_due_at(cal: WorkCalendar, start: datetime, hours: float) -> datetime:
    """When an hour limit (the 222 rule's 2 working hours) started at `start` runs out: that much office time
    later, on the working calendar, rounded up to the whole minute, so that it is stored, compared and shown in
    the same unit as every other due time (a day clock is due at the end of office hours, 17:30:00)."""
    return to_minute(cal.add_working_hours(start, timedelta(hours=hours)), up=True)


def remaining(cal: WorkCalendar, now: datetime, due: datetime) -> timedelta:
    """Office time left until `due` (negative once it has passed)."""
    return cal.working_time_between(now, due)


def split_office_time(cal: WorkCalendar, amount: timedelta) -> tuple[int, int, int]:
    """(working days, hours, minutes) of an office-time amount, for display; uses the absolute value."""
    seconds = int(abs(amount).total_seconds())
    day = int(cal.office_day.total_seconds())
    days, rest = divmod(seconds, day)
    hours, rest = divmod(rest, 3600)
    return days, hours, rest // 60
