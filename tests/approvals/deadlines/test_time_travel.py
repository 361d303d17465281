"""Every clock the sweep enforces, travelled through the 2026 holidays (Dragon Boat Festival Fri 06-19; National
Day 10-01..10-07 with the make-up working days Sun 09-20 and Sat 10-10).

The expected due times are worked out by hand in the comments, from the rules: N working days start counting the
day after the start (Art. 82) and end at 17:30, the close of office hours (09:00-12:00, 13:30-17:30), of the Nth
working day; yellow is one office day (7 h) before the due time (the smaller of 1 working day and a quarter of
the budget). Some sweeps pass `now=`, others run under time-machine with the default `now`, as beat runs them.
"""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from approvals.models import (
    ApplicationEvent, ApplicationStatus, DeadlineFiring, DigestLine, EventKind, FiringKind, ItemReview,
    PaymentNotice, ReviewStatus, ServiceItem,
)
from approvals.services import acceptance, applications, delivery, next_step, payments, reviews
from approvals.services.deadlines import sweep
from portal.models import AuditEntry, Notification
from tests.factories.applications import (
    SHANGHAI, accepted_application, decided_application, frozen, paid_application, pdf_upload, reload,
    submitted_application,
)
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def sweep_at(moment):
    """A sweep as beat runs it: no `now=`, the clock of the process says when it is."""
    with time_machine.travel(moment, tick=False):
        return sweep()


def firings(subject):
    return list(DeadlineFiring.objects.filter(subject_type=subject._meta.model_name, subject_id=subject.pk)
                .order_by("fired_at", "id").values_list("kind", "deadline_at"))


def kinds(subject):
    return [kind for kind, _deadline in firings(subject)]


def told(kind, link=None):
    """The users told about a firing of `kind` (for `link`), one entry per firing and person: each is a line of the
    digest notification that person got at the end of the pass (approvals/notices/digest.py)."""
    lines = DigestLine.objects.filter(firing__kind=kind, notification__isnull=False)
    if link is not None:
        lines = lines.filter(firing__link=link)
    return sorted(lines.values_list("notification__recipient_id", flat=True))


def review_link(review):
    return reverse("approvals:review", args=[review.pk])


@pytest.fixture
def supervisor(db):
    return UserFactory(supervisor=True)


# --- reviews ---------------------------------------------------------------------------------------------------
def test_review_turns_yellow_red_and_overruns_the_legal_limit_across_the_dragon_boat_festival(cat, supervisor):
    application = accepted_application(cat, now=at(2026, 6, 16, 10, 0))  # Tue 06-16
    review = application.reviews.get(item=cat.fee_item)  # promised 4, legal 45 (joint package)
    chief = cat.chief_of(cat.fee_item.department)
    # 4 working days after Tue 06-16: Wed 17, Thu 18, (Fri 19 Dragon Boat, weekend), Mon 22, Tue 23 -> 06-23 17:30.
    # Yellow one office day earlier: the end of Mon 06-22.
    # Legal 45: June 17..30 gives 9 (without 06-19), July 23 (32), August 3..7 (37), 10..14 (42), 17, 18, 19 (45).
    assert (review.due_at, review.warn_at, review.legal_due_at) == (
        at(2026, 6, 23, 17, 30), at(2026, 6, 22, 17, 30), at(2026, 8, 19, 17, 30))

    sweep_at(at(2026, 6, 19, 11, 0))  # the holiday: office time does not pass
    sweep_at(at(2026, 6, 22, 17, 29))
    assert kinds(review) == []
    assert reload(review).next_check_at == at(2026, 6, 22, 17, 30)

    report = sweep_at(at(2026, 6, 22, 17, 31))
    assert kinds(review) == [FiringKind.REVIEW_YELLOW]
    assert report.fired[FiringKind.REVIEW_YELLOW] == DeadlineFiring.objects.filter(
        kind=FiringKind.REVIEW_YELLOW, fired_at=at(2026, 6, 22, 17, 31)).count()
    assert firings(review)[0][1] == at(2026, 6, 23, 17, 30)  # the deadline the warning belongs to
    assert told(FiringKind.REVIEW_YELLOW, review_link(review)) == [chief.pk]
    assert reload(review).next_check_at == at(2026, 6, 23, 17, 30)

    sweep(now=at(2026, 6, 23, 17, 29))
    assert kinds(review) == [FiringKind.REVIEW_YELLOW]
    sweep(now=at(2026, 6, 23, 17, 31))
    assert kinds(review) == [FiringKind.REVIEW_YELLOW, FiringKind.REVIEW_RED]
    # 督办: the department's chief and the supervisor; nobody of the other departments.
    assert told(FiringKind.REVIEW_RED, review_link(review)) == sorted([chief.pk, supervisor.pk])
    assert reload(review).next_check_at == at(2026, 8, 19, 17, 30)

    sweep_at(at(2026, 8, 19, 17, 29))
    assert FiringKind.REVIEW_LEGAL not in kinds(review)
    sweep_at(at(2026, 8, 19, 17, 31))
    assert kinds(review) == [FiringKind.REVIEW_YELLOW, FiringKind.REVIEW_RED, FiringKind.REVIEW_LEGAL]
    assert firings(review)[2][1] == at(2026, 8, 19, 17, 30)
    # The legal overrun goes up to the leader as well.
    assert told(FiringKind.REVIEW_LEGAL, review_link(review)) == sorted([cat.leader.pk, chief.pk, supervisor.pk])
    assert reload(review).next_check_at is None

    sweep_at(at(2026, 12, 31, 17, 0))  # long after: nothing more
    assert len(firings(review)) == 3
    assert DigestLine.objects.filter(firing__link=review_link(review)).count() == 1 + 2 + 3


