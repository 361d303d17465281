"""Department reviews inside a stage: start, opinion, pause, resume, extension, decision and signature.

Every change of a clock recomputes and stores `due_at` / `legal_due_at` in the same transaction, and the clock of
the review's stage with it (a stage follows its reviews: `stage_due_times`). When the last review of a stage is
signed the stage closes (recorded for its lead department); the next stage opens, or the bundle is decided: all
approved, partly approved, or refused.
"""

import hashlib
import json
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals import clocks
from approvals.calendar.loading import get_calendar
from approvals.documents import triggers as documents
from approvals.models import (
    Application, ApplicationStage, Decision, DecisionSignature, EventKind, ItemReview, Outcome, PauseKind,
    ReviewPause, ReviewStatus, StageStatus,
)
from approvals.models.applications import outcome_of
from approvals.models.reviews import OPEN_REVIEW_STATES
from approvals.notices import Notice, announce
from approvals.services import after_checks, fees_charged, locking, material_rules, permissions, timeline
from portal.errors import DomainError, NotAllowed, WrongState
from portal.services import audit
from portal.services.authentication import lock_totp_devices, throttled_message, totp_wait_seconds, verify_totp

R = ReviewStatus
MAX_EXTENSION_DAYS = 10  # Art. 42
MAX_JOINT_EXTENSION_DAYS = 15  # Art. 42, joint or centralised handling
DEFAULT_REMEDY_NOTICE = gettext_lazy(
    "If you do not accept this decision, you may apply for administrative reconsideration within 60 days of "
    "receiving it, or bring an administrative lawsuit within 6 months."
)


# --- clocks -----------------------------------------------------------------------------------------------
def _pauses(review):
    return [clocks.Pause(p.started_at, p.ended_at) for p in review.pauses.all()]


def review_due_times(review, cal=None, *, extension_days=None):
    """(due_at, legal_due_at, warn_at) of a review from its start, limits, extension and pauses."""
    cal = cal or get_calendar()
    pauses = _pauses(review)
    extra = review.extension_days if extension_days is None else extension_days
    days = review.limit_days + extra
    due = clocks.due_at(cal, review.started_at, days, pauses)
    legal = clocks.due_at(cal, review.started_at, review.legal_limit_days + extra, pauses)
    return due, legal, _warn_at(cal, review.started_at, days, due)


def _warn_at(cal, start, days, due):
    """The yellow threshold: the warning window (settings) before the due time, in office time."""
    return clocks.warn_at(cal, start, days, due, yellow_days=settings.CLOCK_YELLOW_DAYS,
                          yellow_fraction=settings.CLOCK_YELLOW_FRACTION)


def review_light(review, *, now=None, cal=None) -> str:
    """The review's light at `now`: `ItemReview.LIGHT` (approvals/lights.py), the rule lists select in SQL."""
    return review.light_at(now or timezone.now())


# --- stages -----------------------------------------------------------------------------------------------
def stage_due_times(stage, cal=None, *, reviews=None):
    """(due_at, warn_at) of an open stage: a stage follows its reviews (docs/deadlines.md).

    While one of its open reviews is suspended the stage has no due time (a pause that stops a review never
    makes its stage overdue). Otherwise it is due at the latest of its own promise (`promised_limit_days` from
    the day it opened, moved on by the working days during which any of its reviews was paused) and the due
    times of its open reviews (an extension carries the stage with it). `reviews`: the stage's reviews with
    their pauses, when the caller has them already.
    """
    cal = cal or get_calendar()
    if reviews is None:
        reviews = list(stage.reviews.exclude(status=R.CANCELLED).prefetch_related("pauses"))
    reviews = [r for r in reviews if r.status != R.CANCELLED]
    running = [r for r in reviews if r.status in OPEN_REVIEW_STATES]
    if any(r.status == R.SUSPENDED for r in running):
        return None, None
    pauses = [pause for review in reviews for pause in _pauses(review)]
    due = clocks.due_at(cal, stage.opened_at, stage.promised_limit_days, pauses)
    if due is None:  # an open pause of a review that is not suspended cannot happen; stay silent if it does
        return None, None
    due = max([due, *(r.due_at for r in running if r.due_at is not None)])
    return due, _warn_at(cal, stage.opened_at, stage.promised_limit_days, due)


