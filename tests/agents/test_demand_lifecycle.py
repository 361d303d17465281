"""Demands through their states: listed, owned, timed, closed off (销号), reopened — wrong states and roles
refused."""

from datetime import date

import pytest

from agents.models import DemandClass, DemandReclassification, DemandStatus
from agents.services import demand_clocks, demands
from portal.errors import DomainError, NotAllowed, WrongState
from portal.models import AuditEntry
from tests.factories.agents import open_demand, raised_demand
from tests.factories.applications import png_upload, fake_pdf_upload, reload, shanghai as at
from tests.factories.portal import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db
RAISED = at(2026, 6, 1, 10, 0)  # Monday


def test_company_raises_with_attachments_and_classify_starts_the_clock_from_raised_at(cat, agent):
    demand = raised_demand(cat, attachments=[png_upload("照片.png")], now=RAISED)
    assert demand.status == DemandStatus.RAISED and demand.due_at is None
    assert demand.attachments.count() == 1
    assert demand_clocks.light(demand, now=RAISED) == "waiting"
    demands.classify(demand, actor=agent, classification=DemandClass.SMALL, owner=agent, now=at(2026, 6, 1, 11, 0))
    demand = reload(demand)
    assert demand.status == DemandStatus.OPEN and demand.owner == agent
    assert demand.due_at == at(2026, 6, 1, 12, 0)  # 2 working hours from 10:00, not from 11:00
    with pytest.raises(WrongState):
        demands.classify(demand, actor=agent, classification=DemandClass.BIG, owner=agent)


def test_a_rejected_attachment_leaves_no_demand(cat):
    with pytest.raises(DomainError):
        raised_demand(cat, attachments=[fake_pdf_upload()])
    assert not cat.enterprise.demands.exists()


def test_only_the_company_or_its_agents_raise_and_only_the_park_classifies(cat, agent, stranger_agent):
    with pytest.raises(NotAllowed):
        raised_demand(cat, actor=stranger_agent)
    outsider = UserFactory(role="applicant", enterprise=EnterpriseFactory())
    with pytest.raises(NotAllowed):
        raised_demand(cat, actor=outsider)
    demand = raised_demand(cat, actor=agent)  # the authorised agent raises it for the company
    with pytest.raises(NotAllowed):
        demands.classify(demand, actor=cat.applicant, classification="small", owner=agent)


def test_reclassify_needs_a_reason_recomputes_from_raised_at_and_keeps_history(cat, agent):
    demand = open_demand(cat, DemandClass.SMALL, owner=agent, now=RAISED)
    with pytest.raises(DomainError):
        demands.reclassify(demand, actor=agent, classification=DemandClass.GENERAL, reason="  ")
    demands.reclassify(demand, actor=agent, classification=DemandClass.GENERAL, reason="涉及供电部门协调",
                       now=at(2026, 6, 1, 11, 30))
    demand = reload(demand)
    assert demand.classification == DemandClass.GENERAL
    assert demand.due_at == at(2026, 6, 3, 17, 30)  # 2 working days from Mon 06-01 10:00
    history = list(DemandReclassification.objects.filter(demand=demand).values_list("from_class", "to_class",
                                                                                     "reason"))
    assert history == [("small", "general", "涉及供电部门协调")]


def test_resolved_in_time_is_compliant_and_the_company_closes_it_off(cat, agent):
    demand = open_demand(cat, DemandClass.SMALL, owner=agent, now=RAISED)  # due 12:00
    with pytest.raises(NotAllowed):
        demands.resolve(demand, actor=UserFactory(role="agent"), resolution="已处理")
    demands.resolve(demand, actor=agent, resolution="已联系市政疏通排水口", now=at(2026, 6, 1, 11, 40))
    demand = reload(demand)
    assert demand.status == DemandStatus.RESOLVED and demand.met_222_at(at(2026, 6, 2, 9, 0)) is True
    assert demands.outcome_222(demand) == "met"
    assert demand_clocks.light(demand, now=at(2026, 6, 2, 9, 0)) == "done"
    with pytest.raises(NotAllowed):
        demands.confirm(demand, actor=agent)
    demands.confirm(demand, actor=cat.applicant, now=at(2026, 6, 1, 15, 0))
    demand = reload(demand)
    assert demand.status == DemandStatus.CLOSED and demand.closed_by == cat.applicant
    assert demand.met_222_at(at(2026, 6, 2, 9, 0)) is True
    with pytest.raises(WrongState):
        demands.confirm(demand, actor=cat.applicant)


