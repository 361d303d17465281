"""Telling people: one Notification per recipient, delivered in the portal and by e-mail through tasks.

`notify` runs inside the caller's transaction (the outbox), is idempotent through the de-duplication key, and
schedules the deliveries after commit. `deliver` does one delivery exactly once.

The bulk path, for events that reach many people and for the sweep's digests: `notify_many` tells one event to
everyone in a queryset, each in their own language, and `write` stores any list of `Message`s. Both write the
notifications and their deliveries with one `bulk_create` each per batch and publish one task per batch
(`deliver_notifications`), so telling N people costs the same number of queries whatever N is. The
de-duplication key keeps them idempotent like `notify`.
"""

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from portal.models import Delivery, Notification
from portal.models.notifications import Channel
from portal.queue import enqueue_now, enqueue_on_commit

log = logging.getLogger(__name__)


def notify(recipients, *, kind: str, title, body="", link: str = "", key: str) -> list[Notification]:
    """Create the notifications of one event (`key` identifies it) for each distinct recipient."""
    from portal.tasks import deliver_notification

    created = []
    with translation.override(settings.LANGUAGE_CODE):
        title, body = str(title), str(body)
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        dedupe_key = f"{key}:{user.pk}"[:200]
        try:
            with transaction.atomic():
                notification = Notification.objects.create(recipient=user, kind=kind, title=title[:200], body=body,
                                                           link=link, dedupe_key=dedupe_key)
        except IntegrityError:
            continue  # this person was already told about this event
        channels = [Channel.IN_APP] + ([Channel.EMAIL] if user.email else [])
        for delivery in Delivery.objects.bulk_create([Delivery(notification=notification, channel=channel)
                                                      for channel in channels]):
            enqueue_on_commit(deliver_notification, delivery.pk)
        created.append(notification)
    return created


# --- the bulk path ----------------------------------------------------------------------------------------
BATCH = 200  # notifications per INSERT and per published delivery task


@dataclass(frozen=True)
class Recipient:
    pk: int
    email: str = ""
    language: str = ""

    @property
    def lang(self) -> str:
        return self.language or settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Message:
    """One notification to write: `key` is its full de-duplication key (one event, one person)."""

    recipient: Recipient
    kind: str
    title: str
    key: str
    body: str = ""
    link: str = ""
    links: list = field(default_factory=list)  # [{"title": str, "url": str}]


def recipients(users) -> list[Recipient]:
    """The distinct active users among `users`: a queryset (read in one query) or an iterable of users."""
    if isinstance(users, QuerySet):
        rows = users.filter(is_active=True).order_by().values_list("pk", "email", "language").distinct()
        return [Recipient(pk, email or "", language or "") for pk, email, language in rows]
    seen = {}
    for user in users:
        if user is not None and user.is_active and user.pk not in seen:
            seen[user.pk] = Recipient(user.pk, user.email or "", getattr(user, "language", "") or "")
    return list(seen.values())


def rendered_links(links) -> list[dict]:
    """[{title, url}] with each title (a string, lazy string or callable) in the active language."""
    return [{"title": str(link["title"]() if callable(link["title"]) else link["title"]), "url": link["url"]}
            for link in links or () if link.get("url")]


def notify_many(users, *, kind: str, render: Callable[[], tuple], link: str = "", links: Iterable = (),
                key: str) -> list[Notification]:
    """Tell one event (`key`) to every active user in `users`, each in their own language.

    `render()` returns (title, body) in the active language; it is called once per language among the
    recipients. A person already told about this event is left out."""
    texts = {}
    messages = []
    for person in recipients(users):
        if person.lang not in texts:
            with translation.override(person.lang):
                title, body = render()
                texts[person.lang] = (str(title), str(body), rendered_links(links))
        title, body, localised_links = texts[person.lang]
        messages.append(Message(recipient=person, kind=kind, title=title, body=body, link=link,
                                links=localised_links, key=f"{key}:{person.pk}"))
    return write(messages)


def write(messages: list[Message]) -> list[Notification]:
    """Store `messages` as notifications with their deliveries, in batches; those whose key exists are skipped.

    Inside the caller's transaction (the outbox); each batch's deliveries go to one task after commit."""
    created = []
    for start in range(0, len(messages), BATCH):
        created += _write_batch(messages[start:start + BATCH])
    return created


