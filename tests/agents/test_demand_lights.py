"""One definition of a demand's light and of its 222 outcome (Demand.LIGHT, Demand.OUTCOME_222): the SQL that
lists, filters and reports use equals the rule a single demand is shown with, over random columns and instants."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.models import Demand, DemandClass, DemandStatus, Outcome222
from agents.services import demand_clocks, demands
from approvals.lights import Light
from tests.factories.agents import open_demand
from tests.factories.applications import shanghai as at

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")

instants = st.datetimes(min_value=datetime(2026, 5, 25), max_value=datetime(2026, 6, 20),
                        timezones=st.just(SHANGHAI))
maybe = st.none() | instants
columns = st.fixed_dictionaries({
    "status": st.sampled_from(DemandStatus.values),
    "classification": st.sampled_from(["", *DemandClass.values]),
    "due_at": maybe, "warn_at": maybe, "resolved_at": maybe, "plan_proposed_at": maybe,
    "plan_due_date": st.none() | st.dates(min_value=date(2026, 5, 25), max_value=date(2026, 6, 20)),
})


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=columns, pick=st.integers(min_value=0, max_value=4), free=instants)
def test_light_and_outcome_in_sql_equal_the_rule_on_the_row(cat, agent, values, pick, free):
    demand = Demand.objects.filter(enterprise=cat.enterprise).first() or open_demand(cat, owner=agent)
    Demand.objects.filter(pk=demand.pk).update(**values)
    # The instant: free, or exactly on a stored threshold (a boundary is where two definitions drift apart).
    thresholds = [values[k] for k in ("due_at", "warn_at", "resolved_at", "plan_proposed_at") if values[k]]
    now = thresholds[pick % len(thresholds)] if thresholds and pick else free
    row = Demand.objects.with_light(now).with_outcome_222(now).get(pk=demand.pk)
    assert row.light == row.light_at(now) == demand_clocks.light(row, now=now)
    assert row.outcome_222 == row.outcome_222_at(now) == demands.outcome_222(row, now=now)
    assert row.met_222_at(now) == {"met": True, "missed": False}.get(row.outcome_222)
    for light in Light:
        found = Demand.objects.filter(pk=demand.pk).filter_light(light, now).exists()
        assert found == (light == row.light), light
    for outcome in Outcome222:
        found = Demand.objects.filter(pk=demand.pk).filter_outcome_222(outcome, now).exists()
        assert found == (outcome == row.outcome_222), outcome


def test_a_demand_resolved_in_time_stays_done_and_kept(cat, agent):
    demand = open_demand(cat, DemandClass.SMALL, owner=agent, now=at(2026, 6, 1, 10, 0))  # due 12:00
    demands.resolve(demand, actor=agent, resolution="已修复", now=at(2026, 6, 1, 11, 0))
    later = at(2026, 6, 10, 9, 0)
    assert not Demand.objects.filter_light(Light.RED, later).exists()
    assert list(Demand.objects.filter_light(Light.DONE, later)) == [demand]
    assert Demand.objects.with_outcome_222(later).get().outcome_222 == Outcome222.MET


def test_an_open_demand_past_its_due_time_is_red_and_missed(cat, agent):
    demand = open_demand(cat, DemandClass.SMALL, owner=agent, now=at(2026, 6, 1, 10, 0))  # due 12:00
    assert demands.outcome_222(demand, now=at(2026, 6, 1, 11, 59)) == Outcome222.PENDING
    assert demand.met_222_at(at(2026, 6, 1, 11, 59)) is None
    late = at(2026, 6, 1, 12, 1)
    assert demand.light_at(late) == Light.RED
    assert demands.outcome_222(demand, now=late) == Outcome222.MISSED
    assert demand.met_222_at(late) is False
