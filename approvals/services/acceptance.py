"""Acceptance by the lead department's window (Administrative Licensing Law Art. 32): accept, not accept,
or request every supplement in one notice; and the applicant's answer to that notice."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.documents import triggers as documents
from approvals.models import (
    Application, ApplicationStage, ApplicationStatus, EventKind, ItemReview, SupplementRequest, Visit, VisitKind,
)
from approvals.notices import Notice, announce
from approvals.services import fees_charged, locking, material_rules, one_form, permissions, timeline
from approvals.services.applications import (
    _checked_problems, _incomplete, _store_form, acceptance_clock_times, completeness_problems, requirements_of,
)
from approvals.services.reviews import open_stage
from portal.errors import DomainError, WrongState

S = ApplicationStatus
JOINT_LEGAL_LIMIT_DAYS = 45  # Art. 42: joint or centralised handling


def accept(application, *, actor, now=None, request=None, deemed=False) -> Application:
    """Accept the bundle once: the stages are laid out, the first opens and its reviews' clocks start.

    `deemed=True` is the automatic acceptance of Art. 32 (no answer within 5 working days): the acceptance
    counts from the day of receipt and the actor is None.
    """
    now = now or timezone.now()
    with transaction.atomic():
        application = locking.lock(Application, application.pk)
        if not deemed:
            permissions.require_lead_window(actor, application)
        locking.check(application, application.accept)
        accepted_at = application.received_at if deemed else now
        application.accept(by=actor, at=accepted_at, deemed=deemed)
        locking.save(application)
        _lay_out_stages(application)
        fees_charged.compute_charges(application, now=now, strict=not deemed)
        timeline.record(application, EventKind.DEEMED_ACCEPTED if deemed else EventKind.ACCEPTED, actor=actor,
                        now=now, department=application.lead_department, request=request,
                        message=_("Deemed accepted from the day the materials were received (Art. 32).") if deemed
                        else "")
        open_stage(application.stages.order_by("order").first(), at=accepted_at, actor=actor, now=now)
        documents.accepted(application)
        announce(Notice.DEEMED_ACCEPTED if deemed else Notice.ACCEPTED, application)
    return application


def _lay_out_stages(application):
    """One application stage per package stage (or one stage for a free choice), with a pending review per item.

    An item on a signed commitment (告知承诺) is decided when its stage opens, so its promised limit is 0 working
    days: the chief signs the same working day (no multi-day clock)."""
    items = {i.pk: i for i in application.items.select_related("department")}
    committed = material_rules.committed_item_ids(application)
    joint = bool(application.package and application.package.joint)
    if application.package is not None:
        plan = [(s.order, s.name, s.lead_department, s.promised_limit_days, [i.pk for i in s.items.all()])
                for s in application.package.stages.select_related("lead_department").prefetch_related("items")]
    else:
        longest = max(i.promised_limit_days for i in items.values())
        plan = [(1, _("Joint review"), application.lead_department, longest, list(items))]
    for order, name, lead, days, item_ids in plan:
        stage = ApplicationStage.objects.create(application=application, order=order, name=name,
                                                lead_department=lead, promised_limit_days=days)
        for item_id in item_ids:
            if item_id not in items:
                continue
            item = items.pop(item_id)
            ItemReview.objects.create(
                application=application, stage=stage, item=item, department=item.department,
                limit_days=0 if item.pk in committed else item.promised_limit_days,
                legal_limit_days=max(item.legal_limit_days, JOINT_LEGAL_LIMIT_DAYS) if joint else item.legal_limit_days,
            )


def refuse_acceptance(application, *, actor, reason: str, apply_instead_to: str = "", now=None,
                      request=None) -> Application:
    """不予受理: with the reason and, where it belongs elsewhere, where to apply instead."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("A decision not to accept must state the reason."))
    with transaction.atomic():
        application = locking.lock(Application, application.pk)
        permissions.require_lead_window(actor, application)
        locking.check(application, application.refuse_acceptance)
        application.refuse_acceptance(reason=reason, apply_instead_to=apply_instead_to.strip(), now=now)
        locking.save(application)
        timeline.record(application, EventKind.NOT_ACCEPTED, actor=actor, now=now, request=request,
                        department=application.lead_department, message=reason,
                        data={"apply_instead_to": application.apply_instead_to})
        documents.not_accepted(application)
        announce(Notice.NOT_ACCEPTED, application)
    return application


def request_supplement(application, *, actor, problems: list, now=None, request=None) -> SupplementRequest:
    """补正: one notice listing every missing or wrong material and field (一次告知)."""
    now = now or timezone.now()
    with transaction.atomic():
        application = locking.lock(Application, application.pk)
        permissions.require_lead_window(actor, application)
        locking.check(application, application.request_supplement)
        problems = _checked_problems(application, problems)
        notice = SupplementRequest.objects.create(application=application, requested_by=actor, requested_at=now,
                                                  problems=problems)
        application.request_supplement()
        locking.save(application)
        timeline.record(application, EventKind.SUPPLEMENT_REQUESTED, actor=actor, now=now, request=request,
                        department=application.lead_department, data={"problems": problems})
        documents.supplement_requested(notice)
        announce(Notice.SUPPLEMENT_REQUESTED, application, subject=notice)
    return notice


def answer_supplement(application, *, actor, form: dict | None = None, at_window: bool = False, now=None,
                      request=None) -> Application:
    """The applicant answers in the same application: only the listed fields may change (listed materials are
    re-uploaded with `upload_material` before this). The materials count as received again now."""
    now = now or timezone.now()
    form = form or {}
    with transaction.atomic():
        application = locking.lock(Application, application.pk)
        permissions.require_applicant_side(actor, application)
        locking.check(application, application.answer_supplement,
                      _("There is no supplement request to answer."))
        notice = application.supplement_requests.filter(answered_at__isnull=True).first()
        unlisted = sorted(set(form) - notice.field_keys)
        if unlisted:
            raise WrongState(_("Only the fields listed in the supplement notice can be changed: %(keys)s")
                             % {"keys": ", ".join(unlisted)})
        stale = sorted(key for key in notice.material_keys
                       if not application.materials.filter(material_type__key=key, is_current=True,
                                                           uploaded_at__gt=notice.requested_at).exists())
        requirements = requirements_of(application)
        merged = {**application.form_data, **one_form.keep_known(requirements.fields, form)}
        cleaned, form_errors = one_form.validate(requirements.fields, merged)
        _missing_errors, missing = completeness_problems(application, requirements)
        unchanged = sorted(key for key in notice.field_keys if key not in form)
        if stale or form_errors or missing or unchanged:
            error = _incomplete(form_errors, sorted(set(missing) | set(stale)))
            for key in unchanged:
                error.form_errors.setdefault(key, _("The supplement notice asks you to correct this field."))
            raise error
        _store_form(application, cleaned, actor=actor, reason="supplement")
        notice.answered_at, notice.answered_by = now, actor
        notice.save(update_fields=["answered_at", "answered_by"])
        due, warn = acceptance_clock_times(now)
        application.answer_supplement(now=now, acceptance_due_at=due, acceptance_warn_at=warn)
        locking.save(application)
        if at_window:
            Visit.objects.create(application=application, kind=VisitKind.WINDOW_SUPPLEMENT, at=now,
                                 recorded_by=actor)
        timeline.record(application, EventKind.SUPPLEMENT_ANSWERED, actor=actor, now=now, request=request,
                        department=application.lead_department)
        documents.supplement_answered(notice)
        announce(Notice.SUPPLEMENT_ANSWERED, application, subject=notice)
    return application
