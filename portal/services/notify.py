"""Telling people: one Notification per recipient, delivered in the portal and by e-mail through tasks.

`notify` runs inside the caller's transaction (the outbox), is idempotent through the de-duplication key, and
schedules the deliveries after commit. `deliver` does one delivery exactly once.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
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
    message = EmailMessage(
        subject=notification.title,
        body=f"{notification.body}\n\n{_absolute(notification.link)}".strip(),
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