def _write_batch(messages: list[Message]) -> list[Notification]:
    from portal.tasks import deliver_notifications

    wanted = {}
    for message in messages:
        wanted.setdefault(message.key[:200], message)
    if not wanted:
        return []
    known = _known(list(wanted))
    fresh = [Notification(recipient_id=m.recipient.pk, kind=m.kind, title=m.title[:200], body=m.body,
                          link=m.link[:255], links=list(m.links), dedupe_key=key)
             for key, m in wanted.items() if key not in known]
    if not fresh:
        return []
    try:
        with transaction.atomic():
            notifications = Notification.objects.bulk_create(fresh)
    except IntegrityError:
        # Someone wrote one of these since the check (two tasks telling the same event at once): one by one,
        # each in its own savepoint, keeping the ones nobody else wrote.
        notifications = [n for n in map(_create_one, fresh) if n is not None]
    with_email = {m.recipient.pk for m in messages if m.recipient.email}
    deliveries = Delivery.objects.bulk_create([
        Delivery(notification=n, channel=channel) for n in notifications
        for channel in [Channel.IN_APP] + ([Channel.EMAIL] if n.recipient_id in with_email else [])])
    if deliveries:
        enqueue_on_commit(deliver_notifications, [d.pk for d in deliveries])
    return notifications


def _known(keys) -> set:
    return set(Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))


def _create_one(notification):
    try:
        with transaction.atomic():
            notification.save(force_insert=True)
    except IntegrityError:
        return None
    return notification


def deliver_batch(delivery_ids) -> dict:
    """Complete the deliveries of one published batch; each is done once (see `deliver`)."""
    return dict(Counter(deliver(pk) for pk in delivery_ids))


def deliver(delivery_id: int, *, now=None) -> str:
    """Complete one delivery. Idempotent: a delivered or claimed row is left alone."""
    now = now or timezone.now()
    with transaction.atomic():
        # OF self: lock the delivery only; locking the joined notification and user too made the in-app and
        # e-mail deliveries of one notification skip each other when run at the same time.
        delivery = (Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("notification__recipient").filter(pk=delivery_id).first())
        if delivery is None:
            return "busy-or-missing"
        if delivery.delivered_at is not None:
            return "already-delivered"
        delivery.attempts += 1
        delivery.last_attempt_at = now
        notification = delivery.notification
        try:
            if delivery.channel == Channel.IN_APP:
                # The list shows a notification from this moment: done in the same transaction as the mark.
                Notification.objects.filter(pk=notification.pk, shown_at__isnull=True).update(shown_at=now)
            else:
                _send_email(notification)
        except SoftTimeLimitExceeded:  # the task's time is up: not this delivery's fault; the relay sends it later
            raise
        except Exception as exc:  # noqa: BLE001 - recorded, retried by the sweep
            delivery.last_error = f"{exc.__class__.__name__}: {exc}"[:255]
            delivery.save(update_fields=["attempts", "last_attempt_at", "last_error"])
            log.warning("Delivery %s failed: %s", delivery_id, delivery.last_error)
            return "failed"
        delivery.delivered_at = now
        delivery.last_error = ""
        delivery.save(update_fields=["attempts", "last_attempt_at", "last_error", "delivered_at"])
    return "delivered"


def _send_email(notification):
    lines = [notification.body, "", _absolute(notification.link)]
    lines += [f"{link['title']}: {_absolute(link['url'])}" for link in notification.links or () if link.get("url")]
    message = EmailMessage(
        subject=notification.title,
        body="\n".join(lines).strip(),
        to=[notification.recipient.email],
        # A stable id: a mail system that sees the same message twice can drop the copy.
        headers={"Message-ID": f"<notification-{notification.pk}@{settings.PORTAL_MAIL_DOMAIN}>"},
    )
    message.send(fail_silently=False)


def _absolute(link: str) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}{link}" if link.startswith("/") else link


def relay_pending(*, now=None, older_than_seconds: int = 60, limit: int = 500) -> int:
    """Enqueue again the deliveries still pending after a while (their task was lost or failed)."""
    from portal.tasks import deliver_notification

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=older_than_seconds)
    pending = list(Delivery.objects.filter(delivered_at__isnull=True, created_at__lte=cutoff)
                   .exclude(last_attempt_at__gt=cutoff).order_by("created_at").values_list("pk", flat=True)[:limit])
    for pk in pending:
        enqueue_now(deliver_notification, pk)
    return len(pending)


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, shown_at__isnull=False, read_at__isnull=True).count()
