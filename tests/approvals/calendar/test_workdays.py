"""The pure working-day arithmetic: tables over real 2025-2026 schedules, and properties (hypothesis)."""

import random
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from approvals.calendar.seeding import official_calendar
from approvals.calendar.workdays import DayKind, WorkCalendar, parse_office_hours

SH = ZoneInfo("Asia/Shanghai")
CAL = official_calendar()  # every year chinesecalendar covers (2004..2026) published; no database
FALLBACK = WorkCalendar()  # nothing published: Monday-Friday


def at(y, m, d, hh=0, mm=0, tz=SH):
    return datetime(y, m, d, hh, mm, tzinfo=tz)


# --- the calendar matches the official schedules -------------------------------------------------------

def test_every_covered_day_matches_chinesecalendar():
    d = date(2004, 1, 1)
    while d <= date(2026, 12, 31):
        assert CAL.is_workday(d) == chinese_calendar.is_workday(d), d
        d += timedelta(days=1)


@pytest.mark.parametrize("day", [
    "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
    "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
])
def test_make_up_weekend_days_are_working_days(day):
    d = date.fromisoformat(day)
    assert d.weekday() >= 5
    assert CAL.is_workday(d)
    assert CAL.day_kind(d) == DayKind.MAKEUP_WORKDAY
    assert not FALLBACK.is_workday(d)


@pytest.mark.parametrize("day", [
    "2025-01-01", "2025-01-28", "2025-01-31", "2025-02-04", "2025-04-04", "2025-05-05", "2025-06-02",
    "2025-10-01", "2025-10-08", "2026-01-02", "2026-02-16", "2026-02-20", "2026-02-23", "2026-04-06",
    "2026-05-05", "2026-06-19", "2026-09-25", "2026-10-01", "2026-10-07",
])
def test_weekday_holidays_are_rest_days(day):
    d = date.fromisoformat(day)
    assert d.weekday() < 5
    assert not CAL.is_workday(d)
    assert CAL.day_kind(d) == DayKind.HOLIDAY


def test_ordinary_days_keep_their_kind():
    assert CAL.day_kind(date(2026, 3, 2)) == DayKind.WORKDAY
    assert CAL.day_kind(date(2026, 3, 7)) == DayKind.REST_DAY


# Spring Festival 2026: 02-15 (Sun) .. 02-23 (Mon) off; 02-14 and 02-28 (Saturdays) worked.
SPRING_FESTIVAL_2026 = [
    ("2026-02-12", 1, "2026-02-13"),
    ("2026-02-12", 2, "2026-02-14"),
    ("2026-02-12", 3, "2026-02-24"),
    ("2026-02-12", 5, "2026-02-26"),   # the 5-working-day acceptance limit
    ("2026-02-12", 7, "2026-02-28"),   # lands on the make-up Saturday
    ("2026-02-12", 8, "2026-03-02"),
    ("2026-02-13", 1, "2026-02-14"),
    ("2026-02-14", 1, "2026-02-24"),
    ("2026-02-15", 1, "2026-02-24"),   # received during the holiday
    ("2026-02-15", 0, "2026-02-24"),   # on-the-spot item received on a rest day: next working day
    ("2026-02-13", 0, "2026-02-13"),
    ("2026-02-14", 0, "2026-02-14"),
    ("2026-02-02", 20, "2026-03-06"),  # the 20-day legal limit across the festival
]

# National Day 2026: 10-01 .. 10-07 off; 09-20 (Sun) and 10-10 (Sat) worked; Mid-autumn 09-25 .. 09-27 off.
NATIONAL_DAY_2026 = [
    ("2026-09-18", 1, "2026-09-20"),
    ("2026-09-19", 1, "2026-09-20"),
    ("2026-09-24", 1, "2026-09-28"),
    ("2026-09-30", 1, "2026-10-08"),
    ("2026-09-30", 2, "2026-10-09"),
    ("2026-09-30", 3, "2026-10-10"),
    ("2026-09-30", 4, "2026-10-12"),
    ("2026-09-28", 5, "2026-10-10"),
    ("2026-10-01", 1, "2026-10-08"),
    ("2026-10-07", 0, "2026-10-08"),
    ("2026-09-21", 20, "2026-10-26"),
    ("2026-09-21", 30, "2026-11-09"),  # 20 + the one 10-day extension
]

