"""The ten-step track (十步骤) of an investment project and its 三即 milestones, from real events.

签约即供地: contract signed -> land supplied; 交地即交证: land handed over -> the certificates (the portal's own
signed decisions for 建设用地规划许可证 GH-XK-001, 建设工程规划许可证 GH-XK-002 and the first registration of
不动产权 GH-DJ-001), met when issued the same day; 拿证即开工: certificates -> construction start.

Milestones are per project: the certificates count only from the bundles linked to the project (the park links
them; a bundle of another company, or one naming another plot in its 宗地编号, is refused), never from the
company's other projects. A decision revoked after a false commitment does not count.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agents.models import TEN_STEPS, InvestmentProject, ProjectStep
from approvals.calendar.loading import get_calendar
from approvals.models import Decision, DecisionSignature
from portal.errors import DomainError, NotAllowed, WrongState
from portal.models.users import Role
from portal.services import audit

PARK_ROLES = (Role.AGENT, Role.LEADER, Role.ADMIN)
CERTIFICATE_ITEMS = {
    "GH-XK-001": gettext_lazy("Land-use planning permit (建设用地规划许可证)"),
    "GH-XK-002": gettext_lazy("Construction-works planning permit (建设工程规划许可证)"),
    "GH-DJ-001": gettext_lazy("Real-estate title, first registration (不动产权证)"),
}
MILESTONE_FIELDS = ("land_supplied_on", "land_handed_over_on", "construction_started_on")
PARCEL_FIELD = "land_parcel_no"  # the one form's 宗地（地块）编号


def _require_park(actor):
    if actor.role not in PARK_ROLES:
        raise NotAllowed(_("Only the park (a service agent, a leader or an administrator) can do this."))


def _require_owner_role(user):
    if user is not None and (user.role not in PARK_ROLES or not user.is_active):
        raise DomainError(_("%(user)s cannot own a project step: choose someone from the park.") % {"user": user})


def create_project(*, actor, enterprise, name, plot="", contract_signed_on=None, owner=None, now=None,
                   request=None) -> InvestmentProject:
    """A project on the ten-step track: the ten key points are created, owned by the project's owner."""
    _require_park(actor)
    _require_owner_role(owner)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Name the project."))
    with transaction.atomic():
        project = InvestmentProject.objects.create(enterprise=enterprise, name=name[:200], plot=(plot or "").strip(),
                                                   owner=owner, contract_signed_on=contract_signed_on)
        ProjectStep.objects.bulk_create([
            ProjectStep(project=project, number=number, name=key_point, park_work=work, owner=owner)
            for number, key_point, work in TEN_STEPS
        ])
        audit.record("project.created", actor=actor, subject=project, request=request, summary=project.name,
                     data={"enterprise": enterprise.credit_code, "plot": project.plot,
                           "contract_signed_on": str(contract_signed_on) if contract_signed_on else None})
    return project


def update_step(step, *, actor, planned_on=None, done_on=None, owner=None, note="", request=None) -> ProjectStep:
    """Plan or complete one key point; only the values given change."""
    _require_park(actor)
    _require_owner_role(owner)
    with transaction.atomic():
        step = ProjectStep.objects.select_for_update().get(pk=step.pk)
        changes = {}
        for name, value in (("planned_on", planned_on), ("done_on", done_on), ("owner", owner)):
            if value is not None:
                setattr(step, name, value)
                changes[name] = str(value.pk if name == "owner" else value)
        note = (note or "").strip()
        if note:
            step.note = note[:255]
            changes["note"] = step.note
        if not changes:
            raise DomainError(_("Nothing to change: give a planned date, a done date, an owner or a note."))
        step.save()
        audit.record("project.step_updated", actor=actor, subject=step.project, request=request,
                     summary=f"#{step.number} {step.name}"[:255], data={"step": step.number, **changes})
    return step


def record_milestone(project, *, actor, field, date, request=None) -> InvestmentProject:
    """Record when the land was supplied, handed over, or construction started."""
    _require_park(actor)
    if field not in MILESTONE_FIELDS:
        raise DomainError(_("Unknown milestone."))
    with transaction.atomic():
        project = InvestmentProject.objects.select_for_update().get(pk=project.pk)
        previous = getattr(project, field)
        setattr(project, field, date)
        project.save(update_fields=[field])
        audit.record("project.milestone", actor=actor, subject=project, request=request,
                     summary=f"{field} = {date}", data={"field": field, "date": str(date), "was": str(previous)})
    return project


