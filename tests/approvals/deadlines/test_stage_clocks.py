"""A stage follows its reviews: a pause that stops a review, or an extension, never makes its stage overdue.

The rule (docs/deadlines.md, "Stages follow their reviews"): a stage has no due time while one of its open
reviews is suspended (a paused clock never fires); otherwise it is due at the latest of its own promise
(its promised limit from the day it opened, moved on by the working days during which any of its reviews was
paused) and the due times of its open reviews (so an extension carries the stage with it).

The trio package has one joint stage of 5 working days (lead: departments[0]) with the fee item (4 days), the
immediate item (0) and the commitment item (3). Accepted Mon 2026-06-01 10:00: the stage is due Mon 06-08 17:30,
yellow from the end of Fri 06-05. Dragon Boat Festival: Fri 06-19 off.
"""

from datetime import datetime

import pytest
import time_machine

from approvals.models import ApplicationStage, DeadlineFiring, FiringKind, ReviewStatus
from approvals.services import reviews
from approvals.services.deadlines import sweep
from tests.factories.applications import SHANGHAI, accepted_application, frozen, reload

pytestmark = pytest.mark.django_db
STAGE_KINDS = [FiringKind.STAGE_YELLOW, FiringKind.STAGE_RED]


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return sweep()


def stage_firings(stage):
    return list(DeadlineFiring.objects.filter(subject_type="applicationstage", subject_id=stage.pk)
                .order_by("fired_at", "id").values_list("kind", "deadline_at"))


def suspend(cat, review, moment, days=10):
    with frozen(moment):
        reviews.suspend(review, actor=cat.staff_of(review.department), kind="expert_review", reason="组织专家论证",
                        expected_days=days, now=moment)


def resume(cat, review, moment):
    with frozen(moment):
        reviews.resume(review, actor=cat.staff_of(review.department), now=moment)


def test_a_stage_whose_reviews_are_all_suspended_never_fires(cat):
    application = accepted_application(cat)  # Mon 06-01 10:00
    stage = application.stages.get()
    assert (stage.due_at, stage.warn_at) == (at(2026, 6, 8, 17, 30), at(2026, 6, 5, 17, 30))
    for review in application.reviews.all():
        suspend(cat, review, at(2026, 6, 2, 10, 0))  # Tuesday
    stage = reload(stage)
    assert (stage.due_at, stage.warn_at, stage.next_check_at) == (None, None, None)

    # The next Monday (the old due day), and long after: no 督办 for the stage.
    for moment in (at(2026, 6, 5, 17, 31), at(2026, 6, 8, 17, 31), at(2026, 6, 17, 17, 0)):
        sweep_at(moment)
    assert stage_firings(stage) == []

    for review in application.reviews.all():
        resume(cat, review, at(2026, 6, 18, 10, 0))  # Thu
    # Stopped Tue 06-02, resumed Thu 06-18: 12 working days (06-03 .. 06-05, 06-08 .. 06-12, 06-15 .. 06-18).
    # The stage's own 5 days (Mon 06-08) move 12 on: 06-09 .. 06-12 (4), 06-15 .. 06-18 (8), (06-19 off),
    # 06-22 .. Thu 06-25 (12). The fee review (Fri 06-05 + 12 = Wed 06-24) is earlier: the stage is due Thu 06-25,
    # yellow from the end of Wed 06-24.
    stage = reload(stage)
    assert (stage.due_at, stage.warn_at, stage.next_check_at) == (
        at(2026, 6, 25, 17, 30), at(2026, 6, 24, 17, 30), at(2026, 6, 24, 17, 30))

    sweep(now=at(2026, 6, 24, 17, 29))
    assert stage_firings(stage) == []
    sweep(now=at(2026, 6, 24, 17, 31))
    assert stage_firings(stage) == [(FiringKind.STAGE_YELLOW, at(2026, 6, 25, 17, 30))]
    sweep(now=at(2026, 6, 25, 17, 31))
    assert [k for k, _d in stage_firings(stage)] == STAGE_KINDS


