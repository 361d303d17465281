"""Rectification of bad reviews: call-back, outcome, the complainant's rating of the fix, the 回头看 re-check;
overdue cases go red through the deadline sweep, each crossing once."""

from datetime import datetime

import pytest

from approvals.lights import Light
from approvals.models import (
    DeadlineFiring, FiringKind, RatingLevel, RectificationCase, RectificationOutcome, RectificationStatus,
)
from approvals.services import ratings, rectifications
from approvals.services.deadlines import sweep
from portal.errors import DomainError, NotAllowed, WrongState
from portal.models import Notification
from tests.factories.applications import DEFAULT_NOW, SHANGHAI, decided_application, reload
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db
S = RectificationStatus


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def case(cat):
    application = decided_application(cat)
    ratings.rate(application, actor=cat.applicant, level=RatingLevel.VERY_DISSATISFIED, item=cat.fee_item,
                 text="收费说明不清", now=DEFAULT_NOW)
    return RectificationCase.objects.get()


def staff(cat, case):
    return cat.staff_of(case.department)


def test_the_department_calls_back_rectifies_and_rechecks_a_month_later(cat, case):
    case = rectifications.call_back(case, actor=staff(cat, case), note="已电话回访", now=at(2026, 6, 2, 9, 0))
    assert case.status == S.CALLED_BACK and case.next_check_at == case.warn_at
    with pytest.raises(WrongState):  # the outcome comes once; rating the fix waits for it
        rectifications.rate_fix(case, actor=cat.applicant, level=RatingLevel.SATISFIED)
    case = rectifications.resolve(case, actor=cat.chief_of(case.department), outcome=RectificationOutcome.RECTIFIED,
                                  note="已修订收费说明", now=at(2026, 6, 5, 10, 0))
    assert case.status == S.RESOLVED and case.recheck_due_at == at(2026, 7, 5, 10, 0)
    assert case.next_check_at == case.recheck_due_at
    assert Notification.objects.filter(kind="rectification_resolved", recipient=cat.applicant).exists()
    case = rectifications.rate_fix(case, actor=cat.applicant, level=RatingLevel.SATISFIED, now=at(2026, 6, 6))
    assert case.fix_level == RatingLevel.SATISFIED
    with pytest.raises(WrongState):
        rectifications.rate_fix(case, actor=cat.applicant, level=RatingLevel.VERY_SATISFIED)
    with pytest.raises(WrongState):  # 回头看 a month later, not before
        rectifications.recheck(case, actor=staff(cat, case), note="回头看", now=at(2026, 6, 20))
    case = rectifications.recheck(case, actor=staff(cat, case), note="收费说明已更新，企业满意",
                                  now=at(2026, 7, 6, 10, 0))
    assert (case.status, case.next_check_at, case.light_at(at(2026, 8, 1))) == (S.RECHECKED, None, Light.DONE)
    assert reload(case).fix_level == RatingLevel.SATISFIED


def test_only_the_department_concerned_handles_the_case(cat, case):
    other = cat.departments[1]
    for actor in (cat.staff_of(other), cat.applicant, UserFactory(supervisor=True), cat.leader):
        with pytest.raises(NotAllowed):
            rectifications.call_back(case, actor=actor, note="x")
    assert reload(case).status == S.OPEN


def test_the_outcome_waits_for_the_call_back_and_needs_a_note(cat, case):
    with pytest.raises(WrongState):
        rectifications.resolve(case, actor=staff(cat, case), outcome=RectificationOutcome.EXPLAINED, note="x")
    rectifications.call_back(case, actor=staff(cat, case), note="回访")
    with pytest.raises(WrongState):
        rectifications.call_back(case, actor=staff(cat, case), note="again")
    with pytest.raises(DomainError):
        rectifications.resolve(case, actor=staff(cat, case), outcome="fixed", note="x")
    with pytest.raises(DomainError):
        rectifications.resolve(case, actor=staff(cat, case), outcome=RectificationOutcome.EXPLAINED, note=" ")


def test_only_the_complainants_enterprise_rates_the_fix(cat, case):
    rectifications.call_back(case, actor=staff(cat, case), note="回访")
    rectifications.resolve(case, actor=staff(cat, case), outcome=RectificationOutcome.EXPLAINED, note="已解释")
    for actor in (staff(cat, case), UserFactory(applicant=True), UserFactory(agent=True)):
        with pytest.raises(NotAllowed):
            rectifications.rate_fix(case, actor=actor, level=RatingLevel.SATISFIED)


def firings(case):
    return sorted(DeadlineFiring.objects.filter(subject_type="rectificationcase", subject_id=case.pk)
                  .values_list("kind", flat=True))


def test_a_late_call_back_goes_red_once_and_the_department_hears_of_it(cat, case):
    assert case.light_at(at(2026, 6, 2, 17, 0)) == Light.GREEN
    sweep(now=at(2026, 6, 2, 17, 0))
    assert firings(case) == []
    report = sweep(now=at(2026, 6, 2, 17, 31))
    assert report.fired == {FiringKind.CALLBACK_RED: 1}
    assert firings(case) == [FiringKind.CALLBACK_RED]
    assert sweep(now=at(2026, 6, 2, 17, 45)).fired == {}  # a second pass changes nothing
    assert reload(case).next_check_at == case.warn_at
    assert RectificationCase.objects.overdue(at(2026, 6, 3)).get() == case
    chief = cat.chief_of(case.department)
    assert Notification.objects.filter(recipient=chief, kind=FiringKind.CALLBACK_RED).exists()


def test_an_unrectified_case_goes_yellow_then_red(cat, case):
    rectifications.call_back(case, actor=staff(cat, case), note="回访", now=at(2026, 6, 2, 9, 0))
    sweep(now=case.warn_at)
    assert firings(case) == [FiringKind.RECTIFICATION_YELLOW]
    assert RectificationCase.objects.with_light(case.warn_at).get().light == Light.YELLOW
    sweep(now=case.due_at)
    sweep(now=case.due_at)
    assert firings(case) == [FiringKind.RECTIFICATION_RED, FiringKind.RECTIFICATION_YELLOW]
    assert reload(case).next_check_at is None


def test_the_recheck_reminder_fires_when_it_is_due(cat, case):
    rectifications.call_back(case, actor=staff(cat, case), note="回访", now=at(2026, 6, 2, 9, 0))
    case = rectifications.resolve(case, actor=staff(cat, case), outcome=RectificationOutcome.APPEAL_UPHELD,
                                  note="申诉成立", now=at(2026, 6, 3, 9, 0))
    sweep(now=at(2026, 7, 3, 9, 0))
    assert firings(case) == [FiringKind.RECHECK_DUE]
    assert case.light_at(at(2026, 7, 3, 9, 0)) == Light.RED