def follow_reviews(stage_id, cal=None) -> ApplicationStage | None:
    """Store the clock of an open stage as its reviews now say (the stage locked, in the caller's transaction).

    Returns the stage when its clock changed, else None."""
    stage = locking.lock(ApplicationStage, stage_id)
    if stage.status != StageStatus.OPEN:
        return None
    due, warn = stage_due_times(stage, cal)
    if (due, warn) == (stage.due_at, stage.warn_at):
        return None
    stage.set_clock(due, warn)
    stage.save(update_fields=["due_at", "warn_at", "next_check_at"])
    return stage


def open_stage(stage, *, at, actor=None, now=None):
    """Open a stage for its lead department: every review in it starts its clock at `at`, in parallel.

    An item whose written commitment (告知承诺) the applicant signed is decided on the spot: approved on
    commitment at `at` (acceptance, for the first stage), waiting only for the chief's signature that same
    working day; the department verifies afterwards (the after-check opens when the chief signs)."""
    now = now or timezone.now()
    cal = get_calendar()
    stage = locking.lock(ApplicationStage, stage.pk)
    committed = material_rules.committed_item_ids(stage.application)
    locking.check(stage, stage.open)
    stage_due = clocks.due_at(cal, at, stage.promised_limit_days)
    stage.open(now=at, due_at=stage_due, warn_at=_warn_at(cal, at, stage.promised_limit_days, stage_due))
    locking.save(stage)
    timeline.record(stage.application, EventKind.STAGE_OPENED, actor=actor, now=now,
                    department=stage.lead_department, subject=stage, data={"stage": stage.order})
    for review in stage.reviews.select_related("item"):
        review.started_at = at
        due, legal_due, warn = review_due_times(review, cal)
        review.start(at=at, due_at=due, legal_due_at=legal_due, warn_at=warn)
        locking.save(review)
        timeline.record(stage.application, EventKind.REVIEW_STARTED, actor=actor, now=now, subject=review,
                        department=review.department,
                        data={"item": review.item.code, "due_at": due.isoformat()})
        if review.item_id in committed and review.item.commitment_allowed:
            _decide_on_commitment(review, at=at, now=now)
    follow_reviews(stage.pk, cal)  # a review due later than the stage's own promise carries it
    announce(Notice.REVIEWS_OPENED, stage.application, subject=stage)


def _decide_on_commitment(review, *, at, now):
    """告知承诺: approved on the applicant's written commitment when the clock starts, decided by the rule (no
    person), to be signed by the chief and verified afterwards."""
    review.approve(by=None, at=at, on_commitment=True,
                   reasons=_("Approved on the applicant's written commitment (告知承诺制) that it meets the "
                             "conditions; the department verifies the commitment afterwards."))
    locking.save(review)
    timeline.record(review.application, EventKind.DECIDED_ITEM, now=now, subject=review,
                    department=review.department,
                    data={"item": review.item.code, "decision": Decision.APPROVE, "on_commitment": True})


