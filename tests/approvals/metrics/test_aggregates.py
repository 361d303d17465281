"""The aggregate tables (approvals/aggregates.py) give the live figures' numbers on the hand-built data set, for
every filter they answer; they are refreshed idempotently, incrementally, and report their refresh time."""

from dataclasses import replace
from decimal import Decimal

import pytest

from approvals import aggregates, metrics
from approvals.metrics import Filters
from approvals.models import MetricsDay, MetricsRefresh, Rating
from tests.approvals.metrics.dataset import build, build_packages, t

pytestmark = pytest.mark.django_db
NOW = t(6, 30)
REFRESHED = t(7, 31)


@pytest.fixture
def data(calendar_2026):
    data = build()
    data.update(build_packages(data))
    return data


def plain(value):
    return float(value) if isinstance(value, (Decimal, float)) else value


def answer(f):
    return {fig.key: (plain(fig.value), fig.source) for fig in metrics.figures(f, now=NOW)}


def assert_same_as_live(f):
    got, live = answer(f), answer(replace(f, live=True))
    assert {k: v for k, (v, _s) in got.items()} == {k: v for k, (v, _s) in live.items()}, f
    assert metrics.department_ranking(f, now=NOW) == metrics.department_ranking(replace(f, live=True), now=NOW)
    for unit in ("week", "month"):
        assert metrics.trend(f, unit=unit) == metrics.trend(replace(f, live=True), unit=unit)
    return got


def filters(data):
    june = dict(start=t(6, 1, 0), end=t(7, 1, 0))
    return [
        Filters(**june), Filters(), Filters(start=t(6, 3, 0)), Filters(end=t(6, 6, 0)),
        Filters(start=t(7, 1, 0), end=t(8, 1, 0)),
        Filters(**june, department=data["a"].pk), Filters(**june, department=data["b"].pk),
        Filters(**june, item=data["a1"].pk), Filters(**june, item=data["b1"].pk), Filters(item=data["a2"].pk),
        Filters(**june, package=data["p"].pk), Filters(package=data["q"].pk, department=data["a"].pk),
        Filters(**june, park=data["apps"][0].enterprise.park_id) if data["apps"][0].enterprise.park_id else
        Filters(**june, park=999),
    ]


def test_the_aggregates_give_the_live_figures(data):
    assert aggregates.reader(Filters()) is None  # never refreshed: live
    refresh = aggregates.refresh(now=REFRESHED, full=True)
    assert refresh.full and refresh.first_day.isoformat() == "2026-06-01" and refresh.rows > 0
    for f in filters(data):
        got = assert_same_as_live(f)
        assert got["received"][1] == got["fees_saved"][1] == got["good_rate"][1] == "aggregate"
        assert got["overdue"][1] == got["rectifications_overdue"][1] == got["catalog_items"][1] == "live"
    june = answer(Filters(start=t(6, 1, 0), end=t(7, 1, 0)))
    assert (june["received"], june["avg_working_days"], june["p90_working_days"], june["fees_saved"]) == (
        (3, "aggregate"), (8.0, "aggregate"), (12, "aggregate"), (40.0, "aggregate"))


def test_what_the_aggregates_cannot_answer_is_live(data):
    aggregates.refresh(now=REFRESHED, full=True)
    for f in (Filters(start=t(6, 1, 9)), Filters(department=data["a"].pk, item=data["a1"].pk)):
        assert aggregates.reader(f) is None
        assert answer(f)["received"][1] == "live"


def test_refreshes_are_idempotent_and_incremental(data):
    aggregates.refresh(now=REFRESHED, full=True)
    rows = sorted(MetricsDay.objects.values_list("day", "scope", "scope_id", "package_id", "park_id", "received",
                                                 "decided", "dissatisfied", "cases_resolved"))
    aggregates.refresh(now=REFRESHED, full=True)
    assert sorted(MetricsDay.objects.values_list("day", "scope", "scope_id", "package_id", "park_id", "received",
                                                 "decided", "dissatisfied", "cases_resolved")) == rows
    june = Filters(start=t(6, 1, 0), end=t(7, 1, 0))
    # A rating given after the refresh: the tables do not know it until the next (incremental) refresh.
    app2 = data["apps"][1]
    Rating.objects.create(application=app2, item=data["a1"], department=data["a"], rater=app2.created_by,
                          level="satisfied", rated_at=t(6, 29))
    assert answer(june)["ratings"] == (3, "aggregate")
    incremental = aggregates.refresh(now=t(8, 1))
    assert not incremental.full and incremental.first_day.isoformat() == "2026-06-16"  # 45 days before 07-31
    assert answer(june)["ratings"] == (4, "aggregate")
    assert_same_as_live(june)
    assert MetricsRefresh.objects.count() == 3
    assert aggregates.last_refresh() == incremental


def test_the_task_and_the_command_refresh(data):
    from django.core.management import call_command

    from approvals.tasks import refresh_metrics

    assert refresh_metrics()["full"] is True  # the first refresh builds everything
    assert refresh_metrics()["full"] is False
    call_command("refresh_metrics", "--full", verbosity=0)
    assert MetricsRefresh.objects.order_by("-finished_at").first().full
