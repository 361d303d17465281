"""Department reviews: opinion, pause, resume, extension, the chief's decision, outcomes and stages."""

from datetime import timedelta

import pytest

from approvals.models import (
    ApplicationStatus, Decision, EventKind, Outcome, ReviewPause, ReviewStatus, StageStatus,
)
from approvals.services import acceptance, applications, reviews
from portal.errors import DomainError, NotAllowed, WrongState
from tests.factories.applications import (
    DEFAULT_NOW, accepted_application, decide_open_reviews, decided_application, draft_application, reload,
    shanghai,
)

pytestmark = pytest.mark.django_db
R = ReviewStatus
LATER = DEFAULT_NOW + timedelta(hours=1)


def review_of(application, item):
    return application.reviews.select_related("item", "department").get(item=item)


@pytest.fixture
def review(cat):
    return review_of(accepted_application(cat), cat.fee_item)


def suspend(review, actor, now=LATER, **kwargs):
    args = {"kind": "expert_review", "reason": "组织专家评审", "expected_days": 3} | kwargs
    return reviews.suspend(review, actor=actor, now=now, **args)


# --- the staff opinion ----------------------------------------------------------------------------------------
def test_staff_prepare_the_opinion(cat, review):
    staff = cat.staff_of(review.department)
    reviews.record_opinion(review, actor=staff, opinion=" 建议准予许可 ", proposed_decision=Decision.APPROVE)

    review = reload(review)
    assert (review.opinion, review.proposed_decision, review.opinion_by) == ("建议准予许可", "approve", staff)
    assert review.status == R.UNDER_REVIEW  # an opinion decides nothing


def test_an_opinion_needs_text_a_proposal_and_the_department(cat, review):
    staff = cat.staff_of(review.department)
    with pytest.raises(DomainError):
        reviews.record_opinion(review, actor=staff, opinion="", proposed_decision=Decision.APPROVE)
    with pytest.raises(DomainError):
        reviews.record_opinion(review, actor=staff, opinion="x", proposed_decision="maybe")
    with pytest.raises(NotAllowed):
        reviews.record_opinion(review, actor=cat.staff_of(cat.departments[1]), opinion="x",
                               proposed_decision=Decision.APPROVE)
    reviews.approve(review, actor=cat.chief_of(review.department))
    with pytest.raises(WrongState):
        reviews.record_opinion(review, actor=staff, opinion="x", proposed_decision=Decision.APPROVE)


# --- pause and resume -------------------------------------------------------------------------------------------
def test_suspend_stops_the_clock_and_tells_the_applicant(cat, review):
    suspend(review, cat.staff_of(review.department))

    review = reload(review)
    assert review.status == R.SUSPENDED
    assert review.due_at is None and review.legal_due_at is None
    pause = ReviewPause.objects.get(review=review)
    assert (pause.kind, pause.reason, pause.expected_days, pause.started_at, pause.ended_at) == (
        "expert_review", "组织专家评审", 3, LATER, None)
    event = review.application.events.get(kind=EventKind.SUSPENDED)
    assert (event.message, event.data["expected_days"], event.data["kind"]) == ("组织专家评审", 3, "expert_review")


@pytest.mark.parametrize("kwargs", [{"kind": "holiday"}, {"reason": " "}, {"expected_days": 0},
                                    {"expected_days": 121}, {"expected_days": "3"}])
def test_a_pause_needs_a_kind_a_reason_and_a_length(cat, review, kwargs):
    with pytest.raises(DomainError):
        suspend(review, cat.staff_of(review.department), **kwargs)
    assert reload(review).status == R.UNDER_REVIEW


def test_suspend_and_resume_from_wrong_states_and_roles(cat, review):
    staff = cat.staff_of(review.department)
    with pytest.raises(WrongState):
        reviews.resume(review, actor=staff)
    with pytest.raises(NotAllowed):
        suspend(review, cat.staff_of(cat.departments[2]))
    with pytest.raises(NotAllowed):
        suspend(review, cat.applicant)
    suspend(review, staff)
    with pytest.raises(WrongState):
        suspend(review, staff)
    with pytest.raises(WrongState):  # a suspended review is not decided
        reviews.approve(review, actor=cat.chief_of(review.department))
    with pytest.raises(NotAllowed):
        reviews.resume(review, actor=cat.staff_of(cat.departments[1]))
    reviews.resume(review, actor=staff, now=LATER + timedelta(days=1))
    review = reload(review)
    assert review.status == R.UNDER_REVIEW and review.due_at is not None
    assert ReviewPause.objects.get(review=review).ended_by == staff


def test_a_review_can_be_paused_several_times(cat, review):
    staff = cat.staff_of(review.department)
    suspend(review, staff, now=shanghai(2026, 6, 2, 9, 0))
    reviews.resume(review, actor=staff, now=shanghai(2026, 6, 3, 9, 0))  # one working day
    suspend(review, staff, now=shanghai(2026, 6, 4, 9, 0), kind="testing")
    reviews.resume(review, actor=staff, now=shanghai(2026, 6, 5, 9, 0))  # another one
    # Due Fri 06-05 17:30 without pauses; two paused working days -> Tue 06-09 17:30.
    assert reload(review).due_at == shanghai(2026, 6, 9, 17, 30)
    assert review.pauses.count() == 2


