"""The catalog API's cache (approvals/catalog_cache.py): plain questions are answered from it, everything else live,
and an edit of the catalog is seen at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.api.catalog import _cache_name
from tests.factories.applications import make_catalog

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured.captured_queries), response.json()


def test_a_plain_question_is_read_from_the_cache_the_second_time(client):
    make_catalog()
    first, answer = queries(client, "/api/v1/items/?kind=licence&page=1")
    again, same = queries(client, "/api/v1/items/?page=1&kind=licence")  # the same question, other order
    assert first > 0 and again == 0 and same == answer


def test_made_up_parameters_and_searches_are_answered_live_and_never_stored(client, rf):
    make_catalog()
    for url in ("/api/v1/items/?q=绿地", "/api/v1/items/?utm=1", "/api/v1/items/?kind=licence&kind=filing",
                "/api/v1/departments/?x=" + "a" * 300):
        assert _cache_name(rf.get(url)) is None
        first, _ = queries(client, url)
        again, _ = queries(client, url)
        assert first > 0 and again > 0  # computed each time
    for url in ("/api/v1/items/?page=" + "9" * 40, "/api/v1/items/?department=" + "x" * 33):
        assert _cache_name(rf.get(url)) is None
    assert _cache_name(rf.get("/api/v1/items/?kind=licence&department=cgj")) == (
        "/api/v1/items/?department=cgj&kind=licence")


def test_an_edit_of_the_catalog_is_seen_at_once(client):
    catalog = make_catalog()
    item = catalog.fee_item
    _, before = queries(client, f"/api/v1/items/{item.code}/")
    item.name = "新的事项名称"
    item.save()
    _, after = queries(client, f"/api/v1/items/{item.code}/")
    assert before["name"] != "新的事项名称" and after["name"] == "新的事项名称"
