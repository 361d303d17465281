"""Demands through the API: raise, start/classify, reclassify, resolve, confirm (销号), reopen, close; the
status codes (404 invisible, 403 not allowed, 409 wrong state, 400 shape); filters; the reports."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agents.models import Demand
from tests.agents.api.conftest import DEMANDS, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def raised(login):
    """A demand raised by the demo applicant with one attachment (multipart)."""
    photo = SimpleUploadedFile("road.png", png_bytes("road"), content_type="image/png")
    response = login("applicant").post(DEMANDS, {"title": "厂区门口道路破损", "text": "货车无法进出，请协调修复。",
                                                 "category": "utilities", "attachments": [photo]},
                                       format="multipart")
    assert response.status_code == 201, response.content
    return response.json()


def post(client, demand, action, body=None):
    return client.post(f"{DEMANDS}{demand['id']}/{action}/", body or {}, format="json")


def test_raise_shows_the_demand_waiting_for_the_park(raised):
    assert raised["status"] == "raised" and raised["light"] == "waiting"
    assert raised["met_222"] is None and raised["classification"] == ""
    assert [a["original_name"] for a in raised["attachments"]] == ["road.png"]
    assert [h["event"] for h in raised["history"]] == ["demand.raised"]


def test_lifecycle_small_demand(login, raised):
    agent, applicant = login("agent"), login("applicant")
    started = post(agent, raised, "start", {"classification": "small"})
    assert started.status_code == 200, started.content
    body = started.json()
    assert body["status"] == "open" and body["owner"]["username"] == "agent"
    assert body["due_at"] and body["light"] in ("green", "yellow", "red")
    # Start is "take it on": a second start (or classify) answers 409.
    assert post(agent, raised, "start", {"classification": "small"}).status_code == 409
    assert post(agent, raised, "classify", {"classification": "small", "owner": "agent"}).status_code == 409
    # The company cannot resolve; the owner can.
    assert post(applicant, raised, "resolve", {"resolution": "x"}).status_code == 403
    resolved = post(agent, raised, "resolve", {"resolution": "已协调市政修复。"})
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    assert resolved.json()["met_222"] is True and resolved.json()["light"] == "done"
    # 销号 by the company; a second confirmation is a wrong state.
    assert post(agent, raised, "confirm").status_code == 403
    confirmed = post(applicant, raised, "confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "closed"
    assert post(applicant, raised, "confirm").status_code == 409
    # Reopening needs a reason (shape) and starts a new clock.
    assert post(applicant, raised, "reopen", {}).status_code == 400
    reopened = post(applicant, raised, "reopen", {"reason": "又坏了"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    assert reopened.json()["reopened"] == 1 and reopened.json()["due_at"]
    # Only a leader closes off without the company's confirmation.
    assert post(agent, raised, "close", {"reason": "企业已搬离"}).status_code == 403
    closed = post(login("leader"), raised, "close", {"reason": "企业已搬离"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["close_reason"] == "企业已搬离"
    events = [h["event"] for h in closed.json()["history"]]
    assert events == ["demand.raised", "demand.classified", "demand.resolved", "demand.confirmed",
                      "demand.reopened", "demand.closed"]


def test_big_demand_needs_a_plan_and_reclassification_keeps_history(login, raised):
    agent = login("agent")
    assert post(agent, raised, "classify", {"classification": "general", "owner": "agent"}).status_code == 200
    assert post(agent, raised, "propose-plan", {"plan": "p", "plan_due_date": "2099-01-01"}).status_code == 409
    assert post(agent, raised, "reclassify", {"classification": "big"}).status_code == 400  # reason missing
    big = post(agent, raised, "reclassify", {"classification": "big", "reason": "涉及多个部门"})
    assert big.status_code == 200 and big.json()["classification"] == "big"
    assert big.json()["reclassifications"][0]["from_class"] == "general"
    assert post(agent, raised, "resolve", {"resolution": "x"}).status_code == 409
    planned = post(agent, raised, "propose-plan", {"plan": "分三步协调", "plan_due_date": "2099-01-01"})
    assert planned.status_code == 200 and planned.json()["status"] == "plan_proposed"
    assert planned.json()["plan_due_date"] == "2099-01-01" and planned.json()["met_222"] is True


def test_visibility_and_park_only_actions(login, raised):
    assert login("agent2").get(f"{DEMANDS}{raised['id']}/").status_code == 404
    assert login("applicant_lh").get(f"{DEMANDS}{raised['id']}/").status_code == 404
    assert post(login("applicant_lh"), raised, "start", {"classification": "small"}).status_code == 404
    assert post(login("applicant"), raised, "start", {"classification": "small"}).status_code == 403
    assert login("agent").get(f"{DEMANDS}{raised['id']}/").status_code == 200
    assert login("leader").get(f"{DEMANDS}{raised['id']}/").status_code == 200


@pytest.mark.parametrize("body, field", [
    ({"classification": "huge"}, "classification"),
    ({"classification": "small", "owner": "nobody"}, "owner"),
])
def test_shape_errors(login, raised, body, field):
    response = post(login("agent"), raised, "start", body)
    assert response.status_code == 400 and field in response.json()
    assert Demand.objects.get(pk=raised["id"]).status == "raised"


def test_a_demand_for_another_company_is_refused(login, accounts):
    response = login("applicant").post(DEMANDS, {"title": "t", "text": "x",
                                                 "enterprise": accounts["applicant_lh"]["enterprise"]}, format="json")
    assert response.status_code == 403
    assert not Demand.objects.exists()


def test_the_agent_raises_for_its_company(login, accounts):
    response = login("agent").post(DEMANDS, {"title": "用电报装", "text": "需要增容",
                                             "enterprise": accounts["applicant"]["enterprise"]}, format="json")
    assert response.status_code == 201
    assert login("applicant").get(f"{DEMANDS}{response.json()['id']}/").status_code == 200


def test_list_filters(login, raised, accounts):
    agent = login("agent")
    second = agent.post(DEMANDS, {"title": "b", "text": "b", "enterprise": accounts["applicant"]["enterprise"]},
                        format="json").json()
    assert post(agent, second, "classify", {"classification": "general", "owner": "agent"}).status_code == 200

    def ids(query):
        response = agent.get(f"{DEMANDS}?{query}")
        assert response.status_code == 200
        return {d["id"] for d in response.json()["results"]}

    assert ids("") == {raised["id"], second["id"]}
    assert ids("class=general") == {second["id"]}
    assert ids("status=raised") == {raised["id"]}
    assert ids("light=waiting") == {raised["id"]}
    assert ids("light=green,yellow,red") == {second["id"]}
    assert ids("owner=me") == {second["id"]}
    assert ids(f"enterprise={accounts['applicant_lh']['enterprise']}") == set()


@pytest.mark.parametrize("query", ["kind=daily", "kind=daily&day=2026-06-01", "kind=weekly&week_start=2026-06-01",
                                   "kind=monthly&year=2026&month=6", "kind=compliance&start=2026-01-01&end=2026-12-31",
                                   "kind=weekly", "kind=monthly", "kind=compliance"])
def test_reports(login, raised, query):
    agent = login("agent")
    post(agent, raised, "start", {"classification": "small"})
    response = agent.get(f"{DEMANDS}reports/?{query}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["kind"] == query.split("&")[0].split("=")[1]
    assert body["parameters"] and body["report"] is not None


def test_report_contents(login, raised):
    from django.utils import timezone

    agent = login("agent")
    today = timezone.localdate()
    daily = agent.get(f"{DEMANDS}reports/?kind=daily&day={today}").json()
    assert daily["parameters"] == {"day": str(today)}
    assert [d["reference"] for d in daily["report"]["new"]] == [raised["reference"]]
    assert [d["reference"] for d in daily["report"]["unclassified"]] == [raised["reference"]]
    post(agent, raised, "start", {"classification": "small"})
    post(agent, raised, "resolve", {"resolution": "ok"})
    far = "start=2000-01-01&end=2100-12-31"
    lines = agent.get(f"{DEMANDS}reports/?kind=compliance&{far}").json()["report"]
    assert [line["classification"] for line in lines] == ["small", "general", "big", "all"]
    assert lines[0] == {**lines[0], "decided": 1, "in_time": 1, "share": 100.0}
    assert lines[1]["share"] is None
    monthly = agent.get(f"{DEMANDS}reports/?kind=monthly&year={today.year}&month={today.month}").json()["report"]
    assert monthly["raised"] == 1 and "cleared" in monthly
    weekly = agent.get(f"{DEMANDS}reports/?kind=weekly").json()
    assert set(weekly["report"]) >= {"by_owner", "by_department", "by_category"}


@pytest.mark.parametrize("query, status", [("kind=yearly", 400), ("", 400), ("kind=daily&day=nope", 400),
                                           ("kind=compliance&start=2026-02-01&end=2026-01-01", 400)])
def test_report_shape_errors(login, query, status):
    assert login("agent").get(f"{DEMANDS}reports/?{query}").status_code == status


def test_reports_are_for_the_park(login):
    assert login("applicant").get(f"{DEMANDS}reports/?kind=daily").status_code == 403


def test_the_light_filter_and_the_222_result_agree_with_what_each_demand_shows(login, raised, accounts):
    """One definition of every light and of "222 met": a demand resolved in time is done (never red later), an
    open demand past its due time is red and has missed the 222 limit — in the list filter, in the API's
    fields and on the demand's page alike."""
    import datetime

    import time_machine
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from portal.models import User

    agent = login("agent")
    assert post(agent, raised, "start", {"classification": "small"}).status_code == 200
    assert post(agent, raised, "resolve", {"resolution": "已协调市政修复。"}).status_code == 200
    overdue = agent.post(DEMANDS, {"title": "路灯不亮", "text": "厂区北门路灯不亮。",
                                   "enterprise": accounts["applicant"]["enterprise"]}, format="json").json()
    assert post(agent, overdue, "start", {"classification": "small"}).status_code == 200
    waiting = agent.post(DEMANDS, {"title": "停车位不足", "text": "希望增加停车位。",
                                   "enterprise": accounts["applicant"]["enterprise"]}, format="json").json()

    with time_machine.travel(timezone.now() + datetime.timedelta(days=30), tick=False):
        agent = login("agent")  # a month on, the staff token of the morning has expired: log in again

        def ids(query):
            response = agent.get(f"{DEMANDS}?{query}")
            assert response.status_code == 200
            return {d["id"] for d in response.json()["results"]}

        shown = {d["id"]: d for d in agent.get(DEMANDS).json()["results"]}
        assert {i: (d["light"], d["met_222"]) for i, d in shown.items()} == {
            raised["id"]: ("done", True), overdue["id"]: ("red", False), waiting["id"]: ("waiting", None)}
        assert ids("light=red") == {overdue["id"]}
        assert ids("light=done") == {raised["id"]}
        assert ids("light=waiting") == {waiting["id"]}
        assert ids("light=green,yellow") == set()
        detail = agent.get(f"{DEMANDS}{overdue['id']}/").json()
        assert (detail["light"], detail["met_222"]) == ("red", False)

        page = Client()
        page.force_login(User.objects.get(username="agent"))
        html = page.get(reverse("agents:demand", args=[overdue["id"]]), HTTP_ACCEPT_LANGUAGE="en")
        assert html.status_code == 200
        assert 'data-testid="demand-222" data-outcome="missed"' in html.content.decode()
        assert 'data-light="red"' in html.content.decode()