# 2025: Spring Festival 01-28 .. 02-04 off, 01-26 (Sun) and 02-08 (Sat) worked; Labour Day 05-01 .. 05-05 off,
# 04-27 (Sun) worked; National Day 10-01 .. 10-08 off, 09-28 (Sun) and 10-11 (Sat) worked.
YEAR_2025 = [
    ("2025-01-24", 1, "2025-01-26"),
    ("2025-01-24", 2, "2025-01-27"),
    ("2025-01-24", 3, "2025-02-05"),
    ("2025-02-07", 1, "2025-02-08"),
    ("2025-04-25", 1, "2025-04-27"),
    ("2025-04-25", 5, "2025-05-06"),
    ("2025-09-26", 1, "2025-09-28"),
    ("2025-09-30", 1, "2025-10-09"),
    ("2025-09-30", 3, "2025-10-11"),
    ("2025-09-30", 4, "2025-10-13"),
    ("2025-12-30", 2, "2026-01-04"),   # across the year end onto the make-up Sunday
]


@pytest.mark.parametrize(("start", "n", "due"), SPRING_FESTIVAL_2026 + NATIONAL_DAY_2026 + YEAR_2025)
def test_due_dates_over_real_holidays(start, n, due):
    start_d = date.fromisoformat(start)
    assert CAL.due_date(start_d, n) == date.fromisoformat(due)
    due_at = CAL.add_working_days(datetime.combine(start_d, time(10), tzinfo=SH), n)
    assert due_at == datetime.combine(date.fromisoformat(due), time(17, 30), tzinfo=SH)
    if n:
        assert CAL.working_days_between(start_d, date.fromisoformat(due)) == n


def test_start_instant_is_read_in_the_calendar_time_zone():
    # 2026-09-30 20:00 UTC is already 2026-10-01 04:00 in Shanghai: counting starts the day after 10-01.
    start = datetime(2026, 9, 30, 20, tzinfo=ZoneInfo("UTC"))
    assert CAL.due_date(start, 1) == date(2026, 10, 8)
    assert CAL.add_working_days(start, 2) == at(2026, 10, 9, 17, 30)
    assert CAL.local_date(start) == date(2026, 10, 1)


def test_working_hours_across_national_day():
    assert CAL.add_working_hours(at(2026, 9, 30, 16), 2) == at(2026, 10, 8, 9, 30)
    assert CAL.add_working_hours(at(2026, 9, 30, 16), timedelta(hours=1, minutes=30)) == at(2026, 9, 30, 17, 30)
    assert CAL.add_working_hours(at(2026, 9, 30, 11), 2) == at(2026, 9, 30, 14, 30)  # lunch break skipped
    assert CAL.add_working_hours(at(2026, 10, 3, 10), 0.5) == at(2026, 10, 8, 9, 30)  # holiday start
    assert CAL.add_working_hours(at(2026, 10, 9, 18), 7) == at(2026, 10, 10, 17, 30)  # make-up Saturday
    assert CAL.add_working_hours(at(2026, 10, 9, 12, 30), 0) == at(2026, 10, 9, 12, 30)


def test_working_time_between_with_pauses():
    a, b = at(2026, 9, 30, 16), at(2026, 10, 9, 10)
    assert CAL.working_time_between(a, b) == timedelta(hours=9, minutes=30)
    assert CAL.working_time_between(b, a) == -timedelta(hours=9, minutes=30)
    pauses = [
        (at(2026, 10, 8, 9), at(2026, 10, 8, 11)),       # 2 h
        (at(2026, 10, 8, 10), at(2026, 10, 8, 14)),      # overlaps: together 09:00-14:00 = 3.5 h office
        (at(2026, 9, 29), at(2026, 9, 30, 16, 30)),      # reaches before a: 0.5 h inside
        (at(2026, 10, 2), at(2026, 10, 5)),              # inside the holiday: nothing
    ]
    assert CAL.working_time_between(a, b, pauses) == timedelta(hours=9, minutes=30) - timedelta(hours=4)
    assert CAL.working_time_between(a, b, list(reversed(pauses))) == timedelta(hours=5, minutes=30)
    # An open pause (still waiting for the applicant's supplement) stops the clock up to b:
    # 10-08 17:00-17:30 and 10-09 09:00-10:00 are not counted.
    assert CAL.working_time_between(a, b, [(at(2026, 10, 8, 17), None)]) == timedelta(hours=8)


