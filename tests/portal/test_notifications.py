"""The notification outbox: one notification per person and event, each delivery done once, retried until done.

The delivery task (`portal.tasks.deliver_notification`) is a real Celery task; here the service functions it
calls are run directly, and what would be queued is observed in a filesystem queue of the test's own
(tests/approvals/deadlines/broker.py) or, for a broker that is down, in the log.
"""

import logging
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from portal.models import Delivery, Notification
from portal.models.notifications import Channel
from portal.services.notify import deliver, notify, relay_pending, unread_count
from portal.tasks import deliver_notification
from tests.approvals.deadlines.broker import broker_at, private_broker, published
from tests.factories.applications import SHANGHAI
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db

DELIVER = "portal.tasks.deliver_notification"
T0 = datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused at once


class RefusingEmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server at smtp.example.invalid refused the connection")


@pytest.fixture(autouse=True)
def queue(tmp_path):
    with private_broker(tmp_path / "celery") as folder:
        yield folder


@pytest.fixture
def chief(db):
    return UserFactory(chief=True, email="chief@example.org")


@pytest.fixture
def clerk(db):
    return UserFactory(clerk=True, email="")


def tell(recipients, key="review_red:review:7:2026-06-05T17:30:00+08:00", **kwargs):
    return notify(recipients, kind="review_red", title=kwargs.pop("title", "Overdue (督办): 占用城市绿地审批"),
                  body="The promised limit passed.", link="/reviews/7/", key=key, **kwargs)


def delivery_of(user, channel):
    return Delivery.objects.get(notification__recipient=user, channel=channel)


# --- notify -------------------------------------------------------------------------------------------------------
def test_the_same_event_notifies_each_person_once(chief, clerk):
    inactive = UserFactory(chief=True, is_active=False)
    with time_machine.travel(T0, tick=False):
        first = tell([chief, clerk, chief, None, inactive])
        second = tell([chief, clerk])

    assert sorted(n.recipient_id for n in first) == sorted([chief.pk, clerk.pk])
    assert second == []
    assert Notification.objects.count() == 2
    assert Notification.objects.filter(recipient=chief).count() == 1
    # One delivery per channel: in the portal for everyone, by e-mail for who has an address.
    assert sorted(Delivery.objects.values_list("notification__recipient", "channel")) == sorted([
        (chief.pk, Channel.IN_APP), (chief.pk, Channel.EMAIL), (clerk.pk, Channel.IN_APP)])
    # Another event (another deadline of the same review) is another notification.
    tell([chief], key="review_red:review:7:2026-06-22T17:30:00+08:00")
    assert Notification.objects.filter(recipient=chief).count() == 2


