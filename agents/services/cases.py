"""Agency cases (代办件): 接件, 办理, 督办, 反馈 — and chasing automatically when a linked review goes red."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agents.models import AgencyCase, CaseStatus
from agents.services import links
from agents.services.authorizations import represents
from approvals.models import Application, FiringKind, ItemReview
from approvals.services import locking
from portal.errors import DomainError, NotAllowed, WrongState
from portal.models.users import Role
from portal.services import audit
from portal.services.notify import notify

C = CaseStatus
OPEN_STATES = (C.RECEIVED, C.HANDLING, C.CHASING)


# --- who ------------------------------------------------------------------------------------------------
def _require_case_agent(actor, case, *, leaders: bool = False):
    if actor.pk == case.agent_id:
        return
    if leaders and actor.role in (Role.LEADER, Role.ADMIN):
        return
    raise NotAllowed(_("Only the agent handling this case (%(agent)s) can do this.") % {"agent": case.agent})


def _require_company_member(actor, case):
    if actor.role == Role.APPLICANT and actor.enterprise_id == case.enterprise_id:
        return
    raise NotAllowed(_("Only a member of %(enterprise)s can do this.") % {"enterprise": case.enterprise})


def _company_members(case):
    from portal.models.users import User

    return list(User.objects.filter(enterprise_id=case.enterprise_id, role=Role.APPLICANT, is_active=True))


def _text(value, message) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    return value


# --- 接件 -------------------------------------------------------------------------------------------------
def receive(*, actor, enterprise, title, description="", materials_received="", now=None,
            request=None) -> AgencyCase:
    """接件: the agent takes over a company request (for the company the matter is now handed over)."""
    now = now or timezone.now()
    if actor.role != Role.AGENT:
        raise NotAllowed(_("Only a park service agent can receive an agency case."))
    if not represents(actor, enterprise, today=timezone.localdate(now)):
        raise NotAllowed(_("You are neither the service agent of %(enterprise)s nor authorised by it today.")
                         % {"enterprise": enterprise})
    title = _text(title, _("Say what the company asks for."))
    with transaction.atomic():
        case = AgencyCase.objects.create(
            reference=f"tmp-{now.timestamp():.6f}-{actor.pk}"[:32], enterprise=enterprise, agent=actor,
            title=title[:200], description=(description or "").strip(),
            materials_received=(materials_received or "").strip(), received_at=now,
        )
        case.reference = f"DB{timezone.localdate(now):%Y%m%d}{case.pk:06d}"
        case.save(update_fields=["reference"])
        audit.record("agency_case.received", actor=actor, subject=case, request=request,
                     summary=f"{case.reference} {case.title}"[:255],
                     data={"agent": actor.username, "on_behalf_of": enterprise.credit_code})
        notify(_company_members(case), kind="agency_case_received",
               title=_("Your request is with the park: %(title)s (%(ref)s)") % {"title": case.title,
                                                                               "ref": case.reference},
               body=_("%(agent)s received it and will handle it for you.") % {"agent": actor},
               link=links.page("case", case.pk), key=f"agency_case_received:{case.pk}")
    return case


# --- 办理 -------------------------------------------------------------------------------------------------
def link_application(case, application, *, actor, request=None) -> AgencyCase:
    """The case follows an application filed for the same company."""
    with transaction.atomic():
        case = locking.lock(AgencyCase, case.pk)
        _require_case_agent(actor, case)
        if case.status not in OPEN_STATES:
            raise WrongState(_("Applications are linked while the case is being handled."))
        if application.enterprise_id != case.enterprise_id:
            raise DomainError(_("%(ref)s was filed for another company.") % {"ref": application.reference})
        if case.applications.filter(pk=application.pk).exists():
            return case
        case.applications.add(application)
        audit.record("agency_case.application_linked", actor=actor, subject=case, request=request,
                     summary=f"{case.reference} + {application.reference}", data={"application": application.pk})
    return case


def start_handling(case, *, actor, now=None, request=None) -> AgencyCase:
    """办理: the agent files and follows the bundles of the case (also: back to handling after chasing)."""
    with transaction.atomic():
        case = locking.lock(AgencyCase, case.pk)
        _require_case_agent(actor, case)
        locking.check(case, case.handle)
        previous = case.status
        case.handle()
        locking.save(case)
        audit.record("agency_case.handling", actor=actor, subject=case, request=request,
                     summary=case.reference, data={"from": previous})
    return case


def chase(case, *, actor, note, now=None, request=None) -> AgencyCase:
    """督办: the agent (or a leader) chases an overdue step."""
    now = now or timezone.now()
    note = _text(note, _("Say what is being chased."))
    with transaction.atomic():
        case = locking.lock(AgencyCase, case.pk)
        _require_case_agent(actor, case, leaders=True)
        locking.check(case, case.chase)
        case.chase(now=now, note=note)
        locking.save(case)
        audit.record("agency_case.chasing", actor=actor, subject=case, request=request, summary=note[:255],
                     data={"automatic": False})
    return case


def report(case, *, actor, result, now=None, request=None) -> AgencyCase:
    """反馈: the agent reports the result to the company, which confirms it."""
    now = now or timezone.now()
    result = _text(result, _("Describe the result for the company."))
    with transaction.atomic():
        case = locking.lock(AgencyCase, case.pk)
        _require_case_agent(actor, case)
        locking.check(case, case.report, _("A result is reported once the case is being handled."))
        case.report(now=now, result=result)
        locking.save(case)
        audit.record("agency_case.reported", actor=actor, subject=case, request=request, summary=result[:255])
        notify(_company_members(case), kind="agency_case_reported",
               title=_("Result of your request: %(title)s (%(ref)s)") % {"title": case.title, "ref": case.reference},
               body=result[:500], link=links.page("case", case.pk),
               key=f"agency_case_reported:{case.pk}:{now.isoformat()}")
    return case


def confirm(case, *, actor, now=None, request=None) -> AgencyCase:
    """The company confirms the reported result: the case is done."""
    now = now or timezone.now()
    with transaction.atomic():
        case = locking.lock(AgencyCase, case.pk)
        _require_company_member(actor, case)
        locking.check(case, case.confirm, _("Only a reported result can be confirmed."))
        case.confirm(now=now, by=actor)
        locking.save(case)
        audit.record("agency_case.confirmed", actor=actor, subject=case, request=request, summary=case.reference)
    return case


def reject_report(case, *, actor, reason, now=None, request=None) -> AgencyCase:
    """The company does not accept the result: back to the agent, with the reason."""
    reason = _text(reason, _("Say what is still missing."))
    with transaction.atomic():
        case = locking.lock(AgencyCase, case.pk)
        _require_company_member(actor, case)
        locking.check(case, case.reject_report, _("Only a reported result can be sent back."))
        case.reject_report()
        locking.save(case)
        audit.record("agency_case.report_rejected", actor=actor, subject=case, request=request,
                     summary=reason[:255])
        notify([case.agent], kind="agency_case_report_rejected",
               title=_("Result not accepted: %(title)s (%(ref)s)") % {"title": case.title, "ref": case.reference},
               body=reason, link=links.page("case", case.pk),
               key=f"agency_case_rejected:{case.pk}:{timezone.now().isoformat()}")
    return case


# --- progress -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LinkedProgress:
    application: object
    light: str
    next_due_at: datetime | None


def case_progress(case, now=None, *, viewer=None) -> list[LinkedProgress]:
    """The linked applications with their light and the next due time of their running clocks (both selected
    by the database: Application.objects.with_light / with_next_due); for a `viewer`, only those they may see
    (Application.objects.visible_to: a leader never sees a linked draft)."""
    now = now or timezone.now()
    applications = case.applications.select_related("enterprise").with_light(now).with_next_due().order_by("pk")
    if viewer is not None:
        applications = applications.filter(pk__in=Application.objects.visible_to(viewer).values("pk"))
    return [LinkedProgress(application=application, light=application.light, next_due_at=application.next_due)
            for application in applications]


# --- automatic chasing ----------------------------------------------------------------------------------
def chase_on_red_reviews(sender, *, fired, now, **kwargs):
    """deadline_fired receiver: a linked review went red -> every open case of that application is chased.

    Runs inside the sweep's transaction for a batch of firings, each fired once; one query finds the applications
    of the batch that have open cases at all (usually none). A case already chasing only gets the note added (one
    "chasing" entry per case in the audit).
    """
    red = [f for f in fired if f.kind in (FiringKind.REVIEW_RED, FiringKind.REVIEW_LEGAL)]
    if not red:
        return
    with_cases = set(AgencyCase.objects.filter(applications__in={f.application_id for f in red},
                                               status__in=OPEN_STATES).values_list("applications", flat=True))
    chased = [f for f in red if f.application_id in with_cases]
    if not chased:
        return
    reviews = ItemReview.objects.select_related("application", "item", "department").in_bulk(
        [f.subject_id for f in chased])
    for f in chased:
        review = reviews[f.subject_id]
        _chase(f.kind, review, review.application, now)


def _chase(kind, subject, application, now):
    with transaction.atomic():
        open_cases = list(AgencyCase.objects.select_for_update().filter(
            applications=application, status__in=OPEN_STATES))
        for case in open_cases:
            note = _("%(item)s of %(ref)s is overdue at %(department)s.") % {
                "item": subject.item.name, "ref": application.reference, "department": subject.department}
            if case.status == C.CHASING:
                case.chase_note = f"{case.chase_note}\n{note}".strip()
                case.save(update_fields=["chase_note"])
                audit.record("agency_case.chase_noted", subject=case, summary=note[:255],
                             data={"application": application.pk, "review": subject.pk, "automatic": True})
                continue
            case.chase(now=now, note=note)
            case.save()
            audit.record("agency_case.chasing", subject=case, summary=note[:255],
                         data={"application": application.pk, "review": subject.pk, "automatic": True})
            notify([case.agent], kind="agency_case_chasing",
                   title=_("Chasing (督办): %(title)s (%(ref)s)") % {"title": case.title, "ref": case.reference},
                   body=note, link=links.page("case", case.pk),
                   key=f"agency_case_chasing:{case.pk}:{subject.pk}:{kind}")
