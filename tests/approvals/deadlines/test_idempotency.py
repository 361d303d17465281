"""Exactly once: a second sweep, and two sweeps running at the same time, fire and notify nothing twice."""

import threading
from collections import Counter
from datetime import datetime

import pytest
import time_machine
from django.db import connection, connections

from approvals.models import DeadlineFiring, DigestLine, FiringKind, ItemReview
from approvals.services.deadlines import sweep
from portal.models import Delivery, Notification
from tests.approvals.deadlines.broker import published_deliveries
from tests.factories.applications import (
    SHANGHAI, accepted_application, paid_application, submitted_application,
)
from tests.factories.portal import UserFactory



def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def snapshot():
    return (sorted(DeadlineFiring.objects.values_list("subject_type", "subject_id", "kind", "deadline_at")),
            sorted(Notification.objects.values_list("dedupe_key", flat=True)),
            Delivery.objects.count())


@pytest.mark.django_db
def test_two_sweeps_in_a_row_fire_and_notify_each_thing_once(cat, broker_queue, django_capture_on_commit_callbacks):
    supervisor = UserFactory(supervisor=True, email="supervisor@example.org")
    accepted_application(cat, now=at(2026, 6, 1, 10, 0))
    paid_application(cat, now=at(2026, 6, 2, 10, 0))  # fee paid at once: delivery due Tue 06-16 17:30
    submitted_application(cat, now=at(2026, 6, 3, 10, 0))  # deemed accepted after Wed 06-10 17:30
    moment = at(2026, 6, 30, 17, 31)
    # The workflow's own notices so far (receipts, new reviews ...), delivered as a worker would have.
    Delivery.objects.update(delivered_at=at(2026, 6, 3, 10, 1))
    before = set(Delivery.objects.values_list("pk", flat=True))

    with time_machine.travel(moment, tick=False):  # as beat runs it: the process clock says when it is
        with django_capture_on_commit_callbacks(execute=True) as first_callbacks:
            first = sweep()
        after_first = snapshot()
        with django_capture_on_commit_callbacks(execute=True) as second_callbacks:
            second = sweep()

    assert first.deemed_accepted == 1 and first.fired[FiringKind.DELIVERY_RED] == 1
    assert first.fired[FiringKind.REVIEW_RED] == 6  # three items in each of the two accepted applications
    assert first.failed == 0
    assert (second.total, second.failed, second_callbacks) == (0, 0, [])
    assert snapshot() == after_first
    firings, keys, deliveries = after_first
    assert len(firings) == len(set(firings)) == first.total
    # Every (subject, kind) at most once, and every notification has exactly one delivery per channel.
    assert max(Counter((t, i, k) for t, i, k, _d in firings).values()) == 1
    # The supervisor hears of every red firing, in one digest for the pass.
    reds = DeadlineFiring.objects.filter(kind__in=[FiringKind.REVIEW_RED, FiringKind.REVIEW_LEGAL,
                                                   FiringKind.STAGE_RED, FiringKind.DELIVERY_RED])
    [digest] = Notification.objects.filter(recipient=supervisor)
    assert sorted(DigestLine.objects.filter(notification=digest).values_list("firing_id", flat=True)) == sorted(
        reds.values_list("pk", flat=True))
    assert not DigestLine.objects.filter(told_at=None).exists()
    assert deliveries == len(keys) + 1  # in the portal for everyone, and the supervisor's e-mail
    # Each delivery was handed to the queue once (in batches), after its transaction committed.
    assert first_callbacks
    assert published_deliveries(broker_queue) == Counter(
        {pk: 1 for pk in Delivery.objects.exclude(pk__in=before).values_list("pk", flat=True)})

    # A later pass with no new threshold crossed fires nothing either.
    assert sweep(now=at(2026, 7, 1, 9, 0), relay=False).total == 0
    assert snapshot() == after_first


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_fire_and_notify_each_thing_exactly_once(cat, broker_queue):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks (Django drops SKIP LOCKED there and writers queue for the whole "
                    "database file), so concurrent claims are a PostgreSQL test.")
    supervisor = UserFactory(supervisor=True)
    for minute in range(10):  # 10 bundles x 3 items = 30 reviews, all past their legal limit on 09-01
        accepted_application(cat, now=at(2026, 6, 1, 10, minute))
    assert ItemReview.objects.exclude(next_check_at=None).count() == 30
    moment = at(2026, 9, 1, 9, 0)
    before = set(Notification.objects.values_list("pk", flat=True))  # the workflow's own notices so far

    barrier = threading.Barrier(2)
    reports, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            reports.append(sweep(now=moment, relay=False))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a sweep hung"
    assert errors == []
    assert [r.failed for r in reports] == [0, 0]

    # One sweep's worth: each review yellow, red and legal; each of the 10 stages yellow and red.
    expected = Counter({FiringKind.REVIEW_YELLOW: 30, FiringKind.REVIEW_RED: 30, FiringKind.REVIEW_LEGAL: 30,
                        FiringKind.STAGE_YELLOW: 10, FiringKind.STAGE_RED: 10})
    assert Counter(DeadlineFiring.objects.values_list("kind", flat=True)) == expected
    combined = Counter()
    for report in reports:
        combined.update(report.fired)
    assert combined == expected  # each firing counted by the one sweep that made it
    assert sum(r.total for r in reports) == DeadlineFiring.objects.count() == 110

    # Per review: yellow -> its chief (1); red -> chief + supervisor (2); legal -> leader + chief + supervisor
    # (3). Per stage: yellow -> the lead chief (1), red -> lead chief + supervisor (2). 30 * 6 + 10 * 3 = 210
    # lines, each told exactly once, in one digest per person per pass: each sweep tells the lines of the firings
    # it made, so a person gets one digest, or two when both passes fired something for them.
    lines = DigestLine.objects.all()
    assert lines.count() == 210 and not lines.filter(told_at=None).exists()
    assert not lines.filter(notification=None).exists()
    assert lines.filter(recipient=supervisor).count() == 30 + 30 + 10
    assert lines.filter(recipient=cat.leader).count() == 30
    for chief in cat.chiefs.values():  # one per firing of its department's review, two per stage for the lead
        assert lines.filter(recipient=chief).count() == 10 * 3 + (
            10 * 2 if chief == cat.chief_of(cat.departments[0]) else 0)
    people = [supervisor.pk, cat.leader.pk] + [c.pk for c in cat.chiefs.values()]
    digests = Notification.objects.exclude(pk__in=before)
    per_person = Counter(digests.values_list("recipient_id", flat=True))
    assert set(per_person) == set(people) and max(per_person.values()) <= 2
    for notification in digests:  # every line is in its own person's digest
        assert {line.recipient_id for line in DigestLine.objects.filter(notification=notification)} == {
            notification.recipient_id}
    # Nobody has an e-mail address: one in-app delivery each, published once after its commit.
    assert Delivery.objects.count() == Notification.objects.count()
    assert published_deliveries(broker_queue) == Counter(
        {pk: 1 for pk in Delivery.objects.values_list("pk", flat=True)})

    notifications = Notification.objects.count()
    assert sweep(now=moment, relay=False).total == 0
    assert DeadlineFiring.objects.count() == 110 and Notification.objects.count() == notifications


