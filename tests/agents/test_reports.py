"""日研判、周调度、月清零 and the 222 compliance on a small, hand-made week of demands."""

from datetime import date

import pytest

from agents.services import demands, reports
from tests.factories.agents import open_demand, raised_demand
from tests.factories.applications import shanghai as at

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(cat, agent):
    staff = cat.staff_of(cat.departments[0])
    d1 = open_demand(cat, "small", owner=agent, now=at(2026, 6, 1, 10, 0), title="路灯不亮")  # due 12:00
    demands.resolve(d1, actor=agent, resolution="已修复", now=at(2026, 6, 1, 11, 0))
    demands.confirm(d1, actor=cat.applicant, now=at(2026, 6, 1, 14, 0))
    d2 = open_demand(cat, "small", owner=agent, now=at(2026, 6, 1, 10, 0), title="井盖松动")  # left open: red
    d3 = open_demand(cat, "general", owner=staff, by=agent, now=at(2026, 6, 2, 9, 0), category="approvals",
                     title="绿地审批咨询")  # due Thu 06-04 17:30
    demands.resolve(d3, actor=staff, resolution="已答复", now=at(2026, 6, 4, 10, 0))
    d4 = open_demand(cat, "big", owner=agent, now=at(2026, 6, 1, 10, 0), title="道路改造")  # plan due Wed 17:30
    demands.propose_plan(d4, actor=agent, plan="分期改造", plan_due_date=date(2026, 7, 31), now=at(2026, 6, 4, 10, 0))
    d5 = raised_demand(cat, now=at(2026, 6, 1, 15, 0), title="停车位不足")  # not classified
    return {"d1": d1, "d2": d2, "d3": d3, "d4": d4, "d5": d5, "agent": agent, "staff": staff}


def refs(rows):
    return sorted(r.title for r in rows)


def test_daily_triage(week):
    triage = reports.daily_triage(date(2026, 6, 1), now=at(2026, 6, 1, 17, 0))
    assert refs(triage.new) == sorted(["路灯不亮", "井盖松动", "道路改造", "停车位不足"])
    assert refs(triage.red) == ["井盖松动"]
    assert refs(triage.unclassified) == ["停车位不足"]
    assert refs(reports.daily_triage(date(2026, 6, 1), now=at(2026, 6, 1, 11, 0)).red) == []


def test_weekly_dispatch_per_owner_department_and_category(week):
    dispatch = reports.weekly_dispatch(date(2026, 6, 1), now=at(2026, 6, 7, 12, 0))
    by_owner = {line.key: line for line in dispatch.by_owner}
    agent_line, staff_line = by_owner[str(week["agent"].pk)], by_owner[str(week["staff"].pk)]
    assert (agent_line.raised, agent_line.open, agent_line.red, agent_line.resolved) == (3, 1, 1, 1)
    assert (staff_line.raised, staff_line.open, staff_line.red, staff_line.resolved) == (1, 0, 0, 1)
    by_department = {line.key: line for line in dispatch.by_department}
    assert by_department["tst-a-urban"].resolved == 1
    assert by_department["park"].red == 1
    by_category = {line.key: line for line in dispatch.by_category}
    assert by_category["approvals"].raised == 1
    assert by_category["utilities"].raised == 4
    assert dispatch.by_owner[0].red == 1  # the red ones first


def test_monthly_clear_to_zero_lists_what_is_still_open_and_why(week):
    month = reports.monthly_clear_to_zero(2026, 6)
    assert (month.raised, month.closed, month.cleared) == (5, 1, False)
    rows = {row.demand.title: row for row in month.open_rows}
    assert sorted(rows) == sorted(["井盖松动", "绿地审批咨询", "道路改造", "停车位不足"])
    assert rows["井盖松动"].overdue and "Overdue since 2026-06-01 12:00" in rows["井盖松动"].why
    assert not rows["绿地审批咨询"].overdue and "confirmation" in rows["绿地审批咨询"].why
    assert rows["道路改造"].overdue and "2026-07-31" in rows["道路改造"].why
    assert "Not classified" in rows["停车位不足"].why
    assert reports.monthly_clear_to_zero(2026, 5).cleared


def test_compliance_222_per_class(week):
    lines = {line.classification: line for line in reports.compliance_222(date(2026, 6, 1), date(2026, 6, 30),
                                                                           now=at(2026, 6, 10, 9, 0))}
    assert (lines["small"].decided, lines["small"].in_time, lines["small"].share) == (2, 1, 50.0)
    assert (lines["general"].decided, lines["general"].in_time, lines["general"].share) == (1, 1, 100.0)
    assert (lines["big"].decided, lines["big"].in_time, lines["big"].share) == (1, 0, 0.0)
    assert (lines["all"].decided, lines["all"].in_time, lines["all"].share) == (4, 2, 50.0)
    assert reports.compliance_222(date(2026, 7, 1), date(2026, 7, 31))[-1].share is None
