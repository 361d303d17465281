"""Enqueueing Celery tasks after the transaction commits, without ever failing the request.

If the broker is down the work is not lost: every task here has a row in the database (an outbox delivery,
a clock with `next_check_at`) that the periodic sweep finds and enqueues again. So a failure to publish is
logged and swallowed, and the request that committed the data still succeeds.
"""

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def _publish(task, args):
    try:
        task.apply_async(args=args, retry=False)
    except Exception as exc:  # noqa: BLE001 - broker unreachable, connection refused, timeout: the sweep relays it
        log.warning("Could not enqueue %s%r (%s: %s); the sweep will relay it.", task.name, args,
                    exc.__class__.__name__, exc)


def enqueue_on_commit(task, *args) -> None:
    """Publish `task(*args)` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: _publish(task, args), robust=True)


def enqueue_now(task, *args) -> None:
    _publish(task, args)
