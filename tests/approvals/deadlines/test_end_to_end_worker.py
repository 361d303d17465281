"""End to end on the services: a real beat and a real worker on Redis fire an overdue review, exactly once.

Nothing here calls the sweep: the test commits an application whose review clocks passed long ago, starts
`celery beat` (sweeping every 2 s instead of every minute) and a `celery worker` (thread pool, as in the
Procfile) against the test database, and waits for what they do: the firings recorded, the notifications
written, and every delivery (in the portal and by e-mail) completed by the worker. Beat keeps sweeping while
the test watches; later passes must change nothing.

Service shape only (REDIS_URL and PostgreSQL): the embedded run's SQLite test database lives in memory, where
no worker process can see it (the embedded worker is covered by tests/portal/test_celery_roundtrip.py).
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.models import ApplicationStage, DeadlineFiring, DigestLine, FiringKind, ItemReview
from portal.models import Delivery, Notification, User
from portal.models.notifications import Channel
from portal.models.users import Role
from tests.factories.applications import accepted_application
from tests.factories.portal import UserFactory
from tests.workers import (
    SERVICE_SHAPE, beat, broker_idle, purge_queues, start, subprocess_env, wait_until, worker,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True), SERVICE_SHAPE]

SWEEP_SECONDS = 2
FIRE_TIMEOUT = 60
SWEEP_DONE = re.compile(r"approvals\.tasks\.sweep_deadlines\[[0-9a-f-]+\] succeeded")


def firings():
    return sorted(DeadlineFiring.objects.values_list("subject_type", "subject_id", "kind"))


def sent_mail(folder):
    return sorted(folder.glob("sent-*.eml")) if folder.exists() else []


def test_beat_and_worker_fire_an_overdue_review_once_and_deliver_its_notifications(cat, tmp_path):
    started = timezone.now()
    application = accepted_application(cat)  # accepted Mon 2026-06-01: yellow, red and legal all long passed
    workflow = set(Notification.objects.values_list("pk", flat=True))  # its own notices (new reviews ...)
    # People with an e-mail address get the e-mail channel too.
    UserFactory(supervisor=True, email="supervisor@example.test")
    for user in User.objects.filter(role__in=[Role.CHIEF, Role.LEADER]):
        user.email = f"{user.username}@example.test"
        user.save(update_fields=["email"])

    reviews = list(ItemReview.objects.filter(application=application, next_check_at__isnull=False))
    stages = list(ApplicationStage.objects.filter(application=application, next_check_at__isnull=False))
    assert reviews and stages
    assert all(r.legal_due_at < started for r in reviews) and all(s.due_at < started for s in stages)
    expected = sorted(
        [("itemreview", r.pk, k) for r in reviews
         for k in (FiringKind.REVIEW_YELLOW, FiringKind.REVIEW_RED, FiringKind.REVIEW_LEGAL)]
        + [("applicationstage", s.pk, k) for s in stages for k in (FiringKind.STAGE_YELLOW, FiringKind.STAGE_RED)]
    )
    assert firings() == []  # committed, and nothing fired yet

    mail = tmp_path / "mail"
    env = subprocess_env(tmp_path, DEADLINE_SWEEP_SECONDS=SWEEP_SECONDS, SLOW_EMAIL_DIR=mail,
                         EMAIL_BACKEND="tests.slow_email_backend.EmailBackend")
    purge_queues()
    worker_process, beat_process = worker(env, tmp_path / "worker.log"), beat(env, tmp_path / "beat.log")
    try:
        start(worker_process, beat_process)

        def everything_done():
            deliveries = Delivery.objects.all()
            return (firings() == expected and deliveries.exists()
                    and not deliveries.filter(delivered_at__isnull=True).exists())

        wait_until(everything_done, timeout=FIRE_TIMEOUT, message="the firings and delivered notifications",
                   on_timeout=lambda: (f"expected: {expected}\nfirings: {firings()}\nundelivered: "
                                       f"{list(Delivery.objects.filter(delivered_at=None).values())}\n"
                                       f"worker log:\n{worker_process.log()}\nbeat log:\n{beat_process.log()}"))
        settled = (firings(), Notification.objects.count(), Delivery.objects.count(), len(sent_mail(mail)))

        # Beat keeps sending sweeps; let the worker finish at least two more passes over the same clocks.
        def passes():
            return len(SWEEP_DONE.findall(worker_process.log()))

        done = passes()
        wait_until(lambda: passes() >= done + 2, timeout=8 * SWEEP_SECONDS + 20, message="two more sweep passes",
                   on_timeout=worker_process.log)
        assert worker_process.alive() and beat_process.alive()
        # Stop beat and let the worker finish every message already published: whatever a later pass (wrongly)
        # enqueued is done and shows in the counts below.
        beat_process.stop()
        wait_until(broker_idle, timeout=60, message="the worker to finish every published message",
                   on_timeout=worker_process.log)
        worker_process.stop()
        assert (firings(), Notification.objects.count(), Delivery.objects.count(),
                len(sent_mail(mail))) == settled
    finally:
        beat_process.stop()
        worker_process.stop()

    # Beat sent the sweeps and the worker ran them: the firings are stamped with the real time of the pass.
    assert "Sending due task deadline-sweep (approvals.tasks.sweep_deadlines)" in beat_process.log()
    assert DeadlineFiring.objects.count() == len(expected)  # each (subject, kind) exactly once
    assert all(f.fired_at >= started for f in DeadlineFiring.objects.all())

    # The fee item's chief was told once that it is overdue (督办), with a link to the review, in a digest.
    fee_review = next(r for r in reviews if r.item_id == cat.fee_item.pk)
    chief = cat.chief_of(cat.fee_item.department)
    [red] = DigestLine.objects.filter(recipient=chief, firing__kind=FiringKind.REVIEW_RED,
                                      firing__subject_id=fee_review.pk)
    page = reverse("approvals:review", args=[fee_review.pk])
    assert red.notification.recipient == chief
    assert page == red.notification.link or page in [link["url"] for link in red.notification.links]
    assert not DigestLine.objects.filter(notification=None).exists()

    # Every notification is shown in the portal once and mailed once (one e-mail per e-mail delivery).
    for notification in Notification.objects.exclude(pk__in=workflow).prefetch_related("deliveries"):
        channels = {d.channel: d for d in notification.deliveries.all()}
        in_app = channels[Channel.IN_APP]
        assert in_app.attempts == 1 and notification.shown_at == in_app.delivered_at
        assert (Channel.EMAIL in channels) == bool(notification.recipient.email)
        if Channel.EMAIL in channels:
            assert channels[Channel.EMAIL].attempts == 1 and channels[Channel.EMAIL].delivered_at
    email_ids = set(Delivery.objects.filter(channel=Channel.EMAIL).values_list("notification_id", flat=True))
    assert email_ids
    message_ids = [re.search(r"^Message-ID: <notification-(\d+)@", path.read_text(), re.M).group(1)
                   for path in sent_mail(mail)]
    assert sorted(map(int, message_ids)) == sorted(email_ids)
