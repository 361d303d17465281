"""The ratings demo loader rates decided bundles through the services, works the bad reviews' cases and flags
pain points; a second run changes nothing."""

import pytest

from approvals.demo.ratings import load_ratings_demo
from approvals.models import PainPoint, Rating, RectificationCase
from tests.factories.applications import decided_application
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_rates_works_the_cases_and_is_idempotent(cat):
    UserFactory(supervisor=True)
    for _ in range(4):  # the fourth is rated 不满意 (the cycle of LEVELS)
        decided_application(cat)
    counts = load_ratings_demo()
    assert counts == {"applications rated": 4, "rectification cases": 1, "pain points flagged": 2}
    assert Rating.objects.filter(item__isnull=True).count() == 4 and Rating.objects.bad().count() == 1
    assert RectificationCase.objects.get().status == "rechecked"
    assert load_ratings_demo() == {"applications rated": 0, "rectification cases": 1, "pain points flagged": 0}
    assert PainPoint.objects.count() == 2
