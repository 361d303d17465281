"""The after-check (事后核查) of decisions made on a written commitment (告知承诺, 国办发〔2020〕42号).

Opened when the chief signs an approval on commitment, due COMMITMENT_CHECK_DAYS working days later (end of
office hours, on the working-day calendar). The department's staff or chief records the outcome once:
- confirmed: the decision stands;
- false commitment: the decision is revoked (the signed decision stays on record with `revoked_at` and the
  reason, shown to the applicant), the enterprise is recorded as having made a false commitment (which bars it
  from further commitments: `sign_commitment` and `material_rules.committed_item_ids` refuse them), and both
  are audited.
A check whose due date passes without an outcome warns the department through the deadline sweep, once.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import clocks
from approvals.calendar.loading import get_calendar
from approvals.models import AfterCheck, AfterCheckOutcome, Application, EventKind, ItemReview, Outcome
from approvals.models.applications import outcome_of
from approvals.services import locking, permissions, timeline
from portal.errors import DomainError, WrongState
from portal.models import Enterprise
from portal.models.users import Role, User
from portal.services import audit
from portal.services.notify import notify


def open_check(review, *, now) -> AfterCheck:
    """The after-check of a signed approval on commitment (called inside the signing transaction); idempotent."""
    existing = AfterCheck.objects.filter(review=review).first()
    if existing is not None:
        return existing
    cal = get_calendar()
    days = settings.COMMITMENT_CHECK_DAYS
    due = cal.add_working_days(now, days)
    warn = clocks.warn_at(cal, now, days, due, yellow_days=settings.CLOCK_YELLOW_DAYS,
                          yellow_fraction=settings.CLOCK_YELLOW_FRACTION)
    check = AfterCheck.objects.create(
        review=review, department=review.department, opened_at=now, due_at=due, warn_at=warn, check_at=due,
        commitment=review.application.commitments.filter(item_id=review.item_id).first(),
    )
    audit.record("after_check.opened", subject=check, summary=f"{review.application.reference} {review.item.code}",
                 data={"application": review.application_id, "review": review.pk, "due_at": due.isoformat()})
    return check


def follow_up_materials(check) -> list:
    """The materials the commitment let follow the decision, with the current file if handed in (补交)."""
    from approvals.services import material_rules
    from approvals.services.material_rules import Provision

    application = check.review.application
    return [state for state in material_rules.material_states(application)
            if state.provision == Provision.AFTER_COMMITMENT
            and any(i.pk == check.review.item_id for i in state.bundled.after_commitment_items)]


def record_outcome(check, *, actor, outcome: str, note: str = "", now=None, request=None) -> AfterCheck:
    """The department's finding: the commitment confirmed, or false (the decision is revoked)."""
    now = now or timezone.now()
    note = (note or "").strip()
    if outcome not in AfterCheckOutcome.values:
        raise DomainError(_("Choose the outcome: commitment confirmed, or false commitment."))
    if outcome == AfterCheckOutcome.FALSE_COMMITMENT and not note:
        raise DomainError(_("A false commitment revokes the decision: give the reason the applicant will read."))
    with transaction.atomic():
        check = (AfterCheck.objects.select_for_update(of=("self",))
                 .select_related("review__application__enterprise", "review__item", "department").get(pk=check.pk))
        review = check.review
        permissions.require_department_staff(actor, review)
        if check.outcome:
            raise WrongState(_("This after-check is already done: %(outcome)s.")
                             % {"outcome": check.get_outcome_display()})
        check.outcome, check.note, check.decided_by, check.decided_at = outcome, note[:5000], actor, now
        check.check_at = None
        check.save(update_fields=["outcome", "note", "decided_by", "decided_at", "check_at"])
        application = review.application
        context = {"item": review.item.name, "ref": application.reference}
        if outcome == AfterCheckOutcome.CONFIRMED:
            timeline.record(application, EventKind.COMMITMENT_CONFIRMED, actor=actor, now=now, subject=review,
                            department=check.department, message=note, request=request,
                            data={"item": review.item.code})
            audit.record("after_check.confirmed", actor=actor, subject=check, request=request,
                         summary=f"{application.reference} {review.item.code}", data={"note": note})
            return check
        outcome = _revoke(review, check=check, actor=actor, now=now, note=note, request=request)
        body = note
        if outcome:
            body = "\n".join([note, _("The result of the application is now: %(outcome)s.")
                               % {"outcome": Outcome(outcome).label}])
        applicants = User.objects.filter(enterprise_id=application.enterprise_id, role=Role.APPLICANT,
                                         is_active=True)
        notify(applicants, kind=EventKind.DECISION_REVOKED,
               title=_("Decision revoked: %(item)s (%(ref)s)") % context, body=body,
               link=reverse("approvals:application", args=[application.pk]), key=f"revoked:{review.pk}")
    return check


def _revoke(review, *, check, actor, now, note, request):
    review = locking.lock(ItemReview, review.pk)
    review.revoke(by=actor, at=now, reason=note)
    review.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    # The decision and the e-certificate issued for it are revoked too: verification says so (docs/documents.md).
    from approvals.documents.issuing import revoke_documents_of  # local: the documents import the services

    revoke_documents_of(review, reason=note, actor=actor, now=now, request=request)
    enterprise = check.review.application.enterprise
    # The bundle's outcome follows its items' decisions as they stand (`outcome_of`, the rule of the decision
    # itself), once the bundle is decided; before that, its decision will count the revocation.
    application = locking.lock(Application, review.application_id)
    before = application.outcome
    outcome = outcome_of(application) if before else ""
    if outcome != before:
        application.set_outcome(outcome)
        application.save(update_fields=["outcome"])
    timeline.record(application, EventKind.DECISION_REVOKED, actor=actor, now=now, subject=review,
                    department=check.department, message=note, request=request,
                    data={"item": check.review.item.code, "outcome": {"before": before, "after": outcome}})
    audit.record("after_check.false_commitment", actor=actor, subject=check, request=request,
                 summary=f"{application.reference} {check.review.item.code}", data={"note": note})
    Enterprise.objects.filter(pk=enterprise.pk).update(false_commitment_recorded=True)
    audit.record("enterprise.false_commitment_recorded", actor=actor, subject=enterprise, request=request,
                 summary=enterprise.credit_code,
                 data={"application": application.pk, "review": review.pk, "after_check": check.pk,
                       "was": enterprise.false_commitment_recorded})
    return outcome if outcome != before else ""
