"""The agents pages per role, through the Django test client: the workspace, a company's authorisations
(grant with the power of attorney, revoke with a reason), demands with the actions that apply to each role,
agency cases, reports, the ten-step track, the leader view and the company page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agents.models import AgencyCase, Authorization, CaseStatus, Demand, DemandStatus, InvestmentProject
from agents.services import demands as demand_services
from tests.agents.views.conftest import authorise_now, logged_in
from tests.factories.agents import power_of_attorney
from tests.factories.applications import draft_application
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db


def body(response):
    return response.content.decode()


def action_forms(response):
    return set(re.findall(r'data-testid="action-([a-z_]+)"', body(response)))


# --- workspace ------------------------------------------------------------------------------------------
def test_the_workspace_lists_companies_authorisations_bundles_and_demands(cat, filer):
    served = UserFactory(role="agent", username="served")
    cat.enterprise.service_agent = served
    cat.enterprise.save(update_fields=["service_agent"])
    application = draft_application(cat, actor=filer, now=timezone.now())
    demand = demand_services.raise_demand(actor=cat.applicant, enterprise=cat.enterprise, title="停车位不足",
                                          text="员工停车困难", category="other")

    page = body(logged_in(filer).get(reverse("agents:workspace")))
    assert cat.enterprise.name in page and f'data-testid="file-for-{cat.enterprise.pk}"' in page
    assert 'data-state="valid"' in page
    assert application.reference in page and demand.reference in page

    # the assigned agent without an authorisation sees the company, but cannot file for it
    page = body(logged_in(served).get(reverse("agents:workspace")))
    assert cat.enterprise.name in page and f'data-testid="file-for-{cat.enterprise.pk}"' not in page
    assert "must authorise you first" in page


def test_the_workspace_is_for_agents_only(cat):
    assert logged_in(cat.applicant).get(reverse("agents:workspace")).status_code == 403


# --- authorisations -------------------------------------------------------------------------------------
def test_a_company_member_grants_and_revokes_an_authorisation(cat):
    agent = UserFactory(role="agent", username="newagent", full_name="赵专员")
    client = logged_in(cat.applicant)
    url = reverse("agents:authorizations")
    today = timezone.localdate()
    response = client.post(url, {"agent": agent.pk, "scope": "all", "valid_from": today,
                                 "valid_until": today + timedelta(days=90),
                                 "power_of_attorney": power_of_attorney()})
    assert response.status_code == 302
    authorization = Authorization.objects.get(agent=agent)
    assert authorization.enterprise == cat.enterprise and authorization.granted_by == cat.applicant
    assert 'data-agent="newagent"' in body(client.get(url))
    letter = client.get(reverse("agents:power_of_attorney", args=[authorization.pk]))
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"

    response = client.post(reverse("agents:revoke_authorization", args=[authorization.pk]), {"reason": "项目结束"})
    assert response.status_code == 302
    authorization.refresh_from_db()
    assert authorization.revoked_at is not None and authorization.revoke_reason == "项目结束"
    assert 'data-state="revoked"' in body(client.get(url))
    again = client.post(reverse("agents:revoke_authorization", args=[authorization.pk]), {"reason": "x"})
    assert again.status_code == 400 and "already revoked" in body(again)


def test_a_refused_grant_keeps_what_was_typed(cat):
    agent = UserFactory(role="agent", username="keepme")
    today = timezone.localdate()
    response = logged_in(cat.applicant).post(reverse("agents:authorizations"), {
        "agent": agent.pk, "scope": "listed", "valid_from": today, "valid_until": today + timedelta(days=5),
        "power_of_attorney": power_of_attorney()})
    assert response.status_code == 400
    assert "List the items or packages" in body(response)
    assert re.search(rf'<option value="{agent.pk}" selected', body(response))
    assert not Authorization.objects.filter(agent=agent).exists()


def test_agents_cannot_manage_a_company_authorisations(cat, filer):
    assert logged_in(filer).get(reverse("agents:authorizations")).status_code == 403
    other_member = UserFactory(role="applicant")  # another company
    authorization = filer.authorizations.get()
    response = logged_in(other_member).post(reverse("agents:revoke_authorization", args=[authorization.pk]))
    assert response.status_code == 404


# --- demands --------------------------------------------------------------------------------------------
def test_a_demand_from_raising_to_closing_off_shows_each_role_its_actions(cat, filer):
    company = logged_in(cat.applicant)
    response = company.post(reverse("agents:raise_demand"), {
        "enterprise": cat.enterprise.pk, "title": "厂区停电", "text": "今天上午起厂区停电", "category": "utilities"})
    demand = Demand.objects.get()
    assert response.status_code == 302 and response.url == reverse("agents:demand", args=[demand.pk])
    url = reverse("agents:demand", args=[demand.pk])
    assert action_forms(company.get(url)) == set()

    agent = logged_in(filer)
    assert action_forms(agent.get(url)) == {"classify"}
    response = agent.post(url, {"action": "classify", "classify-classification": "small",
                                "classify-owner": filer.pk})
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == DemandStatus.OPEN and demand.owner == filer and demand.due_at is not None
    assert action_forms(agent.get(url)) == {"reclassify", "resolve"}

    response = agent.post(url, {"action": "reclassify", "reclassify-classification": "general",
                                "reclassify-reason": ""})
    assert response.status_code == 400  # the reason is required; nothing changed
    demand.refresh_from_db()
    assert demand.classification == "small"

    assert agent.post(url, {"action": "resolve", "resolve-resolution": "已抢修恢复供电"}).status_code == 302
    assert action_forms(company.get(url)) == {"confirm", "reopen"}
    assert company.post(url, {"action": "confirm"}).status_code == 302
    demand.refresh_from_db()
    assert demand.status == DemandStatus.CLOSED and demand.closed_by == cat.applicant
    page = body(company.get(url))
    assert 'data-outcome="met"' in page and action_forms(company.get(url)) == {"reopen"}

    response = company.post(url, {"action": "reopen", "reopen-reason": "又停电了"})
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == DemandStatus.OPEN and demand.reopened == 1


def test_a_leader_closes_off_with_a_reason_and_others_cannot(cat, filer):
    demand = demand_services.raise_demand(actor=cat.applicant, enterprise=cat.enterprise, title="噪音", text="夜间施工",
                                          category="environment")
    demand_services.classify(demand, actor=filer, classification="big", owner=filer)
    url = reverse("agents:demand", args=[demand.pk])
    agent = logged_in(filer)
    assert action_forms(agent.get(url)) == {"reclassify", "propose_plan"}
    refused = agent.post(url, {"action": "close", "close-reason": "不需要"})
    assert refused.status_code == 403 and "Only a leader" in body(refused)

    leader = logged_in(cat.leader)
    assert "close" in action_forms(leader.get(url))
    assert leader.post(url, {"action": "close", "close-reason": "企业已搬离园区"}).status_code == 302
    demand.refresh_from_db()
    assert demand.status == DemandStatus.CLOSED and demand.close_reason == "企业已搬离园区"


def test_an_agent_raises_a_demand_for_a_company_and_the_company_sees_it(cat, filer):
    response = logged_in(filer).post(reverse("agents:raise_demand"), {
        "enterprise": cat.enterprise.pk, "title": "代企业反映：供水压力低", "text": "三楼以上无水", "category": "utilities"})
    assert response.status_code == 302
    demand = Demand.objects.get()
    assert demand.raised_by == filer
    company_view = body(logged_in(cat.applicant).get(reverse("agents:demand", args=[demand.pk])))
    assert "agent for" in company_view
    assert demand.reference in body(logged_in(cat.applicant).get(reverse("agents:activity")))


def test_demands_of_other_companies_are_hidden(cat, filer):
    demand = demand_services.raise_demand(actor=cat.applicant, enterprise=cat.enterprise, title="a", text="b",
                                          category="other")
    outsider = UserFactory(role="applicant")
    assert logged_in(outsider).get(reverse("agents:demand", args=[demand.pk])).status_code == 404
    assert demand.reference not in body(logged_in(outsider).get(reverse("agents:demands")))
    assert demand.reference in body(logged_in(filer).get(reverse("agents:demands")))


# --- agency cases ---------------------------------------------------------------------------------------
def test_an_agency_case_from_receiving_to_the_company_confirming(cat, filer):
    agent = logged_in(filer)
    response = agent.post(reverse("agents:receive_case"), {
        "enterprise": cat.enterprise.pk, "title": "办理12号地块两证", "description": "", "materials_received": "营业执照复印件"})
    case = AgencyCase.objects.get()
    assert response.status_code == 302 and case.agent == filer
    url = reverse("agents:case", args=[case.pk])
    application = draft_application(cat, actor=filer, now=timezone.now())
    assert agent.post(url, {"action": "link", "link-application": application.pk}).status_code == 302
    page = body(agent.get(url))
    assert application.reference in page
    assert agent.post(url, {"action": "handle"}).status_code == 302
    assert agent.post(url, {"action": "report", "report-result": ""}).status_code == 400  # kept, nothing changed
    assert agent.post(url, {"action": "report", "report-result": "两证已取得"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REPORTED

    company = logged_in(cat.applicant)
    forms = set(re.findall(r'data-testid="case-([a-z]+)"', body(company.get(url))))
    assert {"confirm", "reject"} <= forms
    assert company.post(url, {"action": "confirm"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CONFIRMED


def test_a_stranger_agent_cannot_receive_a_case_for_the_company(cat):
    stranger = UserFactory(role="agent", username="stranger")
    response = logged_in(stranger).post(reverse("agents:receive_case"), {
        "enterprise": cat.enterprise.pk, "title": "x"})
    assert response.status_code == 400  # the company is not one of its own: not even a choice
    assert not AgencyCase.objects.exists()


# --- reports --------------------------------------------------------------------------------------------
def test_the_reports_show_triage_dispatch_clear_to_zero_and_compliance(cat, filer):
    demand = demand_services.raise_demand(actor=cat.applicant, enterprise=cat.enterprise, title="报表测试",
                                          text="内容", category="policy")
    today = timezone.localdate()
    page = logged_in(cat.leader).get(reverse("agents:reports"), {"day": today, "month": f"{today:%Y-%m}"})
    assert page.status_code == 200
    text = body(page)
    for testid in ("daily-new", "weekly-owner", "weekly-department", "compliance"):
        assert f'data-testid="{testid}"' in text
    assert demand.reference in text
    assert logged_in(filer).get(reverse("agents:reports")).status_code == 200
    assert logged_in(cat.leader).get(reverse("agents:reports"), {"month": "2026-13"}).status_code == 400
    assert logged_in(cat.applicant).get(reverse("agents:reports")).status_code == 403


# --- projects -------------------------------------------------------------------------------------------
def test_the_owner_agent_runs_the_ten_steps_and_records_milestones(cat, filer):
    agent = logged_in(filer)
    response = agent.post(reverse("agents:projects"), {
        "enterprise": cat.enterprise.pk, "name": "智能网联汽车零部件基地", "plot": "12号地块",
        "contract_signed_on": "2026-03-02", "owner": filer.pk})
    project = InvestmentProject.objects.get()
    assert response.status_code == 302 and project.steps.count() == 10
    url = reverse("agents:project", args=[project.pk])
    page = body(agent.get(url))
    assert page.count('class="step-form"') == 10 and 'data-testid="milestone-form"' in page
    step = project.steps.get(number=1)
    response = agent.post(url, {"action": f"step:{step.pk}", f"s{step.pk}-planned_on": "2026-03-05",
                                f"s{step.pk}-done_on": "2026-03-04", f"s{step.pk}-note": "已对接规划"})
    assert response.status_code == 302
    step.refresh_from_db()
    assert str(step.done_on) == "2026-03-04" and step.note == "已对接规划"
    assert agent.post(url, {"action": "milestone", "ms-field": "land_supplied_on",
                            "ms-date": "2026-03-02"}).status_code == 302
    page = body(agent.get(url))
    assert re.search(r'data-key="contract_to_land".*?data-same-day="yes"', page, re.S)
    assert 'data-key="handover_to_certificates"' in page and "Not reached yet" in page

    # another agent of the company sees the track but cannot edit it
    colleague = UserFactory(role="agent", username="colleague")
    authorise_now(cat.enterprise, colleague)
    other = logged_in(colleague)
    assert 'class="step-form"' not in body(other.get(url))
    assert other.post(url, {"action": "milestone", "ms-field": "land_supplied_on", "ms-date": "2026-03-03"}
                      ).status_code == 404
    company = body(logged_in(cat.applicant).get(url))
    assert "智能网联汽车零部件基地" in company and 'class="step-form"' not in company


def test_the_project_page_links_the_companys_bundles(cat, filer):
    from agents.services import projects

    project = projects.create_project(actor=filer, enterprise=cat.enterprise, name="智能网联汽车零部件基地",
                                      plot="12号地块", owner=filer)
    application = draft_application(cat)
    agent = logged_in(filer)
    url = reverse("agents:project", args=[project.pk])
    page = body(agent.get(url))
    assert 'data-testid="link-application"' in page and application.reference in page

    assert agent.post(url, {"action": "link", "link-application": application.pk}).status_code == 302
    assert list(project.applications.all()) == [application]
    page = body(agent.get(url))
    assert re.search(r'data-testid="project-applications".*?' + application.reference, page, re.S)
    assert agent.post(url, {"action": "link", "link-application": "x"}).status_code == 400
    assert agent.post(url, {"action": "unlink", "unlink-application": application.pk}).status_code == 302
    assert not project.applications.exists()


# --- leader and company pages ---------------------------------------------------------------------------
def test_the_leader_sees_their_companies_and_red_demands(cat, filer):
    demand = demand_services.raise_demand(actor=cat.applicant, enterprise=cat.enterprise, title="逾期诉求",
                                          text="x", category="other",
                                          now=timezone.now() - timedelta(days=10))
    demand_services.classify(demand, actor=filer, classification="small", owner=filer)
    page = body(logged_in(cat.leader).get(reverse("agents:leader")))
    assert cat.enterprise.name in page
    assert re.search(rf'data-testid="red-demands".*?{demand.reference}', page, re.S)
    assert logged_in(filer).get(reverse("agents:leader")).status_code == 403


def test_the_company_page_for_its_agent_and_its_leader_who_can_reassign(cat, filer):
    url = reverse("agents:enterprise", args=[cat.enterprise.pk])
    page = body(logged_in(filer).get(url))
    assert 'data-testid="file-for-company"' in page and 'data-testid="reassign-form"' not in page
    leader = logged_in(cat.leader)
    assert 'data-testid="reassign-form"' in body(leader.get(url))
    response = leader.post(url, {"agent": filer.pk, "reason": "专员调整"})
    assert response.status_code == 302
    cat.enterprise.refresh_from_db()
    assert cat.enterprise.service_agent == filer
    assert "专员调整" in body(leader.get(url))
    refused = leader.post(url, {"agent": filer.pk, "reason": "again"})
    assert refused.status_code == 400 and "Nothing changes" in body(refused)
    stranger = UserFactory(role="agent", username="stranger")
    assert logged_in(stranger).get(url).status_code == 404
    assert logged_in(cat.applicant).get(url).status_code == 403


def test_the_demand_page_name_the_sweeper_links_to_exists():
    assert reverse("agents:demand", args=[7]) == "/park/demands/7/"