def test_left_open_turns_red_and_a_late_resolution_is_not_compliant(cat, agent):
    demand = open_demand(cat, DemandClass.SMALL, owner=agent, now=RAISED)
    assert demand_clocks.light(demand, now=at(2026, 6, 1, 13, 31)) == "red"
    assert demands.outcome_222(demand, now=at(2026, 6, 1, 13, 31)) == "missed"
    demands.resolve(demand, actor=agent, resolution="已处理", now=at(2026, 6, 1, 14, 0))
    assert reload(demand).met_222_at(at(2026, 6, 1, 14, 0)) is False


def test_leader_close_needs_a_reason_and_only_a_leader_may(cat, agent):
    demand = open_demand(cat, DemandClass.GENERAL, owner=agent, now=RAISED)
    with pytest.raises(NotAllowed):
        demands.close(demand, actor=agent, reason="企业已撤回")
    with pytest.raises(DomainError):
        demands.close(demand, actor=cat.leader, reason="")
    demands.close(demand, actor=cat.leader, reason="企业已撤回诉求", now=at(2026, 6, 2, 9, 0))
    demand = reload(demand)
    assert demand.status == DemandStatus.CLOSED and demand.close_reason == "企业已撤回诉求"
    assert demand.next_check_at is None
    with pytest.raises(WrongState):
        demands.close(demand, actor=cat.leader, reason="again")


def test_reopen_restarts_the_clock_from_now(cat, agent):
    demand = open_demand(cat, DemandClass.SMALL, owner=agent, now=RAISED)
    with pytest.raises(WrongState):
        demands.reopen(demand, actor=cat.applicant, reason="仍有积水")
    demands.resolve(demand, actor=agent, resolution="已疏通", now=at(2026, 6, 1, 11, 0))
    demands.confirm(demand, actor=cat.applicant, now=at(2026, 6, 1, 11, 30))
    with pytest.raises(NotAllowed):
        demands.reopen(demand, actor=agent, reason="仍有积水")
    demands.reopen(demand, actor=cat.applicant, reason="下雨后仍有积水", now=at(2026, 6, 3, 16, 30))
    demand = reload(demand)
    assert demand.status == DemandStatus.OPEN and demand.reopened == 1
    # 1 h on Wed (16:30-17:30) + 1 h on Thu (09:00-10:00)
    assert demand.due_at == at(2026, 6, 4, 10, 0)
    assert demand.next_check_at == at(2026, 6, 4, 9, 30)
    assert demand.met_222_at(at(2026, 6, 4, 9, 0)) is None  # the new clock is still running
    # A correction after reopening counts from the reopening, not from the first raising.
    demands.reclassify(demand, actor=agent, classification=DemandClass.GENERAL, reason="需要管网改造",
                       now=at(2026, 6, 3, 17, 0))
    assert reload(demand).due_at == at(2026, 6, 5, 17, 30)
    assert AuditEntry.objects.filter(event="demand.reopened", subject_id=str(demand.pk)).count() == 1


def test_big_demand_gets_a_plan_in_time_then_is_resolved(cat, agent):
    demand = open_demand(cat, DemandClass.BIG, owner=agent, now=RAISED)  # plan due Wed 06-03 17:30
    with pytest.raises(WrongState):
        demands.resolve(demand, actor=agent, resolution="直接解决")
    small = open_demand(cat, DemandClass.SMALL, owner=agent, now=RAISED)
    with pytest.raises(WrongState):
        demands.propose_plan(small, actor=agent, plan="方案", plan_due_date=date(2026, 7, 1),
                             now=at(2026, 6, 1, 11, 0))
    demands.propose_plan(demand, actor=agent, plan="分两期改造园区道路排水管网", plan_due_date=date(2026, 7, 31),
                         now=at(2026, 6, 3, 10, 0))
    demand = reload(demand)
    assert demand.status == DemandStatus.PLAN_PROPOSED and demand.met_222_at(at(2026, 6, 3, 10, 0)) is True
    assert demand_clocks.light(demand, now=at(2026, 7, 1, 9, 0)) == "done"
    assert demand_clocks.light(demand, now=at(2026, 8, 3, 9, 0)) == "red"  # past the plan's own date
    demands.resolve(demand, actor=cat.leader, resolution="管网改造完成", now=at(2026, 7, 20, 10, 0))
    assert reload(demand).status == DemandStatus.RESOLVED
