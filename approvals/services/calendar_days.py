"""Administrators' edits to the working-day calendar. The only writers of CalendarDay besides the seeding.

Every edit is audited, and an edit that changes which days are worked asks for the open clocks of those days to be
recomputed (`approvals.services.recompute.request_recompute`: a request row and a task queued after commit).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.calendar.loading import invalidate
from approvals.models import CalendarDay, CalendarYear
from approvals.services.recompute import request_recompute
from portal.errors import DomainError, NotAllowed
from portal.services.audit import record

NOTE_MAX_LENGTH = CalendarDay._meta.get_field("note").max_length


def _check_actor(actor, perm: str):
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.has_perm(perm):
        raise NotAllowed(_("Only administrators may edit the working-day calendar."))


def switch_day(day: date, *, is_workday: bool, note: str, actor, now=None) -> CalendarDay:
    """Make `day` a working day or a rest day, with a note saying why. The year must be published.

    Records who and when (edited_by / edited_at: the seeding never overwrites such a day) and an audit entry.
    """
    _check_actor(actor, "approvals.change_calendarday")
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Give a note saying why the day is changed (e.g. the State Council notice)."),
                          code="note_required")
    if len(note) > NOTE_MAX_LENGTH:
        raise DomainError(_("The note is too long (at most %(max)d characters).") % {"max": NOTE_MAX_LENGTH},
                          code="note_too_long")
    now = now or timezone.now()
    with transaction.atomic():
        year = CalendarYear.objects.select_for_update().filter(year=day.year, published=True).first()
        if year is None:
            raise DomainError(
                _("The holiday schedule for %(year)s is not published: publish the year before editing its days.")
                % {"year": day.year},
                code="year_unpublished",
            )
        row = CalendarDay.objects.select_for_update().filter(date=day).first()
        before = None if row is None else {"is_workday": row.is_workday, "note": row.note}
        if row is None:
            row = CalendarDay(date=day)
        elif row.is_workday == bool(is_workday) and row.note == note:
            return row  # nothing changes: no edit, no audit entry
        switched = before is None or before["is_workday"] != bool(is_workday)
        row.is_workday = bool(is_workday)
        row.note = note
        row.edited_by = actor
        row.edited_at = now
        row.save()
        if switched:
            request_recompute(day, day, reason=f"calendar.day_switched {day:%Y-%m-%d}", now=now)
        record(
            "calendar.day_switched",
            actor=actor,
            subject=row,
            summary=f"{day:%Y-%m-%d}: {'working day' if row.is_workday else 'rest day'} ({note})",
            data={"date": day.isoformat(), "before": before,
                  "after": {"is_workday": row.is_workday, "note": note}},
        )
    invalidate()  # the post_save receiver does it too; explicit so the service stands on its own
    return row


def _year_range(year: int):
    return date(year, 1, 1), date(year, 12, 31)


def publish_year(year: int, *, actor, source: str = "", note: str = "", now=None) -> CalendarYear:
    """Publish `year` (typed in by an administrator): mark it published and create its missing days as
    Monday-Friday, to be switched one by one with `switch_day`. Existing days are left as they are.

    Audited whenever something changes (publication, days created, source or note); a year that becomes
    published has its open clocks recomputed (its days may differ from the Monday-Friday fallback).
    """
    _check_actor(actor, "approvals.change_calendaryear")
    now = now or timezone.now()
    with transaction.atomic():
        cal_year, _created = CalendarYear.objects.select_for_update().get_or_create(
            year=year, defaults={"published": True, "source": source, "note": note}
        )
        was_published = cal_year.published and not _created
        before = None if _created else {"published": cal_year.published, "source": cal_year.source,
                                        "note": cal_year.note}
        cal_year.published = True
        if source:
            cal_year.source = source
        if note:
            cal_year.note = note
        cal_year.save()
        existing = set(
            CalendarDay.objects.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))
            .values_list("date", flat=True)
        )
        missing = []
        d = date(year, 1, 1)
        while d.year == year:
            if d not in existing:
                missing.append(CalendarDay(date=d, is_workday=d.weekday() < 5, note=""))
            d += timedelta(days=1)
        CalendarDay.objects.bulk_create(missing)
        after = {"published": True, "source": cal_year.source, "note": cal_year.note}
        if not was_published or missing or before != after:
            record(
                "calendar.year_published" if not was_published else "calendar.year_edited",
                actor=actor,
                subject=cal_year,
                summary=(f"{year}: published, {len(missing)} days created" if not was_published
                         else f"{year}: edited, {len(missing)} days created"),
                data={"year": year, "days_created": len(missing), "source": cal_year.source,
                      "before": before, "after": after, "at": now.isoformat()},
            )
        if not was_published:
            request_recompute(*_year_range(year), reason=f"calendar.year_published {year}", now=now)
    invalidate()
    transaction.on_commit(invalidate)
    return cal_year


def unpublish_year(year: int, *, actor, source=None, note=None, now=None) -> CalendarYear:
    """Withdraw the schedule of `year`: its days fall back to Monday-Friday (the rows are kept) and its open
    clocks are recomputed. Creates the year as unpublished when it does not exist. `source` / `note` (when given)
    are stored too; every change is audited."""
    _check_actor(actor, "approvals.change_calendaryear")
    now = now or timezone.now()
    with transaction.atomic():
        cal_year, created = CalendarYear.objects.select_for_update().get_or_create(
            year=year, defaults={"published": False, "source": source or "", "note": note or ""})
        before = None if created else {"published": cal_year.published, "source": cal_year.source,
                                       "note": cal_year.note}
        withdrawn = not created and cal_year.published
        cal_year.published = False
        if source is not None:
            cal_year.source = source
        if note is not None:
            cal_year.note = note
        after = {"published": False, "source": cal_year.source, "note": cal_year.note}
        if before == after:
            return cal_year
        cal_year.save(update_fields=["published", "source", "note"])
        record("calendar.year_unpublished" if withdrawn else "calendar.year_edited", actor=actor,
               subject=cal_year, summary=f"{year}: unpublished" if withdrawn else f"{year}: edited (not published)",
               data={"year": year, "before": before, "after": after, "at": now.isoformat()})
        if withdrawn:
            request_recompute(*_year_range(year), reason=f"calendar.year_unpublished {year}", now=now)
    invalidate()
    transaction.on_commit(invalidate)
    return cal_year
