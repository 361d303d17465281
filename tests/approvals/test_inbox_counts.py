"""The inbox's counts per status and light: the open work counted exactly, the history (signed, cancelled) up to a
cap. Below the cap they equal the one grouped count over every review; above it the capped statuses (and the done
light) say so, the open counts stay exact, and a list that takes in a capped status is counted by the paginator.
"""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from approvals.lights import Light
from approvals.models import ItemReview, ReviewStatus
from approvals.models.reviews import DONE_REVIEW_STATES, LIVE_REVIEW_STATES, REVIEW_LIGHT
from approvals.views import reviews as review_views
from tests.approvals.services.conftest import _english, _fast_passwords, _media, calendar_2026, cat  # noqa: F401
from tests.factories.applications import SHANGHAI, accepted_application
from tests.factories.portal import signed_in_client

pytestmark = pytest.mark.django_db
R = ReviewStatus
LATER = datetime(2026, 6, 9, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def department_reviews(cat):
    """Five accepted applications; of the first department's reviews two signed and one cancelled."""
    apps = [accepted_application(cat, now=datetime(2026, 6, 1, 9, minute, tzinfo=SHANGHAI)) for minute in range(5)]
    d0 = cat.departments[0]
    mine = ItemReview.objects.filter(department=d0, application__in=apps).order_by("pk")
    ids = list(mine.values_list("pk", flat=True))
    assert len(ids) == 5
    ItemReview.objects.filter(pk__in=ids[:2]).update(status=R.SIGNED)
    ItemReview.objects.filter(pk=ids[2]).update(status=R.CANCELLED)
    return d0, ItemReview.objects.filter(department=d0)


def test_done_states_are_exactly_those_whose_light_is_always_done():
    assert set(DONE_REVIEW_STATES) == set(R.values) - set(LIVE_REVIEW_STATES)
    assert set(DONE_REVIEW_STATES) == set(REVIEW_LIGHT.possible("status", R.values, [Light.DONE]))
    assert not set(DONE_REVIEW_STATES) & set(REVIEW_LIGHT.possible("status", R.values,
                                                                   [v for v in Light.values if v != Light.DONE]))


def test_below_the_cap_the_counts_equal_the_grouped_count_of_every_review(department_reviews):
    _d0, base = department_reviews
    exact = base.status_light_counts(LATER)
    split = base.status_light_counts(LATER, done_cap=1000)
    assert split.counts == exact.counts and split.capped == set() and split.capped_values() == set()
    assert split.by_status() == exact.by_status()
    assert split.by_light() == exact.by_light()
    assert split.by_status()[R.SIGNED] == 2 and split.by_status()[R.CANCELLED] == 1
    assert split.by_light()[Light.DONE] == 3 and sum(split.by_light().values()) == 5
    for statuses in (None, [R.SIGNED], LIVE_REVIEW_STATES):
        for lights in (None, [Light.DONE], [Light.RED, Light.YELLOW, Light.GREEN]):
            assert split.total(statuses, lights) == exact.total(statuses, lights)
            assert not split.is_capped(statuses, lights)


def test_above_the_cap_a_done_status_is_a_lower_bound_and_the_open_work_stays_exact(department_reviews):
    _d0, base = department_reviews
    exact = base.status_light_counts(LATER)
    capped = base.status_light_counts(LATER, done_cap=1)
    assert capped.by_status()[R.SIGNED] == 1 and capped.by_status()[R.CANCELLED] == 1
    assert capped.capped == {R.SIGNED.value}
    assert capped.capped_values() == {R.SIGNED.value, Light.DONE.value}
    assert capped.by_light()[Light.DONE] == 2
    assert capped.is_capped() and capped.is_capped([R.SIGNED]) and capped.is_capped(lights=[Light.DONE])
    assert not capped.is_capped([R.CANCELLED]) and not capped.is_capped(LIVE_REVIEW_STATES)
    assert not capped.is_capped(lights=[Light.RED, Light.YELLOW, Light.GREEN, Light.PAUSED, Light.WAITING])
    for status in LIVE_REVIEW_STATES:
        assert capped.by_status()[status] == exact.by_status()[status]
    for light in Light.values:
        if light != Light.DONE:
            assert capped.by_light()[light] == exact.by_light()[light]


def test_the_inbox_shows_a_capped_count_with_a_plus_and_counts_that_list_itself(cat, department_reviews,
                                                                                 monkeypatch):
    d0, _base = department_reviews
    monkeypatch.setattr(review_views, "DONE_COUNT_CAP", 1)
    client = signed_in_client(cat.chief_of(d0))
    with time_machine.travel(LATER, tick=False):
        response = client.get(reverse("approvals:inbox"))
        signed = client.get(reverse("approvals:inbox") + "?status=signed")
        everything = client.get(reverse("approvals:inbox") + "?status=all")
        cancelled = client.get(reverse("approvals:inbox") + "?status=cancelled")
    assert response.status_code == 200
    statuses = {v: n for v, _l, n in response.context["status_summary"]}
    lights = {v: n for v, _l, n in response.context["light_summary"]}
    assert statuses[R.SIGNED] == 1 and statuses[R.CANCELLED] == 1 and lights[Light.DONE] == 2
    assert response.context["capped"] == {R.SIGNED.value, Light.DONE.value}
    page = response.content.decode()
    assert '<span class="count__n">1+</span> <span class="count__label">Decided and signed</span>' in page
    assert '<span class="count__n">1</span> <span class="count__label">Cancelled</span>' in page
    # The open list is a sum of exact counts; lists that take in the capped status are counted themselves.
    assert response.context["page"].paginator.count == 2
    assert signed.context["page"].paginator.count == 2 and len(signed.context["page"].object_list) == 2
    assert everything.context["page"].paginator.count == 5
    assert cancelled.context["page"].paginator.count == 1
