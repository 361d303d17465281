"""/api/v1/ratings/, /rectifications/, /pain-points/, /metrics/: thin over the services; errors with messages."""

import pytest
from rest_framework.test import APIClient

from approvals.models import Rating, RectificationCase
from tests.factories.applications import decided_application
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db


def client(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def decided(cat):
    return decided_application(cat)


def test_the_applicant_rates_through_the_api_and_cannot_change_it(cat, decided):
    api = client(cat.applicant)
    answer = api.post("/api/v1/ratings/", {"application": decided.pk, "level": "very_dissatisfied",
                                           "item": cat.fee_item.code, "efficiency": "dissatisfied",
                                           "text": "收费说明不清"}, format="json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["level"], body["item"]["code"], body["efficiency"], body["has_rectification"]) == (
        "very_dissatisfied", cat.fee_item.code, "dissatisfied", True)
    again = api.post("/api/v1/ratings/", {"application": decided.pk, "level": "satisfied",
                                          "item": cat.fee_item.code}, format="json")
    assert again.status_code == 409 and again.json()["detail"]
    rating_url = f"/api/v1/ratings/{body['id']}/"
    assert api.put(rating_url, {"level": "satisfied"}, format="json").status_code == 405
    assert api.patch(rating_url, {"level": "satisfied"}, format="json").status_code == 405
    assert api.delete(rating_url).status_code == 405
    assert Rating.objects.get().level == "very_dissatisfied"
    assert [r["id"] for r in api.get("/api/v1/ratings/").json()["results"]] == [body["id"]]


def test_an_agent_cannot_rate_and_bad_input_gets_field_errors(cat, decided):
    answer = client(UserFactory(agent=True)).post("/api/v1/ratings/", {"application": decided.pk,
                                                                       "level": "satisfied"}, format="json")
    assert answer.status_code == 400  # the agent cannot even see the application
    answer = client(cat.applicant).post("/api/v1/ratings/", {"application": decided.pk, "level": "great"},
                                        format="json")
    assert answer.status_code == 400 and "level" in answer.json()


def test_the_department_works_the_case_through_the_api(cat, decided):
    client(cat.applicant).post("/api/v1/ratings/", {"application": decided.pk, "level": "dissatisfied"},
                               format="json")
    case = RectificationCase.objects.get()
    staff = client(cat.staff_of(case.department))
    listed = staff.get("/api/v1/rectifications/").json()["results"]
    assert [(c["id"], c["status"], c["light"]) for c in listed] == [(case.pk, "open", "green")]
    answer = staff.post(f"/api/v1/rectifications/{case.pk}/call-back/", {"note": "已回访"}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "called_back"
    assert staff.post(f"/api/v1/rectifications/{case.pk}/call-back/", {"note": "x"},
                      format="json").status_code == 409
    answer = staff.post(f"/api/v1/rectifications/{case.pk}/resolve/", {"outcome": "explained", "note": "已解释"},
                        format="json")
    assert answer.json()["outcome"] == "explained"
    answer = client(cat.applicant).post(f"/api/v1/rectifications/{case.pk}/rate-fix/", {"level": "satisfied"},
                                        format="json")
    assert answer.json()["fix_level"] == "satisfied"
    other = client(cat.staff_of(cat.departments[1]))
    assert other.post(f"/api/v1/rectifications/{case.pk}/recheck/", {"note": "x"}, format="json").status_code == 404


def test_supervisors_flag_pain_points_and_read_the_metrics_but_change_nothing(cat, decided):
    supervisor = client(UserFactory(supervisor=True))
    answer = supervisor.post("/api/v1/pain-points/", {"application": decided.pk, "description": "材料重复提交"},
                             format="json")
    assert answer.status_code == 201 and answer.json()["light"] == "green"
    point = answer.json()["id"]
    assert supervisor.post(f"/api/v1/pain-points/{point}/answer/", {"answer": "x"}, format="json").status_code == 403
    assert client(UserFactory(admin=True)).post(f"/api/v1/pain-points/{point}/answer/", {"answer": "已处理"},
                                                format="json").json()["status"] == "answered"
    assert supervisor.post("/api/v1/ratings/", {"application": decided.pk, "level": "satisfied"},
                           format="json").status_code == 403
    metrics = supervisor.get("/api/v1/metrics/", {"from": "2026-06-01", "to": "2026-07-01"})
    assert metrics.status_code == 200
    figures = {f["key"]: f for f in metrics.json()["figures"]}
    assert figures["decided"]["value"] == 1
    assert figures["decided"]["definition"] == "docs/metrics.md#decided"
    assert figures["san_ji_handover_to_certificates_rate"]["definition"] == (
        "docs/metrics.md#san-ji-handover-to-certificates-rate")
    packages = {row["code"]: row for row in metrics.json()["packages"]}
    trio = packages[cat.package.code]  # the factories' trio: one stage, three items
    assert (trio["steps_item_by_item"], trio["steps_bundled"], trio["steps_saved"]) == (3, 1, 2)
    assert trio["fields_saved"] == trio["fields_item_by_item"] - trio["fields_bundled"] > 0
    assert supervisor.get("/api/v1/metrics/", {"from": "June"}).status_code == 400
    assert supervisor.get("/api/v1/metrics/", {"department": "x"}).status_code == 400
    assert client(cat.applicant).get("/api/v1/metrics/").status_code == 403
