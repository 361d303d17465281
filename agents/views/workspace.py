"""The agent's workspace, one company's page, the leader's view and the company's view of its agent's activity."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agents.api import permissions as seeing
from agents.forms import ReassignForm
from agents.models import AgencyCase, Authorization, CaseStatus, Demand, DemandStatus, InvestmentProject
from agents.services import stewardship
from agents.views import common
from approvals.lights import Light
from approvals.models import ApplicationEvent
from approvals.services import delegation
from portal.errors import DomainError
from portal.models import AuditEntry, Enterprise
from portal.models.users import Role

OPEN_CASES = [CaseStatus.RECEIVED, CaseStatus.HANDLING, CaseStatus.CHASING, CaseStatus.REPORTED]


@login_required
def workspace(request):
    """My companies, their authorisations, open bundles with lights, my demands by class and light, my cases
    and projects."""
    user = request.user
    common.require_roles(user, {Role.AGENT}, _("The workspace is for park service agents."))
    now, today = timezone.now(), timezone.localdate()
    companies = list(common.my_companies(user, today))
    authorised = set(common.valid_authorizations(user, today).values_list("enterprise_id", flat=True))
    for company in companies:
        company.authorised = company.pk in authorised
        company.served = company.service_agent_id == user.pk
    authorizations = common.with_states(
        Authorization.objects.filter(agent=user).select_related("enterprise").prefetch_related("items", "packages")
        .order_by("enterprise__name", "-granted_at"), today)
    demands = (common.active_demands(Demand.objects.filter(Q(owner=user) | Q(enterprise__in=companies)))
               .select_related("enterprise", "owner").order_by("due_at", "-raised_at"))
    return render(request, "agents/workspace.html", {
        "companies": companies,
        "authorizations": authorizations,
        "bundles": common.open_bundles(user, companies, now=now),
        "demand_rows": common.demand_rows(demands, now=now),
        "demand_grid": common.demands_by_class_and_light(demands, now=now),
        "cases": AgencyCase.objects.filter(agent=user, status__in=OPEN_CASES).select_related("enterprise"),
        "projects": InvestmentProject.objects.filter(Q(owner=user) | Q(enterprise__in=companies))
        .select_related("enterprise", "owner").distinct(),
        "now": now,
    })


@login_required
@require_http_methods(["GET", "POST"])
def enterprise(request, pk):
    """One company for its agent or leader: who answers for it (with history), authorisations, bundles,
    demands, cases and projects; the leader or an administrator can reassign its leader and agent."""
    user = request.user
    common.require_roles(user, common.PARK_ROLES, _("This page is for the park's agents and leaders."))
    company = common.visible_enterprise(request, pk)
    can_reassign = user.role in (Role.ADMIN, Role.LEADER) or user.is_superuser
    form, status = None, 200
    if can_reassign:
        form = ReassignForm(request.POST or None, initial={"leader": company.leader_id,
                                                            "agent": company.service_agent_id})
    if request.method == "POST":
        if not can_reassign:
            raise PermissionDenied(_("Only a leader or an administrator can reassign a company."))
        if form.is_valid():
            try:
                stewardship.reassign(company, actor=user, leader=form.cleaned_data["leader"],
                                     agent=form.cleaned_data["agent"], reason=form.cleaned_data["reason"])
            except DomainError as exc:
                status = common.refused(request, exc)
            else:
                messages.success(request, _("%(enterprise)s: the leader and agent are updated; the history "
                                            "keeps the previous ones.") % {"enterprise": company})
                return redirect("agents:enterprise", company.pk)
        else:
            status = 400
    now = timezone.now()
    may_file = user.role == Role.AGENT and delegation.may_act(user, company, [])
    demands = Demand.objects.filter(enterprise=company).select_related("owner").with_light(now).order_by(
        "-raised_at")[:50]
    return render(request, "agents/enterprise.html", {
        "company": company,
        "history": stewardship.history(company),
        "authorizations": common.with_states(
            company.authorizations.select_related("agent").prefetch_related("items", "packages")),
        "bundles": common.open_bundles(user, [company], now=now),
        "demand_rows": common.demand_rows(demands, now=now),
        "cases": company.agency_cases.select_related("agent")[:50],
        "projects": company.projects.select_related("owner"),
        "may_file": may_file,
        "is_agent": user.role == Role.AGENT,
        "form": form,
    }, status=status)


@login_required
def leader(request):
    """The companies the leader answers for and the escalated (red) demands."""
    user = request.user
    common.require_roles(user, {Role.LEADER, Role.ADMIN, Role.SUPERVISOR},
                         _("This page is for the park's leaders."))
    now = timezone.now()
    companies = Enterprise.objects.select_related("service_agent").order_by("name")
    if user.role == Role.LEADER:
        companies = companies.filter(leader=user)
    companies = list(companies)
    red_now = Demand.LIGHT.q(Light.RED, now)
    open_counts = {row["enterprise_id"]: row for row in (
        Demand.objects.filter(enterprise__in=companies).exclude(status=DemandStatus.CLOSED).order_by()
        .values("enterprise_id").annotate(open=Count("pk"), red=Count("pk", filter=red_now)))}
    for company in companies:
        company.demand_counts = open_counts.get(company.pk, {"open": 0, "red": 0})
    red = common.red_demands(seeing.visible_demands(user), now=now)
    if user.role == Role.LEADER:
        red = red.filter(Q(enterprise__leader=user) | Q(owner=user))
    return render(request, "agents/leader.html", {
        "companies": companies,
        "red_rows": common.demand_rows(red.select_related("enterprise", "owner").order_by("due_at"), now=now),
        "raised": seeing.visible_demands(user).filter(status=DemandStatus.RAISED).select_related("enterprise"),
        "now": now,
    })


@login_required
def activity(request):
    """For a company: everything a park service agent did for it (the timeline of its applications and the
    audit entries that carry its credit code), plus its demands and agency cases."""
    user = request.user
    company = _activity_company(request)
    code = company.credit_code
    events = (ApplicationEvent.objects.filter(data__on_behalf_of=code, application__enterprise=company)
              .select_related("application", "actor").order_by("-at", "-id"))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    audit = (AuditEntry.objects.filter(Q(data__on_behalf_of=code) | Q(data__enterprise=code, actor__role=Role.AGENT))
             .exclude(event__startswith="application.").select_related("actor").order_by("-at", "-id")[:100])
    return render(request, "agents/activity.html", {
        "company": company,
        "events": page,
        "audit": audit,
        "demands": Demand.objects.filter(enterprise=company).select_related("raised_by", "owner")
        .order_by("-raised_at")[:100],
        "cases": company.agency_cases.select_related("agent")[:100],
        "is_member": common.is_member(user, company),
    })


def _activity_company(request):
    user = request.user
    if user.role == Role.APPLICANT:
        if not user.enterprise_id:
            raise PermissionDenied(_("Your account is not linked to a company."))
        return user.enterprise
    pk = request.GET.get("enterprise")
    if not pk or not pk.isdigit():
        raise PermissionDenied(_("Choose a company first."))
    return common.visible_enterprise(request, int(pk))
