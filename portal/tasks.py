"""Portal-level tasks: heartbeats of the background processes and a round-trip probe."""

import socket

from celery import shared_task
from django.utils import timezone


@shared_task(name="portal.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat(process: str = "beat") -> None:
    """Beat sends this every minute; the worker that runs it records that both are alive."""
    from portal.models import Heartbeat

    Heartbeat.objects.update_or_create(
        name=process, defaults={"last_seen": timezone.now(), "detail": socket.gethostname()}
    )
    Heartbeat.objects.update_or_create(
        name="worker", defaults={"last_seen": timezone.now(), "detail": socket.gethostname()}
    )


@shared_task(name="portal.tasks.echo")
def echo(token: str) -> dict:
    """Round-trip probe: returns what it was given and which worker answered."""
    return {"token": token, "worker": socket.gethostname()}


@shared_task(name="portal.tasks.deliver_notification", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True, time_limit=60, soft_time_limit=50)
def deliver_notification(delivery_id: int) -> str:
    """Deliver one notification on one channel; safe to run twice (the row says whether it is done)."""
    from portal.services.notify import deliver

    return deliver(delivery_id)


@shared_task(name="portal.tasks.deliver_notifications", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True, time_limit=300, soft_time_limit=240)
def deliver_notifications(delivery_ids: list[int]) -> dict:
    """Deliver one batch written together (`notify_many`, the sweep's digests); each delivery is done once, and
    whatever this task does not finish stays pending for the sweep's relay."""
    from portal.services.notify import deliver_batch

    return deliver_batch(delivery_ids)