def test_stage_turns_yellow_then_red_across_the_dragon_boat_festival(cat, supervisor):
    application = accepted_application(cat, now=at(2026, 6, 16, 10, 0))
    stage = application.stages.get()  # the one joint stage, 5 working days, led by departments[0]
    lead_chief = cat.chief_of(cat.departments[0])
    # 5 working days after Tue 06-16: 17, 18, 22, 23, 24 -> Wed 06-24 17:30; yellow from the end of Tue 06-23.
    assert (stage.due_at, stage.warn_at) == (at(2026, 6, 24, 17, 30), at(2026, 6, 23, 17, 30))

    sweep(now=at(2026, 6, 23, 17, 29))
    assert kinds(stage) == []
    sweep(now=at(2026, 6, 23, 17, 31))
    assert kinds(stage) == [FiringKind.STAGE_YELLOW]
    assert told(FiringKind.STAGE_YELLOW) == [lead_chief.pk]
    sweep_at(at(2026, 6, 24, 17, 29))
    assert kinds(stage) == [FiringKind.STAGE_YELLOW]
    sweep_at(at(2026, 6, 24, 17, 31))
    assert firings(stage) == [(FiringKind.STAGE_YELLOW, at(2026, 6, 24, 17, 30)),
                              (FiringKind.STAGE_RED, at(2026, 6, 24, 17, 30))]
    assert told(FiringKind.STAGE_RED) == sorted([lead_chief.pk, supervisor.pk])
    assert reload(stage).next_check_at is None
    sweep(now=at(2026, 7, 31, 9, 0))
    assert len(firings(stage)) == 2


def test_a_decided_but_unsigned_review_still_goes_red(cat):
    application = accepted_application(cat)  # Mon 06-01 10:00; the fee item is due Fri 06-05 17:30
    review = application.reviews.get(item=cat.fee_item)
    chief = cat.chief_of(review.department)
    with frozen(at(2026, 6, 3, 10, 0)):
        reviews.approve(review, actor=chief, now=at(2026, 6, 3, 10, 0))
    assert reload(review).status == ReviewStatus.APPROVED  # awaiting the signature

    sweep(now=at(2026, 6, 5, 17, 31))
    assert kinds(review) == [FiringKind.REVIEW_YELLOW, FiringKind.REVIEW_RED]
    assert chief.pk in told(FiringKind.REVIEW_RED, review_link(review))