def _after_signature(review, *, actor, now):
    """Close the stage once all its reviews are signed; open the next or decide the bundle."""
    stage = locking.lock(ApplicationStage, review.stage_id)
    if stage.reviews.exclude(status__in=[R.SIGNED, R.CANCELLED]).exists():
        follow_reviews(stage.pk)  # the signed review no longer carries the stage
        return
    stage.close(now=now)
    locking.save(stage)
    timeline.record(stage.application, EventKind.STAGE_CLOSED, actor=actor, now=now, subject=stage,
                    department=stage.lead_department, data={"stage": stage.order})
    application = locking.lock(Application, stage.application_id)
    refused = application.reviews.filter(decision=Decision.REFUSE, status=R.SIGNED).exists()
    following = application.stages.filter(status=StageStatus.WAITING).order_by("order")
    if following.exists() and not refused:
        open_stage(following.first(), at=now, actor=actor, now=now)
        return
    for waiting in following:  # a refusal ends the later stages
        for pending in waiting.reviews.all():
            pending.cancel()
            locking.save(pending)
        waiting.cancel(now=now)
        locking.save(waiting)
    outcome = outcome_of(application)
    application.decide(outcome=outcome, now=now,
                       delivery_due_at=clocks.delivery_due_at(get_calendar(), now))
    locking.save(application)
    timeline.record(application, EventKind.DECIDED, actor=actor, now=now, data={"outcome": outcome},
                    message=Outcome(outcome).label)
    notice = fees_charged.settle_at_decision(application, now=now, actor=actor)  # approved items' fees only
    if notice is not None:
        # The delivery clock waits for the payment (clocks.delivery_due_at): no due time until it is paid.
        application.set_delivery_clock(clocks.delivery_due_at(get_calendar(), now, fee_issued_at=notice.issued_at))
        locking.save(application, "delivery_due_at", "delivery_check_at")
        announce(Notice.FEES_DUE, application)  # 缴款通知: a payment notice was issued


# --- staff work ---------------------------------------------------------------------------------------------
def _load(review_id):
    """The review, locked with its application (the bundle's outcome is decided under that lock). Not its
    department or item: every review of a department shares those rows, and locking them made a chief's batch
    and a colleague's decision deadlock (PostgreSQL locks each joined row of a FOR UPDATE)."""
    return (ItemReview.objects.select_for_update(of=("self", "application"))
            .select_related("application", "department", "item").get(pk=review_id))


def record_opinion(review, *, actor, opinion: str, proposed_decision: str, request=None) -> ItemReview:
    """Department staff prepare the draft decision for their chief."""
    if proposed_decision not in Decision.values:
        raise DomainError(_("Propose to approve or to refuse."))
    if not (opinion or "").strip():
        raise DomainError(_("Write the opinion for the chief representative."))
    with transaction.atomic():
        review = _load(review.pk)
        permissions.require_department_staff(actor, review)
        if review.status not in (R.UNDER_REVIEW, R.SUSPENDED):
            raise WrongState(_("An opinion can only be prepared while the item is under review."))
        review.opinion, review.proposed_decision, review.opinion_by = opinion.strip(), proposed_decision, actor
        review.save(update_fields=["opinion", "proposed_decision", "opinion_by"])
        # An internal draft for the chief: audited, but not on the applicant's timeline.
        audit.record("review.opinion", actor=actor, subject=review, request=request,
                     summary=f"{review.application.reference} {review.item.code}",
                     data={"application": review.application_id, "proposed_decision": proposed_decision})
        announce(Notice.OPINION_READY, review.application, subject=review)
    return review


def suspend(review, *, actor, kind: str, reason: str, expected_days: int, now=None, request=None) -> ItemReview:
    """Pause the clock (Art. 45): the applicant is told why and for how long."""
    now = now or timezone.now()
    if kind not in PauseKind.values:
        raise DomainError(_("Choose why the review is suspended."))
    if not (reason or "").strip():
        raise DomainError(_("Tell the applicant why the review is suspended."))
    if not isinstance(expected_days, int) or not 1 <= expected_days <= 120:
        raise DomainError(_("The expected length must be between 1 and 120 working days."))
    with transaction.atomic():
        review = _load(review.pk)
        permissions.require_department_staff(actor, review)
        locking.check(review, review.suspend)
        review.suspend()
        locking.save(review)
        pause = ReviewPause.objects.create(review=review, kind=kind, reason=reason.strip(),
                                           expected_days=expected_days, started_at=now, started_by=actor)
        timeline.record(review.application, EventKind.SUSPENDED, actor=actor, now=now, subject=review,
                        department=review.department, message=reason.strip(), request=request,
                        data={"item": review.item.code, "kind": kind, "expected_days": expected_days})
        follow_reviews(review.stage_id)  # the stage stops with its review
        documents.suspended(pause)
        announce(Notice.SUSPENDED, review.application, subject=review, at=now)
    return review


