"""Batch decide-and-sign: the chief adopts the staff proposals of opinion-ready reviews and signs them all with one
TOTP code, all or nothing."""

import pytest

from approvals.models import Decision, DecisionSignature, EventKind, ItemReview, ReviewStatus
from approvals.services import reviews
from portal.errors import DomainError, NotAllowed, WrongState
from tests.approvals.services.test_concurrency import needs_postgres, race
from tests.factories.applications import DEFAULT_NOW, accepted_application, fresh_totp, frozen, reload, wrong_totp

pytestmark = pytest.mark.django_db
R = ReviewStatus


def opinion_ready_review(cat, *, propose=Decision.APPROVE, opinion="经审查，符合条件，拟准予许可。"):
    application = accepted_application(cat)
    review = application.reviews.select_related("item", "department", "application").get(item=cat.fee_item)
    with frozen(DEFAULT_NOW):
        reviews.record_opinion(review, actor=cat.staff_of(review.department), opinion=opinion,
                               proposed_decision=propose)
    return reload(review)


def chief(cat):
    return cat.chief_of(cat.departments[0])


def test_opinion_ready_is_one_queryset_definition(cat):
    ready = opinion_ready_review(cat)
    no_opinion = accepted_application(cat).reviews.get(item=cat.fee_item)
    assert list(ItemReview.objects.opinion_ready().values_list("pk", flat=True)) == [ready.pk]
    flags = dict(ItemReview.objects.with_opinion_ready().values_list("pk", "opinion_ready"))
    assert flags[ready.pk] is True and flags[no_opinion.pk] is False


def test_the_chief_decides_as_proposed_and_signs_all_with_one_code(cat):
    batch = [opinion_ready_review(cat) for _ in range(3)] + [
        opinion_ready_review(cat, propose=Decision.REFUSE, opinion="绿地面积超出规划指标，拟不予许可。")]
    with frozen(DEFAULT_NOW):
        done = reviews.decide_as_proposed_and_sign(batch, actor=chief(cat), otp=cat.totp(chief(cat)),
                                                   now=DEFAULT_NOW)

    assert sorted(r.pk for r in done) == sorted(r.pk for r in batch)
    for review in batch:
        review = reload(review)
        assert review.status == R.SIGNED
        # The decision is the chief's, its reasons the staff opinion it adopted.
        assert review.decided_by == chief(cat) and review.decision == review.proposed_decision
        assert review.reasons == review.opinion
        assert DecisionSignature.objects.get(review=review).decision == review.proposed_decision
        decided = review.application.events.get(kind=EventKind.DECIDED_ITEM)
        assert decided.actor == chief(cat)
        assert decided.data == {"item": review.item.code, "decision": review.proposed_decision, "as_proposed": True}
    refused = reload(batch[-1])
    assert refused.decision == Decision.REFUSE and refused.remedy_notice == str(reviews.DEFAULT_REMEDY_NOTICE)


def test_a_review_decided_meanwhile_fails_the_batch_and_nothing_is_signed(cat):
    first, second = opinion_ready_review(cat), opinion_ready_review(cat)
    deputy = cat.add_user("chief", cat.departments[0], totp=True, full_name="赵副首席")
    with frozen(DEFAULT_NOW):
        reviews.approve(second, actor=deputy, reasons="已先行决定。")  # a colleague was faster
        code = cat.totp(chief(cat))
        with pytest.raises(WrongState, match="赵副首席") as caught:
            reviews.decide_as_proposed_and_sign([first, second], actor=chief(cat), otp=code)
    assert "Nothing was decided or signed" in caught.value.message
    assert reload(first).status == R.UNDER_REVIEW and reload(first).decided_by is None
    assert not DecisionSignature.objects.exists()
    # The refused batch did not spend the code: it still decides and signs the review that is ready.
    with frozen(DEFAULT_NOW):
        reviews.decide_as_proposed_and_sign([first], actor=chief(cat), otp=code)
    assert reload(first).status == R.SIGNED


def test_a_review_without_opinion_is_refused(cat):
    ready = opinion_ready_review(cat)
    bare = accepted_application(cat).reviews.get(item=cat.fee_item)
    with frozen(DEFAULT_NOW), pytest.raises(WrongState, match="no longer has a staff opinion"):
        reviews.decide_as_proposed_and_sign([ready, bare], actor=chief(cat), otp=cat.totp(chief(cat)))
    assert reload(ready).status == R.UNDER_REVIEW


def test_a_wrong_or_used_code_decides_and_signs_nothing(cat):
    batch = [opinion_ready_review(cat), opinion_ready_review(cat)]
    device = cat.device_of(chief(cat))
    with frozen(DEFAULT_NOW):
        with pytest.raises(NotAllowed, match="Nothing was decided"):
            reviews.decide_as_proposed_and_sign(batch, actor=chief(cat), otp=wrong_totp(device))
    assert {reload(r).status for r in batch} == {R.UNDER_REVIEW}
    assert all(reload(r).decided_by is None for r in batch)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # committed, not rolled back


def test_a_code_is_consumed_once(cat):
    first, second = opinion_ready_review(cat), opinion_ready_review(cat)
    with frozen(DEFAULT_NOW):
        code = fresh_totp(cat.device_of(chief(cat)))
        reviews.decide_as_proposed_and_sign([first], actor=chief(cat), otp=code)
        with pytest.raises(NotAllowed):
            reviews.decide_as_proposed_and_sign([second], actor=chief(cat), otp=code)
    assert reload(first).status == R.SIGNED and reload(second).status == R.UNDER_REVIEW


def test_only_the_chief_of_the_department_and_at_least_one(cat):
    review = opinion_ready_review(cat)
    with frozen(DEFAULT_NOW):
        for actor in (cat.staff_of(review.department), cat.chief_of(cat.departments[1]), cat.leader):
            with pytest.raises(NotAllowed):
                reviews.decide_as_proposed_and_sign([review], actor=actor, otp="000000")
        with pytest.raises(DomainError):
            reviews.decide_as_proposed_and_sign([], actor=chief(cat), otp=cat.totp(chief(cat)))
    assert reload(review).status == R.UNDER_REVIEW


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_batch_racing_a_colleagues_decision_is_all_or_nothing(cat):
    """Real threads race for the row locks: either the colleague decides first (the batch fails and decides
    nothing) or the batch wins (the colleague gets WrongState)."""
    first, second = opinion_ready_review(cat), opinion_ready_review(cat)
    deputy = cat.add_user("chief", cat.departments[0], totp=True)
    code = cat.totp(chief(cat))  # the threads verify it against the real clock (time-machine is not thread-wide)
    results = race(
        lambda: reviews.decide_as_proposed_and_sign([first, second], actor=chief(cat), otp=code, now=DEFAULT_NOW),
        lambda: reviews.approve(second, actor=deputy, reasons="先行决定", now=DEFAULT_NOW))

    assert sorted(r == "ok" for r in results) == [False, True], results
    assert isinstance(next(r for r in results if r != "ok"), WrongState)
    first, second = reload(first), reload(second)
    if results[0] == "ok":  # the batch won: both decided by the chief and signed
        assert (first.status, second.status) == (R.SIGNED, R.SIGNED) and second.decided_by == chief(cat)
    else:  # the colleague won: the batch decided and signed nothing
        assert (first.status, second.status) == (R.UNDER_REVIEW, R.APPROVED) and second.decided_by == deputy
        assert not DecisionSignature.objects.filter(review__in=[first, second]).exists()
