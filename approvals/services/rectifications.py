"""整改 of bad reviews: every 不满意 / 非常不满意 opens a case in the department concerned.

The department calls the complainant back within RECTIFICATION_CALLBACK_DAYS working days, rectifies within
RECTIFICATION_DAYS working days (end of office hours, the working-day calendar) and records an outcome
(rectified / explained / appeal upheld); the complainant rates the fix; a 回头看 re-check follows
RECTIFICATION_RECHECK_DAYS calendar days later. `next_check_at` brings the case to the deadline sweep
(`check_case`, registered in approvals/services/rating_clocks.py), which fires each crossing once.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import clocks
from approvals.calendar.loading import get_calendar
from approvals.models import RatingLevel, RectificationCase, RectificationOutcome, RectificationStatus
from approvals.services import locking, permissions
from approvals.services.ratings import require_rater
from portal.errors import DomainError, NotAllowed, WrongState
from portal.models.users import Role, User
from portal.services import audit
from portal.services.notify import notify

RS = RectificationStatus


def case_link(case) -> str:
    try:
        return reverse("approvals:rectification", args=[case.pk])
    except NoReverseMatch:  # the pages are not mounted (an API-only deployment)
        return ""


def thresholds(case) -> list:
    """(firing kind, time) of the clocks that run in the case's current status."""
    from approvals.models import FiringKind

    if case.status == RS.OPEN:
        return [(FiringKind.CALLBACK_RED, case.callback_due_at), (FiringKind.RECTIFICATION_YELLOW, case.warn_at),
                (FiringKind.RECTIFICATION_RED, case.due_at)]
    if case.status == RS.CALLED_BACK:
        return [(FiringKind.RECTIFICATION_YELLOW, case.warn_at), (FiringKind.RECTIFICATION_RED, case.due_at)]
    if case.status == RS.RESOLVED:
        return [(FiringKind.RECHECK_DUE, case.recheck_due_at)]
    return []


def next_check(case, *, after=None):
    """The sweep's next look at the case: its earliest threshold (only those after `after`, when given)."""
    times = [at for _kind, at in thresholds(case) if at is not None and (after is None or at > after)]
    return min(times) if times else None


def department_people(department):
    return User.objects.filter(assignment__department=department, role__in=[Role.STAFF, Role.CHIEF],
                               is_active=True)


def open_case(rating, *, now) -> RectificationCase:
    """The case of a bad review (inside the rating's transaction); the department is told."""
    cal = get_calendar()
    due = cal.add_working_days(now, settings.RECTIFICATION_DAYS)
    case = RectificationCase(
        rating=rating, application=rating.application, department=rating.department, opened_at=now,
        callback_due_at=cal.add_working_days(now, settings.RECTIFICATION_CALLBACK_DAYS), due_at=due,
        warn_at=clocks.warn_at(cal, now, settings.RECTIFICATION_DAYS, due, yellow_days=settings.CLOCK_YELLOW_DAYS,
                               yellow_fraction=settings.CLOCK_YELLOW_FRACTION))
    case.next_check_at = next_check(case)
    case.save()
    audit.record("rectification.opened", subject=case, summary=f"{rating.application.reference}",
                 data={"rating": rating.pk, "department": rating.department_id, "due_at": due.isoformat()})
    context = {"ref": rating.application.reference, "level": rating.get_level_display()}
    notify(department_people(rating.department), kind="rectification_opened",
           title=_("Bad review to rectify: %(ref)s (%(level)s)") % context, body=rating.text,
           link=case_link(case), key=f"rectification:{case.pk}:opened")
    return case


def _require_department(user, case):
    if not (user.role in (Role.STAFF, Role.CHIEF) and permissions.works_for(user, case.department)):
        raise NotAllowed(_("Only the staff of %(department)s handle this rectification.")
                         % {"department": case.department})


def _save(case, fields):
    case.next_check_at = next_check(case)
    case.save(update_fields=[*fields, "status", "next_check_at"])


