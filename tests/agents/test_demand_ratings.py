"""好差评 of a closed demand: the company rates once; nobody else; a bad review tells the owner and the leader."""

from datetime import timedelta

import pytest

from agents.models import DemandRating
from agents.services import demand_ratings, demands
from approvals.models import RatingIsFinal, RatingLevel
from portal.errors import NotAllowed, WrongState
from portal.models import Notification
from tests.factories.agents import open_demand
from approvals import metrics
from tests.factories.applications import DEFAULT_NOW, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(cat, agent):
    demand = open_demand(cat, owner=agent)
    demands.resolve(demand, actor=agent, resolution="已疏通排水", now=DEFAULT_NOW + timedelta(hours=1))
    demands.confirm(demand, actor=cat.applicant, now=DEFAULT_NOW + timedelta(hours=3))
    return reload(demand)


def test_the_company_rates_a_closed_demand_once(cat, agent, closed):
    assert list(demand_ratings.awaiting_rating()) == [closed]
    rating = demand_ratings.rate(closed, actor=cat.applicant, level=RatingLevel.VERY_DISSATISFIED, text="太慢")
    assert not demand_ratings.awaiting_rating().exists()
    told = set(Notification.objects.filter(kind="demand_bad_review").values_list("recipient", flat=True))
    assert told == {agent.pk, cat.leader.pk}
    with pytest.raises(WrongState):
        demand_ratings.rate(closed, actor=cat.applicant, level=RatingLevel.SATISFIED)
    with pytest.raises(RatingIsFinal):
        rating.delete()
    with pytest.raises(RatingIsFinal):
        DemandRating.objects.update(level=RatingLevel.SATISFIED)


def test_nobody_rates_for_the_company(cat, agent, closed):
    for actor in (agent, cat.leader):
        with pytest.raises(NotAllowed):
            demand_ratings.rate(closed, actor=actor, level=RatingLevel.SATISFIED)


def test_an_open_demand_is_not_rated(cat, agent):
    with pytest.raises(WrongState):
        demand_ratings.rate(open_demand(cat, owner=agent), actor=cat.applicant, level=RatingLevel.SATISFIED)


def test_the_park_figures_join_the_metrics(cat, agent, closed):
    demand_ratings.rate(closed, actor=cat.applicant, level=RatingLevel.SATISFIED, now=DEFAULT_NOW + timedelta(days=1))
    open_demand(cat, "general", owner=agent)  # running: neither kept nor missed yet
    figures = {f.key: f.value for f in metrics.figures(metrics.Filters(start=DEFAULT_NOW - timedelta(days=1),
                                                                        end=DEFAULT_NOW + timedelta(days=7)),
                                                        now=DEFAULT_NOW + timedelta(hours=5))}
    assert {k: figures[k] for k in ("demands_received", "demands_closed", "rule_222_rate", "rule_222_small",
                                    "rule_222_general", "rule_222_big", "demand_good_rate")} == {
        "demands_received": 2, "demands_closed": 1, "rule_222_rate": 1.0, "rule_222_small": 1.0,
        "rule_222_general": None, "rule_222_big": None, "demand_good_rate": 1.0}