def test_deliveries_are_queued_once_after_commit(chief, queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            tell([chief])
            assert published(queue) == []  # nothing leaves before the commit
    assert len(callbacks) == 2
    assert sorted(published(queue)) == sorted((DELIVER, (pk,)) for pk in Delivery.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tell([chief])  # the same event again: nothing new to deliver
    assert callbacks == [] and len(published(queue)) == 2


def test_a_rolled_back_notification_is_never_queued(chief, queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            tell([chief])
            raise RuntimeError("the decision failed")
    assert callbacks == [] and published(queue) == []
    assert not Notification.objects.exists()


# --- deliver --------------------------------------------------------------------------------------------------
def test_in_app_delivery_happens_once_and_shows_the_notification_once(clerk):
    with time_machine.travel(T0, tick=False):
        [notification] = tell([clerk])
    assert unread_count(clerk) == 0  # not in the list until delivered
    in_app = delivery_of(clerk, Channel.IN_APP)

    assert deliver(in_app.pk, now=T0 + timedelta(seconds=5)) == "delivered"
    assert deliver(in_app.pk, now=T0 + timedelta(minutes=5)) == "already-delivered"
    assert deliver_notification(in_app.pk) == "already-delivered"  # the task body, run in-process

    in_app.refresh_from_db()
    notification.refresh_from_db()
    assert (in_app.attempts, in_app.delivered_at) == (1, T0 + timedelta(seconds=5))
    assert notification.shown_at == T0 + timedelta(seconds=5)  # set once, by the first delivery
    assert unread_count(clerk) == 1
    assert deliver(999_999) == "busy-or-missing"


def test_email_goes_out_once_to_a_user_with_an_address_and_never_to_one_without(chief, clerk, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.gov.cn/"
    with time_machine.travel(T0, tick=False):
        tell([chief, clerk])
    email = delivery_of(chief, Channel.EMAIL)
    assert not Delivery.objects.filter(notification__recipient=clerk, channel=Channel.EMAIL).exists()

    assert deliver(email.pk, now=T0) == "delivered"
    assert deliver(email.pk, now=T0 + timedelta(minutes=1)) == "already-delivered"
    for delivery in Delivery.objects.filter(channel=Channel.IN_APP):
        deliver(delivery.pk, now=T0)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["chief@example.org"]
    assert message.subject == "Overdue (督办): 占用城市绿地审批"
    assert "https://portal.example.gov.cn/reviews/7/" in message.body
    assert message.extra_headers["Message-ID"].startswith(f"<notification-{email.notification_id}@")
    assert not Delivery.objects.filter(delivered_at=None).exists()


def test_a_failing_mail_server_leaves_the_delivery_pending_and_the_sweep_relays_it(chief, settings, queue):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"
    with time_machine.travel(T0, tick=False):
        tell([chief])
    deliver(delivery_of(chief, Channel.IN_APP).pk, now=T0)  # the portal channel does not depend on the mail
    email = delivery_of(chief, Channel.EMAIL)

    assert deliver(email.pk, now=T0 + timedelta(seconds=1)) == "failed"
    email.refresh_from_db()
    assert email.delivered_at is None
    assert email.attempts == 1
    assert email.last_error == ("ConnectionRefusedError: mail server at smtp.example.invalid refused the "
                                "connection")
    assert mail.outbox == []
    assert Notification.objects.get().shown_at is not None

    # The sweep's relay leaves a delivery alone for a minute after its last attempt, then queues it again.
    assert relay_pending(now=T0 + timedelta(seconds=30)) == 0
    assert published(queue) == []
    assert relay_pending(now=T0 + timedelta(minutes=2)) == 1
    assert published(queue) == [(DELIVER, (email.pk,))]

    # The mail server is back: the relayed task delivers it, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver(email.pk, now=T0 + timedelta(minutes=2, seconds=5)) == "delivered"
    email.refresh_from_db()
    assert (email.attempts, email.last_error) == (2, "")
    assert len(mail.outbox) == 1
    assert relay_pending(now=T0 + timedelta(hours=1)) == 0
    assert len(published(queue)) == 1


# --- a broker that is down -------------------------------------------------------------------------------------
def test_enqueueing_with_the_broker_down_keeps_the_data_and_the_sweep_relays_it_later(
        chief, clerk, caplog, queue, django_capture_on_commit_callbacks):
    caplog.set_level(logging.WARNING, logger="portal.queue")
    with time_machine.travel(T0, tick=True):
        with broker_at(UNREACHABLE_BROKER, {"socket_connect_timeout": 1, "socket_timeout": 1, "max_retries": 0}):
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                with transaction.atomic():  # the request's transaction: its own data, then the notification
                    clerk.full_name = "王窗口"
                    clerk.save(update_fields=["full_name"])
                    tell([chief, clerk])

    # Three publishes were tried after the commit, each once (no retry holds the request up) and each failed
    # quietly: one logged refusal per delivery, nothing raised into the request.
    assert len(callbacks) == 3
    failures = [r for r in caplog.records if "Could not enqueue" in r.getMessage()]
    deliveries = set(Delivery.objects.values_list("pk", flat=True))
    assert len(failures) == 3 and {int(r.args[1][0]) for r in failures} == deliveries
    # The committed data is all there; the deliveries wait, untried.
    clerk.refresh_from_db()
    assert clerk.full_name == "王窗口"
    assert Notification.objects.count() == 2
    assert list(Delivery.objects.values_list("attempts", "delivered_at").distinct()) == [(0, None)]
    assert published(queue) == []

    # The broker is back (the private queue again): the next sweep's relay queues all three, and the worker's
    # deliveries complete them.
    assert relay_pending(now=T0 + timedelta(minutes=5)) == 3
    assert sorted(published(queue)) == sorted((DELIVER, (pk,)) for pk in Delivery.objects.values_list("pk", flat=True))
    for _task, (pk,) in published(queue):
        assert deliver(pk) == "delivered"
    assert len(mail.outbox) == 1
    assert unread_count(chief) == unread_count(clerk) == 1



@pytest.mark.django_db(transaction=True)
def test_the_two_channels_of_one_notification_do_not_block_each_other(chief):
    """A delivery claims its own row only: the in-app and e-mail deliveries of one notification may run at the
    same time, and a transaction holding the notification or its recipient (e.g. inserting a row pointing at
    them) makes neither skip."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row-lock modes (FOR KEY SHARE vs FOR UPDATE SKIP LOCKED) are PostgreSQL's")
    from tests.approvals.deadlines.locks import rows_held

    [notification] = tell([chief])
    with rows_held(notification, chief):
        results = [deliver(delivery_of(chief, channel).pk) for channel in (Channel.IN_APP, Channel.EMAIL)]
    assert results == ["delivered", "delivered"]
    assert len(mail.outbox) == 1