# --- pauses and extensions ----------------------------------------------------------------------------------
def test_a_paused_clock_never_fires_and_a_resumed_one_fires_on_its_moved_due_time(cat):
    application = accepted_application(cat)  # Mon 06-01 10:00
    review = application.reviews.get(item=cat.fee_item)  # due Fri 06-05 17:30, yellow Thu 06-04 17:30
    other = application.reviews.get(item=cat.commitment_item)  # never resumed
    staff, other_staff = cat.staff_of(review.department), cat.staff_of(other.department)
    paused_at = at(2026, 6, 2, 10, 0)  # Tue, before the yellow threshold
    with frozen(paused_at):
        reviews.suspend(review, actor=staff, kind="expert_review", reason="组织专家论证", expected_days=10,
                        now=paused_at)
        reviews.suspend(other, actor=other_staff, kind="testing", reason="委托检测", expected_days=20, now=paused_at)
    assert reload(review).next_check_at is None

    for moment in (at(2026, 6, 4, 17, 31), at(2026, 6, 5, 17, 31), at(2026, 6, 17, 17, 0)):
        sweep_at(moment)
    assert kinds(review) == []

    resumed_at = at(2026, 6, 18, 10, 0)  # Thu
    with frozen(resumed_at):
        reviews.resume(review, actor=staff, now=resumed_at)
    review = reload(review)
    # Paused from Tue 06-02 10:00 to Thu 06-18 10:00: 12 office days (June 2-5, 8-12, 15-17), so everything
    # moves 12 working days: due 06-05 -> 8, 9, 10, 11, 12, 15, 16, 17, 18, (19 off) 22, 23, 24 -> Wed 06-24;
    # legal 08-04 -> Aug 5, 6, 7, 10..14, 17, 18, 19, 20 -> Thu 08-20.
    assert (review.due_at, review.warn_at, review.legal_due_at) == (
        at(2026, 6, 24, 17, 30), at(2026, 6, 23, 17, 30), at(2026, 8, 20, 17, 30))
    assert review.next_check_at == at(2026, 6, 23, 17, 30)

    sweep(now=at(2026, 6, 23, 17, 29))
    assert kinds(review) == []
    sweep(now=at(2026, 6, 23, 17, 31))
    assert firings(review) == [(FiringKind.REVIEW_YELLOW, at(2026, 6, 24, 17, 30))]
    sweep(now=at(2026, 6, 24, 17, 31))
    assert kinds(review) == [FiringKind.REVIEW_YELLOW, FiringKind.REVIEW_RED]

    sweep_at(at(2026, 12, 31, 17, 0))  # long after every limit: the suspended one still says nothing
    assert kinds(other) == []
    assert reload(other).status == ReviewStatus.SUSPENDED
    assert not DigestLine.objects.filter(firing__link=review_link(other)).exists()


def test_an_extension_moves_the_thresholds_and_yellow_fires_again_for_the_new_deadline(cat):
    application = accepted_application(cat)  # Mon 06-01 10:00
    review = application.reviews.get(item=cat.fee_item)
    chief = cat.chief_of(review.department)
    sweep(now=at(2026, 6, 4, 17, 31))
    assert firings(review) == [(FiringKind.REVIEW_YELLOW, at(2026, 6, 5, 17, 30))]

    extended_at = at(2026, 6, 5, 10, 0)
    with frozen(extended_at):
        reviews.extend(review, actor=cat.leader, days=10, reason="需组织现场踏勘", now=extended_at)
    review = reload(review)
    # 4 + 10 = 14 working days after Mon 06-01: June 2-5 (4), 8-12 (9), 15-18 (13), (19 off), Mon 22 (14).
    # Yellow one office day earlier: the end of Thu 06-18 (Friday is the holiday). Legal 45 + 10: 08-04 + 10
    # working days = Aug 5, 6, 7, 10..14, 17, 18 -> Tue 08-18.
    assert (review.due_at, review.warn_at, review.legal_due_at) == (
        at(2026, 6, 22, 17, 30), at(2026, 6, 18, 17, 30), at(2026, 8, 18, 17, 30))

    sweep(now=at(2026, 6, 5, 17, 31))  # the old due time: no longer a deadline
    sweep_at(at(2026, 6, 18, 17, 29))
    assert kinds(review) == [FiringKind.REVIEW_YELLOW]
    sweep_at(at(2026, 6, 18, 17, 31))
    assert firings(review) == [(FiringKind.REVIEW_YELLOW, at(2026, 6, 5, 17, 30)),
                               (FiringKind.REVIEW_YELLOW, at(2026, 6, 22, 17, 30))]
    sweep_at(at(2026, 6, 19, 12, 0))  # the holiday
    sweep(now=at(2026, 6, 22, 17, 29))
    assert FiringKind.REVIEW_RED not in kinds(review)
    sweep(now=at(2026, 6, 22, 17, 31))
    assert kinds(review)[-1] == FiringKind.REVIEW_RED
    assert firings(review)[-1][1] == at(2026, 6, 22, 17, 30)
    # The chief was warned once per deadline, and told once of the overrun.
    assert told(FiringKind.REVIEW_YELLOW, review_link(review)) == [chief.pk, chief.pk]
    assert told(FiringKind.REVIEW_RED, review_link(review)).count(chief.pk) == 1


