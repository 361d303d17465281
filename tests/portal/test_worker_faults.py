"""Faults on the services: a worker killed in the middle of a delivery, and Redis stopped under the web.

Service shape only (REDIS_URL and PostgreSQL): a worker process must see the committed test data, which the
embedded run's in-memory SQLite test database cannot offer.

What "exactly once" means here. A delivery is a row (`Delivery`) that a task completes in one transaction:
`deliver()` claims the row (SELECT ... FOR UPDATE SKIP LOCKED), does the work and sets `delivered_at` before
committing; a delivered row is never done again. Tasks are `acks_late`, so a worker that dies before finishing
leaves its message unacknowledged in Redis; after the broker's visibility timeout the message is handed out
again (the sweep's `relay_pending` is the second net, for messages that were never published). The killed
attempt's transaction dies with its connection, so nothing of it remains. For the in-app channel this is exactly
once: the list entry appears in the same transaction that marks the delivery done. For e-mail the database can
only say "sent once, as far as we know": a worker killed after the mail server accepted the message but before
the commit would send it again, which is why every message carries a stable Message-ID
(`<notification-<pk>@...>`) that mail systems use to drop the copy. (`task_reject_on_worker_lost` covers the
prefork pool's child dying under a living parent; here the whole worker is killed, so redelivery is Redis'.)
"""

import io
import re
import shutil
import subprocess
import time
import uuid
from urllib.parse import urlsplit

import pytest
import redis
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from approvals.models import Application, ApplicationStatus, DeadlineFiring, Decision, ReviewStatus
from portal.models import Delivery, Notification, User
from portal.models.notifications import Channel
from portal.models.users import Role
from portal.services.notify import notify
from tests.approvals.services.conftest import _english, _fast_passwords, _media, calendar_2026, cat  # noqa: F401
from tests.factories.applications import VALID_FORM, accepted_application, draft_application
from tests.factories.portal import PASSWORD, UserFactory
from tests.workers import (
    SERVICE_SHAPE, beat, broker_idle, purge_queues, redis_url, start, start_worker, subprocess_env, unacknowledged_messages,
    wait_until, worker,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True), SERVICE_SHAPE]

SLOW_EMAIL = "tests.slow_email_backend.EmailBackend"
VISIBILITY_TIMEOUT = 5  # seconds before Redis hands an unacknowledged message out again (production: 3600)
REDIS_START = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379", "--save", "",
               "--appendonly", "no"]


def task_ids(log: str, task: str, outcome: str) -> list[str]:
    return re.findall(rf"{re.escape(task)}\[([0-9a-f-]+)\] {outcome}", log)


def mail_files(folder, prefix):
    return sorted(folder.glob(f"{prefix}-*")) if folder.exists() else []


# --- a worker killed during a delivery --------------------------------------------------------------------------
def test_worker_killed_during_an_email_delivery_delivers_it_once_after_restart(transactional_db, tmp_path):
    user = UserFactory(email="chief@example.test")
    mail = tmp_path / "mail"
    common = {"EMAIL_BACKEND": SLOW_EMAIL, "SLOW_EMAIL_DIR": mail, "CELERY_VISIBILITY_TIMEOUT": VISIBILITY_TIMEOUT}
    purge_queues()
    first = second = None
    try:
        # The first worker's mail server takes a minute per message: it is killed long before that.
        first = start_worker(subprocess_env(tmp_path, SLOW_EMAIL_SECONDS=60, **common), tmp_path / "worker-1.log")
        with transaction.atomic():  # as a request does: the deliveries are published to Redis on commit
            [notification] = notify([user], kind="test", title="Overdue (督办)", body="Please decide.",
                                    link="/reviews/", key=f"kill-test:{uuid.uuid4().hex}")
        deliveries = {d.channel: d for d in notification.deliveries.all()}
        assert set(deliveries) == {Channel.IN_APP, Channel.EMAIL}
        in_app, email = deliveries[Channel.IN_APP], deliveries[Channel.EMAIL]

        wait_until(lambda: mail_files(mail, "started"), timeout=30, message="the e-mail delivery to start",
                   on_timeout=first.log)
        wait_until(lambda: Delivery.objects.get(pk=in_app.pk).delivered_at, timeout=30,
                   message="the in-app delivery", on_timeout=first.log)
        first.kill()  # SIGKILL to the whole process group, in the middle of sending the e-mail
        assert not first.alive()
        assert mail_files(mail, "sent") == []
        assert Delivery.objects.get(pk=email.pk).delivered_at is None  # the killed attempt left nothing
        log = first.log()
        email_task = (set(task_ids(log, "portal.tasks.deliver_notification", "received"))
                      - set(task_ids(log, "portal.tasks.deliver_notification", "succeeded")))
        assert len(email_task) == 1, log
        [email_task] = email_task

        # Restart once Redis hands the unacknowledged message out again (a new worker restores such messages when
        # it starts); this time the mail server is quick.
        wait_until(lambda: unacknowledged_past_visibility(VISIBILITY_TIMEOUT), timeout=VISIBILITY_TIMEOUT + 30,
                   message="Redis to consider the killed worker's message lost")
        second = start_worker(subprocess_env(tmp_path, **common), tmp_path / "worker-2.log")
        wait_until(lambda: Delivery.objects.get(pk=email.pk).delivered_at, timeout=60,
                   message="the e-mail delivery after the restart", on_timeout=second.log)
        # The same message (task id) came back to the new worker, from Redis, not from a sweep (none ran).
        second.wait_for_log(f"portal.tasks.deliver_notification[{email_task}] succeeded", timeout=10)
        assert f"portal.tasks.deliver_notification[{email_task}] received" in second.log()
        second.stop()  # a warm shutdown: whatever else it (wrongly) did with the message is finished and counted
        assert not unacknowledged_messages()  # nothing left for Redis to hand out a third time
    finally:
        for process in (second, first):
            if process is not None:
                process.stop()

    assert Notification.objects.filter(recipient=user).count() == 1
    notification.refresh_from_db()
    in_app.refresh_from_db()
    email.refresh_from_db()
    assert in_app.delivered_at and in_app.attempts == 1
    assert notification.shown_at == in_app.delivered_at  # listed once, by the one in-app delivery
    assert email.delivered_at and email.attempts == 1 and email.last_error == ""  # the killed attempt rolled back
    [sent] = mail_files(mail, "sent")
    assert f"Message-ID: <notification-{notification.pk}@" in sent.read_text()
    assert len(mail_files(mail, "started")) == 2  # the killed attempt and the one that completed


