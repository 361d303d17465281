"""One definition of every light (approvals/lights.py): the SQL a list selects, filters and counts with and the
rule a single row is shown with agree — over random stored columns and random instants, boundaries included."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from approvals.lights import RANK, URGENCY, Light, Rule, when, worst
from approvals.models import Application, ApplicationStage, ApplicationStatus, ItemReview, ReviewStatus, StageStatus
from approvals.services.progress import application_light, review_clock
from tests.approvals.services.conftest import _english, calendar_2026, cat  # noqa: F401  (fixtures)
from tests.factories.applications import accepted_application, reload, shanghai

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

instants = st.datetimes(min_value=datetime(2026, 5, 25), max_value=datetime(2026, 6, 20),
                        timezones=st.just(SHANGHAI))
maybe = st.none() | instants
LIGHT_SETS = [[Light.RED, Light.YELLOW], [Light.GREEN, Light.YELLOW, Light.RED], [Light.WAITING, Light.PAUSED],
              [Light.DONE, Light.RED], [Light.PAUSED, Light.GREEN]]


@st.composite
def now_and_columns(draw, columns):
    """Random stored columns and an instant, often exactly on one of the stored thresholds."""
    values = {name: draw(strategy) for name, strategy in columns.items()}
    thresholds = [v for v in values.values() if isinstance(v, datetime)]
    now = draw(st.sampled_from(thresholds) if thresholds and draw(st.booleans()) else instants)
    return now, values


def _agree(model, pk, now):
    """The annotated light of the row equals the rule on the loaded row, and each light's filter finds it
    exactly when that is its light."""
    row = model.objects.with_light(now).get(pk=pk)
    assert row.light == row.light_at(now)
    for light in Light:
        assert model.objects.filter(pk=pk).filter_light(light, now).exists() == (light == row.light), light
    for lights in LIGHT_SETS:  # several lights at once, as the inbox's `light=red,yellow` asks
        assert model.objects.filter(pk=pk).filter_light(lights, now).exists() == (row.light in lights), lights
    return row.light


@pytest.fixture
def application(cat):  # noqa: F811
    return accepted_application(cat, now=shanghai(2026, 6, 1, 10))


def test_review_light_in_sql_equals_the_rule_on_the_row(application):
    review = application.reviews.order_by("pk").first()

    @EXAMPLES
    @given(now_and_columns({"status": st.sampled_from(ReviewStatus.values), "started_at": maybe, "due_at": maybe,
                            "warn_at": maybe}))
    def check(case):
        now, columns = case
        ItemReview.objects.filter(pk=review.pk).update(**columns)
        _agree(ItemReview, review.pk, now)

    check()


def test_stage_light_in_sql_equals_the_rule_on_the_row(application):
    stage = application.stages.order_by("order").first()

    @EXAMPLES
    @given(now_and_columns({"status": st.sampled_from(StageStatus.values), "due_at": maybe, "warn_at": maybe}))
    def check(case):
        now, columns = case
        ApplicationStage.objects.filter(pk=stage.pk).update(**columns)
        _agree(ApplicationStage, stage.pk, now)

    check()


def test_application_light_in_sql_is_the_worst_light_of_its_clocks(application):
    first, second = application.reviews.order_by("pk")[:2]
    review_columns = {"status": st.sampled_from(ReviewStatus.values), "started_at": maybe, "due_at": maybe,
                      "warn_at": maybe}

    @EXAMPLES
    @given(now_and_columns({"status": st.sampled_from(ApplicationStatus.values), "acceptance_due_at": maybe,
                            "acceptance_warn_at": maybe}),
           st.fixed_dictionaries(review_columns), st.fixed_dictionaries(review_columns))
    def check(case, one, two):
        now, columns = case
        Application.objects.filter(pk=application.pk).update(**columns)
        ItemReview.objects.filter(pk=first.pk).update(**one)
        ItemReview.objects.filter(pk=second.pk).update(**two)
        row = Application.objects.with_light(now).get(pk=application.pk)
        loaded = reload(application)
        assert row.light == loaded.light_at(now) == application_light(loaded, now=now)
        assert row.light_rank == RANK[Light(row.light)]
        assert Application.objects.filter(pk=application.pk).filter_light(row.light, now).exists()
        clocks = [loaded.acceptance_light_at(now), *(r.light_at(now) for r in loaded.reviews.all())]
        assert row.light == (worst(clocks) or (Light.DONE if loaded.status in (
            ApplicationStatus.DECIDED, ApplicationStatus.DELIVERED, ApplicationStatus.CLOSED) else Light.WAITING))

    check()


def test_a_review_goes_green_yellow_red_on_its_stored_thresholds(application):
    review = application.reviews.filter(status=ReviewStatus.UNDER_REVIEW).order_by("pk").first()
    assert review.warn_at < review.due_at
    before, at_warn, at_due = review.warn_at - timedelta(seconds=1), review.warn_at, review.due_at
    assert [review_clock(review, now=t).light for t in (before, at_warn, at_due)] == [
        Light.GREEN, Light.YELLOW, Light.RED]
    counts = ItemReview.objects.filter(pk=review.pk).light_counts(at_warn)
    assert counts == {**{light.value: 0 for light in Light}, "yellow": 1}


def test_a_submitted_application_shows_its_acceptance_clock(cat):  # noqa: F811
    from tests.factories.applications import submitted_application

    submitted = submitted_application(cat, now=shanghai(2026, 6, 1, 10))
    assert submitted.acceptance_due_at == shanghai(2026, 6, 8, 17, 30)  # 5 working days (Art. 32)
    assert submitted.acceptance_warn_at is not None and submitted.acceptance_warn_at < submitted.acceptance_due_at
    lights = [Application.objects.with_light(t).get(pk=submitted.pk).light
              for t in (shanghai(2026, 6, 2, 10), submitted.acceptance_warn_at, submitted.acceptance_due_at)]
    assert lights == [Light.GREEN, Light.YELLOW, Light.RED]


# --- the rule itself -------------------------------------------------------------------------------------------
def test_the_urgency_order_and_the_worst_light():
    assert URGENCY == [Light.RED, Light.YELLOW, Light.GREEN, Light.PAUSED, Light.WAITING, Light.DONE]
    assert worst([Light.DONE, None, Light.GREEN, Light.PAUSED]) == Light.GREEN
    assert worst([None]) is None
    assert set(URGENCY) == set(Light)


def test_a_rule_treats_null_like_sql():
    class Row:
        due_at = None
        status = "open"

    rule = Rule(Light, [when(Light.RED, lambda now: {"due_at__lte": now}), when(Light.DONE, {"status": "closed"})],
                default=Light.GREEN)
    assert rule.of(Row(), shanghai(2026, 6, 1)) == Light.GREEN  # NULL <= now is not true