def call_back(case, *, actor, note: str, now=None, request=None) -> RectificationCase:
    """The department called the complainant back (回访)."""
    now = now or timezone.now()
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Write down what the complainant said on the call-back."))
    with transaction.atomic():
        case = locking.lock(RectificationCase, case.pk)
        _require_department(actor, case)
        locking.check(case, case.call_back, _("The complainant was already called back."))
        case.call_back(by=actor, at=now, note=note[:5000])
        _save(case, ["called_back_by", "called_back_at", "callback_note"])
        audit.record("rectification.called_back", actor=actor, subject=case, request=request,
                     summary=f"case {case.pk}", data={"note": note[:500]})
    return case


def resolve(case, *, actor, outcome: str, note: str, now=None, request=None) -> RectificationCase:
    """The outcome (rectified / explained / appeal upheld); the complainant is asked to rate the fix."""
    now = now or timezone.now()
    note = (note or "").strip()
    if outcome not in RectificationOutcome.values:
        raise DomainError(_("Choose the outcome: rectified, explained, or appeal upheld."))
    if not note:
        raise DomainError(_("Describe what was done: the complainant reads it."))
    with transaction.atomic():
        case = locking.lock(RectificationCase, case.pk)
        _require_department(actor, case)
        locking.check(case, case.resolve, _("Call the complainant back before recording the outcome."))
        case.resolve(by=actor, at=now, outcome=outcome, note=note[:5000],
                     recheck_due_at=now + timedelta(days=settings.RECTIFICATION_RECHECK_DAYS))
        _save(case, ["resolved_by", "resolved_at", "outcome", "outcome_note", "recheck_due_at"])
        audit.record("rectification.resolved", actor=actor, subject=case, request=request,
                     summary=f"case {case.pk} {outcome}", data={"outcome": outcome})
        rating = case.rating
        notify([rating.rater], kind="rectification_resolved",
               title=_("Your review was answered (%(ref)s): %(outcome)s")
               % {"ref": case.application.reference, "outcome": case.get_outcome_display()},
               body=note, link=case_link(case), key=f"rectification:{case.pk}:resolved")
    return case


def rate_fix(case, *, actor, level: str, now=None, request=None) -> RectificationCase:
    """The complainant's rating of the fix: once, by the applicant, after the outcome."""
    now = now or timezone.now()
    if level not in RatingLevel.values:
        raise DomainError(_("Choose one of the five levels, from very satisfied to very dissatisfied."))
    with transaction.atomic():
        case = locking.lock(RectificationCase, case.pk)
        require_rater(actor, case.application)
        if case.status not in (RS.RESOLVED, RS.RECHECKED):
            raise WrongState(_("The fix can be rated once the department has recorded its outcome."))
        # compare-and-swap: a second rating of the fix changes nothing
        if not RectificationCase.objects.filter(pk=case.pk, fix_level="").update(fix_level=level, fix_rated_at=now):
            raise WrongState(_("You have already rated the fix; a rating cannot be changed."))
        audit.record("rectification.fix_rated", actor=actor, subject=case, request=request,
                     summary=f"case {case.pk} {level}", data={"level": level})
    case.refresh_from_db()
    return case


def recheck(case, *, actor, note: str, now=None, request=None) -> RectificationCase:
    """回头看: the department or the administrator looks again, no earlier than the re-check date."""
    now = now or timezone.now()
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Write down the findings of the re-check."))
    with transaction.atomic():
        case = locking.lock(RectificationCase, case.pk)
        if actor.role != Role.ADMIN:
            _require_department(actor, case)
        locking.check(case, case.recheck, _("The re-check follows the outcome."))
        if now < case.recheck_due_at:
            raise WrongState(_("The re-check (回头看) is due from %(date)s.")
                             % {"date": timezone.localtime(case.recheck_due_at).strftime("%Y-%m-%d")})
        case.recheck(by=actor, at=now, note=note[:5000])
        _save(case, ["rechecked_by", "rechecked_at", "recheck_note"])
        audit.record("rectification.rechecked", actor=actor, subject=case, request=request,
                     summary=f"case {case.pk}", data={"note": note[:500]})
    return case
