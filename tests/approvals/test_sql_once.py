"""approvals.sql_once: an expression's SQL built once and replayed with each `now` gives what building it per
request gives, and an expression that cannot be replayed is refused at its first use."""

from datetime import timedelta

import pytest
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Substr, Trim

from approvals.models import Application
from approvals.models import applications as definitions
from approvals.sql_once import OncePerNow
from tests.approvals.services.conftest import _english, calendar_2026, cat  # noqa: F401  (fixtures)
from tests.factories.applications import DEFAULT_NOW, one_application_in_each_state

pytestmark = pytest.mark.django_db


def built_per_request(now):
    name = Substr(Value(definitions._LIGHT_NAMES), F("light_rank") * definitions._LIGHT_WIDTH + 1,
                  definitions._LIGHT_WIDTH)
    return Application.objects.annotate(light_rank=definitions._light_rank(now)).annotate(light=Trim(name))


def test_the_light_built_once_equals_the_light_built_per_request(cat):  # noqa: F811
    one_application_in_each_state(cat)
    for offset in (timedelta(days=-400), timedelta(0), timedelta(hours=30), timedelta(days=6), timedelta(days=90)):
        now = DEFAULT_NOW + offset
        once = list(Application.objects.with_light(now).order_by("pk").values_list("pk", "light_rank", "light"))
        fresh = list(built_per_request(now).order_by("pk").values_list("pk", "light_rank", "light"))
        assert once == fresh and len(once) == 5, (offset, once, fresh)
    # Inside a filtered, joined queryset too (the applicant's list), and filtered by the light.
    rows = list(Application.objects.select_related("enterprise", "package").filter(enterprise__isnull=False)
                .filter_light(["green", "yellow", "red", "waiting", "done"], DEFAULT_NOW).values_list("pk", flat=True))
    assert len(rows) == 5


def test_a_parameter_computed_from_now_is_refused():
    derived = OncePerNow(lambda now: Application.objects.annotate(
        soon=Case(When(acceptance_due_at__lte=now + timedelta(days=2), then=Value(1)), default=Value(0),
                  output_field=IntegerField())), "soon")
    with pytest.raises(ValueError, match="cannot be replayed"):
        derived.expression(DEFAULT_NOW)


def test_sql_that_depends_on_now_is_refused():
    shape = OncePerNow(lambda now: Application.objects.annotate(
        early=Value(1) if now.year < 1902 else Case(When(status="draft", then=Value(1)), default=Value(0))),
        "early")
    with pytest.raises(ValueError, match="SQL text depends"):
        shape.expression(DEFAULT_NOW)
