"""The demo district's live work: bundles in every state, built by the services over the past weeks."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from agents.models import AgencyCase, Demand
from approvals.models import (
    Application, ApplicationStatus as S, DecisionSignature, ItemReview, PaymentNotice, ReviewStatus, ApplicationEvent,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_live_work")]

NOW = datetime(2026, 6, 3, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Wednesday, in office hours


def seed():
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", "--skip-calendar", "--quiet", stdout=StringIO())


def snapshot():
    return {model.__name__: model.objects.count() for model in (Application, ItemReview, ApplicationEvent,
                                                                 DecisionSignature, PaymentNotice, Demand,
                                                                 AgencyCase)}


def test_every_state_present_and_seeding_again_changes_nothing():
    seed()
    first = snapshot()
    seed()
    assert snapshot() == first

    statuses = set(Application.objects.values_list("status", flat=True))
    for status in (S.DRAFT, S.SUBMITTED, S.SUPPLEMENT_REQUESTED, S.UNDER_REVIEW, S.DECIDED, S.DELIVERED,
                   S.NOT_ACCEPTED):
        assert status in statuses, status

    running = ItemReview.objects.filter(status__in=[ReviewStatus.UNDER_REVIEW, ReviewStatus.SUSPENDED])
    lights = {review.light_at(NOW) for review in running}
    assert {"green", "yellow", "red", "paused"} <= lights, lights
    assert ItemReview.objects.exclude(extension_days=0).exists()
    assert ItemReview.objects.exclude(opinion="").filter(status=ReviewStatus.UNDER_REVIEW).exists()
    assert Application.objects.filter(pre_reviews__answered_at__isnull=False).exists()
    assert PaymentNotice.objects.filter(paid_at__isnull=True).exists() and PaymentNotice.objects.filter(
        paid_at__isnull=False).exists()
    assert {"small", "general", "big"} <= set(Demand.objects.values_list("classification", flat=True))
    assert AgencyCase.objects.exists()


def test_timelines_spread_over_the_past_weeks_in_order():
    seed()
    delivered = Application.objects.get(status=S.DELIVERED)
    times = list(delivered.events.order_by("pk").values_list("at", flat=True))
    assert (NOW - times[0]).days >= 14
    assert times == sorted(times)
