"""Rows held by another transaction, as a concurrent request or task holds them (PostgreSQL only).

`rows_held(*objects)` opens a transaction on a connection of its own (in a thread), takes `FOR KEY SHARE` on
each object's row - the lock PostgreSQL takes on a referenced row when another transaction inserts a row that
points at it (a firing pointing at its department, a notification at its recipient) - and keeps it until the
block ends. A claim with `SELECT ... FOR UPDATE SKIP LOCKED` that also locked those related rows would skip
its subject while they are held; a claim that locks its own row only must not.
"""

from __future__ import annotations

import contextlib
import threading

from django.db import connections, transaction


@contextlib.contextmanager
def rows_held(*objects, mode: str = "FOR KEY SHARE"):
    ready, release, errors = threading.Event(), threading.Event(), []

    def hold():
        try:
            with transaction.atomic():
                with connections["default"].cursor() as cursor:
                    for obj in objects:
                        table, pk_column = obj._meta.db_table, obj._meta.pk.column
                        cursor.execute(f'SELECT 1 FROM "{table}" WHERE "{pk_column}" = %s {mode}', [obj.pk])
                ready.set()
                release.wait(timeout=120)
        except BaseException as exc:  # noqa: BLE001 - reported by the test's thread
            errors.append(exc)
            ready.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert ready.wait(timeout=30), "could not take the locks"
    try:
        if errors:
            raise errors[0]
        yield
    finally:
        release.set()
        thread.join(timeout=30)
