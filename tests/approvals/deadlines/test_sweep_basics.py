"""The deadline sweep on one accepted application: yellow, red, legal overrun, each exactly once."""

from datetime import datetime

import pytest

from approvals.models import DeadlineFiring, DigestLine, FiringKind, ItemReview
from approvals.services.deadlines import sweep
from portal.models import Notification
from tests.factories.applications import SHANGHAI, accepted_application, reload

pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def fired(review):
    return list(DeadlineFiring.objects.filter(subject_type="itemreview", subject_id=review.pk)
                .order_by("fired_at", "id").values_list("kind", flat=True))


def test_review_fires_yellow_then_red_then_legal_once_each(cat):
    application = accepted_application(cat)  # accepted Monday 2026-06-01 10:00
    review = application.reviews.get(item=cat.fee_item)  # promised 4, legal 20 working days
    # 4 working days after Mon 06-01 (start day not counted): Fri 06-05 17:30; yellow 1 working day earlier.
    assert review.due_at == at(2026, 6, 5, 17, 30)
    assert review.warn_at == at(2026, 6, 4, 17, 30)

    sweep(now=at(2026, 6, 4, 17, 0))
    assert fired(review) == []
    sweep(now=at(2026, 6, 4, 17, 31))
    assert fired(review) == [FiringKind.REVIEW_YELLOW]
    sweep(now=at(2026, 6, 4, 17, 32))
    assert fired(review) == [FiringKind.REVIEW_YELLOW]  # not twice
    assert reload(review).next_check_at == at(2026, 6, 5, 17, 30)

    sweep(now=at(2026, 6, 8, 9, 0))
    assert fired(review) == [FiringKind.REVIEW_YELLOW, FiringKind.REVIEW_RED]
    # A joint package: 45 working days (Art. 42). June has 20 after 06-01 (Dragon Boat Festival, Fri 06-19,
    # is off), July 23 more (43 on 07-31), so the 45th is Tue 08-04.
    assert reload(review).legal_due_at == at(2026, 8, 4, 17, 30)
    sweep(now=at(2026, 8, 4, 17, 29))
    assert FiringKind.REVIEW_LEGAL not in fired(review)
    sweep(now=at(2026, 8, 4, 17, 31))
    assert fired(review) == [FiringKind.REVIEW_YELLOW, FiringKind.REVIEW_RED, FiringKind.REVIEW_LEGAL]
    assert reload(review).next_check_at is None
    assert sweep(now=at(2026, 7, 30, 9, 0)).total == 0
    chief = cat.chief_of(cat.fee_item.department)
    # Told once of the overrun: one line of the digest the chief got at the end of that pass.
    [line] = DigestLine.objects.filter(recipient=chief, firing__kind=FiringKind.REVIEW_RED,
                                       firing__subject_id=review.pk)
    assert line.notification.recipient == chief and line.told_at == at(2026, 6, 8, 9, 0)


def test_a_second_sweep_at_the_same_moment_changes_nothing(cat):
    accepted_application(cat)
    first = sweep(now=at(2026, 9, 30, 9, 0))
    assert first.total == DeadlineFiring.objects.count() > 0
    firings, notifications = DeadlineFiring.objects.count(), Notification.objects.count()
    assert sweep(now=at(2026, 9, 30, 9, 0)).total == 0
    assert (DeadlineFiring.objects.count(), Notification.objects.count()) == (firings, notifications)


def test_signed_reviews_never_fire(cat):
    from tests.factories.applications import decided_application

    decided_application(cat)
    report = sweep(now=at(2026, 6, 30, 18, 0))
    assert not any(k.startswith("review") for k in report.fired)
    assert not ItemReview.objects.exclude(next_check_at=None).exists()
