"""Demands (诉求) under "清单制+责任制+销号制" and the 222 rule (seed 000).

Every demand is on the list (raised), gets one owner and a class from the park (classify: the 222 clock runs
from the moment it was raised), is resolved (or, when big, gets a solution plan) and is closed off (销号) only
when the company confirms or a leader closes it with a reason; it can be reopened, with a new clock.

When a clock stops (resolved, plan proposed, closed) the due time is kept for the record — it is what the 222
compliance is measured against — and only `next_check_at` is cleared, so the sweep leaves the demand alone.
"""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agents.models import Demand, DemandAttachment, DemandClass, DemandReclassification, DemandStatus
from agents.models.demands import DemandCategory
from agents.services.authorizations import represents
from agents.services.demand_clocks import clock_start, demand_link, due_times
from approvals.services import locking
from approvals.services.uploads import check_upload
from portal.errors import DomainError, NotAllowed, WrongState
from portal.models.users import Role, User
from portal.services import audit
from portal.services.notify import notify

D = DemandStatus
PARK_ROLES = (Role.AGENT, Role.LEADER, Role.ADMIN)  # "the park": who classifies and dispatches demands
OWNER_ROLES = (Role.AGENT, Role.LEADER, Role.ADMIN, Role.STAFF, Role.CHIEF, Role.CLERK)
MAX_ATTACHMENTS = 10


# --- who ------------------------------------------------------------------------------------------------
def is_company_member(user, enterprise) -> bool:
    return user.role == Role.APPLICANT and user.enterprise_id == enterprise.pk


def speaks_for_company(user, enterprise, *, today=None) -> bool:
    """A member of the company, or the park agent who serves it or holds its authorisation today."""
    return is_company_member(user, enterprise) or represents(user, enterprise, today=today)


def _company_side(demand) -> list:
    """Who hears from the park about a demand: whoever raised it and the company's members."""
    members = list(User.objects.filter(enterprise=demand.enterprise, role=Role.APPLICANT, is_active=True))
    return [demand.raised_by, *members]


def _require_park(actor):
    if actor.role not in PARK_ROLES:
        raise NotAllowed(_("Only the park (a service agent, a leader or an administrator) can do this."))


def _require_owner_or_leader(actor, demand):
    if actor.role in (Role.LEADER, Role.ADMIN) or (demand.owner_id is not None and demand.owner_id == actor.pk):
        return
    raise NotAllowed(_("Only the owner of this demand (%(owner)s) or a leader can do this.")
                     % {"owner": demand.owner or _("nobody yet")})


def _require_reason(reason, message) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(message)
    return reason[:255]


def _check_class(classification):
    if classification not in DemandClass.values:
        raise DomainError(_("Choose small, general or big."))
    return classification


def _load(demand):
    return locking.lock(Demand, demand.pk)


def _data(demand, **extra):
    return {"enterprise": demand.enterprise.credit_code, "class": demand.classification, **extra}


# --- raising --------------------------------------------------------------------------------------------
def raise_demand(*, actor, enterprise, title, text, category=DemandCategory.OTHER, attachments=(), now=None,
                 request=None) -> Demand:
    """The company (or its agent for it) puts a demand on the list. Attachments are checked before anything is
    stored: a rejected file leaves no demand behind."""
    now = now or timezone.now()
    if not speaks_for_company(actor, enterprise, today=timezone.localdate(now)):
        raise NotAllowed(_("Only a member of %(enterprise)s or its park service agent can raise a demand for it.")
                         % {"enterprise": enterprise})
    title, text = (title or "").strip(), (text or "").strip()
    if not title or not text:
        raise DomainError(_("Give the demand a title and describe it."))
    if category not in DemandCategory.values:
        raise DomainError(_("Choose a category for the demand."))
    attachments = list(attachments or [])
    if len(attachments) > MAX_ATTACHMENTS:
        raise DomainError(_("At most %(n)d files can be attached.") % {"n": MAX_ATTACHMENTS})
    checked = [check_upload(file) for file in attachments]
    with transaction.atomic():
        demand = Demand.objects.create(
            reference=f"tmp-{now.timestamp():.6f}-{actor.pk}"[:32], enterprise=enterprise, raised_by=actor,
            raised_at=now, title=title[:200], text=text, category=category,
        )
        demand.reference = f"SQ{timezone.localdate(now):%Y%m%d}{demand.pk:06d}"
        demand.save(update_fields=["reference"])
        for upload in checked:
            attachment = DemandAttachment(demand=demand, original_name=upload.original_name,
                                          content_type=upload.content_type, size=upload.size, sha256=upload.sha256,
                                          uploaded_by=actor)
            attachment.file.save("attachment", ContentFile(upload.content), save=False)
            attachment.save()
        audit.record("demand.raised", actor=actor, subject=demand, request=request,
                     summary=f"{demand.reference} {demand.title}"[:255],
                     data=_data(demand, category=category, attachments=len(checked),
                                **({"agent": actor.username} if actor.role == Role.AGENT else {})))
        notify([enterprise.service_agent], kind="demand_raised",
               title=_("New demand from %(enterprise)s: %(title)s") % {"enterprise": enterprise.name,
                                                                     "title": demand.title},
               body=demand.text[:500], link=demand_link(demand), key=f"demand_raised:{demand.pk}")
    return demand