def test_one_suspended_review_holds_its_stage(cat):
    application = accepted_application(cat)
    stage = application.stages.get()
    held = application.reviews.get(item=cat.commitment_item)  # 3 days: due Thu 06-04
    suspend(cat, held, at(2026, 6, 2, 10, 0))
    assert reload(stage).due_at is None
    # The other two reviews run on and go red themselves; the stage waits for the suspended one.
    sweep(now=at(2026, 6, 15, 17, 31))
    assert stage_firings(stage) == []
    assert DeadlineFiring.objects.filter(kind=FiringKind.REVIEW_RED, application=application).count() == 2

    resume(cat, held, at(2026, 6, 9, 15, 0))  # Tue: 06-03 .. 06-05, 06-08, 06-09 = 5 working days
    # The stage's own promise: Mon 06-08 + 5 = 06-09 .. 06-12, Mon 06-15. The held review: Thu 06-04 + 5 = Thu
    # 06-11. The fee review was never paused (Fri 06-05): the latest is the stage's own, Mon 06-15.
    stage = reload(stage)
    assert stage.due_at == at(2026, 6, 15, 17, 30)
    assert reload(held).due_at == at(2026, 6, 11, 17, 30)


def test_an_extension_never_makes_the_stage_overdue(cat):
    application = accepted_application(cat)
    stage = application.stages.get()
    fee = application.reviews.get(item=cat.fee_item)
    with frozen(at(2026, 6, 3, 10, 0)):
        reviews.extend(fee, actor=cat.leader, days=10, reason="需组织现场踏勘", now=at(2026, 6, 3, 10, 0))
    # The fee review: 4 + 10 = 14 working days -> Mon 06-22 (06-19 is the holiday). The stage follows it,
    # yellow one office day earlier: the end of Thu 06-18.
    stage = reload(stage)
    assert (stage.due_at, stage.warn_at) == (at(2026, 6, 22, 17, 30), at(2026, 6, 18, 17, 30))

    # The other reviews are signed in time; the stage's own promise (Mon 06-08) passes without 督办.
    for review in application.reviews.exclude(pk=fee.pk):
        chief = cat.chief_of(review.department)
        with frozen(at(2026, 6, 3, 11, 0)):
            reviews.approve(review, actor=chief, now=at(2026, 6, 3, 11, 0))
            reviews.sign([review], actor=chief, otp=cat.totp(chief), now=at(2026, 6, 3, 11, 0))
    assert reload(stage).due_at == at(2026, 6, 22, 17, 30)
    sweep(now=at(2026, 6, 8, 17, 31))
    sweep(now=at(2026, 6, 17, 17, 0))
    assert stage_firings(stage) == []
    sweep(now=at(2026, 6, 22, 17, 31))
    assert stage_firings(stage) == [(kind, at(2026, 6, 22, 17, 30)) for kind in STAGE_KINDS]


def test_the_sweep_rechecks_a_stale_stage_clock_before_firing(cat):
    """A stage whose stored columns predate its reviews' pauses (e.g. written before this rule) is corrected by the
    sweep instead of firing."""
    application = accepted_application(cat)
    stage = application.stages.get()
    for review in application.reviews.all():
        suspend(cat, review, at(2026, 6, 2, 10, 0))
    ApplicationStage.objects.filter(pk=stage.pk).update(
        due_at=at(2026, 6, 8, 17, 30), warn_at=at(2026, 6, 5, 17, 30), next_check_at=at(2026, 6, 5, 17, 30))
    report = sweep(now=at(2026, 6, 8, 17, 31))
    assert report.fired.get(FiringKind.STAGE_YELLOW) is None and report.fired.get(FiringKind.STAGE_RED) is None
    assert stage_firings(stage) == []
    stage = reload(stage)
    assert (stage.due_at, stage.warn_at, stage.next_check_at) == (None, None, None)
    assert set(application.reviews.values_list("status", flat=True)) == {ReviewStatus.SUSPENDED}
