"""Prepared statements on PostgreSQL (portal/settings/base.py, docs/performance.md "Prepared statements"): a query
the connection has run DB_PREPARE_THRESHOLD times is prepared on the server, so PostgreSQL re-uses its plan."""

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from approvals.lights import Light
from approvals.models import ItemReview

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements of PostgreSQL"),
              pytest.mark.skipif(not settings.DATABASES["default"].get("OPTIONS", {}).get("prepare_threshold"),
                                 reason="DB_PREPARED_STATEMENTS=false")]


def _prepared(fragment: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{fragment}%"])
        return cursor.fetchone()[0]


def test_a_repeated_query_is_prepared_once_on_the_server():
    threshold = settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"]
    marker = '"approvals_itemreview"."due_at" ASC'
    for n in range(threshold + 3):
        # A new instant each time: the same statement with other parameters.
        ids = ItemReview.objects.filter_light([Light.RED, Light.YELLOW], timezone.now()).order_by("due_at", "pk")
        list(ids.values_list("pk", flat=True)[:50])
        if n + 1 < threshold:
            assert _prepared(marker) == 0, n  # sent with its parameters each time, not prepared yet
    assert _prepared(marker) == 1  # prepared once, then re-used
