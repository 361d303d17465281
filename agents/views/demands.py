"""Demands (诉求): the list, raising one, and the demand's page with the actions that apply to the viewer —
classify, reclassify with a reason, resolve, propose a plan (big), confirm (the company's 销号), close with a
reason (a leader), reopen."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from agents.forms import (
    ClassifyForm, DemandFilterForm, PlanForm, RaiseDemandForm, ReasonForm, ReclassifyForm, ResolveForm,
)
from agents.models import Demand, DemandAttachment, DemandClass, DemandStatus
from agents.services import demands as services
from agents.views import common
from approvals.lights import Light
from portal.errors import DomainError
from portal.models import Enterprise
from portal.models.users import Role

D = DemandStatus
PAGE_SIZE = 50


def visible(user):
    return services.visible_to(user, Demand.objects.select_related("enterprise", "owner", "raised_by"))


@login_required
def demand_list(request):
    now = timezone.now()
    rows = visible(request.user)
    form = DemandFilterForm(request.GET or None)
    if form.is_valid():
        status = form.cleaned_data["status"]
        if status == "active":
            rows = rows.exclude(status=D.CLOSED)
        elif status:
            rows = rows.filter(status=status)
        if form.cleaned_data["classification"]:
            rows = rows.filter(classification=form.cleaned_data["classification"])
    if request.GET.get("mine") == "1":
        rows = rows.filter(owner=request.user)
    if (light := request.GET.get("light")) in Light.values:
        rows = rows.filter_light(light, now)  # Demand.LIGHT: the light the rows show
    page = Paginator(rows.with_light(now).order_by("-raised_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "agents/demands.html", {
        "form": form, "page": page, "rows": common.demand_rows(page.object_list, now=now),
        "can_raise": raising_companies(request.user).exists(),
        "query": request.GET.copy(),
    })


def raising_companies(user):
    """The companies `user` can raise a demand for: their own, or those they serve / are authorised for."""
    if user.role == Role.APPLICANT and user.enterprise_id:
        return Enterprise.objects.filter(pk=user.enterprise_id)
    if user.role == Role.AGENT:
        return common.my_companies(user)
    return Enterprise.objects.none()


@login_required
@require_http_methods(["GET", "POST"])
def raise_demand(request):
    companies = raising_companies(request.user)
    if not companies.exists():
        messages.error(request, _("Only a company's members and its park service agent can raise a demand."))
        return redirect("agents:demands")
    initial = {}
    if request.GET.get("enterprise", "").isdigit():
        initial["enterprise"] = int(request.GET["enterprise"])
    form = RaiseDemandForm(request.POST or None, enterprises=companies, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                demand = services.raise_demand(
                    actor=request.user, enterprise=data["enterprise"], title=data["title"], text=data["text"],
                    category=data["category"], attachments=request.FILES.getlist("attachments"), request=request)
            except DomainError as exc:
                status = common.refused(request, exc)
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Demand %(ref)s is on the list. The park classifies it and names its "
                                            "owner; the 222 clock runs from now.") % {"ref": demand.reference})
                return redirect("agents:demand", demand.pk)
        else:
            status = 400
        if request.FILES:
            messages.warning(request, _("Choose the attachments again; everything you typed is kept."))
    return render(request, "agents/raise_demand.html", {"form": form}, status=status)


# --- the demand's page --------------------------------------------------------------------------------------
ACTIONS = {
    "classify": ClassifyForm, "reclassify": ReclassifyForm, "resolve": ResolveForm, "propose_plan": PlanForm,
    "confirm": None, "close": ReasonForm, "reopen": ReasonForm,
}


def available_actions(user, demand) -> set:
    """The actions shown to `user` on this demand (the services still decide)."""
    park = user.role in services.PARK_ROLES
    owner_or_leader = user.role in (Role.LEADER, Role.ADMIN) or (demand.owner_id and demand.owner_id == user.pk)
    member = services.is_company_member(user, demand.enterprise)
    actions = set()
    if demand.status == D.RAISED and park:
        actions.add("classify")
    if demand.status == D.OPEN and park:
        actions.add("reclassify")
    if owner_or_leader:
        if demand.status == D.OPEN and demand.classification == DemandClass.BIG:
            actions.add("propose_plan")
        if (demand.status == D.OPEN and demand.classification != DemandClass.BIG) or demand.status == D.PLAN_PROPOSED:
            actions.add("resolve")
    if member and demand.status == D.RESOLVED:
        actions.add("confirm")
    if user.role == Role.LEADER and demand.status in (D.OPEN, D.PLAN_PROPOSED, D.RESOLVED):
        actions.add("close")
    if (member or user.role == Role.LEADER) and demand.status in (D.RESOLVED, D.CLOSED):
        actions.add("reopen")
    return actions


def _run(action, demand, user, data, request):
    if action == "classify":
        return services.classify(demand, actor=user, classification=data["classification"], owner=data["owner"],
                                 request=request)
    if action == "reclassify":
        return services.reclassify(demand, actor=user, classification=data["classification"],
                                   reason=data["reason"], request=request)
    if action == "resolve":
        return services.resolve(demand, actor=user, resolution=data["resolution"], request=request)
    if action == "propose_plan":
        return services.propose_plan(demand, actor=user, plan=data["plan"], plan_due_date=data["plan_due_date"],
                                     request=request)
    if action == "confirm":
        return services.confirm(demand, actor=user, request=request)
    if action == "close":
        return services.close(demand, actor=user, reason=data["reason"], request=request)
    return services.reopen(demand, actor=user, reason=data["reason"], request=request)


DONE = {
    "classify": gettext_lazy("Classified: the owner is named and the 222 clock runs from when the demand was raised."),
    "reclassify": gettext_lazy("The class is corrected; the due time is recomputed."),
    "resolve": gettext_lazy("Resolved. The company is asked to confirm (销号)."),
    "propose_plan": gettext_lazy("The solution plan is recorded."),
    "confirm": gettext_lazy("Thank you: the demand is closed off (销号)."),
    "close": gettext_lazy("The demand is closed off."),
    "reopen": gettext_lazy("The demand is reopened with a new 222 clock."),
}


@login_required
@require_http_methods(["GET", "POST"])
def demand_detail(request, pk):
    demand = get_object_or_404(visible(request.user), pk=pk)
    actions = available_actions(request.user, demand)
    forms = {name: (cls(prefix=name) if cls else None) for name, cls in ACTIONS.items() if name in actions}
    if "classify" in forms:
        forms["classify"].initial = {"owner": demand.enterprise.service_agent_id}
    if "reclassify" in forms:
        forms["reclassify"].initial = {"classification": demand.classification}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise Http404
        cls = ACTIONS[action]
        form = cls(request.POST, prefix=action) if cls else None
        if action in forms:
            forms[action] = form
        response, status = common.perform(
            request, form, lambda data: _run(action, demand, request.user, data, request),
            done=DONE[action], redirect_to=("agents:demand", demand.pk))
        if response is not None:
            return response
    now = timezone.now()
    return render(request, "agents/demand.html", {
        "demand": demand,
        "light": demand.light_at(now),
        "outcome": demand.outcome_222_at(now),
        "forms": forms,
        "attachments": demand.attachments.all(),
        "reclassifications": demand.reclassifications.select_related("by"),
        "by_agent": demand.raised_by.role == Role.AGENT,
    }, status=status)


@never_cache
@login_required
@require_GET
def demand_attachment(request, pk, attachment_id):
    demand = get_object_or_404(visible(request.user), pk=pk)
    attachment = get_object_or_404(DemandAttachment, pk=attachment_id, demand=demand)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type,
                            as_attachment=request.GET.get("download") == "1", filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response

