"""Pointing the Celery app at a broker of the test's own, and reading what was published to it.

The deadline sweep relays pending deliveries with `enqueue_now` and `notify` publishes after commit, so a test
that sweeps or commits really publishes. `private_broker(folder)` points the app at kombu's filesystem
transport in a temporary folder (whatever the run's shape: a test must not drop messages into a Redis a real
worker consumes), `broker_at(url)` at any URL (e.g. an unreachable Redis), and both restore the app's
configuration afterwards. Celery caches its connection and producer pools, so they are dropped on the way in
and on the way out; otherwise a publish would still go to the broker of the first connection.

`published(folder)` lists the messages in the folder as (task name, args) pairs, oldest first;
`published_deliveries(folder)` counts how often each notification delivery was handed to a task, one by one
(`deliver_notification`) or in a batch (`deliver_notifications`).
"""

from __future__ import annotations

import base64
import contextlib
import json
from collections import Counter
from pathlib import Path

from kombu import pools as kombu_pools

from portal.celery import app

_KEYS = ("broker_url", "broker_write_url", "broker_read_url", "broker_transport_options")


def _drop_pools():
    """Forget every cached connection and producer pool. kombu keeps its pools in a process-wide registry
    keyed by connection: closing one without clearing the registry leaves a closed pool there for the next
    user of the same broker (e.g. a later test on Redis), so the registry is reset as a whole."""
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    kombu_pools.reset()


@contextlib.contextmanager
def broker_at(url: str, transport_options: dict | None = None):
    saved = {key: app.conf.get(key) for key in _KEYS}
    _drop_pools()
    app.conf.update(broker_url=url, broker_write_url=None, broker_read_url=None,
                    broker_transport_options=transport_options or {})
    try:
        yield app
    finally:
        _drop_pools()
        app.conf.update(saved)


@contextlib.contextmanager
def private_broker(folder: Path):
    queue = folder / "queue"
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    options = {"data_folder_in": str(queue), "data_folder_out": str(queue),
               "processed_folder": str(folder / "processed"), "control_folder": str(folder / "control"),
               "store_processed": False}
    with broker_at("filesystem://", options):
        yield queue


def published(queue: Path) -> list[tuple[str, tuple]]:
    """(task name, args) of every message waiting in a filesystem queue folder, in publishing order."""
    messages = []
    for path in sorted(queue.glob("*.msg"), key=lambda p: (int(p.name.split("_", 1)[0]), p.stat().st_mtime_ns)):
        payload = json.loads(path.read_bytes())
        body = payload["body"]
        if payload.get("properties", {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        args = json.loads(body)[0]
        messages.append((payload["headers"]["task"], tuple(args)))
    return messages


DELIVER = "portal.tasks.deliver_notification"
DELIVER_BATCH = "portal.tasks.deliver_notifications"


def published_deliveries(queue: Path) -> Counter:
    """Delivery id -> how many times it was published, alone or in a batch."""
    counts = Counter()
    for task, args in published(queue):
        if task == DELIVER:
            counts[args[0]] += 1
        elif task == DELIVER_BATCH:
            counts.update(args[0])
    return counts