# --- the project's own bundles ---------------------------------------------------------------------------
def _plot_key(text: str) -> str:
    """A plot or parcel reference compared loosely: full-width folded, case and spaces ignored, no "地块"."""
    text = unicodedata.normalize("NFKC", text or "").upper()
    return re.sub(r"\s+", "", text).removesuffix("地块").removesuffix("号")


def plot_matches(plot: str, parcel: str) -> bool:
    """Does an application's 宗地编号 name the project's plot? The whole plot, or one of its words
    ("临空前沿科技城 C12-3/02 地块" matches "C12-3/02" and "C12-3/02地块", not "C12-3/03")."""
    if not (plot or "").strip() or not str(parcel or "").strip():
        return True  # nothing to compare
    wanted = _plot_key(str(parcel))
    return wanted == _plot_key(plot) or wanted in {_plot_key(word) for word in plot.split()}


def link_application(project, application, *, actor, request=None) -> InvestmentProject:
    """The project follows one of its own bundles: same company, and the plot its form names (if any)."""
    _require_park(actor)
    with transaction.atomic():
        project = InvestmentProject.objects.select_for_update().get(pk=project.pk)
        if application.enterprise_id != project.enterprise_id:
            raise DomainError(_("%(ref)s was filed for another company.") % {"ref": application.reference})
        parcel = (application.form_data or {}).get(PARCEL_FIELD)
        if not plot_matches(project.plot, parcel):
            raise DomainError(_("%(ref)s names the plot “%(parcel)s”, not this project's plot “%(plot)s”.")
                              % {"ref": application.reference, "parcel": parcel, "plot": project.plot})
        if project.applications.filter(pk=application.pk).exists():
            return project
        project.applications.add(application)
        audit.record("project.application_linked", actor=actor, subject=project, request=request,
                     summary=f"{project.name} + {application.reference}"[:255],
                     data={"application": application.pk, "reference": application.reference})
    return project


def unlink_application(project, application, *, actor, request=None) -> InvestmentProject:
    _require_park(actor)
    with transaction.atomic():
        project = InvestmentProject.objects.select_for_update().get(pk=project.pk)
        if not project.applications.filter(pk=application.pk).exists():
            raise WrongState(_("%(ref)s is not linked to this project.") % {"ref": application.reference})
        project.applications.remove(application)
        audit.record("project.application_unlinked", actor=actor, subject=project, request=request,
                     summary=f"{project.name} - {application.reference}"[:255],
                     data={"application": application.pk, "reference": application.reference})
    return project


# --- 三即 -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Milestone:
    key: str  # contract_to_land | handover_to_certificates | certificates_to_construction
    label: str
    start_on: date | None
    end_on: date | None
    working_days: int | None  # working days elapsed (start day not counted); None until both ends are known
    same_day: bool | None  # reached on the start day itself (交地即交证); None while open


def certificate_signatures(project, *, since: date | None = None) -> dict:
    """Item code -> the first approving signature of a certificate in the project's own bundles on/after
    `since` (revoked decisions excepted)."""
    rows = (DecisionSignature.objects.filter(review__application__investment_projects=project,
                                             review__item__code__in=CERTIFICATE_ITEMS, decision=Decision.APPROVE,
                                             review__revoked_at__isnull=True)
            .select_related("review__item").order_by("signed_at"))
    found = {}
    for signature in rows:
        day = timezone.localdate(signature.signed_at)
        if since is not None and day < since:
            continue
        found.setdefault(signature.review.item.code, signature)
    return found


def certificates_issued_on(project) -> date | None:
    """The day the last of the three certificates was signed (on or after the handover); None until all are."""
    found = certificate_signatures(project, since=project.land_handed_over_on)
    if set(found) != set(CERTIFICATE_ITEMS):
        return None
    return max(timezone.localdate(s.signed_at) for s in found.values())


def milestones(project) -> list[Milestone]:
    cal = get_calendar()
    certificates_on = certificates_issued_on(project) if project.land_handed_over_on else None

    def span(key, label, start, end):
        if start is None or end is None:
            return Milestone(key, label, start, end, None, None)
        return Milestone(key, label, start, end, cal.working_days_between(start, end), start == end)

    return [
        span("contract_to_land", _("Contract signed → land supplied (签约即供地)"),
             project.contract_signed_on, project.land_supplied_on),
        span("handover_to_certificates", _("Land handed over → certificates issued (交地即交证)"),
             project.land_handed_over_on, certificates_on),
        span("certificates_to_construction", _("Certificates → construction starts (拿证即开工)"),
             certificates_on, project.construction_started_on),
    ]
