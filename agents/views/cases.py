"""Agency cases (代办件): the list, receiving one (接件), and the case page — linking the bundles it spawns,
handling (办理), chasing (督办), reporting the result (反馈) and the company's confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from agents.api import permissions as seeing
from agents.forms import LinkApplicationForm, NoteForm, ReasonForm, ReceiveCaseForm, ResultForm
from agents.models import CaseStatus
from agents.services import cases as services
from agents.views import common
from approvals.models import Application
from portal.errors import DomainError
from portal.models.users import Role

C = CaseStatus


def visible(user):
    return seeing.visible_cases(user).select_related("enterprise", "agent", "confirmed_by")


@login_required
def case_list(request):
    rows = visible(request.user)
    status = request.GET.get("status", "")
    if status in C.values:
        rows = rows.filter(status=status)
    return render(request, "agents/cases.html", {
        "cases": rows.prefetch_related("applications")[:200],
        "statuses": C.choices, "status": status,
        "can_receive": request.user.role == Role.AGENT,
    })


@login_required
@require_http_methods(["GET", "POST"])
def receive_case(request):
    common.require_roles(request.user, {Role.AGENT}, _("Only a park service agent receives agency cases."))
    companies = common.my_companies(request.user)
    initial = {}
    if request.GET.get("enterprise", "").isdigit():
        initial["enterprise"] = int(request.GET["enterprise"])
    form = ReceiveCaseForm(request.POST or None, enterprises=companies, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.receive(actor=request.user, enterprise=data["enterprise"], title=data["title"],
                                        description=data["description"],
                                        materials_received=data["materials_received"],
                                        request=request)
            except DomainError as exc:
                status = common.refused(request, exc)
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Case %(ref)s received (接件): the matter is handed over to you.")
                                 % {"ref": case.reference})
                return redirect("agents:case", case.pk)
        else:
            status = 400
    return render(request, "agents/receive_case.html", {"form": form}, status=status)


ACTIONS = {
    "link": LinkApplicationForm, "handle": None, "chase": NoteForm, "report": ResultForm, "confirm": None,
    "reject": ReasonForm,
}
DONE = {
    "link": gettext_lazy("The application is linked to the case."),
    "handle": gettext_lazy("The case is being handled (办理)."),
    "chase": gettext_lazy("Chasing (督办) recorded."),
    "report": gettext_lazy("The result is reported to the company (反馈)."),
    "confirm": gettext_lazy("Thank you: the case is confirmed and done."),
    "reject": gettext_lazy("The report is sent back to the agent with your reason."),
}


def available_actions(user, case) -> set:
    actions = set()
    agent = user.role == Role.AGENT and case.agent_id == user.pk
    member = common.is_member(user, case.enterprise)
    if agent and case.status in (C.RECEIVED, C.HANDLING, C.CHASING):
        actions |= {"link", "chase"}
    if agent and case.status in (C.RECEIVED, C.CHASING):
        actions.add("handle")
    if agent and case.status in (C.HANDLING, C.CHASING):
        actions.add("report")
    if member and case.status == C.REPORTED:
        actions |= {"confirm", "reject"}
    return actions


def _forms(user, case, actions, bound=None):
    candidates = (Application.objects.visible_to(user).filter(enterprise=case.enterprise)
                  .exclude(agency_cases=case).order_by("-created_at"))
    forms = {}
    for name in actions:
        cls = ACTIONS[name]
        if cls is None:
            forms[name] = None
            continue
        kwargs = {"prefix": name}
        if cls is LinkApplicationForm:
            kwargs["applications"] = candidates
        forms[name] = cls(bound, **kwargs) if bound is not None else cls(**kwargs)
    return forms


def _run(action, case, user, data, request):
    if action == "link":
        return services.link_application(case, data["application"], actor=user, request=request)
    if action == "handle":
        return services.start_handling(case, actor=user, request=request)
    if action == "chase":
        return services.chase(case, actor=user, note=data["note"], request=request)
    if action == "report":
        return services.report(case, actor=user, result=data["result"], request=request)
    if action == "confirm":
        return services.confirm(case, actor=user, request=request)
    return services.reject_report(case, actor=user, reason=data["reason"], request=request)


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request, pk):
    case = get_object_or_404(visible(request.user), pk=pk)
    actions = available_actions(request.user, case)
    forms = _forms(request.user, case, actions)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise Http404
        bound = _forms(request.user, case, {action}, bound=request.POST)[action]
        if action in forms:
            forms[action] = bound
        response, status = common.perform(
            request, bound, lambda data: _run(action, case, request.user, data, request),
            done=DONE[action], redirect_to=("agents:case", case.pk))
        if response is not None:
            return response
    return render(request, "agents/case.html", {
        "case": case, "forms": forms,
        "progress": services.case_progress(case, now=timezone.now(), viewer=request.user),
    }, status=status)
