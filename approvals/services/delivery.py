"""Delivering the results of a decided application, and counting the applicant's visits (跑动次数)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import Application, DeliveryMethod, EventKind, Visit, VisitKind
from approvals.notices import Notice, announce
from approvals.services import locking, payments, permissions, timeline
from portal.errors import DomainError


def deliver(application, *, actor, method: str | None = None, tracking_number: str = "", now=None,
            request=None) -> Application:
    """Hand over the results: electronically, by mail (tracking number) or at the window (one visit)."""
    now = now or timezone.now()
    with transaction.atomic():
        application = locking.lock(Application, application.pk)
        permissions.require_lead_window(actor, application)
        locking.check(application, application.deliver, _("Only a decided application can be delivered."))
        method = method or application.delivery_method
        if method not in DeliveryMethod.values:
            raise DomainError(_("Choose how the results are delivered."))
        if method == DeliveryMethod.MAIL and not tracking_number.strip():
            raise DomainError(_("Mail delivery needs the tracking number."))
        if payments.outstanding(application):  # only the approved items' fees, and only when there are any
            raise DomainError(_("The fees are not paid yet; results are delivered after payment."))
        application.delivery_method = method
        application.deliver(now=now, tracking_number=tracking_number.strip())
        locking.save(application)
        if method == DeliveryMethod.WINDOW:
            Visit.objects.create(application=application, kind=VisitKind.WINDOW_PICKUP, at=now, recorded_by=actor)
        timeline.record(application, EventKind.DELIVERED, actor=actor, now=now, request=request,
                        data={"method": method, "tracking_number": application.tracking_number})
        announce(Notice.DELIVERED, application)
    return application


def close(application, *, actor, now=None, request=None) -> Application:
    now = now or timezone.now()
    with transaction.atomic():
        application = locking.lock(Application, application.pk)
        permissions.require_lead_window(actor, application)
        locking.check(application, application.close)
        application.close(now=now)
        locking.save(application)
        timeline.record(application, EventKind.CLOSED, actor=actor, now=now, request=request)
    return application


def visit_count(application) -> int:
    return application.visits.count()
