"""Writing the applicant-facing timeline and the audit log together, inside the caller's transaction."""

from django.utils import timezone

from approvals.models import ApplicationEvent
from portal.services import audit


def record(application, kind, *, actor=None, message="", department=None, data=None, subject=None, now=None,
           request=None):
    """One timeline event for the applicant and one audit entry for the record."""
    now = now or timezone.now()
    data = dict(data or {})
    if getattr(actor, "role", None) == "agent":  # "agent X for company Y", for the company and the audit
        data.setdefault("agent", actor.get_username())
        data.setdefault("on_behalf_of", application.enterprise.credit_code)
    event = ApplicationEvent.objects.create(
        application=application, at=now, kind=kind, actor=actor if getattr(actor, "pk", None) else None,
        department=department, message=str(message), data=data,
    )
    audit.record(f"application.{kind}", actor=actor, subject=subject or application,
                 summary=f"{application.reference} {kind}", data={"application": application.pk, **data},
                 request=request)
    return event