# --- classifying ----------------------------------------------------------------------------------------
def classify(demand, *, actor, classification, owner, now=None, request=None) -> Demand:
    """The park puts the demand on the list with a class and one owner; the 222 clock runs from raised_at."""
    now = now or timezone.now()
    _require_park(actor)
    classification = _check_class(classification)
    if owner is None or not owner.is_active or owner.role not in OWNER_ROLES:
        raise DomainError(_("Choose an owner from the park or the departments."))
    with transaction.atomic():
        demand = _load(demand)
        if demand.status != D.RAISED:
            raise WrongState(_("This demand is already classified; correct its class with a reason instead."))
        due_at, warn_at = due_times(classification, demand.raised_at)
        demand.classify(classification=classification, owner=owner, at=now, due_at=due_at, warn_at=warn_at)
        locking.save(demand)
        audit.record("demand.classified", actor=actor, subject=demand, request=request,
                     summary=f"{demand.reference} {classification} -> {owner.username}",
                     data=_data(demand, owner=owner.username, due_at=due_at.isoformat()))
        if owner.pk != actor.pk:
            notify([owner], kind="demand_assigned",
                   title=_("Demand for you: %(title)s (%(ref)s)") % {"title": demand.title, "ref": demand.reference},
                   body=_("%(enterprise)s — due %(due)s") % {
                       "enterprise": demand.enterprise.name,
                       "due": timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")},
                   link=demand_link(demand), key=f"demand_assigned:{demand.pk}:{owner.pk}:{due_at.isoformat()}")
    return demand


def reclassify(demand, *, actor, classification, reason, now=None, request=None) -> Demand:
    """Correct the class (reason required): the due time is recomputed from when the clock started."""
    now = now or timezone.now()
    _require_park(actor)
    classification = _check_class(classification)
    reason = _require_reason(reason, _("Say why the class is being corrected."))
    with transaction.atomic():
        demand = _load(demand)
        if demand.status != D.OPEN:
            raise WrongState(_("Only a demand on the list and not yet resolved can be reclassified."))
        if demand.classification == classification:
            raise DomainError(_("The demand is already %(class)s.") % {"class": demand.get_classification_display()})
        previous = demand.classification
        due_at, warn_at = due_times(classification, clock_start(demand))
        demand.classify(classification=classification, owner=demand.owner, at=demand.classified_at or now,
                        due_at=due_at, warn_at=warn_at)
        locking.save(demand)
        DemandReclassification.objects.create(demand=demand, from_class=previous, to_class=classification,
                                              reason=reason, by=actor, at=now)
        audit.record("demand.reclassified", actor=actor, subject=demand, request=request, summary=reason,
                     data=_data(demand, **{"from": previous, "to": classification, "due_at": due_at.isoformat()}))
    return demand


# --- handling -------------------------------------------------------------------------------------------
def propose_plan(demand, *, actor, plan, plan_due_date, now=None, request=None) -> Demand:
    """A big demand's solution plan (the 222 rule: within 2 working days); then the plan's own date counts."""
    now = now or timezone.now()
    plan = (plan or "").strip()
    if not plan:
        raise DomainError(_("Describe the solution plan."))
    if plan_due_date is None or plan_due_date < timezone.localdate(now):
        raise DomainError(_("Give the date by which the plan will be carried out (today or later)."))
    with transaction.atomic():
        demand = _load(demand)
        _require_owner_or_leader(actor, demand)
        if demand.status == D.OPEN and demand.classification != DemandClass.BIG:
            raise WrongState(_("Only a big demand gets a solution plan; resolve small and general ones."))
        locking.check(demand, demand.propose_plan)
        demand.propose_plan(plan=plan, plan_due_date=plan_due_date, at=now)
        locking.save(demand)
        audit.record("demand.plan_proposed", actor=actor, subject=demand, request=request,
                     summary=f"{demand.reference} plan until {plan_due_date}",
                     data=_data(demand, plan_due_date=str(plan_due_date), met_222=demand.met_222_at(now)))
    return demand


def resolve(demand, *, actor, resolution, now=None, request=None) -> Demand:
    """The owner (or a leader) reports the demand resolved; the company is asked to confirm (销号)."""
    now = now or timezone.now()
    resolution = (resolution or "").strip()
    if not resolution:
        raise DomainError(_("Say how the demand was resolved."))
    with transaction.atomic():
        demand = _load(demand)
        _require_owner_or_leader(actor, demand)
        if demand.status == D.OPEN and demand.classification == DemandClass.BIG:
            raise WrongState(_("A big demand needs a solution plan first (222 rule)."))
        locking.check(demand, demand.resolve)
        demand.resolve(resolution=resolution, at=now)
        locking.save(demand)
        audit.record("demand.resolved", actor=actor, subject=demand, request=request,
                     summary=f"{demand.reference} resolved", data=_data(demand, met_222=demand.met_222_at(now)))
        notify(_company_side(demand), kind="demand_resolved",
               title=_("Your demand is resolved: %(title)s (%(ref)s)") % {"title": demand.title,
                                                                         "ref": demand.reference},
               body=_("Please confirm to close it off, or reopen it if the problem remains."),
               link=demand_link(demand), key=f"demand_resolved:{demand.pk}:{now.isoformat()}")
    return demand


# --- closing off (销号) and reopening -------------------------------------------------------------------
def confirm(demand, *, actor, now=None, request=None) -> Demand:
    """The company confirms the resolution: the demand is closed off (销号)."""
    now = now or timezone.now()
    with transaction.atomic():
        demand = _load(demand)
        if not is_company_member(actor, demand.enterprise):
            raise NotAllowed(_("Only a member of %(enterprise)s can confirm that its demand is resolved.")
                             % {"enterprise": demand.enterprise})
        if demand.status != D.RESOLVED:
            raise WrongState(_("Only a resolved demand can be confirmed."))
        demand.close(by=actor, at=now, reason=_("Confirmed by the company"))
        locking.save(demand)
        audit.record("demand.confirmed", actor=actor, subject=demand, request=request,
                     summary=f"{demand.reference} closed off by the company", data=_data(demand))
    return demand


def close(demand, *, actor, reason, now=None, request=None) -> Demand:
    """A leader closes the demand off with a reason (e.g. the company cannot be reached, or withdrew it)."""
    now = now or timezone.now()
    if actor.role != Role.LEADER:
        raise NotAllowed(_("Only a leader can close off a demand without the company's confirmation."))
    reason = _require_reason(reason, _("Say why the demand is closed off."))
    with transaction.atomic():
        demand = _load(demand)
        locking.check(demand, demand.close, _("This demand cannot be closed off now: it is “%(status)s”.")
                      % {"status": demand.get_status_display()})
        demand.close(by=actor, at=now, reason=reason)
        locking.save(demand)
        audit.record("demand.closed", actor=actor, subject=demand, request=request, summary=reason,
                     data=_data(demand))
    return demand


def reopen(demand, *, actor, reason, now=None, request=None) -> Demand:
    """The company (or a leader) reopens a resolved or closed demand: a new 222 clock runs from now."""
    now = now or timezone.now()
    reason = _require_reason(reason, _("Say why the demand is reopened."))
    with transaction.atomic():
        demand = _load(demand)
        if not (is_company_member(actor, demand.enterprise) or actor.role == Role.LEADER):
            raise NotAllowed(_("Only a member of %(enterprise)s or a leader can reopen this demand.")
                             % {"enterprise": demand.enterprise})
        locking.check(demand, demand.reopen, _("Only a resolved or closed demand can be reopened."))
        due_at, warn_at = due_times(demand.classification, now)
        demand.reopen(due_at=due_at, warn_at=warn_at)
        demand.plan_proposed_at = None  # a new cycle: its plan (if big) is still to come
        demand.close_reason = ""
        demand.closed_by = None
        locking.save(demand)
        audit.record("demand.reopened", actor=actor, subject=demand, request=request, summary=reason,
                     data=_data(demand, clock_start=now.isoformat(), due_at=due_at.isoformat(),
                                times=demand.reopened))
        notify([demand.owner], kind="demand_reopened",
               title=_("Demand reopened: %(title)s (%(ref)s)") % {"title": demand.title, "ref": demand.reference},
               body=reason, link=demand_link(demand), key=f"demand_reopened:{demand.pk}:{demand.reopened}")
    return demand


# --- reading --------------------------------------------------------------------------------------------
def outcome_222(demand, *, now=None) -> str:
    """"met" / "missed" / "pending": whether the 222 limit of the current clock was kept (`Demand.OUTCOME_222`,
    the rule lists and reports select in SQL with `Demand.objects.with_outcome_222`)."""
    return demand.outcome_222_at(now or timezone.now())


def visible_to(user, queryset=None):
    """The demands `user` may see: a company member its company's, an agent those of the companies it serves
    or owns, leaders, administrators and supervisors all; department staff the ones they own."""
    from django.db.models import Q

    from agents.services.authorizations import valid_authorizations

    rows = queryset if queryset is not None else Demand.objects.all()
    if user.role == Role.APPLICANT:
        return rows.filter(enterprise_id=user.enterprise_id)
    if user.role in (Role.LEADER, Role.ADMIN, Role.SUPERVISOR):
        return rows
    if user.role == Role.AGENT:
        authorised = valid_authorizations(agent=user).values("enterprise_id")
        return rows.filter(Q(owner=user) | Q(enterprise__service_agent=user) | Q(enterprise_id__in=authorised))
    return rows.filter(owner=user)
