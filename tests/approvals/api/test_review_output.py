"""The review serializers write their fields out by hand (speed); the declared fields stay the definition.

For reviews in every state — waiting, under review with and without the staff opinion, suspended with its pause,
extended, decided and waiting for the signature, signed (approved, refused, on commitment) — and for the
applicant's view of them (opinions hidden, unsigned decisions read as under review), in English and in Chinese,
the hand-written output must equal DRF's generic rendering of the declared fields.
"""

import json
from datetime import datetime

import pytest
from django.utils import translation
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from approvals import disclosure
from approvals.api.reviews import ReviewViewSet
from approvals.api.serializers.reviews import InboxReviewSerializer, ReviewSerializer
from approvals.models import ItemReview, ReviewStatus
from approvals.services import reviews as review_services
from tests.approvals.services.conftest import _english, _fast_passwords, _media, calendar_2026, cat  # noqa: F401
from tests.factories.applications import (
    SHANGHAI, accepted_application, decided_application, decided_on_commitment, frozen,
)

pytestmark = pytest.mark.django_db
LATER = datetime(2026, 6, 20, 10, 0, tzinfo=SHANGHAI)


def _json(data):
    return json.loads(JSONRenderer().render(data))


def _generic(serializer_class, review, context):
    """DRF's own rendering of the declared fields (the hand-written `to_representation` bypassed)."""
    return serializers.ModelSerializer.to_representation(serializer_class(context=context), review)


@pytest.fixture
def reviews_in_every_state(cat):
    now = datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI)
    decided_application(cat, now=now, decisions={cat.immediate_item.code: "refuse"})
    decided_on_commitment(cat, now=now)
    running = accepted_application(cat, now=now)
    with frozen(now):
        staged = list(running.reviews.filter(status=ReviewStatus.UNDER_REVIEW).select_related("department"))
        assert len(staged) >= 3, [r.status for r in running.reviews.all()]
        first, second, third = staged[:3]
        review_services.suspend(first, actor=cat.staff_of(first.department), kind="testing", reason="送检",
                                expected_days=2, now=now)
        review_services.extend(second, actor=cat.leader, days=5, reason="需要补充现场勘验", now=now)
        review_services.record_opinion(second, actor=cat.staff_of(second.department), opinion="符合条件",
                                       proposed_decision="approve")
        review_services.approve(third, actor=cat.chief_of(third.department), reasons="符合许可条件", now=now)
    states = set(ItemReview.objects.values_list("status", flat=True))
    assert {ReviewStatus.SUSPENDED, ReviewStatus.UNDER_REVIEW, ReviewStatus.APPROVED, ReviewStatus.SIGNED} <= states
    return cat


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_hand_written_review_output_equals_the_declared_fields(reviews_in_every_state, language):
    reviews = list(ReviewViewSet._with_related(ItemReview.objects.all()).order_by("pk"))
    assert any(r.pauses.all() for r in reviews) and any(r.extension_days for r in reviews)
    with translation.override(language), frozen(LATER):
        context = {"now": LATER}
        for review in reviews:
            fast = _json(InboxReviewSerializer(review, context=context).data)
            assert fast == _json(_generic(InboxReviewSerializer, review, context)), review.status
            assert list(fast) == ["application", *ReviewSerializer.Meta.fields]
        for view in disclosure.reviews_seen_by(None, reviews):  # the applicant's view of the same reviews
            assert _json(ReviewSerializer(view, context=context).data) == \
                _json(_generic(ReviewSerializer, view, context)), view.status


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_inbox_page_with_its_pauses_loaded_in_one_query_equals_the_prefetched_rendering(reviews_in_every_state,
                                                                                        language):
    """The inbox list loads a page's pauses itself (`pause_list`); its output equals the serializer's over the
    prefetched rows (`_with_related`, as the detail endpoint reads a review)."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(reviews_in_every_state.leader)
    with frozen(LATER):
        listed = client.get("/api/v1/reviews/", {"status": "all", "page_size": 200},
                            HTTP_ACCEPT_LANGUAGE=language).json()["results"]
        ids = [row["id"] for row in listed]
        assert len(ids) == ItemReview.objects.count()
        assert any(row["pauses"] for row in listed) and any(row["extension"] for row in listed)
        reviews = {r.pk: r for r in ReviewViewSet._with_related(ItemReview.objects.filter(pk__in=ids))}
        with translation.override(language):
            expected = [_json(InboxReviewSerializer(reviews[pk], context={"now": LATER}).data) for pk in ids]
    assert listed == expected