def test_working_days_between_counts_whole_days_after_the_start():
    assert CAL.working_days_between(date(2026, 9, 30), date(2026, 10, 8)) == 1
    assert CAL.working_days_between(date(2026, 10, 1), date(2026, 10, 7)) == 0
    assert CAL.working_days_between(date(2026, 10, 8), date(2026, 9, 30)) == -1
    assert CAL.workdays_in(date(2026, 10, 1), date(2026, 10, 31)) == 18  # 8, 9, 10 (Sat) + 3 full weeks


def test_next_and_previous_workday():
    assert CAL.next_workday(date(2026, 9, 30)) == date(2026, 10, 8)
    assert CAL.next_workday(date(2026, 9, 30), inclusive=True) == date(2026, 9, 30)
    assert CAL.next_workday(date(2026, 2, 13)) == date(2026, 2, 14)
    assert CAL.previous_workday(date(2026, 10, 8)) == date(2026, 9, 30)
    assert CAL.previous_workday(date(2026, 10, 10), inclusive=True) == date(2026, 10, 10)


def test_unpublished_year_falls_back_to_monday_to_friday():
    assert CAL.is_published(2026) and not CAL.is_published(2027)
    # 2027-01-01 is a Friday: with no published schedule it is an ordinary working day.
    assert CAL.is_workday(date(2027, 1, 1))
    assert CAL.due_date(date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert CAL.due_date(date(2027, 9, 30), 1) == date(2027, 10, 1)


def test_office_time_helpers():
    assert CAL.office_day == timedelta(hours=7)
    assert CAL.is_office_time(at(2026, 10, 10, 9))
    assert not CAL.is_office_time(at(2026, 10, 10, 12))
    assert not CAL.is_office_time(at(2026, 10, 1, 10))
    assert CAL.office_periods(date(2026, 10, 1)) == []
    assert CAL.office_periods(date(2026, 10, 10)) == [
        (at(2026, 10, 10, 9), at(2026, 10, 10, 12)), (at(2026, 10, 10, 13, 30), at(2026, 10, 10, 17, 30)),
    ]


# --- validation ---------------------------------------------------------------------------------------

def test_naive_datetimes_are_rejected():
    naive = datetime(2026, 10, 8, 10)
    with pytest.raises(ValueError, match="Naive"):
        CAL.add_working_days(naive, 1)
    with pytest.raises(ValueError, match="Naive"):
        CAL.add_working_hours(naive, 1)
    with pytest.raises(ValueError, match="Naive"):
        CAL.working_time_between(at(2026, 10, 8), naive)
    with pytest.raises(ValueError, match="Naive"):
        CAL.working_time_between(at(2026, 10, 8), at(2026, 10, 9), [(naive, at(2026, 10, 9))])


@pytest.mark.parametrize("call", [
    lambda: CAL.due_date(date(1999, 12, 31), 1),
    lambda: CAL.due_date(date(2100, 12, 30), 5),
    lambda: CAL.due_date(date(2026, 1, 1), -1),
    lambda: CAL.due_date(date(2026, 1, 1), 1.5),
    lambda: CAL.due_date(date(2026, 1, 1), True),
    lambda: CAL.add_working_hours(at(2026, 1, 5), -1),
    lambda: CAL.add_working_hours(at(2026, 1, 5), float("nan")),
    lambda: CAL.add_working_hours(at(2100, 12, 31, 17), 2),
    lambda: CAL.is_workday("2026-01-01"),
    lambda: CAL.working_time_between(at(2026, 1, 5), at(2026, 1, 9), [(at(2026, 1, 7), at(2026, 1, 6))]),
    lambda: WorkCalendar(overrides={date(2026, 2, 14): True}),  # 2026 not published
    lambda: WorkCalendar(published_years=[2026], overrides={date(2026, 2, 14): True}, first=date(2027, 1, 1)),
])
def test_out_of_range_or_invalid_inputs_raise_value_error(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize(("spec", "expected"), [
    ("09:00-12:00,13:30-17:30", ((time(9), time(12)), (time(13, 30), time(17, 30)))),
    (" 13:30-17:30 , 9:00-12:00 ", ((time(9), time(12)), (time(13, 30), time(17, 30)))),
    ("08:00-18:00", ((time(8), time(18)),)),
    ("09:00-12:00,12:00-13:00", ((time(9), time(12)), (time(12), time(13)))),
])
def test_parse_office_hours(spec, expected):
    assert parse_office_hours(spec) == expected


@pytest.mark.parametrize("spec", [
    "", "   ", "9-12", "09:00-12:00;13:30-17:30", "12:00-09:00", "09:00-09:00", "25:00-26:00", "09:60-10:00",
    "09:00-12:00,11:00-13:00", "09:00-12:00,", "nine to five",
])
def test_parse_office_hours_rejects_garbage_and_overlaps(spec):
    with pytest.raises(ValueError):
        parse_office_hours(spec)


def test_value_object_equality_ignores_overrides_equal_to_the_default():
    a = WorkCalendar(published_years=[2026], overrides={date(2026, 2, 14): True})
    b = WorkCalendar(published_years=[2026], overrides={date(2026, 2, 14): True, date(2026, 2, 13): True})
    c = WorkCalendar(published_years=[2026])
    assert a == b and hash(a) == hash(b)
    assert a != c
    assert b.overrides == {date(2026, 2, 14): True}


# --- properties ---------------------------------------------------------------------------------------

# Zones without daylight saving time: Python compares and subtracts same-tzinfo datetimes by wall clock, which
# would make the oracles below (min/max of two instants) ambiguous in a repeated DST hour.
ZONES = [SH, ZoneInfo("UTC"), ZoneInfo("Asia/Kolkata"), dt_timezone(timedelta(hours=-5))]
days = st.dates(min_value=date(2003, 6, 1), max_value=date(2027, 6, 30))
instants = st.datetimes(
    min_value=datetime(2003, 6, 2), max_value=datetime(2027, 6, 29), timezones=st.sampled_from(ZONES)
)
office_hours = st.sampled_from(["09:00-12:00,13:30-17:30", "08:30-17:00", "09:00-11:00,12:00-12:30,14:00-18:00"])
calendars = office_hours.map(lambda spec: CAL if spec == "09:00-12:00,13:30-17:30" else official_calendar(spec))
durations = st.integers(min_value=0, max_value=400 * 3600 * 10**6).map(lambda us: timedelta(microseconds=us))


def naive_due_date(cal, start, n):
    """Oracle: walk day by day."""
    d = start
    if n == 0:
        while not cal.is_workday(d):
            d += timedelta(days=1)
        return d
    while n:
        d += timedelta(days=1)
        if cal.is_workday(d):
            n -= 1
    return d


def naive_office_time(cal, a, b):
    """Oracle: intersect [a, b) with each day's office periods, built here from the published flags."""
    total = timedelta(0)
    d = a.astimezone(SH).date()
    last = b.astimezone(SH).date()
    while d <= last:
        if cal.is_workday(d):
            for s, e in cal.office_hours:
                lo = max(datetime.combine(d, s, tzinfo=SH), a)
                hi = min(datetime.combine(d, e, tzinfo=SH), b)
                if hi > lo:
                    total += hi - lo
        d += timedelta(days=1)
    return total


@given(start=days, n=st.integers(min_value=0, max_value=60))
def test_due_date_matches_a_day_by_day_walk(start, n):
    assert CAL.due_date(start, n) == naive_due_date(CAL, start, n)


@given(start=days, n=st.integers(min_value=1, max_value=3650))
def test_due_date_is_the_nth_working_day_after_the_start(start, n):
    due = CAL.due_date(start, n)
    assert due > start
    assert CAL.is_workday(due)
    assert CAL.working_days_between(start, due) == n
    assert CAL.working_days_between(start, due - timedelta(days=1)) == n - 1
    assert CAL.due_date(start, n + 1) == CAL.next_workday(due)
    assert CAL.due_date(start + timedelta(days=1), n) >= due


@given(start=days)
def test_fallback_years_are_monday_to_friday(start):
    assert FALLBACK.is_workday(start) == (start.weekday() < 5)
    if not CAL.is_published(start.year):
        assert CAL.is_workday(start) == (start.weekday() < 5)


@given(cal=calendars, a=instants, delta=st.timedeltas(min_value=timedelta(days=-40), max_value=timedelta(days=40)))
@settings(max_examples=200)
def test_working_time_matches_interval_oracle(cal, a, delta):
    b = a + delta
    lo, hi = min(a, b), max(a, b)
    expected = naive_office_time(cal, lo, hi)
    assert cal.working_time_between(lo, hi) == expected
    assert cal.working_time_between(hi, lo) == -expected
    assert timedelta(0) <= expected <= hi - lo


@given(cal=calendars, a=instants, b=instants, c=instants)
def test_working_time_is_additive(cal, a, b, c):
    assert cal.working_time_between(a, c) == cal.working_time_between(a, b) + cal.working_time_between(b, c)


@given(cal=calendars, start=instants, amount=durations)
def test_adding_working_hours_is_the_inverse_of_measuring_them(cal, start, amount):
    due = cal.add_working_hours(start, amount)
    assert cal.working_time_between(start, due) == amount
    if amount:
        assert due > start
        local = due.astimezone(SH)
        assert cal.is_workday(local.date())
        # Inside a period or exactly at its end: never at a period start, never outside office hours.
        assert any(s < local.time() <= e for s, e in cal.office_hours)


@given(cal=calendars, start=instants, a=durations, b=durations)
def test_adding_working_hours_composes(cal, start, a, b):
    assume(a and b)
    assert cal.add_working_hours(cal.add_working_hours(start, a), b) == cal.add_working_hours(start, a + b)


@given(start=instants, n=st.integers(min_value=0, max_value=400))
def test_add_working_days_ends_at_close_of_office(start, n):
    due = CAL.add_working_days(start, n)
    assert due.tzinfo is SH or due.utcoffset() == timedelta(hours=8)
    assert due.time() == time(17, 30)
    assert due.date() == CAL.due_date(CAL.local_date(start), n)
    if n:
        assert due.date() > CAL.local_date(start)


pause_lists = st.lists(st.tuples(instants, instants).map(lambda p: (min(p), max(p))), max_size=6)


@given(cal=calendars, a=instants, b=instants, pauses=pause_lists, seed=st.integers(0, 1000))
def test_pauses_remove_exactly_their_union(cal, a, b, pauses, seed):
    lo, hi = min(a, b), max(a, b)
    result = cal.working_time_between(lo, hi, pauses)
    # Oracle: office time of the gaps between the merged pauses, clipped to [lo, hi].
    merged = []
    for ps, pe in sorted((max(ps, lo), min(pe, hi)) for ps, pe in pauses):
        if pe <= ps:
            continue
        if merged and ps <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], pe)
        else:
            merged.append([ps, pe])
    expected, cursor = timedelta(0), lo
    for ps, pe in merged:
        expected += cal.working_time_between(cursor, ps)
        cursor = pe
    expected += cal.working_time_between(cursor, hi)
    assert result == expected
    assert timedelta(0) <= result <= cal.working_time_between(lo, hi)
    shuffled = list(pauses) + list(pauses)
    random.Random(seed).shuffle(shuffled)
    assert cal.working_time_between(lo, hi, shuffled) == result


@given(periods=st.lists(st.integers(min_value=0, max_value=24 * 60 - 1), min_size=2, max_size=8, unique=True))
def test_office_hours_round_trip(periods):
    minutes = sorted(periods)
    if len(minutes) % 2:
        minutes = minutes[:-1]
    pairs = [(minutes[i], minutes[i + 1]) for i in range(0, len(minutes), 2)]
    spec = ",".join(f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in pairs)
    parsed = parse_office_hours(spec)
    assert [(s.hour * 60 + s.minute, e.hour * 60 + e.minute) for s, e in parsed] == pairs
    cal = WorkCalendar(office_hours=spec)
    assert cal.office_day == timedelta(minutes=sum(e - s for s, e in pairs))


@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 1), timezones=st.just(SH)),
       st.integers(min_value=0, max_value=40 * 7 * 60))
def test_subtracting_working_minutes_inverts_adding_them(start, minutes):
    cal = CAL
    end = cal.add_working_hours(start, timedelta(minutes=minutes))
    back = cal.subtract_working_hours(end, timedelta(minutes=minutes))
    assert cal.working_time_between(back, end) == timedelta(minutes=minutes)
    assert back <= end
