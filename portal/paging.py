"""Pagination in SQL without counting the same rows twice, and pages loaded by id.

Django's `Paginator` (pages) and DRF's `PageNumberPagination` (API) count the list with a `COUNT(*)` before
reading the page. Where the page already computed that number — the counts per light and status of an inbox are
shown anyway, and a list filtered by status and light is a sum of them — `CountedPaginator` takes it instead of
asking the database again.

`rows_in_order` is the second half of a page read "ids first": the page's ids come from a narrow query (an
index-only range scan of a covering index, `ORDER BY ... LIMIT`), then only those rows are read with their
related rows. On large lists the planner otherwise joins every matching row before sorting and cutting the page
(docs/performance.md).
"""

from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination


class CountedPaginator(Paginator):
    """A Paginator told the number of rows (`count`) instead of counting them; None counts as usual."""

    def __init__(self, object_list, per_page, *, count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # Paginator.count is a cached_property


class CountedPageNumberPagination(PageNumberPagination):
    """DRF's page-number pagination, with the number of rows given by the view when it already knows it."""

    known_count: int | None = None

    def django_paginator_class(self, object_list, per_page):  # noqa: D102 - DRF's hook, called like a class
        return CountedPaginator(object_list, per_page, count=self.known_count)


def rows_in_order(queryset, ids) -> list:
    """The rows of `queryset` with these primary keys, in the order of `ids` (one query)."""
    ids = list(ids)
    if not ids:
        return []
    by_pk = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()}
    return [by_pk[pk] for pk in ids if pk in by_pk]
