"""The catalog API is served from the cache and rebuilt after any edit of the catalog."""

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from tests.approvals.services.conftest import _english, _fast_passwords, _media, calendar_2026, cat  # noqa: F401
from tests.factories.approvals import ItemMaterialFactory, MaterialTypeFactory

pytestmark = pytest.mark.django_db


def _items(client, django_assert_max_num_queries, queries):
    with django_assert_max_num_queries(queries):
        response = client.get("/api/v1/items/")
    assert response.status_code == 200
    return {item["code"]: item for item in response.json()["results"]}


def test_a_cached_answer_costs_no_query_and_an_edit_is_seen_at_once(cat, django_assert_max_num_queries):
    client = APIClient()
    first = _items(client, django_assert_max_num_queries, 10)
    assert first["T-GREEN"]["name"] == "占用城市绿地审批"
    assert _items(client, django_assert_max_num_queries, 0) == first  # from the cache

    item = cat.fee_item
    item.name = "占用城市绿地审批（新）"
    item.save()
    assert _items(client, django_assert_max_num_queries, 10)["T-GREEN"]["name"] == "占用城市绿地审批（新）"


def test_materials_and_packages_edits_are_seen_too(cat, django_assert_max_num_queries):
    client = APIClient()
    before = _items(client, django_assert_max_num_queries, 10)["T-GREEN"]["materials"]
    ItemMaterialFactory(item=cat.fee_item, material_type=MaterialTypeFactory(key="noise_report", name="噪声报告"))
    after = _items(client, django_assert_max_num_queries, 10)["T-GREEN"]["materials"]
    assert len(after) == len(before) + 1

    package = client.get("/api/v1/packages/tst-trio/").json()
    stage = cat.package.stages.get()
    stage.items.remove(cat.commitment_item)  # an m2m change, no save of a catalog row
    assert len(client.get("/api/v1/packages/tst-trio/").json()["stages"][0]["items"]) == \
        len(package["stages"][0]["items"]) - 1


def test_unknown_item_is_404_and_not_cached(cat):
    client = APIClient()
    assert client.get("/api/v1/items/NOPE/").status_code == 404
    with transaction.atomic():
        cat.fee_item.__class__.objects.filter(pk=cat.fee_item.pk).update(code="NOPE")
    assert client.get("/api/v1/items/NOPE/").status_code == 200  # (a bulk update sends no signal; 404 was not kept)


# --- the catalog page ----------------------------------------------------------------------------------------
def _page(client, url, django_assert_max_num_queries, queries):
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main"):html.index("</main>")]  # the header carries a fresh CSRF token every time


def test_the_catalog_page_is_rendered_once_per_version_and_an_edit_is_seen_at_once(cat,
                                                                                    django_assert_max_num_queries):
    from django.test import Client

    client = Client()
    first = _page(client, "/catalog/", django_assert_max_num_queries, 10)
    assert "占用城市绿地审批" in first
    assert _page(client, "/catalog/", django_assert_max_num_queries, 0) == first  # from the cache
    # Parameters the page does not read do not make new cache entries: the same body, still no query.
    assert _page(client, "/catalog/?utm=x&page=7", django_assert_max_num_queries, 0) == first

    item = cat.fee_item
    item.name = "占用城市绿地审批（新）"
    item.save()
    assert "占用城市绿地审批（新）" in _page(client, "/catalog/", django_assert_max_num_queries, 10)


def test_catalog_page_filters_are_cached_apart_and_searches_and_errors_answered_live(cat,
                                                                                    django_assert_max_num_queries):
    from django.test import Client

    client = Client()
    department = cat.fee_item.department
    url = f"/catalog/?department={department.code}"
    filtered = _page(client, url, django_assert_max_num_queries, 10)
    assert cat.fee_item.name in filtered
    others = [i.name for i in cat.fee_item.__class__.objects.exclude(department=department)]
    assert others and not any(f">{name}<" in filtered for name in others)
    # The department is checked against the database (the form), the body comes from the cache.
    assert _page(client, url, django_assert_max_num_queries, 1) == filtered

    searched = _page(client, "/catalog/?q=%E7%BB%BF%E5%9C%B0", django_assert_max_num_queries, 10)  # q=绿地
    assert cat.fee_item.name in searched and "errorlist" not in searched
    assert _page(client, "/catalog/?q=%E7%BB%BF%E5%9C%B0", django_assert_max_num_queries, 10) == searched
    with django_assert_max_num_queries(10) as captured:
        client.get("/catalog/?q=%E7%BB%BF%E5%9C%B0")
    assert len(captured.captured_queries) >= 1  # a search is always answered live

    wrong = _page(client, "/catalog/?kind=nonsense", django_assert_max_num_queries, 10)
    assert "errorlist" in wrong  # the form's error is shown, not a cached body
