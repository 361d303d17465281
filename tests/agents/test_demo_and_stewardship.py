"""The agency demo rows (seed_demo) and reassigning a company's leader and agent with history."""

from io import StringIO

import pytest
from django.core.management import call_command

from agents.models import AgencyCase, Authorization, AuthorizationScope, Demand, InvestmentProject, Stewardship
from agents.services import stewardship
from portal.errors import DomainError, NotAllowed
from portal.models import Enterprise
from tests.factories.applications import reload, shanghai as at
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_the_agency_rows_once(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    out = StringIO()
    call_command("seed_demo", "--skip-calendar", "--quiet", stdout=out)
    assert "Agency demo: " in out.getvalue()
    counts = (Authorization.objects.count(), Demand.objects.count(), AgencyCase.objects.count(),
              InvestmentProject.objects.count())
    assert counts == (2, 5, 3, 1)
    assert set(AgencyCase.objects.values_list("status", flat=True)) == {"handling", "chasing", "confirmed"}
    mine = Authorization.objects.get(agent__username="agent")
    assert mine.scope == AuthorizationScope.ALL and mine.enterprise.name == "重庆大江北辰新能源汽车产业发展有限公司"
    assert mine.power_of_attorney.read()[:5] == b"%PDF-"
    listed = Authorization.objects.get(agent__username="agent2")
    assert listed.scope == AuthorizationScope.LISTED and listed.packages.count() == 1
    assert set(Demand.objects.values_list("status", flat=True)) == {"closed", "open", "plan_proposed", "raised"}
    assert InvestmentProject.objects.get().steps.count() == 10
    call_command("seed_demo", "--skip-calendar", "--quiet", stdout=StringIO())
    assert counts == (Authorization.objects.count(), Demand.objects.count(), AgencyCase.objects.count(),
                      InvestmentProject.objects.count())


def test_reassign_keeps_history_and_updates_the_enterprise(cat):
    enterprise = cat.enterprise
    first_agent, new_agent = UserFactory(role="agent"), UserFactory(role="agent")
    enterprise.service_agent = first_agent
    enterprise.save(update_fields=["service_agent"])
    admin = UserFactory(role="admin")
    with pytest.raises(NotAllowed):
        stewardship.reassign(enterprise, actor=first_agent, agent=new_agent, reason="调岗")
    with pytest.raises(DomainError):
        stewardship.reassign(enterprise, actor=admin, agent=new_agent, reason="")
    with pytest.raises(DomainError):
        stewardship.reassign(enterprise, actor=admin, agent=cat.applicant, reason="调岗")
    stewardship.reassign(enterprise, actor=admin, agent=new_agent, reason="专员调岗", now=at(2026, 6, 1, 10, 0))
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    assert enterprise.service_agent == new_agent and enterprise.leader == cat.leader
    rows = list(stewardship.history(enterprise))
    assert [(r.agent, r.until is None) for r in rows] == [(new_agent, True), (first_agent, False)]
    new_leader = UserFactory(role="leader")
    stewardship.reassign(enterprise, actor=cat.leader, leader=new_leader, reason="分工调整",
                         now=at(2026, 6, 2, 10, 0))
    assert reload(enterprise).leader == new_leader
    assert Stewardship.objects.filter(enterprise=enterprise, until__isnull=True).count() == 1
    assert stewardship.history(enterprise).count() == 3
    with pytest.raises(DomainError):
        stewardship.reassign(enterprise, actor=admin, leader=new_leader, reason="again")
    assert enterprise in stewardship.companies_of(new_agent)
    assert enterprise not in stewardship.companies_of(first_agent)
