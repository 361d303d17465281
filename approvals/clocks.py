"""Clock arithmetic of reviews, stages and acceptance, on top of the working-day calendar. Pure: no ORM.

A clock of N working days started at `start` is a *budget of office time*: the office time from `start` to the
end of office hours of the Nth working day after it (Art. 82: the start day is not counted). Pauses (Art. 45)
do not consume the budget, so the due time is `start + budget + office time spent paused`. An open pause has
no due time: a paused clock never fires.

Yellow threshold: the warning window before the due time, the smaller of one working day and a quarter of the
budget (both configurable in settings: CLOCK_YELLOW_DAYS, CLOCK_YELLOW_FRACTION); the services store it as
`warn_at` next to `due_at`. The lights themselves are read from those stored columns: approvals/lights.py.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from approvals.calendar.workdays import WorkCalendar
from approvals.lights import Light  # noqa: F401  (the one definition of the lights; re-exported for callers)

ACCEPTANCE_DAYS = 5  # Art. 32: tell the applicant within 5 working days, or the application is deemed accepted
DELIVERY_DAYS = 10  # Art. 44: deliver the permit within 10 working days of the decision


@dataclass(frozen=True)
class Pause:
    start: datetime
    end: datetime | None


def budget(cal: WorkCalendar, start: datetime, days: int) -> timedelta:
    """The office time an N-working-day limit gives from `start`."""
    return cal.working_time_between(start, cal.add_working_days(start, days))


def paused_time(cal: WorkCalendar, start: datetime, pauses) -> timedelta:
    """Office time spent in (closed) pauses after `start`; overlapping pauses count once."""
    closed = [(p.start, p.end) for p in pauses if p.end is not None]
    if not closed:
        return timedelta(0)
    latest = max(end for _, end in closed)
    if latest <= start:
        return timedelta(0)
    return cal.working_time_between(start, latest) - cal.working_time_between(start, latest, closed)


def due_at(cal: WorkCalendar, start: datetime, days: int, pauses=()) -> datetime | None:
    """When an N-working-day clock started at `start` runs out, given its pauses; None while paused."""
    pauses = list(pauses)
    if any(p.end is None for p in pauses):
        return None
    extra = paused_time(cal, start, pauses)
    if not extra:
        return cal.add_working_days(start, days)
    return cal.add_working_hours(start, budget(cal, start, days) + extra)


def warning_window(cal: WorkCalendar, full_budget: timedelta, *, yellow_days: float = 1,
                   yellow_fraction: float = 0.25) -> timedelta:
    return min(cal.office_day * yellow_days, full_budget * yellow_fraction)


def warn_at(cal: WorkCalendar, start: datetime, days: int, due: datetime | None, *, yellow_days: float = 1,
            yellow_fraction: float = 0.25) -> datetime | None:
    """When the light of a clock turns yellow: the warning window before its due time, in office time."""
    if due is None:
        return None
    window = warning_window(cal, budget(cal, start, days), yellow_days=yellow_days,
                            yellow_fraction=yellow_fraction)
    return cal.subtract_working_hours(due, window)


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
