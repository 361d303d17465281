"""Projects (ten steps, 三即), agency cases (接件 -> 办理 -> 督办 -> 反馈) and enterprises (stewardship) through the
API, with the 404 / 403 / 409 / 400 answers."""

import pytest

from agents.models import AgencyCase, InvestmentProject
from tests.agents.api.conftest import APPS, CASES, ENTERPRISES, PROJECTS

pytestmark = pytest.mark.django_db


# --- projects ----------------------------------------------------------------------------------------------
@pytest.fixture
def project(login, company):
    response = login("agent").post(PROJECTS, {"enterprise": company.credit_code, "name": "新能源汽车零部件项目",
                                              "plot": "12号地块", "contract_signed_on": "2026-06-01"}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_project_has_ten_steps_and_three_milestones(project):
    assert [s["number"] for s in project["steps"]] == list(range(1, 11))
    assert project["owner"]["username"] == "agent"
    assert [m["key"] for m in project["milestones"]] == ["contract_to_land", "handover_to_certificates",
                                                         "certificates_to_construction"]
    assert [m["elapsed_working_days"] for m in project["milestones"]] == [None, None, None]


def test_steps_and_milestones(login, project):
    agent = login("agent")
    url = f"{PROJECTS}{project['id']}/"
    patched = agent.patch(f"{url}steps/3/", {"planned_on": "2026-06-10", "note": "预审"}, format="json")
    assert patched.status_code == 200, patched.content
    step = patched.json()["steps"][2]
    assert step["planned_on"] == "2026-06-10" and step["note"] == "预审"
    assert agent.patch(f"{url}steps/11/", {"note": "x"}, format="json").status_code == 404
    assert agent.patch(f"{url}steps/3/", {"planned_on": "someday"}, format="json").status_code == 400
    assert agent.patch(f"{url}steps/3/", {}, format="json").status_code == 400  # nothing to change (service)
    supplied = agent.post(f"{url}milestones/", {"field": "land_supplied_on", "date": "2026-06-03"}, format="json")
    assert supplied.status_code == 200, supplied.content
    first = supplied.json()["milestones"][0]
    assert first["start"] == "2026-06-01" and first["end"] == "2026-06-03"
    assert first["elapsed_working_days"] == 2 and first["same_day"] is False
    assert agent.post(f"{url}milestones/", {"field": "contract_signed_on", "date": "2026-06-03"},
                      format="json").status_code == 400


def test_project_visibility_and_permissions(login, project, company):
    assert login("applicant").get(f"{PROJECTS}{project['id']}/").status_code == 200
    assert login("applicant_lh").get(f"{PROJECTS}{project['id']}/").status_code == 404
    assert login("applicant").patch(f"{PROJECTS}{project['id']}/steps/1/", {"note": "x"},
                                    format="json").status_code == 403
    refused = login("applicant").post(PROJECTS, {"enterprise": company.credit_code, "name": "x"}, format="json")
    assert refused.status_code == 403
    assert InvestmentProject.objects.count() == 1
    assert login("applicant").post(PROJECTS, {"name": "x"}, format="json").status_code == 400


def test_a_project_follows_its_own_bundles(login, grant, project, company, other_company):
    """三即 per project (issue 8, item 7): bundles are linked to the project, not taken from the company."""
    agent = login("agent")
    assert grant().status_code == 201
    filed = agent.post(APPS, {"package": "land-handover-certificates", "enterprise": company.credit_code,
                              "form": {"land_parcel_no": "12号地块"}}, format="json")
    assert filed.status_code == 201, filed.content
    url = f"{PROJECTS}{project['id']}/"
    linked = agent.post(f"{url}link-application/", {"application": filed.json()["id"]}, format="json")
    assert linked.status_code == 200, linked.content
    assert [a["reference"] for a in linked.json()["applications"]] == [filed.json()["reference"]]

    elsewhere = agent.post(APPS, {"package": "land-handover-certificates", "enterprise": company.credit_code,
                                  "form": {"land_parcel_no": "13号地块"}}, format="json")
    refused = agent.post(f"{url}link-application/", {"application": elsewhere.json()["id"]}, format="json")
    assert refused.status_code == 400 and "13号地块" in refused.json()["detail"]
    foreign = login("applicant_lh").post(APPS, {"package": "cg-trio"}, format="json").json()
    assert agent.post(f"{url}link-application/", {"application": foreign["id"]}, format="json").status_code == 400
    assert login("applicant").post(f"{url}link-application/", {"application": filed.json()["id"]},
                                   format="json").status_code == 403
    unlinked = agent.post(f"{url}unlink-application/", {"application": filed.json()["id"]}, format="json")
    assert unlinked.status_code == 200 and unlinked.json()["applications"] == []


# --- agency cases ------------------------------------------------------------------------------------------
@pytest.fixture
def case(login, company):
    response = login("agent").post(CASES, {"enterprise": company.credit_code, "title": "12号地块两证",
                                           "materials_received": "营业执照复印件"}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def act(client, case, action, body=None):
    return client.post(f"{CASES}{case['id']}/{action}/", body or {}, format="json")


def test_case_lifecycle(login, grant, case, company):
    agent, applicant = login("agent"), login("applicant")
    assert case["status"] == "received" and case["progress"] == []
    # The agent files a bundle for the company (authorised) and links it: the case shows its light.
    assert grant().status_code == 201
    filed = agent.post(APPS, {"package": "cg-trio", "enterprise": company.credit_code}, format="json")
    assert filed.status_code == 201
    linked = act(agent, case, "link-application", {"application": filed.json()["id"]})
    assert linked.status_code == 200, linked.content
    assert [p["id"] for p in linked.json()["progress"]] == [filed.json()["id"]]
    assert linked.json()["progress"][0]["light"]
    assert act(agent, case, "link-application", {"application": 999999}).status_code == 400
    assert act(agent, case, "handle").json()["status"] == "handling"
    chased = act(agent, case, "chase", {"note": "催办规划审批"})
    assert chased.status_code == 200 and chased.json()["status"] == "chasing"
    assert act(agent, case, "chase", {}).status_code == 400
    assert act(applicant, case, "report", {"result": "x"}).status_code == 403
    reported = act(agent, case, "report", {"result": "两证已办结"})
    assert reported.status_code == 200 and reported.json()["status"] == "reported"
    assert act(agent, case, "confirm").status_code == 403
    rejected = act(applicant, case, "reject-report", {"reason": "缺少一证"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "handling"
    assert act(applicant, case, "confirm").status_code == 409
    act(agent, case, "report", {"result": "三证齐全"})
    confirmed = act(applicant, case, "confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["confirmed_by"]["username"] == "applicant"


def test_case_visibility_and_who_receives(login, case, other_company):
    assert login("applicant").get(f"{CASES}{case['id']}/").status_code == 200
    assert login("applicant_lh").get(f"{CASES}{case['id']}/").status_code == 404
    assert login("agent2").get(f"{CASES}{case['id']}/").status_code == 404
    assert case["id"] in [c["id"] for c in login("agent").get(f"{CASES}?status=received").json()["results"]]
    # `agent` neither serves nor is authorised by the other company: refused, nothing created.
    refused = login("agent").post(CASES, {"enterprise": other_company.credit_code, "title": "x"}, format="json")
    assert refused.status_code == 403 and refused.json()["detail"]
    assert login("applicant").post(CASES, {"enterprise": other_company.credit_code, "title": "x"},
                                   format="json").status_code == 403
    assert AgencyCase.objects.count() == 1


# --- enterprises -------------------------------------------------------------------------------------------
def test_enterprise_visibility(login, company, other_company):
    def codes(username):
        return {e["credit_code"] for e in login(username).get(ENTERPRISES).json()["results"]}

    assert codes("applicant") == {company.credit_code}
    assert company.credit_code in codes("agent") and other_company.credit_code not in codes("agent")
    assert other_company.credit_code in codes("agent2") and company.credit_code not in codes("agent2")
    assert {company.credit_code, other_company.credit_code} <= codes("leader")
    assert codes("clerk") == set()
    detail = login("agent").get(f"{ENTERPRISES}{company.pk}/").json()
    assert detail["service_agent"]["username"] == "agent" and detail["leader"]["username"] == "leader"
    assert login("agent").get(f"{ENTERPRISES}{other_company.pk}/").status_code == 404


def test_reassign_keeps_history(login, company):
    url = f"{ENTERPRISES}{company.pk}/reassign/"
    assert login("agent").post(url, {"agent": "agent2", "reason": "x"}, format="json").status_code == 403
    assert login("leader").post(url, {"reason": "x"}, format="json").status_code == 400
    assert login("leader").post(url, {"agent": "applicant", "reason": "x"}, format="json").status_code == 400
    moved = login("leader").post(url, {"agent": "agent2", "reason": "专员调岗"}, format="json")
    assert moved.status_code == 200, moved.content
    body = moved.json()
    assert body["service_agent"]["username"] == "agent2"
    new, old = body["stewardship"]  # newest first; the pair in place before is kept as history
    assert new["current"] and new["agent"]["username"] == "agent2" and new["reason"] == "专员调岗"
    assert new["changed_by"]["username"] == "leader"
    assert not old["current"] and old["agent"]["username"] == "agent" and old["until"]
    # The old agent no longer sees the company (not authorised either); the new one does.
    assert login("agent").get(f"{ENTERPRISES}{company.pk}/").status_code == 404
    assert login("agent2").get(f"{ENTERPRISES}{company.pk}/").status_code == 200