@pytest.mark.django_db(transaction=True)
def test_a_claim_is_not_stopped_by_other_transactions_holding_related_rows(cat):
    """A sweep claims the clock's own row only: a request or task holding the application, department, item or
    enterprise of a review (e.g. inserting a row that points at them) must not make it skip the review."""
    if connection.vendor != "postgresql":
        pytest.skip("row-lock modes (FOR KEY SHARE vs FOR UPDATE SKIP LOCKED) are PostgreSQL's; SQLite locks the "
                    "whole database file")
    from tests.approvals.deadlines.locks import rows_held

    application = accepted_application(cat, now=at(2026, 6, 1, 10, 0))
    submitted = submitted_application(cat, now=at(2026, 6, 1, 10, 5))
    # Not the stage: it is a clock itself, and its own claim must skip it while another transaction holds it.
    related = [application, application.enterprise, *cat.departments, *cat.items]
    with rows_held(*related):
        report = sweep(now=at(2026, 9, 1, 9, 0), relay=False)
    assert report.failed == 0
    assert report.deemed_accepted == 1  # its enterprise and lead department were held too
    # Every review of both applications (the deemed one counts from 06-01 too) and both stages fired.
    assert report.fired == {FiringKind.REVIEW_YELLOW: 6, FiringKind.REVIEW_RED: 6, FiringKind.REVIEW_LEGAL: 6,
                            FiringKind.STAGE_YELLOW: 2, FiringKind.STAGE_RED: 2}
    assert not ItemReview.objects.filter(application__in=[application, submitted]).exclude(
        next_check_at=None).exists()
