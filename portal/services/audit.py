"""Writing the audit log. Every service that changes something calls `record` in its transaction."""

from portal.models import AuditEntry


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(event: str, *, actor=None, subject=None, summary: str = "", data: dict | None = None,
           success: bool = True, request=None) -> AuditEntry:
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_name=(user.get_username() if user else (data or {}).get("username", "")),
        event=event,
        success=success,
        subject_type=subject._meta.label if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        summary=summary[:255],
        data=data or {},
        ip_address=client_ip(request),
    )