# --- deemed acceptance (Art. 32) -----------------------------------------------------------------------------
def test_deemed_acceptance_of_a_submission_the_day_before_national_day(cat):
    received = at(2026, 9, 30, 15, 0)  # Wed; National Day holiday Thu 10-01 .. Wed 10-07
    application = submitted_application(cat, now=received)
    # 5 working days after Wed 09-30 (the day of receipt not counted): Thu 10-08 (1), Fri 10-09 (2),
    # Sat 10-10 (3, a make-up working day), Mon 10-12 (4), Tue 10-13 (5) -> due Tue 10-13 17:30.
    due = at(2026, 10, 13, 17, 30)
    assert application.acceptance_due_at == due

    sweep_at(at(2026, 10, 8, 9, 0))  # 8 calendar days later, but only the first working day
    sweep_at(at(2026, 10, 13, 17, 29))
    assert reload(application).status == ApplicationStatus.SUBMITTED
    assert kinds(application) == []

    report = sweep_at(at(2026, 10, 13, 17, 31))
    assert report.deemed_accepted == 1
    application = reload(application)
    assert application.status == ApplicationStatus.UNDER_REVIEW
    assert application.deemed_accepted is True
    assert application.accepted_at == application.received_at == received
    assert application.accepted_by is None
    assert application.acceptance_due_at is None
    assert firings(application) == [(FiringKind.DEEMED_ACCEPTED, due)]

    # The reviews count from the day of receipt, that day not counted: the fee item's 4 working days are
    # 10-08, 10-09, 10-10 and 10-12, so it was already overdue when the acceptance was deemed.
    fee_review = application.reviews.get(item=cat.fee_item)
    assert fee_review.started_at == received
    assert fee_review.due_at == at(2026, 10, 12, 17, 30)
    assert all(r.started_at == received for r in application.reviews.all())
    assert application.stages.get().opened_at == received
    # ... and the same pass already escalated it.
    assert FiringKind.REVIEW_RED in kinds(fee_review)
    assert report.fired.get(FiringKind.REVIEW_RED, 0) == DeadlineFiring.objects.filter(
        kind=FiringKind.REVIEW_RED, fired_at=at(2026, 10, 13, 17, 31)).count() > 0

    # The timeline and the audit log say it happened by itself.
    event = ApplicationEvent.objects.get(application=application, kind=EventKind.DEEMED_ACCEPTED)
    assert event.actor is None
    assert "Art. 32" in event.message
    assert not ApplicationEvent.objects.filter(application=application, kind=EventKind.ACCEPTED).exists()
    audit = AuditEntry.objects.get(event=f"application.{EventKind.DEEMED_ACCEPTED}",
                                   subject_id=str(application.pk))
    assert audit.actor is None and audit.success

    # The lead department's chief and the leader are told in the pass's digest, and the applicant by the
    # acceptance's own notice; nobody else.
    lead_chief = cat.chief_of(application.lead_department)
    assert told(FiringKind.DEEMED_ACCEPTED) == sorted([lead_chief.pk, cat.leader.pk])
    assert Notification.objects.get(recipient=cat.applicant, kind=FiringKind.DEEMED_ACCEPTED).link == reverse(
        "approvals:application", args=[application.pk])

    again = sweep_at(at(2026, 10, 13, 17, 32))
    assert again.deemed_accepted == 0
    assert len(firings(application)) == 1
    assert len(told(FiringKind.DEEMED_ACCEPTED)) == 2
    assert Notification.objects.filter(recipient=cat.applicant, kind=FiringKind.DEEMED_ACCEPTED).count() == 1


