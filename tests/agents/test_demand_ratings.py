"""好差评 of a closed demand: the company rates once; nobody else; a bad review tells the owner and the leader."""

import pytest

from agents.models import DemandRating
from agents.services import demand_ratings, demands
from approvals.models import RatingIsFinal, RatingLevel
from portal.errors import NotAllowed, WrongState
from portal.models import Notification
from tests.factories.agents import open_demand
from tests.factories.applications import reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(cat, agent):
    demand = open_demand(cat, owner=agent)
    demands.resolve(demand, actor=agent, resolution="已疏通排水")
    demands.confirm(demand, actor=cat.applicant)
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
