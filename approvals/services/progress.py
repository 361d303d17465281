"""What the applicant and the departments see of a clock: due time, light, remaining working time.

Shared by the pages and the API so that both always show the same figures.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from approvals import clocks
from approvals.calendar.loading import get_calendar
from approvals.lights import Light
from approvals.models import ApplicationStatus, ReviewStatus, StageStatus
from portal.wording import chinese


def office_duration_text(days: int, hours: int, minutes: int) -> str:
    """"1 working day 2 h", "6 h 40 min", "less than a minute": only the parts that are not zero."""
    parts = []
    if days:
        parts.append(ngettext("%(n)d working day", "%(n)d working days", days) % {"n": days})
    if hours:
        parts.append(_("%(n)d h") % {"n": hours})
    if minutes:
        parts.append(_("%(n)d min") % {"n": minutes})
    if not parts:
        return _("less than a minute")
    return ("" if chinese() else " ").join(parts)


@dataclass(frozen=True)
class ClockView:
    due_at: datetime | None
    legal_due_at: datetime | None
    light: str
    remaining: timedelta | None
    # False while a year up to the due time has no published holiday schedule (counted Monday to Friday).
    calendar_published: bool = True

    @property
    def remaining_text(self) -> str:
        if self.remaining is None:
            return ""
        amount = office_duration_text(*clocks.split_office_time(get_calendar(), self.remaining))
        if self.remaining < timedelta(0) or self.light == Light.RED:
            # Outside office hours an overdue clock has 0 office time left: it is still overdue.
            return _("overdue by %(time)s") % {"time": amount}
        return _("%(time)s left") % {"time": amount}

    @property
    def remaining_seconds(self) -> int | None:
        return None if self.remaining is None else int(self.remaining.total_seconds())


def review_clock(review, *, now=None) -> ClockView:
    now = now or timezone.now()
    cal = get_calendar()
    running = review.status in (ReviewStatus.UNDER_REVIEW, ReviewStatus.APPROVED, ReviewStatus.REFUSED)
    remaining = clocks.remaining(cal, now, review.due_at) if running and review.due_at else None
    return ClockView(due_at=review.due_at, legal_due_at=review.legal_due_at, light=review.light_at(now),
                     remaining=remaining,
                     calendar_published=clocks.on_published_calendar(cal, review.started_at, review.due_at,
                                                                     review.legal_due_at))


def acceptance_clock(application, *, now=None) -> ClockView | None:
    """The 5-working-day acceptance clock while the application waits for the window."""
    if application.status != ApplicationStatus.SUBMITTED or application.acceptance_due_at is None:
        return None
    now = now or timezone.now()
    cal = get_calendar()
    return ClockView(due_at=application.acceptance_due_at, legal_due_at=application.acceptance_due_at,
                     light=application.acceptance_light_at(now),
                     remaining=clocks.remaining(cal, now, application.acceptance_due_at),
                     calendar_published=clocks.on_published_calendar(cal, application.received_at,
                                                                     application.acceptance_due_at))


def application_calendar_published(application, cal=None) -> bool:
    """Whether every open clock of the application (acceptance, running reviews, open stages, delivery) is due on
    a published calendar; False while one of them counts a year whose holiday schedule is not published."""
    cal = cal or get_calendar()
    spans = []
    if application.status == ApplicationStatus.SUBMITTED:
        spans.append((application.received_at, application.acceptance_due_at))
    if application.status == ApplicationStatus.DECIDED:
        spans.append((application.decided_at, application.delivery_due_at))
    if application.status == ApplicationStatus.UNDER_REVIEW:
        # From `.all()`: the reviews and stages a page has prefetched already (a few rows otherwise).
        running = (ReviewStatus.UNDER_REVIEW, ReviewStatus.APPROVED, ReviewStatus.REFUSED)
        spans += [(r.started_at, r.due_at, r.legal_due_at) for r in application.reviews.all() if r.status in running]
        spans += [(s.opened_at, s.due_at) for s in application.stages.all() if s.status == StageStatus.OPEN]
    return all(clocks.on_published_calendar(cal, start, *dues) for start, *dues in spans)


def application_light(application, *, now=None) -> str:
    """The worst light of the application's clocks (`Application.light_at`; lists annotate it in SQL with
    `Application.objects.with_light`)."""
    return application.light_at(now or timezone.now())