def unacknowledged_past_visibility(timeout: int) -> bool:
    """True once an unacknowledged message is older than the visibility timeout, i.e. Redis hands it out again
    to the next worker that restores messages (by the broker's own clock)."""
    client = redis.Redis.from_url(redis_url())
    seconds, _micro = client.time()
    return bool(client.zrangebyscore("unacked_index", 0, seconds - timeout - 1))


# --- Redis stopped under the web ---------------------------------------------------------------------------------
def _redis_up() -> bool:
    try:
        return subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"], capture_output=True,
                              text=True, timeout=5).stdout.strip() == "PONG"
    except (OSError, subprocess.TimeoutExpired):
        return False


def _local_redis_reason() -> str:
    url = urlsplit(redis_url())
    if url.hostname not in {"127.0.0.1", "localhost"} or (url.port or 6379) != 6379:
        return f"stops and restarts a local Redis on 127.0.0.1:6379; REDIS_URL points at {url.hostname}:{url.port}"
    if not (shutil.which("redis-server") and shutil.which("redis-cli")):
        return "redis-server and redis-cli are needed to stop and restart Redis"
    return ""


@pytest.fixture
def redis_outage():
    """Stops the local Redis; always starts it again (the CI's own command) and waits for PONG."""
    reason = _local_redis_reason()
    if reason:
        pytest.skip(reason)
    assert _redis_up(), "Redis is not running before the test"
    state = {"down": False}

    def stop():
        subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"], capture_output=True,
                       timeout=10)
        wait_until(lambda: not _redis_up(), timeout=10, message="Redis to stop")
        state["down"] = time.monotonic()

    def restore():
        if not _redis_up():
            subprocess.run(REDIS_START, check=True, timeout=30)
            wait_until(_redis_up, timeout=30, message="Redis to answer PONG again")
        if state["down"]:
            state["outage"] = time.monotonic() - state["down"]
            state["down"] = False

    state["stop"], state["restore"] = stop, restore
    try:
        yield state
    finally:
        restore()


