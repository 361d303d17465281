"""A company's authorisations (委托): its members grant one (with the signed power of attorney) and revoke one
with a reason. The agent sees the same rows on the workspace."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agents.api import permissions as seeing
from agents.forms import GrantForm, OptionalReasonForm
from agents.models import Authorization
from agents.services import authorizations as services
from agents.views import common
from portal.errors import DomainError
from portal.models.users import Role


def _company(request):
    user = request.user
    common.require_roles(user, {Role.APPLICANT},
                         _("Only a company's own members manage its authorisations."))
    if not user.enterprise_id:
        raise Http404
    return user.enterprise


def _render(request, company, form, status=200, revoke_errors=None):
    rows = common.with_states(company.authorizations.select_related("agent", "granted_by", "revoked_by")
                              .prefetch_related("items", "packages"))
    for row in rows:
        row.revoke_error = (revoke_errors or {}).get(row.pk)
    return render(request, "agents/authorizations.html", {
        "company": company, "rows": rows, "form": form, "revoke_form": OptionalReasonForm(),
        "today": timezone.localdate(),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def authorizations(request):
    company = _company(request)
    if request.method == "GET":
        today = timezone.localdate()
        form = GrantForm(initial={"valid_from": today, "valid_until": today.replace(year=today.year + 1)
                                  if not (today.month == 2 and today.day == 29) else today})
        return _render(request, company, form)
    form = GrantForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Please correct the marked fields. What you entered is kept; choose the "
                                  "power of attorney file again."))
        return _render(request, company, form, status=400)
    data = form.cleaned_data
    try:
        authorization = services.grant(
            actor=request.user, enterprise=company, agent=data["agent"], valid_from=data["valid_from"],
            valid_until=data["valid_until"], power_of_attorney=data["power_of_attorney"], scope=data["scope"],
            items=data["items"], packages=data["packages"], request=request)
    except DomainError as exc:
        status = common.refused(request, exc)
        form.add_error(None, exc.message)
        return _render(request, company, form, status=status)
    messages.success(request, _("%(agent)s may now act for %(enterprise)s from %(start)s to %(end)s.") % {
        "agent": authorization.agent.display_name, "enterprise": company, "start": authorization.valid_from,
        "end": authorization.valid_until})
    return redirect("agents:authorizations")


@login_required
@require_POST
def revoke(request, pk):
    company = _company(request)
    authorization = get_object_or_404(Authorization, pk=pk, enterprise=company)
    form = OptionalReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else request.POST.get("reason", "")[:255]
    try:
        services.revoke(authorization, actor=request.user, reason=reason, request=request)
    except DomainError as exc:
        status = common.refused(request, exc)
        return _render(request, company, GrantForm(), status=status, revoke_errors={authorization.pk: exc.message})
    messages.success(request, _("The authorisation of %(agent)s is revoked: from now on they cannot act for "
                                "%(enterprise)s.") % {"agent": authorization.agent.display_name,
                                                      "enterprise": company})
    return redirect("agents:authorizations")


@never_cache
@login_required
@require_GET
def power_of_attorney(request, pk):
    """The signed letter, to the company, the agent it names and the park's overseers."""
    authorization = get_object_or_404(seeing.visible_authorizations(request.user), pk=pk)
    try:
        handle = authorization.power_of_attorney.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    head = handle.read(8)
    handle.seek(0)
    content_type = ("application/pdf" if head.startswith(b"%PDF") else "image/png" if head.startswith(b"\x89PNG")
                    else "image/jpeg" if head.startswith(b"\xff\xd8") else "application/octet-stream")
    response = FileResponse(handle, content_type=content_type, as_attachment=request.GET.get("download") == "1")
    response["X-Content-Type-Options"] = "nosniff"
    return response
