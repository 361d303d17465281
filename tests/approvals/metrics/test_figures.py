"""Every figure of docs/metrics.md on the hand-built data set (dataset.py), with exact expected numbers."""

from decimal import Decimal

import pytest

from approvals import metrics
from approvals.metrics import Filters
from tests.approvals.metrics.dataset import build, t

pytestmark = pytest.mark.django_db
JUNE = dict(start=t(6, 1, 0), end=t(7, 1, 0))
NOW = t(6, 30)


@pytest.fixture
def data(calendar_2026):
    return build()


@pytest.fixture
def cat_for_board(data, calendar_2026):
    """A few running bundles of the real workflow next to the hand-built ones: submitted, under review (one
    review suspended), a supplement requested."""
    from approvals.services import acceptance
    from tests.factories.applications import accepted_application, frozen, make_catalog, submitted_application

    cat = make_catalog()
    submitted_application(cat, now=t(6, 1))
    accepted_application(cat, now=t(6, 3))
    pending = submitted_application(cat, now=t(6, 4))
    with frozen(t(6, 4, 11)):
        acceptance.request_supplement(pending, actor=cat.clerk,
                                      problems=[{"kind": "material", "key": "site_plan", "reason": "总平面图不清晰"}],
                                      now=t(6, 4, 11))
    return cat


def values(filters):
    return {figure.key: figure.value for figure in metrics.figures(filters, now=NOW)}


def test_the_figures_of_june(data, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):  # 20, the packages (2), the 三即 (1), the aggregates looked up per section
        got = values(Filters(**JUNE))
    assert {k: got[k] for k in ("received", "accepted", "decided", "decided_items", "on_time", "on_time_rate",
                                "overdue")} == {
        "received": 3, "accepted": 3, "decided": 2, "decided_items": 3, "on_time": 2, "on_time_rate": 0.6667,
        "overdue": 1}
    assert {k: got[k] for k in ("avg_working_days", "p90_working_days", "avg_promised_days", "avg_legal_days")} == {
        "avg_working_days": 8.0, "p90_working_days": 12, "avg_promised_days": 4.67, "avg_legal_days": 20.0}
    assert {k: got[k] for k in ("catalog_items", "items_licence", "items_filing", "items_other", "fully_online_rate",
                                "limit_compression", "immediate_share", "zero_material_items",
                                "zero_visit_items")} == {
        "catalog_items": 3, "items_licence": 2, "items_filing": 1, "items_other": 0, "fully_online_rate": 0.6667,
        "limit_compression": 0.8, "immediate_share": 0.3333, "zero_material_items": 2, "zero_visit_items": 2}
    assert {k: got[k] for k in ("avg_visits", "zero_visit_applications", "at_most_one_visit_applications",
                                "fees_saved")} == {
        "avg_visits": 1.0, "zero_visit_applications": 1, "at_most_one_visit_applications": 1,
        "fees_saved": Decimal("40.00")}
    assert {k: got[k] for k in ("ratings", "rating_very_satisfied", "rating_satisfied", "rating_basically_satisfied",
                                "rating_dissatisfied", "rating_very_dissatisfied", "good_rate", "bad_reviews",
                                "rectification_rate", "callback_rate", "rectifications_overdue")} == {
        "ratings": 3, "rating_very_satisfied": 1, "rating_satisfied": 0, "rating_basically_satisfied": 1,
        "rating_dissatisfied": 1, "rating_very_dissatisfied": 0, "good_rate": 0.6667, "bad_reviews": 1,
        "rectification_rate": 0.0, "callback_rate": 1.0, "rectifications_overdue": 1}


def test_one_department(data):
    got = values(Filters(**JUNE, department=data["b"].pk))
    assert (got["received"], got["decided"], got["decided_items"], got["on_time_rate"], got["overdue"]) == (
        2, 1, 1, 1.0, 1)
    assert (got["catalog_items"], got["limit_compression"], got["ratings"], got["bad_reviews"]) == (1, 0.7, 1, 1)
    assert got["fees_saved"] == Decimal("0")  # the fees are department A's


def test_one_item_and_an_empty_period(data):
    got = values(Filters(**JUNE, item=data["a1"].pk))
    assert (got["received"], got["decided_items"], got["on_time"], got["p90_working_days"]) == (2, 2, 1, 12)
    empty = values(Filters(start=t(1, 1, 0), end=t(2, 1, 0)))
    assert (empty["received"], empty["on_time_rate"], empty["avg_working_days"], empty["good_rate"]) == (
        0, None, None, None)


