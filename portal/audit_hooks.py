"""Audit entries that no service writes: refusals (every 401 and 403 of the pages and the API), and what
happens in the Django admin (every addition, change and deletion), each with the client's address. The admin's
logins are the portal's own (`portal.admin_site` sends its login to the two-step login, which audits them).

`AuditMiddleware` marks the requests to the admin for the signal receivers below (a context variable: the
admin writes its history through `LogEntry`, which knows no request) and records the 403 answers and the API's
401 challenges (called without valid credentials: no token, or an unknown, expired or revoked one; the payment
callback's own 401 is audited by its service as `payment.refused`).
"""

from contextvars import ContextVar

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.core.exceptions import PermissionDenied
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse

from portal.services import audit

_admin_request: ContextVar = ContextVar("admin_request", default=None)


def _delete_selected_description():
    from django.contrib.admin.actions import delete_selected

    return delete_selected.short_description


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        token = _admin_request.set(request if request.path.startswith(self.admin_prefix) else None)
        try:
            response = self.get_response(request)
        finally:
            _admin_request.reset(token)
        if response.status_code == 403 or (response.status_code == 401 and response.has_header("WWW-Authenticate")):
            record_denial(request, response)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            request.audit_denial_reason = str(exception)


def record_denial(request, response) -> None:
    reason = getattr(request, "audit_denial_reason", "")
    detail = getattr(response, "data", None)
    if not reason and isinstance(detail, dict):
        reason = str(detail.get("detail", ""))
    path = request.get_full_path()[:500]
    audit.record("permission.denied", actor=getattr(request, "user", None), success=False, request=request,
                 summary=f"{request.method} {path}"[:255],
                 data={"method": request.method, "path": path, "status": response.status_code,
                       "reason": reason[:500]})


ADMIN_EVENTS = {ADDITION: "admin.added", CHANGE: "admin.changed", DELETION: "admin.deleted"}
_bulk_deletion: ContextVar = ContextVar("bulk_deletion", default=False)


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin_log_entry")
def _admin_change(sender, instance, created, **kwargs):
    """Each history row of the admin (add, change, delete) becomes an audit entry, in the same transaction."""
    if not created or instance.action_flag not in ADMIN_EVENTS or _bulk_deletion.get():
        return
    model = instance.content_type.model_class() if instance.content_type_id else None
    audit.record(ADMIN_EVENTS[instance.action_flag], actor=instance.user, request=_admin_request.get(),
                 summary=f"{model._meta.label if model else ''} {instance.object_id}: {instance.object_repr}"[:255],
                 data={"model": model._meta.label if model else "", "object_id": str(instance.object_id),
                       "change": instance.get_change_message()[:2000]})


def audited_delete_selected(modeladmin, request, queryset):
    """Django's "delete selected" action, with one audit entry per deleted row (the admin writes the history of
    a bulk deletion with bulk_create, which sends no signal)."""
    from django.contrib.admin.actions import delete_selected

    doomed = [(str(obj.pk), str(obj)) for obj in queryset] if request.POST.get("post") else []
    token = _bulk_deletion.set(True)
    try:
        response = delete_selected(modeladmin, request, queryset)
    finally:
        _bulk_deletion.reset(token)
    if response is None:  # confirmed and done (otherwise the confirmation page or the "protected" page)
        label = modeladmin.model._meta.label
        for pk, text in doomed:
            audit.record("admin.deleted", actor=request.user, request=request,
                         summary=f"{label} {pk}: {text}"[:255], data={"model": label, "object_id": pk, "change": ""})
    return response


audited_delete_selected.allowed_permissions = ("delete",)
audited_delete_selected.short_description = _delete_selected_description()
