"""The current WorkCalendar, built from the database and cached in each process.

Building takes one or two small queries and a few milliseconds, so each process keeps the calendar in memory
and rebuilds it only when the *version* stored in Django's cache changes; the version itself is read at most
once per `CALENDAR_VERSION_CHECK_SECONDS` (default 1 s) per process, so another process's edit is seen within a
second and a page that computes many clocks costs one cache round trip, not one per clock. `invalidate()` (called
by the signal receivers in `approvals.calendar.signals`, by the seeding and by the services) writes a new
version, so that every web and worker process sharing the cache (Redis in production) picks up an
administrator's edit. With the local-memory cache of the embedded setup the version is per process: other processes then
notice edits only after they restart — use Redis when web and worker run as separate processes.

The key also holds settings.OFFICE_HOURS and settings.TIME_ZONE, so overriding them (tests) rebuilds too.
"""

from __future__ import annotations

import logging
import threading
import time as _time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q

from approvals.calendar.workdays import FIRST_DATE, LAST_DATE, WorkCalendar

logger = logging.getLogger(__name__)

VERSION_KEY = "approvals:calendar:version"
# When the shared cache is unreachable, trust the in-process calendar for this long before rebuilding.
CACHE_OUTAGE_GRACE_SECONDS = 30

_lock = threading.Lock()
_cached: tuple[tuple, WorkCalendar, float] | None = None  # (key, calendar, built at monotonic seconds)
_checked: tuple[str | None, float] | None = None  # (shared version, read at monotonic seconds)

# Django's week_day lookup: 1 = Sunday ... 7 = Saturday.
_WEEKEND = (1, 7)


def build_calendar(*, office_hours: str | None = None, tz: str | None = None) -> WorkCalendar:
    """Read published years and the days that differ from Monday-Friday; no caching."""
    from approvals.models import CalendarDay, CalendarYear

    published = set(
        CalendarYear.objects.filter(
            published=True, year__gte=FIRST_DATE.year, year__lte=LAST_DATE.year
        ).values_list("year", flat=True)
    )
    overrides = {}
    if published:
        differing = CalendarDay.objects.filter(
            Q(is_workday=True, date__week_day__in=_WEEKEND) | (Q(is_workday=False) & ~Q(date__week_day__in=_WEEKEND)),
            date__gte=FIRST_DATE,
            date__lte=LAST_DATE,
        ).values_list("date", "is_workday")
        # Rows of unpublished years are ignored: those years fall back to Monday-Friday.
        overrides = {d: w for d, w in differing if d.year in published}
    return WorkCalendar(
        published_years=published,
        overrides=overrides,
        office_hours=office_hours if office_hours is not None else settings.OFFICE_HOURS,
        tz=tz if tz is not None else settings.TIME_ZONE,
    )


def _shared_version() -> str | None:
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(VERSION_KEY, version, timeout=None):
                version = cache.get(VERSION_KEY) or version
        return version
    except Exception:  # the shared cache is down: degrade, do not fail every due-date computation
        logger.warning("Calendar cache version unavailable", exc_info=True)
        return None


def _current_version() -> str | None:
    """The shared version, read from the cache at most once per CALENDAR_VERSION_CHECK_SECONDS in this process.

    A page computing fifty clocks asks for the calendar a hundred times; one round trip to Redis per request (or
    per second) is enough. An edit made in this process is seen at once (`invalidate()` forgets the version)."""
    global _checked
    ttl = getattr(settings, "CALENDAR_VERSION_CHECK_SECONDS", 1.0)
    now = _time.monotonic()
    checked = _checked
    if checked is not None and now - checked[1] < ttl:
        return checked[0]
    version = _shared_version()
    _checked = (version, now)
    return version


def get_calendar() -> WorkCalendar:
    """The current calendar (rebuilt when an edit invalidated it)."""
    global _cached
    version = _current_version()
    key = (version, settings.OFFICE_HOURS, settings.TIME_ZONE)
    cached = _cached
    if cached is not None:
        cached_key, calendar, built_at = cached
        if version is not None and cached_key == key:
            return calendar
        if version is None and cached_key[1:] == key[1:] and _time.monotonic() - built_at < CACHE_OUTAGE_GRACE_SECONDS:
            return calendar
    with _lock:
        # The version was read before building: an edit committed meanwhile changes it again -> next call rebuilds.
        calendar = build_calendar()
        _cached = (key, calendar, _time.monotonic())
    return calendar


def invalidate() -> None:
    """Make every process rebuild the calendar on its next `get_calendar()`."""
    global _cached, _checked
    _cached = None
    _checked = None
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.warning("Could not publish a new calendar version", exc_info=True)