def resume(review, *, actor, now=None, request=None) -> ItemReview:
    now = now or timezone.now()
    with transaction.atomic():
        review = _load(review.pk)
        permissions.require_department_staff(actor, review)
        locking.check(review, review.resume)
        pause = review.pauses.get(ended_at__isnull=True)
        pause.ended_at, pause.ended_by = max(now, pause.started_at), actor
        pause.save(update_fields=["ended_at", "ended_by"])
        due, legal_due, warn = review_due_times(review)
        review.resume(due_at=due, legal_due_at=legal_due, warn_at=warn)
        locking.save(review)
        timeline.record(review.application, EventKind.RESUMED, actor=actor, now=now, subject=review,
                        department=review.department, request=request,
                        data={"item": review.item.code, "due_at": due.isoformat()})
        follow_reviews(review.stage_id)
        announce(Notice.RESUMED, review.application, subject=review, at=now)
    return review


def extend(review, *, actor, days: int, reason: str, now=None, request=None) -> ItemReview:
    """The one extension of a review, approved by a leader, at most 10 working days (15 for joint handling)."""
    now = now or timezone.now()
    permissions.require_leader(actor)
    if not (reason or "").strip():
        raise DomainError(_("An extension must give the applicant its reason."))
    with transaction.atomic():
        review = _load(review.pk)
        joint = bool(review.application.package_id and review.application.package.joint)
        limit = MAX_JOINT_EXTENSION_DAYS if joint else MAX_EXTENSION_DAYS
        if not isinstance(days, int) or not 1 <= days <= limit:
            raise DomainError(_("An extension is between 1 and %(limit)d working days.") % {"limit": limit})
        if review.extension_days:
            raise WrongState(_("This review has already been extended once; the law allows one extension."))
        if review.status not in (R.UNDER_REVIEW, R.SUSPENDED):
            raise WrongState(_("Only a review that is running or suspended can be extended."))
        paused = review.status == R.SUSPENDED
        due, legal_due, warn = (None, None, None) if paused else review_due_times(review, extension_days=days)
        review.extend(days=days, reason=reason.strip(), by=actor, at=now, due_at=due, legal_due_at=legal_due,
                      warn_at=warn)
        locking.save(review)
        timeline.record(review.application, EventKind.EXTENDED, actor=actor, now=now, subject=review,
                        department=review.department, message=reason.strip(), request=request,
                        data={"item": review.item.code, "days": days,
                              "due_at": due.isoformat() if due else None})
        follow_reviews(review.stage_id)
        documents.extended(review)
        announce(Notice.EXTENDED, review.application, subject=review)
    return review


# --- the chief's decision and signature -------------------------------------------------------------------
def approve(review, *, actor, reasons: str = "", now=None, request=None) -> ItemReview:
    now = now or timezone.now()
    with transaction.atomic():
        review = _load(review.pk)
        permissions.require_chief(actor, review)
        locking.check(review, review.approve, _("This item is not waiting for a decision (status: %(s)s).")
                      % {"s": review.get_status_display()})
        on_commitment = review.item_id in material_rules.committed_item_ids(review.application)
        review.approve(by=actor, at=now, reasons=(reasons or "").strip() or _("The application meets the conditions."),
                       on_commitment=on_commitment)
        locking.save(review)
        timeline.record(review.application, EventKind.DECIDED_ITEM, actor=actor, now=now, subject=review,
                        department=review.department, request=request,
                        data={"item": review.item.code, "decision": Decision.APPROVE})
    return review