# --- extension ------------------------------------------------------------------------------------------------------
def test_only_a_leader_extends_with_a_reason(cat, review):
    for actor in (cat.chief_of(review.department), cat.staff_of(review.department), cat.applicant):
        with pytest.raises(NotAllowed):
            reviews.extend(review, actor=actor, days=5, reason="情况复杂")
    with pytest.raises(DomainError):
        reviews.extend(review, actor=cat.leader, days=5, reason=" ")
    assert reload(review).extension_days == 0


def test_an_extension_is_granted_once(cat, review):
    reviews.extend(review, actor=cat.leader, days=5, reason="需要现场核查", now=LATER)
    review = reload(review)
    assert (review.extension_days, review.extension_reason, review.extended_by, review.extended_at) == (
        5, "需要现场核查", cat.leader, LATER)
    event = review.application.events.get(kind=EventKind.EXTENDED)
    assert (event.message, event.data["days"]) == ("需要现场核查", 5)
    with pytest.raises(WrongState, match="once"):
        reviews.extend(review, actor=cat.leader, days=1, reason="再次延长")
    assert reload(review).extension_days == 5


def test_an_extension_is_at_most_ten_working_days(cat):
    review = review_of(accepted_application(cat, items=cat.items), cat.fee_item)  # not joint
    for days in (0, 11, -1):
        with pytest.raises(DomainError, match="between 1 and 10"):
            reviews.extend(review, actor=cat.leader, days=days, reason="复杂")
    reviews.extend(review, actor=cat.leader, days=10, reason="复杂")
    assert reload(review).extension_days == 10


def test_a_joint_extension_is_at_most_fifteen_working_days(cat, review):
    assert review.application.package.joint
    with pytest.raises(DomainError, match="between 1 and 15"):
        reviews.extend(review, actor=cat.leader, days=16, reason="联合审查")
    reviews.extend(review, actor=cat.leader, days=15, reason="联合审查")
    assert reload(review).extension_days == 15


def test_a_decided_review_cannot_be_extended(cat, review):
    reviews.approve(review, actor=cat.chief_of(review.department))
    with pytest.raises(WrongState):
        reviews.extend(review, actor=cat.leader, days=2, reason="x")


# --- the chief's decision ---------------------------------------------------------------------------------------
def test_the_chief_of_the_department_approves(cat, review):
    chief = cat.chief_of(review.department)
    reviews.approve(review, actor=chief, reasons=" 符合条件 ", now=LATER)

    review = reload(review)
    assert (review.status, review.decision, review.reasons, review.decided_by, review.decided_at) == (
        R.APPROVED, Decision.APPROVE, "符合条件", chief, LATER)
    assert not review.on_commitment and not review.verify_after
    assert review.due_at is not None  # the clock runs until the signature
    assert review.application.events.filter(kind=EventKind.DECIDED_ITEM).count() == 1


def test_an_approval_without_reasons_gets_the_standard_one(cat, review):
    reviews.approve(review, actor=cat.chief_of(review.department))
    assert reload(review).reasons == "The application meets the conditions."


@pytest.mark.parametrize("who", ["staff_same_department", "chief_other_department", "leader", "applicant"])
@pytest.mark.parametrize("action", ["approve", "refuse"])
def test_only_the_chief_of_that_department_decides(cat, review, who, action):
    actor = {"staff_same_department": cat.staff_of(review.department),
             "chief_other_department": cat.chief_of(cat.departments[1]),
             "leader": cat.leader, "applicant": cat.applicant}[who]
    with pytest.raises(NotAllowed, match="chief representative"):
        if action == "approve":
            reviews.approve(review, actor=actor)
        else:
            reviews.refuse(review, actor=actor, reasons="不符合条件")
    review = reload(review)
    assert (review.status, review.decision) == (R.UNDER_REVIEW, "")


def test_a_second_chief_of_the_same_department_may_decide(cat, review):
    deputy = cat.add_user("chief", review.department)
    reviews.approve(review, actor=deputy)
    assert reload(review).decided_by == deputy


def test_deciding_twice_or_too_early_is_refused(cat, review):
    chief = cat.chief_of(review.department)
    reviews.approve(review, actor=chief)
    with pytest.raises(WrongState):
        reviews.approve(review, actor=chief)
    with pytest.raises(WrongState):
        reviews.refuse(review, actor=chief, reasons="改变主意")
    second_stage = review_of(accepted_application(cat, package=cat.two_stage_package), cat.immediate_item)
    assert second_stage.status == R.PENDING
    with pytest.raises(WrongState):
        reviews.approve(second_stage, actor=cat.chief_of(second_stage.department))


