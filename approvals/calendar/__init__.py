"""The working-day calendar.

`workdays` is pure arithmetic (no Django); `loading.get_calendar()` builds the current calendar from the
database and caches it; `seeding` loads the official schedules from chinesecalendar.
Import `WorkCalendar` from here; import `loading` explicitly where the database is available.
"""

from .workdays import DEFAULT_OFFICE_HOURS, DayKind, WorkCalendar, parse_office_hours

__all__ = ["DEFAULT_OFFICE_HOURS", "DayKind", "WorkCalendar", "parse_office_hours"]