def refuse(review, *, actor, reasons: str, remedy_notice: str = "", now=None, request=None) -> ItemReview:
    """A refusal states its reasons and tells of reconsideration and litigation (Art. 38)."""
    now = now or timezone.now()
    if not (reasons or "").strip():
        raise DomainError(_("A refusal must state its reasons (Art. 38)."))
    with transaction.atomic():
        review = _load(review.pk)
        permissions.require_chief(actor, review)
        locking.check(review, review.refuse, _("This item is not waiting for a decision (status: %(s)s).")
                      % {"s": review.get_status_display()})
        review.refuse(by=actor, at=now, reasons=reasons.strip(),
                      remedy_notice=(remedy_notice or "").strip() or str(DEFAULT_REMEDY_NOTICE))
        locking.save(review)
        timeline.record(review.application, EventKind.DECIDED_ITEM, actor=actor, now=now, subject=review,
                        department=review.department, request=request,
                        data={"item": review.item.code, "decision": Decision.REFUSE})
    return review


def _canonical_time(value) -> str:
    # UTC, so the content recomputed later from the stored rows (read back in UTC) gives the same hash
    # whatever time zone the signing request's `now` carried.
    return value.astimezone(dt_timezone.utc).isoformat()


def canonical_content(review, *, signer, signed_at) -> dict:
    """What the signature covers, as plain JSON with sorted keys (times in UTC)."""
    return {
        "application": review.application.reference,
        "enterprise": review.application.enterprise.credit_code,
        "item": review.item.code,
        "item_name": review.item.name,
        "department": review.department.code,
        "decision": review.decision,
        "reasons": review.reasons,
        "remedy_notice": review.remedy_notice,
        "on_commitment": review.on_commitment,
        "decided_at": _canonical_time(review.decided_at),
        "signer": signer.username,
        "signed_at": _canonical_time(signed_at),
    }


def content_hash(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False,
                                     separators=(",", ":")).encode()).hexdigest()


def _sign_loaded(review, *, actor, now, request):
    """Sign one decided review (locked by the caller, the code checked): the signature row, the transition,
    the timeline, the after-check of a commitment, the documents and the notice, then the stage moves on."""
    content = canonical_content(review, signer=actor, signed_at=now)
    DecisionSignature.objects.create(review=review, signer=actor, signer_name=actor.display_name,
                                     signed_at=now, decision=review.decision, content=content,
                                     content_sha256=content_hash(content))
    review.sign()
    locking.save(review)
    timeline.record(review.application, EventKind.SIGNED, actor=actor, now=now, subject=review,
                    department=review.department, request=request,
                    data={"item": review.item.code, "decision": review.decision,
                          "sha256": review.signature.content_sha256})
    if review.on_commitment and review.decision == Decision.APPROVE:
        after_checks.open_check(review, now=now)
    documents.signed(review)
    announce(Notice.DECISION_SIGNED, review.application, subject=review)
    _after_signature(review, actor=actor, now=now)


def _check_code(actor, otp, loaded, *, request):
    """(the chief's device that accepts `otp`, or None; the seconds to wait when throttled after wrong codes).

    The code is then used up. A refused code is audited (`signature.refused`) in the caller's transaction, which
    must then end normally so the audit entry and the device's failure count are committed."""
    lock_totp_devices(actor)  # one code, two batches at once: the second waits and finds the code used up
    wait = totp_wait_seconds(actor)
    device = None if wait else verify_totp(actor, otp)
    if device is None:
        reason = "throttled" if wait else "wrong_code"
        ids = [r.pk for r in loaded]
        audit.record("signature.refused", actor=actor, success=False, request=request,
                     subject=loaded[0] if len(loaded) == 1 else None,
                     summary=f"{reason}: " + ", ".join(f"{r.application.reference} {r.item.code}" for r in loaded),
                     data={"reason": reason, "reviews": ids,
                           "applications": sorted({r.application.reference for r in loaded})})
    return device, wait


WRONG_CODE = gettext_lazy("The dynamic code is not correct or was already used. Enter the current code from your "
                          "authenticator app to sign.")


