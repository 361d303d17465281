"""Working-day and office-hour arithmetic on an in-memory calendar. Pure: no ORM, no settings, no clock.

`WorkCalendar` is an immutable value object built from

* the years whose official holiday schedule is published,
* the days of those years that differ from Monday-Friday (holidays on weekdays, make-up working days on
  weekends: 调休上班),
* the office hours of a working day (e.g. 09:00-12:00 and 13:30-17:30),
* a time zone (Asia/Shanghai).

Years that are not published fall back to Monday-Friday; callers flag that with `is_published(year)`.

Everything is precomputed once for a fixed range of dates (2000-01-01 .. 2100-12-31 by default):

* a byte per day (working day or not) answers `is_workday` in O(1);
* a sorted array of the ordinals of all working days turns "the Nth working day after X" and "working days
  between X and Y" into a bisect (O(log n));
* a cumulative office-time function W(t), "office microseconds from the start of the range to t", makes
  "office time between a and b" W(b) - W(a), and "add H office hours" the inverse of W. Both are O(log n).

So a due date costs microseconds, whatever the limit. Inputs outside the range raise ValueError.

Rules (see docs/deadline-rules.md):

* A limit of N working days starts counting on the day *after* the start (行政许可法 Art. 82:
  "自受理之次日起计算") and is due at the end of office hours of the Nth working day.
* N = 0 means "on the day": due at the end of office hours of the start day if it is a working day,
  otherwise of the next working day (an on-the-spot item received on a rest day is handled on the next
  working day).
* Datetimes must be aware; they are converted to the calendar's time zone. Naive datetimes raise ValueError.
* Office-time arithmetic uses local wall-clock time. Asia/Shanghai has no daylight saving time; in a zone that
  has it, office periods must not contain a transition (they never do: transitions happen at night).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_OFFICE_HOURS",
    "FIRST_DATE",
    "LAST_DATE",
    "DayKind",
    "WorkCalendar",
    "parse_office_hours",
]

FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2100, 12, 31)
DEFAULT_OFFICE_HOURS = "09:00-12:00,13:30-17:30"

_US_PER_SECOND = 1_000_000
_US_PER_MINUTE = 60 * _US_PER_SECOND
_US_PER_HOUR = 60 * _US_PER_MINUTE
_ONE_US = timedelta(microseconds=1)
_PERIOD_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class DayKind:
    """What a day is, for display. Plain string constants (the pure module does not import Django)."""

    WORKDAY = "workday"                # Monday-Friday working day
    REST_DAY = "rest_day"              # ordinary weekend
    HOLIDAY = "holiday"                # a weekday off (statutory holiday or 调休 rest day)
    MAKEUP_WORKDAY = "makeup_workday"  # a weekend day worked (调休上班)


def _is_weekday(d: date) -> bool:
    return d.weekday() < 5


def parse_office_hours(spec) -> tuple[tuple[time, time], ...]:
    """Parse "09:00-12:00,13:30-17:30" into sorted (start, end) pairs.

    Also accepts an iterable of (time, time) pairs. Raises ValueError on garbage, empty input, a period that
    does not end after it starts, or overlapping periods (touching periods are allowed).
    """
    if isinstance(spec, str):
        if not spec.strip():
            raise ValueError("Office hours are empty.")
        periods = []
        for part in spec.split(","):
            match = _PERIOD_RE.match(part)
            if not match:
                raise ValueError(f"Office hours period {part.strip()!r} is not of the form HH:MM-HH:MM.")
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            if not (0 <= h1 <= 23 and 0 <= h2 <= 23 and 0 <= m1 <= 59 and 0 <= m2 <= 59):
                raise ValueError(f"Office hours period {part.strip()!r} is not a valid time of day.")
            periods.append((time(h1, m1), time(h2, m2)))
    else:
        try:
            periods = [(start, end) for start, end in spec]
        except (TypeError, ValueError) as exc:
            raise ValueError("Office hours must be a string or (start, end) pairs.") from exc
        if not periods:
            raise ValueError("Office hours are empty.")
        for start, end in periods:
            if not isinstance(start, time) or not isinstance(end, time) or start.tzinfo or end.tzinfo:
                raise ValueError("Office hours periods must be pairs of naive datetime.time values.")
    periods.sort()
    previous_end = None
    for start, end in periods:
        if end <= start:
            raise ValueError(f"Office hours period {start:%H:%M}-{end:%H:%M} does not end after it starts.")
        if previous_end is not None and start < previous_end:
            raise ValueError(f"Office hours periods overlap at {start:%H:%M}.")
        previous_end = end
    return tuple(periods)


def _utc(dt: datetime) -> datetime:
    return dt.astimezone(timezone.utc)


def _time_to_us(t: time) -> int:
    return t.hour * _US_PER_HOUR + t.minute * _US_PER_MINUTE + t.second * _US_PER_SECOND + t.microsecond


def _us_to_time(us: int) -> time:
    hours, rest = divmod(us, _US_PER_HOUR)
    minutes, rest = divmod(rest, _US_PER_MINUTE)
    seconds, micro = divmod(rest, _US_PER_SECOND)
    return time(hours, minutes, seconds, micro)


def _duration_us(amount) -> int:
    """A timedelta, or a number of hours, as whole microseconds."""
    if isinstance(amount, timedelta):
        return amount // _ONE_US
    if isinstance(amount, bool) or not isinstance(amount, (int, float)):
        raise ValueError("A duration must be a timedelta or a number of hours.")
    if amount != amount or amount in (float("inf"), float("-inf")):
        raise ValueError("A duration must be finite.")
    return round(amount * _US_PER_HOUR)


class WorkCalendar:
    """Immutable working-day calendar. See the module docstring for the rules."""

    __slots__ = (
        "_base", "_first", "_last", "_flags", "_workdays", "_periods", "_period_times", "_day_us",
        "_published", "_overrides", "_tz", "_key",
    )

    def __init__(
        self,
        *,
        published_years: Iterable[int] = (),
        overrides: Mapping[date, bool] | None = None,
        office_hours=DEFAULT_OFFICE_HOURS,
        tz: tzinfo | str = "Asia/Shanghai",
        first: date = FIRST_DATE,
        last: date = LAST_DATE,
    ):
        if last < first:
            raise ValueError("The calendar's last date is before its first date.")
        self._first, self._last = first, last
        self._base = first.toordinal()
        self._tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        if not isinstance(self._tz, tzinfo):
            raise ValueError("tz must be a tzinfo or a time zone name.")
        self._published = frozenset(int(y) for y in published_years)

        self._period_times = parse_office_hours(office_hours)
        self._periods = tuple((_time_to_us(s), _time_to_us(e)) for s, e in self._period_times)
        self._day_us = sum(e - s for s, e in self._periods)

        # Keep only overrides that really differ from Monday-Friday, and only for published years.
        normalised = {}
        for d, is_workday in (overrides or {}).items():
            if isinstance(d, datetime) or not isinstance(d, date):
                raise ValueError(f"Override key {d!r} is not a date.")
            if not first <= d <= last:
                raise ValueError(f"Override {d} is outside the calendar range {first}..{last}.")
            if d.year not in self._published:
                raise ValueError(f"Override {d} belongs to {d.year}, whose schedule is not published.")
            if bool(is_workday) != _is_weekday(d):
                normalised[d] = bool(is_workday)
        self._overrides = normalised

        n_days = last.toordinal() - self._base + 1
        flags = bytearray(n_days)
        # date.weekday() == (ordinal + 6) % 7; Monday is 0.
        for offset in range(n_days):
            if (self._base + offset + 6) % 7 < 5:
                flags[offset] = 1
        for d, is_workday in normalised.items():
            flags[d.toordinal() - self._base] = 1 if is_workday else 0
        self._flags = bytes(flags)
        self._workdays = array("l", (self._base + i for i, f in enumerate(self._flags) if f))
        self._key = (
            self._published, frozenset(normalised.items()), self._periods, str(self._tz), first, last,
        )

    # --- value object ---------------------------------------------------------------------------------
    def __eq__(self, other):
        if not isinstance(other, WorkCalendar):
            return NotImplemented
        return self._key == other._key

    def __hash__(self):
        return hash(self._key)

    def __repr__(self):
        years = sorted(self._published)
        span = f"{years[0]}..{years[-1]}" if years else "none"
        return f"<WorkCalendar published={span} overrides={len(self._overrides)} tz={self._tz}>"

    @property
    def tz(self) -> tzinfo:
        return self._tz

    @property
    def first(self) -> date:
        return self._first

    @property
    def last(self) -> date:
        return self._last

    @property
    def published_years(self) -> frozenset[int]:
        return self._published

    @property
    def overrides(self) -> dict[date, bool]:
        """The days that differ from Monday-Friday (a copy)."""
        return dict(self._overrides)

    @property
    def office_hours(self) -> tuple[tuple[time, time], ...]:
        return self._period_times

    @property
    def office_day(self) -> timedelta:
        """Office time in one working day (7 hours for 09:00-12:00,13:30-17:30)."""
        return timedelta(microseconds=self._day_us)

    # --- conversions ----------------------------------------------------------------------------------
    def _ordinal(self, d: date) -> int:
        if isinstance(d, datetime):
            d = self._local(d).date()
        elif not isinstance(d, date):
            raise ValueError(f"{d!r} is not a date.")
        ordinal = d.toordinal()
        if not self._base <= ordinal <= self._base + len(self._flags) - 1:
            raise ValueError(f"{d} is outside the calendar range {self._first}..{self._last}.")
        return ordinal

    def _local(self, dt: datetime) -> datetime:
        if not isinstance(dt, datetime):
            raise ValueError(f"{dt!r} is not a datetime.")
        if dt.tzinfo is None or dt.utcoffset() is None:
            raise ValueError("Naive datetimes are not accepted: give a time zone.")
        return dt.astimezone(self._tz)

    def local_date(self, value) -> date:
        """The calendar date of `value` (a date, or an aware datetime converted to the calendar's zone)."""
        return date.fromordinal(self._ordinal(value))

    def _end_of_day(self, ordinal: int) -> datetime:
        return datetime.combine(date.fromordinal(ordinal), self._period_times[-1][1], tzinfo=self._tz)

    def _workday_at(self, index: int) -> int:
        if index >= len(self._workdays):
            raise ValueError(f"The result is after the calendar's last date {self._last}.")
        return self._workdays[index]

    # --- days -----------------------------------------------------------------------------------------
    def is_published(self, year: int) -> bool:
        """Whether the official schedule of `year` is loaded (otherwise days fall back to Monday-Friday)."""
        return year in self._published

    def is_workday(self, d) -> bool:
        return bool(self._flags[self._ordinal(d) - self._base])

    def day_kind(self, d) -> str:
        """One of the DayKind constants: workday, rest day, holiday (weekday off), make-up workday."""
        d = self.local_date(d)
        workday = self.is_workday(d)
        if _is_weekday(d):
            return DayKind.WORKDAY if workday else DayKind.HOLIDAY
        return DayKind.MAKEUP_WORKDAY if workday else DayKind.REST_DAY

    def next_workday(self, d, *, inclusive: bool = False) -> date:
        """The first working day after `d` (or on `d` when `inclusive` and `d` is a working day)."""
        ordinal = self._ordinal(d)
        index = bisect_left(self._workdays, ordinal) if inclusive else bisect_right(self._workdays, ordinal)
        return date.fromordinal(self._workday_at(index))

    def previous_workday(self, d, *, inclusive: bool = False) -> date:
        ordinal = self._ordinal(d)
        index = (bisect_right(self._workdays, ordinal) if inclusive else bisect_left(self._workdays, ordinal)) - 1
        if index < 0:
            raise ValueError(f"The result is before the calendar's first date {self._first}.")
        return date.fromordinal(self._workdays[index])

    def due_date(self, start, n: int) -> date:
        """The date of the Nth working day after `start`'s date (start day not counted; n=0: see module doc)."""
        if isinstance(n, bool) or not isinstance(n, int):
            raise ValueError("The number of working days must be an integer.")
        if n < 0:
            raise ValueError("The number of working days must not be negative.")
        ordinal = self._ordinal(start)
        if n == 0:
            return date.fromordinal(self._workday_at(bisect_left(self._workdays, ordinal)))
        return date.fromordinal(self._workday_at(bisect_right(self._workdays, ordinal) + n - 1))

    def add_working_days(self, start, n: int) -> datetime:
        """Due instant of an N-working-day limit: end of office hours of `due_date(start, n)`."""
        return self._end_of_day(self.due_date(start, n).toordinal())

    def end_of_office_day(self, d) -> datetime:
        """The end of the last office period of `d` (whether or not `d` is a working day)."""
        return self._end_of_day(self._ordinal(d))

    def working_days_between(self, a, b) -> int:
        """Working days d with date(a) < d <= date(b): whole working days elapsed. Negative if b is before a.

        `working_days_between(s, due_date(s, n)) == n` for n >= 1.
        """
        oa, ob = self._ordinal(a), self._ordinal(b)
        return bisect_right(self._workdays, ob) - bisect_right(self._workdays, oa)

    def workdays_in(self, start: date, end: date) -> int:
        """Working days d with start <= d <= end (inclusive range; 0 when end < start)."""
        oa, ob = self._ordinal(start), self._ordinal(end)
        if ob < oa:
            return 0
        return bisect_right(self._workdays, ob) - bisect_left(self._workdays, oa)

    # --- office time ----------------------------------------------------------------------------------
    def office_periods(self, d) -> list[tuple[datetime, datetime]]:
        """Aware (start, end) office periods of `d`; empty on a day off."""
        if not self.is_workday(d):
            return []
        day = self.local_date(d)
        return [
            (datetime.combine(day, s, tzinfo=self._tz), datetime.combine(day, e, tzinfo=self._tz))
            for s, e in self._period_times
        ]

    def is_office_time(self, dt: datetime) -> bool:
        """Whether `dt` falls in an office period [start, end) of a working day."""
        local = self._local(dt)
        if not self.is_workday(local.date()):
            return False
        us = _time_to_us(local.time())
        return any(s <= us < e for s, e in self._periods)

    def _office_us(self, dt: datetime) -> int:
        """W(dt): office microseconds from the start of the calendar's range up to `dt`."""
        local = self._local(dt)
        ordinal = self._ordinal(local.date())
        total = bisect_left(self._workdays, ordinal) * self._day_us
        if self._flags[ordinal - self._base]:
            us = _time_to_us(local.time())
            for s, e in self._periods:
                if us <= s:
                    break
                total += (us if us < e else e) - s
        return total

    def _instant_at(self, office_us: int) -> datetime:
        """The earliest instant t with W(t) == office_us (office_us > 0): inside or at the end of a period."""
        index, rest = divmod(office_us - 1, self._day_us)
        rest += 1  # in (0, day_us]
        ordinal = self._workday_at(index)
        for s, e in self._periods:
            if rest <= e - s:
                return datetime.combine(date.fromordinal(ordinal), _us_to_time(s + rest), tzinfo=self._tz)
            rest -= e - s
        raise AssertionError("unreachable: rest <= office day length")  # pragma: no cover

    def add_working_hours(self, start: datetime, amount) -> datetime:
        """`start` plus `amount` of office time (timedelta or hours). Outside office hours counting begins at
        the next office period; a result that falls exactly on the end of a period is that end (17:30, not
        09:00 the next working day). Adding zero returns `start` unchanged.
        """
        us = _duration_us(amount)
        if us < 0:
            raise ValueError("Working hours to add must not be negative.")
        origin = self._office_us(start)
        if us == 0:
            return start
        return self._instant_at(origin + us)

    def subtract_working_hours(self, end: datetime, amount) -> datetime:
        """The instant `amount` of office time before `end` (the inverse of `add_working_hours`): the earliest t
        with working_time_between(t, end) == amount. Subtracting zero returns `end` unchanged."""
        us = _duration_us(amount)
        if us < 0:
            raise ValueError("Working hours to subtract must not be negative.")
        if us == 0:
            return end
        target = self._office_us(end) - us
        if target <= 0:
            raise ValueError(f"The result is before the calendar's first date {self._first}.")
        return self._instant_at(target)

    def working_time_between(self, a: datetime, b: datetime, pauses: Iterable = ()) -> timedelta:
        """Office time in [a, b) with the pause intervals excluded.

        Pauses are (start, end) pairs of aware datetimes, in any order, possibly overlapping or reaching
        outside [a, b); end None means "still paused" (up to b). Negative when b is before a.
        """
        wa, wb = self._office_us(a), self._office_us(b)  # validates both (naive -> ValueError)
        if _utc(b) < _utc(a):  # compare instants, not wall clocks (same-tzinfo comparison ignores offsets)
            return -self.working_time_between(b, a, pauses)
        # W is monotone, so pauses can be clipped and merged in office-time coordinates.
        spans = []
        for pause in pauses:
            try:
                ps, pe = pause
            except (TypeError, ValueError) as exc:
                raise ValueError("A pause must be a (start, end) pair.") from exc
            s = max(self._office_us(ps), wa)
            if pe is None:
                e = wb
            else:
                e = min(self._office_us(pe), wb)
                if _utc(pe) < _utc(ps):
                    raise ValueError("A pause ends before it starts.")
            if e > s:
                spans.append((s, e))
        paused = 0
        if spans:
            spans.sort()
            cur_s, cur_e = spans[0]
            for s, e in spans[1:]:
                if s > cur_e:
                    paused += cur_e - cur_s
                    cur_s, cur_e = s, e
                elif e > cur_e:
                    cur_e = e
            paused += cur_e - cur_s
        return timedelta(microseconds=wb - wa - paused)
