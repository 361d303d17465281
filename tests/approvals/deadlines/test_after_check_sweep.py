"""The after-check (事后核查) in the deadline sweep: a check whose due date passes without an outcome warns the
department once; a check with an outcome never fires."""

from datetime import datetime

import pytest

from approvals.models import AfterCheck, AfterCheckOutcome, DeadlineFiring, FiringKind
from approvals.services import after_checks
from approvals.services.deadlines import sweep
from portal.models import Notification
from tests.factories.applications import SHANGHAI, decided_on_commitment, reload

pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def check(cat, settings):
    settings.COMMITMENT_CHECK_DAYS = 5  # signed Mon 06-01 10:00: due Mon 06-08 17:30
    return AfterCheck.objects.get(review__application=decided_on_commitment(cat))


def overdue_firings(check):
    return list(DeadlineFiring.objects.filter(subject_type="aftercheck", subject_id=check.pk)
                .values_list("kind", flat=True))


def test_an_after_check_past_its_due_date_warns_the_department_once(cat, check):
    assert check.due_at == at(2026, 6, 8, 17, 30)
    sweep(now=at(2026, 6, 8, 17, 0))
    assert overdue_firings(check) == []

    report = sweep(now=at(2026, 6, 8, 17, 31))

    assert overdue_firings(check) == [FiringKind.AFTER_CHECK_OVERDUE]
    assert report.fired.get(FiringKind.AFTER_CHECK_OVERDUE) == 1
    told = set(Notification.objects.filter(kind=FiringKind.AFTER_CHECK_OVERDUE).values_list("recipient", flat=True))
    department = check.department
    assert told == {cat.chief_of(department).pk, cat.staff_of(department).pk}
    assert reload(check).check_at is None
    assert sweep(now=at(2026, 6, 9, 9, 0)).fired.get(FiringKind.AFTER_CHECK_OVERDUE) is None
    assert overdue_firings(check) == [FiringKind.AFTER_CHECK_OVERDUE]


def test_an_after_check_with_an_outcome_never_fires(cat, check):
    after_checks.record_outcome(check, actor=cat.staff_of(check.department), outcome=AfterCheckOutcome.CONFIRMED,
                                note="核查属实", now=at(2026, 6, 3, 10, 0))

    sweep(now=at(2026, 6, 9, 9, 0))

    assert overdue_firings(check) == []
    assert not Notification.objects.filter(kind=FiringKind.AFTER_CHECK_OVERDUE).exists()
