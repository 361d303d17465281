"""The outbox's bulk path: one event told to many people, each in their language, with a constant number of
queries, one published task per batch, and the same exactly-once guarantees as `notify`."""

from collections import Counter

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from portal.models import Delivery, Notification
from portal.models.notifications import Channel
from portal.models.users import User
from portal.services import notify as outbox
from portal.services.notify import Message, Recipient, deliver, notify_many, write
from portal.tasks import deliver_notifications
from tests.approvals.deadlines.broker import DELIVER_BATCH, private_broker, published, published_deliveries
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def queue(tmp_path):
    with private_broker(tmp_path / "celery") as folder:
        yield folder


def render():
    # A message that exists in the catalogue in both languages: the test sees which one each person got.
    return _("Notifications"), _("Mark all as read")


def tell(users, key="event-1", **kwargs):
    return notify_many(users, kind="test_event", render=render, link="/applications/7/", key=key, **kwargs)


def people(n, **kwargs):
    return [UserFactory(applicant=True, email=f"p{i}@example.org", **kwargs) for i in range(n)]


def test_each_person_is_told_once_in_their_own_language_with_a_delivery_per_channel():
    chinese, english, no_mail = UserFactory(email="zh@example.org"), UserFactory(email="en@example.org",
                                                                                  language="en"), UserFactory()
    inactive = UserFactory(is_active=False, email="gone@example.org")
    calls = []

    def counted():
        calls.append(1)
        return render()

    created = notify_many(User.objects.filter(pk__in=[chinese.pk, english.pk, no_mail.pk, inactive.pk]),
                          kind="test_event", render=counted, link="/applications/7/", key="event-1")

    assert sorted(n.recipient_id for n in created) == sorted([chinese.pk, english.pk, no_mail.pk])
    assert len(calls) == 2  # rendered once per language, not once per person
    titles = dict(Notification.objects.values_list("recipient_id", "title"))
    assert titles[english.pk] == "Notifications"
    assert titles[chinese.pk] == titles[no_mail.pk] == "消息通知"
    assert Notification.objects.get(recipient=chinese).body == "全部标为已读"
    assert sorted(Delivery.objects.values_list("notification__recipient", "channel")) == sorted([
        (chinese.pk, Channel.IN_APP), (chinese.pk, Channel.EMAIL), (english.pk, Channel.IN_APP),
        (english.pk, Channel.EMAIL), (no_mail.pk, Channel.IN_APP)])


def test_the_same_event_again_writes_nothing_and_another_event_does():
    users = people(3)
    assert len(tell(users)) == 3
    assert tell(users) == [] and tell(User.objects.filter(pk__in=[u.pk for u in users])) == []
    assert (Notification.objects.count(), Delivery.objects.count()) == (3, 6)
    assert len(tell(users[:1], key="event-2")) == 1


def test_a_batch_is_published_as_one_task_after_commit_and_never_when_rolled_back(
        queue, django_capture_on_commit_callbacks):
    users = people(3)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            tell(users, key="rolled-back")
            raise RuntimeError("the event failed")
    assert callbacks == [] and published(queue) == [] and not Notification.objects.exists()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            tell(users)
            assert published(queue) == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    [(task, (ids,))] = published(queue)
    assert task == DELIVER_BATCH
    assert sorted(ids) == sorted(Delivery.objects.values_list("pk", flat=True))


def test_more_than_a_batch_is_written_and_published_in_batches(queue, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    monkeypatch.setattr(outbox, "BATCH", 2)
    users = people(5)
    with django_capture_on_commit_callbacks(execute=True):
        assert len(tell(users)) == 5
    assert [task for task, _args in published(queue)] == [DELIVER_BATCH] * 3
    assert published_deliveries(queue) == Counter({pk: 1 for pk in Delivery.objects.values_list("pk", flat=True)})


@pytest.mark.parametrize("as_queryset", [True, False])
def test_telling_n_people_takes_the_same_number_of_queries_whatever_n(as_queryset, django_assert_max_num_queries):
    few, many = people(2, language="en"), people(60)

    def queries(users, key):
        audience = User.objects.filter(pk__in=[u.pk for u in users]) if as_queryset else users
        with CaptureQueriesContext(connection) as captured:
            assert len(tell(audience, key=key)) == len(users)
        return len(captured)

    assert queries(few, "few") == queries(many, "many")
    with django_assert_max_num_queries(6):  # recipients, known keys, savepoint + insert + release, deliveries
        tell(User.objects.filter(pk__in=[u.pk for u in many]), key="again-new")


def test_a_notification_written_by_someone_else_meanwhile_is_skipped_not_doubled(monkeypatch):
    """Two writers of one event at once: the check saw nothing, the insert meets the other writer's row."""
    first, second = people(2)
    tell([first])
    monkeypatch.setattr(outbox, "_known", lambda keys: set())  # as if the other row came after the check
    created = tell([first, second])
    assert [n.recipient_id for n in created] == [second.pk]
    assert Counter(Notification.objects.values_list("recipient_id", flat=True)) == {first.pk: 1, second.pk: 1}
    assert Delivery.objects.filter(notification__recipient=first).count() == 2  # its own two, not four


def test_write_keeps_each_message_and_the_batch_task_delivers_each_once(settings):
    settings.PORTAL_BASE_URL = "https://portal.example.gov.cn"
    user = UserFactory(email="chief@example.org")
    message = Message(recipient=Recipient(user.pk, user.email), kind="deadline_digest", title="2 deadlines",
                      body="• one\n• two", link="/boards/escalations/", key="digest:1",
                      links=[{"title": "One", "url": "/reviews/1/"}, {"title": "Two", "url": "/reviews/2/"}])
    [notification] = write([message, message])  # the same key twice in a batch: one notification
    assert notification.links == message.links

    ids = list(Delivery.objects.values_list("pk", flat=True))
    assert deliver_notifications(ids) == {"delivered": 2}
    assert deliver_notifications(ids) == {"already-delivered": 2}
    [email] = mail.outbox
    assert email.subject == "2 deadlines"
    assert email.body.splitlines() == ["• one", "• two", "", "https://portal.example.gov.cn/boards/escalations/",
                                       "One: https://portal.example.gov.cn/reviews/1/",
                                       "Two: https://portal.example.gov.cn/reviews/2/"]
    assert deliver(ids[0]) == "already-delivered"