def staff_client(user, device):
    """A chief's browser session that passed the second factor, as the login with a TOTP code leaves it."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_with_redis_down_decisions_and_submissions_succeed_and_notifications_follow(cat, tmp_path, redis_outage,
                                                                                      caplog):
    # An application overdue since June (the sweep will tell people), one whose review the chief decides,
    # and a draft the applicant submits. Everyone has an e-mail address, so both channels are used.
    overdue = accepted_application(cat)
    to_decide = accepted_application(cat)
    draft = draft_application(cat)
    UserFactory(supervisor=True, email="supervisor@example.test")
    for user in User.objects.filter(role__in=[Role.CHIEF, Role.LEADER]):
        user.email = f"{user.username}@example.test"
        user.save(update_fields=["email"])
    review = to_decide.reviews.get(item=cat.fee_item)
    chief = cat.chief_of(cat.fee_item.department)
    chief_client = staff_client(chief, cat.device_of(chief))
    applicant_client = Client(headers={"accept-language": "en"})
    code = cat.totp(chief)
    mail = tmp_path / "mail"

    redis_outage["stop"]()
    try:
        with caplog.at_level("WARNING", logger="portal.queue"):
            # The applicant logs in through the login page (sessions and login-failure records are in the
            # database).
            logged_in = applicant_client.post(reverse("portal:login"),
                                              {"username": cat.applicant.username, "password": PASSWORD})
            decided = chief_client.post(reverse("approvals:review_decide", args=[review.pk]),
                                        {"decision": Decision.APPROVE, "reasons": "符合条件，准予许可。", "otp": code})
            applicant_client.post(reverse("approvals:application_form", args=[draft.pk]),
                                  {**{f"f-{k}": v for k, v in VALID_FORM.items()}, "action": "check"})
            submitted = applicant_client.post(reverse("approvals:application_check", args=[draft.pk]),
                                              {"declaration": "on"})
            # A sweep pass during the outage (the operator's command; a worker mid-sweep does the same): it fires
            # and writes the notifications, but cannot publish their deliveries.
            call_command("sweep_deadlines", stdout=io.StringIO())
        pages = {name: chief_client.get(reverse(name)).status_code
                 for name in ("approvals:inbox", "portal:home")}
        detail = applicant_client.get(reverse("approvals:application", args=[draft.pk]))
        assert not _redis_up(), "Redis came back during the outage"
    finally:
        redis_outage["restore"]()

    assert logged_in.status_code == 302, logged_in.content.decode()[:2000]
    assert decided.status_code == 302, decided.content.decode()[:2000]
    assert submitted.status_code == 302, submitted.content.decode()[:2000]
    assert pages == {"approvals:inbox": 200, "portal:home": 200} and detail.status_code == 200
    review.refresh_from_db()
    assert review.status == ReviewStatus.SIGNED and review.decided_by == chief
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.SUBMITTED
    assert DeadlineFiring.objects.filter(application=overdue).exists()
    pending = set(Delivery.objects.values_list("pk", flat=True))
    assert pending and not Delivery.objects.filter(delivered_at__isnull=False).exists()  # none could be sent
    # Nobody waited for the broker: every delivery written during the outage was offered to it, refused at once
    # (logged, not retried inside the request or the sweep) and left pending for the relay.
    refused = [r.getMessage() for r in caplog.records if r.name == "portal.queue"]
    # One delivery per task from `notify`, a batch per task from the bulk path (`notify_many`, the digests).
    published = {int(m) for message in refused
                 for m in re.findall(r"Could not enqueue portal\.tasks\.deliver_notification\((\d+),\)", message)}
    published |= {int(m) for message in refused
                  for batch in re.findall(r"Could not enqueue portal\.tasks\.deliver_notifications\(\[([\d, ]+)\],\)",
                                          message)
                  for m in batch.split(",")}
    assert published == pending, refused
    assert not Delivery.objects.filter(pk__in=pending, attempts__gt=0).exists()

    # Redis is back: a worker and beat (sweeping every 2 s) catch up. The lost deliveries are relayed by the
    # sweep once they are a minute old, so this takes about a minute.
    env = subprocess_env(tmp_path, DEADLINE_SWEEP_SECONDS=2, EMAIL_BACKEND=SLOW_EMAIL, SLOW_EMAIL_DIR=mail)
    purge_queues()
    worker_process, beat_process = worker(env, tmp_path / "worker.log"), beat(env, tmp_path / "beat.log")
    try:
        start(worker_process, beat_process)
        # The web publishes again at once: a new notification is delivered long before any relay.
        with transaction.atomic():
            [fresh] = notify([cat.applicant], kind="test", title="Back", key=f"after-outage:{uuid.uuid4().hex}")
        wait_until(lambda: Notification.objects.get(pk=fresh.pk).shown_at, timeout=30,
                   message="a notification published right after Redis returned", on_timeout=worker_process.log)
        # Published at once, not relayed: it is delivered while those of the outage still wait for the relay
        # (which takes them only once they are a minute old).
        assert Delivery.objects.filter(pk__in=pending, delivered_at__isnull=True).exists()
        wait_until(lambda: not Delivery.objects.filter(pk__in=pending, delivered_at__isnull=True).exists(),
                   timeout=150, message="the deliveries written during the outage",
                   on_timeout=lambda: f"worker log:\n{worker_process.log()}\nbeat log:\n{beat_process.log()}")
        # Two more sweeps (each relays whatever is still pending): nothing is delivered twice.
        sweeps = len(task_ids(worker_process.log(), "approvals.tasks.sweep_deadlines", "succeeded"))
        wait_until(lambda: len(task_ids(worker_process.log(), "approvals.tasks.sweep_deadlines", "succeeded"))
                   >= sweeps + 2, timeout=60, message="two more sweeps", on_timeout=worker_process.log)
        beat_process.stop()
        wait_until(broker_idle, timeout=60, message="the worker to finish every published message",
                   on_timeout=worker_process.log)
    finally:
        beat_process.stop()
        worker_process.stop()

    fresh_delivery = Delivery.objects.filter(notification=fresh).order_by("delivered_at").first()
    deliveries = Delivery.objects.filter(pk__in=pending)
    assert fresh_delivery.delivered_at < min(d.delivered_at for d in deliveries)  # not waiting for the relay
    assert all(d.delivered_at and d.attempts == 1 for d in deliveries)
    emails = deliveries.filter(channel=Channel.EMAIL)
    assert emails.exists() and len(mail_files(mail, "sent")) == emails.count()
    assert all(n.shown_at for n in Notification.objects.all())