def sign(reviews, *, actor, otp: str, now=None, request=None) -> list[ItemReview]:
    """Sign one or several decided reviews of the chief's department with one fresh TOTP code.

    All or nothing: if any review cannot be signed, none is. The code is checked once for the batch; a code
    already used (e.g. for logging in) is refused by the device, so each signature needs a fresh one.
    """
    now = now or timezone.now()
    ids = sorted({getattr(r, "pk", r) for r in reviews})
    if not ids:
        raise DomainError(_("Choose at least one decision to sign."))
    with transaction.atomic():
        loaded = [_load(pk) for pk in ids]
        for review in loaded:
            permissions.require_chief(actor, review)
            locking.check(review, review.sign, _("“%(item)s” has no decision waiting for a signature (status: %(s)s).")
                          % {"item": review.item.name, "s": review.get_status_display()})
        # On a wrong code leave the block normally: nothing was signed, and the device's failure count (its
        # throttle against guessing) must be committed, not rolled back with an exception.
        device, wait = _check_code(actor, otp, loaded, request=request)
        for review in loaded if device is not None else ():
            _sign_loaded(review, actor=actor, now=now, request=request)
    if wait:
        raise NotAllowed(throttled_message(wait))
    if device is None:
        raise NotAllowed(str(WRONG_CODE))
    return loaded


def _decide_as_proposed(review, *, actor, now, request):
    """The chief adopts the staff proposal: the decision is the chief's, its reasons the staff opinion."""
    if review.proposed_decision == Decision.APPROVE:
        on_commitment = review.item_id in material_rules.committed_item_ids(review.application)
        review.approve(by=actor, at=now, reasons=review.opinion.strip(), on_commitment=on_commitment)
    else:
        review.refuse(by=actor, at=now, reasons=review.opinion.strip(), remedy_notice=str(DEFAULT_REMEDY_NOTICE))
    locking.save(review)
    timeline.record(review.application, EventKind.DECIDED_ITEM, actor=actor, now=now, subject=review,
                    department=review.department, request=request,
                    data={"item": review.item.code, "decision": review.decision, "as_proposed": True})


def _not_ready_message(review) -> str:
    if review.decided_by_id:
        return _("“%(item)s” of %(ref)s was decided meanwhile (%(decision)s) by %(name)s.") % {
            "item": review.item.name, "ref": review.application.reference,
            "decision": review.get_decision_display(), "name": review.decided_by.display_name}
    return _("“%(item)s” of %(ref)s no longer has a staff opinion waiting for your decision (status: %(s)s).") % {
        "item": review.item.name, "ref": review.application.reference, "s": review.get_status_display()}


def decide_as_proposed_and_sign(reviews, *, actor, otp: str, now=None, request=None) -> list[ItemReview]:
    """The chief decides several opinion-ready reviews as the staff proposed and signs them with one TOTP code.

    All or nothing: every review must still be opinion ready (`ItemReview.objects.opinion_ready`) when the rows
    are locked — one decided, suspended or withdrawn meanwhile fails the batch with its name and nothing is
    decided or signed; a wrong or already used code decides and signs nothing (the device's failure count is
    still committed, as for `sign`). The code is checked once and is then used up.
    """
    now = now or timezone.now()
    ids = sorted({getattr(r, "pk", r) for r in reviews})
    if not ids:
        raise DomainError(_("Choose at least one review to decide and sign."))
    with transaction.atomic():
        loaded = [_load(pk) for pk in ids]  # locked in id order, like `sign`, so two batches never deadlock
        for review in loaded:
            permissions.require_chief(actor, review)
        ready = set(ItemReview.objects.filter(pk__in=ids).opinion_ready().values_list("pk", flat=True))
        stale = [review for review in loaded if review.pk not in ready]
        if stale:
            raise WrongState(" ".join(_not_ready_message(review) for review in stale) + " " + _(
                "Nothing was decided or signed."))
        device, wait = _check_code(actor, otp, loaded, request=request)
        for review in loaded if device is not None else ():
            _decide_as_proposed(review, actor=actor, now=now, request=request)
            _sign_loaded(review, actor=actor, now=now, request=request)
    if wait:
        raise NotAllowed(throttled_message(wait) + " " + _("Nothing was decided or signed."))
    if device is None:
        raise NotAllowed(str(WRONG_CODE) + " " + _("Nothing was decided or signed."))
    return loaded