def test_a_supplement_request_stops_the_acceptance_clock_and_the_answer_restarts_it(cat):
    application = submitted_application(cat)  # Mon 06-01 10:00: due Mon 06-08 17:30
    assert application.acceptance_due_at == at(2026, 6, 8, 17, 30)
    asked_at = at(2026, 6, 5, 10, 0)  # before the deadline
    with frozen(asked_at):
        acceptance.request_supplement(application, actor=cat.clerk, now=asked_at, problems=[
            {"kind": "material", "key": "site_plan", "reason": "总平面图未加盖设计单位公章"}])

    for moment in (at(2026, 6, 8, 17, 31), at(2026, 6, 15, 17, 31)):
        assert sweep(now=moment).deemed_accepted == 0
    assert reload(application).status == ApplicationStatus.SUPPLEMENT_REQUESTED
    assert kinds(application) == []

    answered_at = at(2026, 6, 16, 10, 0)  # Tue
    with frozen(answered_at):
        applications.upload_material(application, actor=cat.applicant, material_type_key="site_plan",
                                     uploaded=pdf_upload(salt="stamped"))
        acceptance.answer_supplement(application, actor=cat.applicant, now=answered_at)
    application = reload(application)
    # Five working days again from the answer: 17, 18, (19 off), 22, 23, 24 -> Wed 06-24 17:30.
    assert application.acceptance_due_at == at(2026, 6, 24, 17, 30)

    assert sweep(now=at(2026, 6, 24, 17, 29)).deemed_accepted == 0
    assert sweep(now=at(2026, 6, 24, 17, 31)).deemed_accepted == 1
    application = reload(application)
    assert application.deemed_accepted
    assert application.accepted_at == application.received_at == answered_at
    assert application.reviews.get(item=cat.fee_item).started_at == answered_at


def test_an_application_accepted_in_time_is_never_deemed_accepted(cat):
    application = submitted_application(cat)
    with frozen(at(2026, 6, 8, 17, 0)):
        acceptance.accept(application, actor=cat.clerk, now=at(2026, 6, 8, 17, 0))
    assert sweep(now=at(2026, 6, 8, 17, 31)).deemed_accepted == 0
    application = reload(application)
    assert not application.deemed_accepted
    assert application.accepted_at == at(2026, 6, 8, 17, 0)
    assert kinds(application) == []


# --- delivery (Art. 44) ----------------------------------------------------------------------------------
def test_delivery_goes_red_ten_working_days_after_the_decision_unless_delivered(cat, supervisor):
    late = paid_application(cat, now=at(2026, 6, 15, 10, 0))  # Mon; the fee paid the same day: nothing moves
    on_time = paid_application(cat, now=at(2026, 6, 15, 10, 5))
    # 10 working days after Mon 06-15: 16, 17, 18, (19 off), 22, 23, 24, 25, 26, 29, 30 -> Tue 06-30 17:30.
    assert late.delivery_due_at == on_time.delivery_due_at == at(2026, 6, 30, 17, 30)
    with frozen(at(2026, 6, 29, 10, 0)):
        delivery.deliver(on_time, actor=cat.clerk, now=at(2026, 6, 29, 10, 0))

    sweep(now=at(2026, 6, 30, 17, 29))
    assert kinds(late) == []
    report = sweep_at(at(2026, 6, 30, 17, 31))
    assert report.fired.get(FiringKind.DELIVERY_RED) == 1
    assert firings(late) == [(FiringKind.DELIVERY_RED, at(2026, 6, 30, 17, 30))]
    assert kinds(on_time) == []
    assert told(FiringKind.DELIVERY_RED) == sorted([cat.chief_of(late.lead_department).pk, supervisor.pk])
    assert reload(late).delivery_check_at is None

    assert sweep(now=at(2026, 7, 31, 9, 0)).fired.get(FiringKind.DELIVERY_RED) is None
    assert len(told(FiringKind.DELIVERY_RED)) == 2