def test_every_figure_names_its_definition(data):
    text = open("docs/metrics.md", encoding="utf-8").read()
    for figure in metrics.figures(Filters(**JUNE), now=NOW):
        anchor = figure.definition.split("#", 1)[1]
        assert f'<a id="{anchor}"></a>' in text, anchor


def test_ranking_and_trend(data):
    ranking = metrics.department_ranking(Filters(**JUNE), now=NOW)
    assert [(r["name"], r["decided"], r["on_time"], r["on_time_rate"], r["overdue"]) for r in ranking] == [
        ("乙局", 1, 1, 1.0, 1), ("甲局", 2, 1, 0.5, 0)]
    months = metrics.trend(Filters(start=t(6, 1, 0), end=t(8, 1, 0)), unit="month")
    assert [(str(m["period"]), m["received"], m["decided"]) for m in months] == [
        ("2026-06-01", 3, 2), ("2026-07-01", 1, 0)]


def test_the_live_board_agrees_with_the_applications_lights(data, cat_for_board):
    from django.db.models import Count

    from approvals.models import Application

    from approvals.models import ApplicationStage, ItemReview

    # Two bundles under review whose light comes from no running review: every review signed or cancelled (done),
    # and no review at all (waiting).
    first = data["apps"][2]
    for ref, statuses in (("M-DONE", ["signed", "cancelled"]), ("M-NONE", [])):
        app = Application.objects.create(reference=ref, enterprise=first.enterprise, title=ref,
                                         lead_department=data["a"], created_by=first.created_by,
                                         status="under_review", submitted_at=t(6, 10), accepted_at=t(6, 10, 11))
        stage = ApplicationStage.objects.create(application=app, order=1, name="s", lead_department=data["a"],
                                                promised_limit_days=5)
        for item, status in zip((data["a1"], data["b1"]), statuses):
            ItemReview.objects.create(application=app, stage=stage, item=item, department=item.department,
                                      status=status, limit_days=4, legal_limit_days=20, started_at=t(6, 10, 11),
                                      due_at=t(6, 12, 17, 30), decided_at=t(6, 11))
    seen = set()
    for now in (t(6, 2), t(6, 11), t(6, 30)):
        expected = {(row["status"], row["light"]): row["n"] for row in (
            Application.objects.filter(status__in=metrics.RUNNING_STATES, submitted_at__isnull=False)
            .with_light(now).values("status", "light").annotate(n=Count("pk")).order_by())}
        assert metrics.live_board(Filters(), now=now) == expected
        seen |= set(expected)
    # Every path of the set-wise count was taken: lights from running reviews, done, waiting without a review.
    assert {("under_review", "done"), ("under_review", "waiting"), ("under_review", "red"),
            ("submitted", "green"), ("supplement_requested", "waiting")} <= seen


def test_the_live_review_states_are_those_whose_light_is_not_done():
    from approvals.lights import Light
    from approvals.models.reviews import LIVE_REVIEW_STATES, REVIEW_LIGHT, ReviewStatus, _possible

    not_done = [light for light in Light if light != Light.DONE]
    assert sorted(LIVE_REVIEW_STATES) == sorted(_possible(REVIEW_LIGHT, ReviewStatus.values, not_done))
    assert set(_possible(REVIEW_LIGHT, ReviewStatus.values, [Light.DONE])).isdisjoint(LIVE_REVIEW_STATES)


def test_aggregate_gives_what_django_aggregate_gives(data):
    from django.db.models import Count, F, Q, Sum

    from approvals.models import Application, ItemReview

    def counts():
        return {"n": Count("pk"), "signed": Count("pk", filter=Q(status="signed")),
                "red_or_late": Count("pk", filter=Q(decided_at__gt=F("due_at")) | Q(status="under_review")),
                "days": Sum("limit_days")}

    reviews = ItemReview.objects.all()
    assert metrics.aggregate(reviews, **counts()) == reviews.aggregate(**counts()) == {
        "n": 4, "signed": 3, "red_or_late": 2, "days": 20}
    for empty in (ItemReview.objects.filter(status="nonesuch"), ItemReview.objects.filter(pk__in=[]),
                  ItemReview.objects.none()):
        assert metrics.aggregate(empty, **counts()) == empty.aggregate(**counts()) == {
            "n": 0, "signed": 0, "red_or_late": 0, "days": None}
        with_default = {"days": Sum("limit_days", default=0), "n": Count("pk")}
        assert metrics.aggregate(empty, **with_default) == empty.aggregate(**with_default) == {"days": 0, "n": 0}
    apps = Application.objects.filter(status="decided")
    assert metrics.aggregate(apps, n=Count("pk")) == {"n": 1}