def test_a_refusal_needs_reasons_and_carries_the_remedy_notice(cat, review):
    chief = cat.chief_of(review.department)
    with pytest.raises(DomainError, match="Art. 38"):
        reviews.refuse(review, actor=chief, reasons="  ")
    assert reload(review).status == R.UNDER_REVIEW

    reviews.refuse(review, actor=chief, reasons="绿地面积超出规划指标")
    review = reload(review)
    assert (review.status, review.decision, review.reasons) == (R.REFUSED, Decision.REFUSE, "绿地面积超出规划指标")
    # The standard notice of reconsideration (行政复议) and litigation (行政诉讼). It is translated when the
    # module is imported, i.e. in the portal's default language, Simplified Chinese.
    assert review.remedy_notice == str(reviews.DEFAULT_REMEDY_NOTICE)
    assert ("行政复议" in review.remedy_notice and "行政诉讼" in review.remedy_notice) or (
        "reconsideration" in review.remedy_notice and "lawsuit" in review.remedy_notice)


def test_a_refusal_may_carry_its_own_remedy_notice(cat, review):
    reviews.refuse(review, actor=cat.chief_of(review.department), reasons="不符合条件",
                   remedy_notice="可在60日内向区人民政府申请行政复议，或在6个月内向区人民法院提起行政诉讼。")
    assert reload(review).remedy_notice.startswith("可在60日内")


# --- 告知承诺 -------------------------------------------------------------------------------------------------------
def test_a_commitment_item_is_approved_on_the_spot_and_flagged_for_verification(cat):
    application = draft_application(cat)
    applications.sign_commitment(application, actor=cat.applicant, item_code=cat.commitment_item.code,
                                 signer_name="李申请")
    applications.submit(application, actor=cat.applicant, declared=True)
    acceptance.accept(application, actor=cat.clerk)
    review = review_of(application, cat.commitment_item)
    other = review_of(application, cat.immediate_item)

    # Decided on the spot at acceptance (issue 8): the chief only signs; approving again is a second click.
    assert review.status == R.APPROVED and review.decided_by is None
    with pytest.raises(WrongState):
        reviews.approve(review, actor=cat.chief_of(review.department))
    reviews.approve(other, actor=cat.chief_of(other.department))

    review, other = reload(review), reload(other)
    assert review.on_commitment and review.verify_after
    assert not other.on_commitment and not other.verify_after
    chief = cat.chief_of(review.department)
    reviews.sign([review], actor=chief, otp=cat.totp(chief))
    signature = reload(review).signature
    assert signature.content["on_commitment"] is True


def test_without_a_signed_commitment_nothing_is_flagged(cat):
    application = accepted_application(cat)
    review = review_of(application, cat.commitment_item)
    reviews.approve(review, actor=cat.chief_of(review.department))
    review = reload(review)
    assert not review.on_commitment and not review.verify_after


# --- outcomes and stages --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("decisions", "outcome"), [
    ({}, Outcome.ALL_APPROVED),
    ({"T-SIGN": "refuse"}, Outcome.PARTLY_APPROVED),
    ({"T-GREEN": "refuse", "T-SIGN": "refuse", "T-HEALTH": "refuse"}, Outcome.REFUSED),
])
def test_the_bundle_outcome(cat, decisions, outcome):
    application = decided_application(cat, decisions=decisions)
    assert (application.status, application.outcome, application.decided_at) == (
        ApplicationStatus.DECIDED, outcome, DEFAULT_NOW)
    assert application.stages.get().status == StageStatus.CLOSED
    assert application.events.filter(kind=EventKind.DECIDED).count() == 1


def test_a_multi_stage_package_opens_the_next_stage_after_the_last_signature(cat):
    application = accepted_application(cat, package=cat.two_stage_package)
    signed_at = shanghai(2026, 6, 2, 14, 0)
    decide_open_reviews(cat, application, now=signed_at)

    application = reload(application)
    assert application.status == ApplicationStatus.UNDER_REVIEW
    first, second = application.stages.order_by("order")
    assert (first.status, first.closed_at) == (StageStatus.CLOSED, signed_at)
    assert (second.status, second.opened_at) == (StageStatus.OPEN, signed_at)
    started = {r.item.code: r for r in second.reviews.select_related("item")}
    assert {r.status for r in started.values()} == {R.UNDER_REVIEW}
    assert {r.started_at for r in started.values()} == {signed_at}
    # Started Tue 06-02: the immediate item is due today, the 3-day item on Fri 06-05.
    assert started["T-SIGN"].due_at == shanghai(2026, 6, 2, 17, 30)
    assert started["T-HEALTH"].due_at == shanghai(2026, 6, 5, 17, 30)

    decide_open_reviews(cat, application, now=signed_at + timedelta(hours=1))
    application = reload(application)
    assert (application.status, application.outcome) == (ApplicationStatus.DECIDED, Outcome.ALL_APPROVED)


def test_a_refusal_in_a_stage_ends_the_later_stages(cat):
    application = decided_application(cat, package=cat.two_stage_package, decisions={"T-GREEN": "refuse"})

    first, second = application.stages.order_by("order")
    assert (first.status, second.status) == (StageStatus.CLOSED, StageStatus.CANCELLED)
    assert set(second.reviews.values_list("status", flat=True)) == {R.CANCELLED}
    assert application.outcome == Outcome.REFUSED
