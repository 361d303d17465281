"""Investment projects: the ten-step track (十步骤) with planned / actual dates and owners, and the 三即
milestones with elapsed working days and whether 交地即交证 was met."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agents.api import permissions as seeing
from agents.forms import LinkApplicationForm, MilestoneForm, ProjectForm, StepForm
from agents.services import projects as services
from agents.services import stewardship
from agents.views import common
from approvals.models import Application
from portal.errors import DomainError
from portal.models.users import Role

CREATORS = {Role.AGENT, Role.LEADER, Role.ADMIN}


def visible(user):
    return seeing.visible_projects(user).select_related("enterprise", "owner")


@login_required
@require_http_methods(["GET", "POST"])
def project_list(request):
    user = request.user
    can_create = user.role in CREATORS
    form, status = None, 200
    if can_create:
        companies = stewardship.companies_of(user).order_by("name")
        form = ProjectForm(request.POST or None, enterprises=companies,
                           initial={"owner": user.pk if user.role == Role.AGENT else None})
    if request.method == "POST":
        if not can_create:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                project = services.create_project(
                    actor=user, enterprise=data["enterprise"], name=data["name"], plot=data["plot"],
                    contract_signed_on=data["contract_signed_on"], owner=data["owner"], request=request)
            except DomainError as exc:
                status = common.refused(request, exc)
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Project “%(name)s” is on the ten-step track.") % {"name": project.name})
                return redirect("agents:project", project.pk)
        else:
            status = 400
    projects = list(visible(user).prefetch_related("steps"))
    for project in projects:
        steps = list(project.steps.all())
        project.done_count = sum(1 for s in steps if s.done_on)
        project.next_step = next((s for s in steps if not s.done_on), None)
    return render(request, "agents/projects.html", {"projects": projects, "form": form}, status=status)


def can_edit(user, project) -> bool:
    return (user.role == Role.AGENT and project.owner_id == user.pk) or user.role in (Role.LEADER, Role.ADMIN)


@login_required
@require_http_methods(["GET", "POST"])
def project_detail(request, pk):
    project = get_object_or_404(visible(request.user), pk=pk)
    editable = can_edit(request.user, project)
    steps = list(project.steps.select_related("owner"))
    bound_step, milestone_form, status = None, MilestoneForm(prefix="ms"), 200
    linked = project.applications.order_by("created_at", "pk")
    candidates = (Application.objects.filter(enterprise_id=project.enterprise_id)
                  .exclude(pk__in=project.applications.values("pk")).order_by("-created_at", "-pk"))
    link_form = LinkApplicationForm(prefix="link", applications=candidates)
    unlink_form = LinkApplicationForm(prefix="unlink", applications=linked)
    if request.method == "POST":
        if not editable:
            raise Http404
        action = request.POST.get("action", "")
        if action.startswith("step:"):
            step = next((s for s in steps if str(s.pk) == action.split(":", 1)[1]), None)
            if step is None:
                raise Http404
            form = StepForm(request.POST, prefix=f"s{step.pk}")
            bound_step = (step.pk, form)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.update_step(step, actor=request.user, planned_on=data["planned_on"],
                                         done_on=data["done_on"], owner=data["owner"], note=data["note"],
                                         request=request)
                except DomainError as exc:
                    status = common.refused(request, exc)
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, _("Step %(n)d updated.") % {"n": step.number})
                    return redirect(f"{request.path}#step-{step.number}")
            else:
                status = 400
        elif action == "milestone":
            milestone_form = MilestoneForm(request.POST, prefix="ms")
            if milestone_form.is_valid():
                try:
                    services.record_milestone(project, actor=request.user, field=milestone_form.cleaned_data["field"],
                                              date=milestone_form.cleaned_data["date"], request=request)
                except DomainError as exc:
                    status = common.refused(request, exc)
                    milestone_form.add_error(None, exc.message)
                else:
                    messages.success(request, _("Milestone recorded."))
                    return redirect("agents:project", project.pk)
            else:
                status = 400
        elif action in ("link", "unlink"):
            form = LinkApplicationForm(request.POST, prefix=action,
                                       applications=candidates if action == "link" else linked)
            if action == "link":
                link_form = form
            else:
                unlink_form = form
            if form.is_valid():
                service = services.link_application if action == "link" else services.unlink_application
                try:
                    service(project, form.cleaned_data["application"], actor=request.user, request=request)
                except DomainError as exc:
                    status = common.refused(request, exc)
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, _("The project's bundles are updated."))
                    return redirect("agents:project", project.pk)
            else:
                status = 400
        else:
            raise Http404
    rows = []
    for step in steps:
        if bound_step and bound_step[0] == step.pk:
            form = bound_step[1]
        elif editable:
            form = StepForm(prefix=f"s{step.pk}", initial={"planned_on": step.planned_on, "done_on": step.done_on,
                                                            "owner": step.owner_id, "note": step.note})
        else:
            form = None
        rows.append({"step": step, "form": form})
    signatures = services.certificate_signatures(project, since=project.land_handed_over_on)
    certificates = [{"code": code, "label": label, "signature": signatures.get(code)}
                    for code, label in services.CERTIFICATE_ITEMS.items()]
    return render(request, "agents/project.html", {
        "project": project, "rows": rows, "editable": editable, "milestones": services.milestones(project),
        "milestone_form": milestone_form, "certificates": certificates,
        "linked": linked, "link_form": link_form if candidates.exists() else None, "unlink_form": unlink_form,
    }, status=status)