def test_the_delivery_clock_waits_for_the_fee_and_runs_from_the_payment(cat, supervisor):
    """Results are delivered after payment (docs/fees.md): the days the fee is awaited do not count, as a pause;
    the applicant's next step and the sweep read the same stored due time."""
    application = decided_application(cat, now=at(2026, 6, 15, 10, 0))  # Mon; the approved items charge a fee
    assert application.payment_notice.status == "due"
    assert (application.delivery_due_at, application.delivery_check_at) == (None, None)
    step = next_step.next_step(application, payment_notice=application.payment_notice)
    assert step.who == "you" and "do not count while the fees are unpaid" in step.text
    # Ten working days after the decision (06-30) pass unpaid: nothing is overdue.
    assert sweep(now=at(2026, 6, 30, 17, 31)).fired.get(FiringKind.DELIVERY_RED) is None
    assert kinds(application) == []

    paid_at = at(2026, 6, 24, 11, 0)  # Wed, reported by the platform on Thu
    with frozen(at(2026, 6, 25, 9, 0)):
        payments.confirm_from_platform(payment_code=application.payment_notice.code,
                                       amount=application.payment_notice.charged_amount, receipt_number="E-9",
                                       paid_at=paid_at)
    application = reload(application)
    # Stopped Mon 06-15, resumed Wed 06-24: 16, 17, 18, (19 off), 22, 23, 24 = 6 working days; the due date
    # Tue 06-30 moves on 6: 07-01, 02, 03, 06, 07, 08 -> Wed 07-08 17:30 (ten working days after the payment day).
    due = at(2026, 7, 8, 17, 30)
    assert (application.delivery_due_at, application.delivery_check_at) == (due, due)
    step = next_step.next_step(application, payment_notice=application.payment_notice)
    assert (step.who, step.text.endswith("by 2026-07-08 17:30.")) == ("department", True)
    paid = ApplicationEvent.objects.get(application=application, kind=EventKind.PAID)
    assert paid.data["delivery_due_at"] == due.isoformat()

    assert sweep(now=at(2026, 7, 8, 17, 29)).fired.get(FiringKind.DELIVERY_RED) is None
    assert sweep(now=at(2026, 7, 8, 17, 31)).fired.get(FiringKind.DELIVERY_RED) == 1
    assert firings(application) == [(FiringKind.DELIVERY_RED, due)]


def test_a_bundle_with_nothing_to_pay_has_its_delivery_clock_from_the_decision(cat):
    everything = {code: "refuse" for code in ServiceItem.objects.values_list("code", flat=True)}
    refused = decided_application(cat, decisions=everything, now=at(2026, 6, 15, 10, 0))
    assert not PaymentNotice.objects.filter(application=refused).exists()
    assert refused.delivery_due_at == refused.delivery_check_at == at(2026, 6, 30, 17, 30)
    assert next_step.next_step(refused).text.endswith("by 2026-06-30 17:30.")


def test_reviews_of_a_delivered_application_stay_quiet(cat):
    application = decided_application(cat)
    assert not ItemReview.objects.filter(application=application).exclude(next_check_at=None).exists()
    assert not application.stages.exclude(next_check_at=None).exists()
    report = sweep(now=at(2026, 12, 31, 17, 0))
    assert set(report.fired) <= {FiringKind.DELIVERY_RED}


def test_the_migration_stops_the_clocks_of_unpaid_fees_and_moves_the_paid_ones(cat):
    """Rows decided before the rule: an unpaid fee's clock loses its due time; a paid one runs from the payment."""
    from importlib import import_module

    from django.apps import apps

    unpaid = decided_application(cat, now=at(2026, 6, 15, 10, 0))
    paid = decided_application(cat, now=at(2026, 6, 15, 10, 5))
    with frozen(at(2026, 6, 24, 11, 0)):
        payments.confirm_at_window(paid, actor=cat.clerk, payment_code=paid.payment_notice.code,
                                   receipt_number="E-M", now=at(2026, 6, 24, 11, 0))
    old = at(2026, 6, 30, 17, 30)  # what the decision stored before: 10 working days, fee or not
    Application = type(unpaid)
    Application.objects.filter(pk__in=[unpaid.pk, paid.pk]).update(delivery_due_at=old, delivery_check_at=old)
    import_module("approvals.migrations.0019_outcome_revoked_delivery_waits_for_fees").forwards(apps, None)
    assert (reload(unpaid).delivery_due_at, reload(unpaid).delivery_check_at) == (None, None)
    assert reload(paid).delivery_due_at == reload(paid).delivery_check_at == at(2026, 7, 8, 17, 30)
