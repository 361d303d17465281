"""痛点堵点: supervisors and observers read everything and change nothing, but they may flag a pain point on any
application or item. It becomes a case for the administrators, answered within PAIN_POINT_DAYS working days
(swept like every other clock: `approvals/services/rating_clocks.py`)."""

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import clocks
from approvals.calendar.loading import get_calendar
from approvals.models import Application, PainPoint
from approvals.services import locking
from portal.errors import DomainError, NotAllowed
from portal.models.users import Role, User
from portal.services import audit
from portal.services.notify import notify

FLAGGING_ROLES = (Role.SUPERVISOR, Role.LEADER)
MAX_TEXT = 5000


def pain_point_link(point) -> str:
    try:
        return reverse("approvals:pain_point", args=[point.pk])
    except NoReverseMatch:
        return ""


def administrators():
    return User.objects.filter(role=Role.ADMIN, is_active=True)


def flag(*, actor, description: str, application=None, item=None, now=None, request=None) -> PainPoint:
    """A supervisor's (or leader's) pain point on an application they can see, or on a catalog item."""
    now = now or timezone.now()
    description = (description or "").strip()
    if actor.role not in FLAGGING_ROLES:
        raise NotAllowed(_("Pain points are flagged by supervisors and business-environment observers."))
    if application is None and item is None:
        raise DomainError(_("Name the application or the item the pain point is about."))
    if not description:
        raise DomainError(_("Describe the pain point."))
    if len(description) > MAX_TEXT:
        raise DomainError(_("The description is too long: at most %(max)d characters.") % {"max": MAX_TEXT})
    if application is not None and not Application.objects.visible_to(actor).filter(pk=application.pk).exists():
        raise NotAllowed(_("This application is not open to you."))
    cal = get_calendar()
    days = settings.PAIN_POINT_DAYS
    due = cal.add_working_days(now, days)
    with transaction.atomic():
        point = PainPoint.objects.create(
            application=application, item=item, flagged_by=actor, flagged_at=now, description=description,
            due_at=due, warn_at=clocks.warn_at(cal, now, days, due, yellow_days=settings.CLOCK_YELLOW_DAYS,
                                               yellow_fraction=settings.CLOCK_YELLOW_FRACTION),
            next_check_at=due)
        audit.record("pain_point.flagged", actor=actor, subject=point, request=request,
                     summary=description[:120],
                     data={"application": getattr(application, "pk", None), "item": getattr(item, "pk", None)})
        notify(administrators(), kind="pain_point_flagged",
               title=_("Pain point flagged: %(text)s") % {"text": description[:60]}, body=description,
               link=pain_point_link(point), key=f"pain_point:{point.pk}:flagged")
    return point


def answer(point, *, actor, text: str, now=None, request=None) -> PainPoint:
    """The administrator's answer closes the pain point; whoever flagged it is told."""
    now = now or timezone.now()
    text = (text or "").strip()
    if actor.role != Role.ADMIN:
        raise NotAllowed(_("Pain points are answered by the administrators."))
    if not text:
        raise DomainError(_("Write the answer."))
    with transaction.atomic():
        point = locking.lock(PainPoint, point.pk)
        locking.check(point, point.answer_with, _("This pain point is already answered."))
        point.answer_with(by=actor, at=now, text=text[:MAX_TEXT])
        point.save(update_fields=["status", "answer", "answered_by", "answered_at", "next_check_at"])
        audit.record("pain_point.answered", actor=actor, subject=point, request=request, summary=text[:120])
        notify([point.flagged_by], kind="pain_point_answered",
               title=_("Your pain point was answered"), body=text, link=pain_point_link(point),
               key=f"pain_point:{point.pk}:answered")
    return point
