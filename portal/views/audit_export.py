"""/audit/export/: administrators and supervisors download the audit entries of a period (CSV or JSON Lines,
with the hashes), for auditors. Every download is itself written to the audit log."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import audit_export
from portal.models.users import Role
from portal.services import audit

EXPORT_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR})


class ExportForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To (included)"), widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(label=gettext_lazy("Format"), initial="csv",
                               choices=[("csv", "CSV"), ("jsonl", gettext_lazy("JSON Lines"))])

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The last day is before the first day."))
        return data


def may_export(user) -> bool:
    return user.is_authenticated and (user.role in EXPORT_ROLES or user.is_superuser)


@never_cache
@login_required
@require_GET
def export(request):
    if not may_export(request.user):
        raise PermissionDenied(_("Only administrators and supervisors export the audit log."))
    if "start" not in request.GET:
        today = timezone.localdate()
        form = ExportForm(initial={"start": today.replace(day=1), "end": today})
        return render(request, "portal/audit_export.html", {"form": form})
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(request, "portal/audit_export.html", {"form": form}, status=400)
    start, end, fmt = form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["format"]
    audit.record("audit.exported", actor=request.user, request=request, summary=f"{start} – {end} {fmt}",
                 data={"from": start.isoformat(), "to": end.isoformat(), "format": fmt, "via": "web"})
    response = StreamingHttpResponse(audit_export.lines(audit_export.period(start, end), fmt),
                                     content_type="text/csv; charset=utf-8" if fmt == "csv"
                                     else "application/jsonl; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{start}-{end}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
