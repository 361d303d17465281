"""Who sees what (404) and who may do what (403) through the API; input shape errors (400)."""

import pytest

from approvals.models import ItemReview
from tests.approvals.api.conftest import APPS, REVIEWS, fresh_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(login, make_submitted):
    """A trio bundle of the demo applicant's enterprise, accepted: three cgj reviews under review."""
    applicant, detail = make_submitted(package="cg-trio")
    assert login("clerk").post(f"{APPS}{detail['id']}/accept/").status_code == 200
    return applicant, detail["id"]


def test_anonymous_is_refused(accounts, client):
    assert client.get(APPS).status_code in (401, 403)
    assert client.get(REVIEWS).status_code in (401, 403)


def test_applicant_sees_only_their_enterprise(login, accepted):
    _applicant, app_id = accepted
    other = login("applicant_lh")
    assert other.get(f"{APPS}{app_id}/").status_code == 404
    assert other.post(f"{APPS}{app_id}/withdraw/", {}, format="json").status_code == 404
    assert other.get(f"{APPS}{app_id}/materials/").status_code == 404
    assert app_id not in [a["id"] for a in other.get(APPS).json()["results"]]
    # Applicants have no inbox and see no review.
    assert other.get(REVIEWS).json()["count"] == 0
    review_id = ItemReview.objects.filter(application_id=app_id).first().pk
    assert other.get(f"{REVIEWS}{review_id}/").status_code == 404


def test_applicant_cannot_file_for_another_enterprise(login, accounts):
    response = login("applicant").post(APPS, {"package": "cg-trio",
                                              "enterprise": accounts["applicant_lh"]["enterprise"]}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"]


def test_another_department_does_not_see_the_application_or_reviews(login, accepted):
    _applicant, app_id = accepted
    planning_chief = login("chief_gh")
    assert planning_chief.get(f"{APPS}{app_id}/").status_code == 404
    assert planning_chief.get(REVIEWS).json()["count"] == 0
    review_id = ItemReview.objects.filter(application_id=app_id).first().pk
    assert planning_chief.get(f"{REVIEWS}{review_id}/").status_code == 404
    assert planning_chief.post(f"{REVIEWS}{review_id}/approve/", {}, format="json").status_code == 404
    assert planning_chief.post(f"{APPS}{app_id}/accept/").status_code == 404


def test_staff_may_prepare_but_not_decide(login, accepted):
    _applicant, app_id = accepted
    staff = login("staff")
    review_id = staff.get(REVIEWS).json()["results"][0]["id"]
    refused = staff.post(f"{REVIEWS}{review_id}/approve/", {"reasons": "符合条件"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_allowed" and refused.json()["detail"]
    opinion = staff.post(f"{REVIEWS}{review_id}/opinion/", {"opinion": "材料齐全，建议准予", "proposed_decision":
                                                            "approve"}, format="json")
    assert opinion.status_code == 200, opinion.content
    assert opinion.json()["proposed_decision"] == "approve"
    # Staff cannot extend either: only a leader can.
    assert staff.post(f"{REVIEWS}{review_id}/extend/", {"days": 5, "reason": "专家论证"},
                      format="json").status_code == 403


def test_applicant_cannot_accept_their_own_application(login, make_submitted):
    applicant, detail = make_submitted(package="cg-trio")
    response = applicant.post(f"{APPS}{detail['id']}/accept/")
    assert response.status_code == 403


def test_leader_extends_once_with_reason(login, accepted):
    _applicant, app_id = accepted
    leader = login("leader")
    review = ItemReview.objects.filter(application_id=app_id).order_by("pk").first()
    before = review.due_at
    extended = leader.post(f"{REVIEWS}{review.pk}/extend/", {"days": 5, "reason": "需组织专家论证"}, format="json")
    assert extended.status_code == 200, extended.content
    body = extended.json()
    assert body["extension"]["days"] == 5 and body["extension"]["reason"] == "需组织专家论证"
    review.refresh_from_db()
    assert review.due_at > before
    again = leader.post(f"{REVIEWS}{review.pk}/extend/", {"days": 2, "reason": "再次延长"}, format="json")
    assert again.status_code == 409 and again.json()["detail"]


def test_suspend_and_resume_move_the_clock(login, accepted):
    _applicant, app_id = accepted
    staff = login("staff")
    review_id = staff.get(REVIEWS).json()["results"][0]["id"]
    bad = staff.post(f"{REVIEWS}{review_id}/suspend/", {"kind": "nap"}, format="json")
    assert bad.status_code == 400
    assert {"kind", "reason", "expected_days"} <= set(bad.json())
    suspended = staff.post(f"{REVIEWS}{review_id}/suspend/", {"kind": "expert_review", "reason": "专家评审",
                                                              "expected_days": 3}, format="json")
    assert suspended.status_code == 200, suspended.content
    body = suspended.json()
    assert body["status"] == "suspended" and body["light"] == "paused" and body["due_at"] is None
    assert body["pauses"][0]["expected_days"] == 3 and body["pauses"][0]["ended_at"] is None
    paused = staff.get(f"{REVIEWS}?light=paused").json()
    assert [r["id"] for r in paused["results"]] == [review_id]
    assert paused["counts"]["paused"] == 1
    assert staff.post(f"{REVIEWS}{review_id}/suspend/", {"kind": "hearing", "reason": "听证", "expected_days": 1},
                      format="json").status_code == 409
    resumed = staff.post(f"{REVIEWS}{review_id}/resume/")
    assert resumed.status_code == 200
    assert resumed.json()["status"] == "under_review" and resumed.json()["due_at"]
    assert staff.post(f"{REVIEWS}{review_id}/resume/").status_code == 409


def test_create_needs_a_package_or_items(login):
    applicant = login("applicant")
    neither = applicant.post(APPS, {}, format="json")
    assert neither.status_code == 400 and "package" in neither.json()
    unknown = applicant.post(APPS, {"package": "no-such-package"}, format="json")
    assert unknown.status_code == 400 and "package" in unknown.json()
    bad_items = applicant.post(APPS, {"items": ["NOPE-001"]}, format="json")
    assert bad_items.status_code == 400 and "NOPE-001" in bad_items.json()["detail"]
    bad_form = applicant.post(APPS, {"package": "cg-trio", "form": "not a dict"}, format="json")
    assert bad_form.status_code == 400 and "form" in bad_form.json()


def test_clerk_files_for_a_walk_in_enterprise(login, accounts):
    clerk = login("clerk")
    missing = clerk.post(APPS, {"package": "cg-trio"}, format="json")
    assert missing.status_code == 400 and "enterprise" in missing.json()
    created = clerk.post(APPS, {"items": ["CG-BA-001"], "enterprise": accounts["applicant_fw"]["enterprise"]},
                         format="json")
    assert created.status_code == 201, created.content
    assert created.json()["channel"] == "window"
    # The enterprise's own applicant sees it too.
    assert login("applicant_fw").get(f"{APPS}{created.json()['id']}/").status_code == 200


def test_list_filters_by_status(login, make_submitted):
    applicant, detail = make_submitted(package="cg-trio")
    draft = applicant.post(APPS, {"items": ["CG-BA-001"]}, format="json").json()
    ids = lambda response: [a["id"] for a in response.json()["results"]]  # noqa: E731
    assert set(ids(applicant.get(APPS))) == {detail["id"], draft["id"]}
    assert ids(applicant.get(f"{APPS}?status=submitted")) == [detail["id"]]
    assert set(ids(applicant.get(f"{APPS}?status=draft,submitted"))) == {detail["id"], draft["id"]}
    listed = applicant.get(f"{APPS}?status=submitted").json()["results"][0]
    assert listed["light"] in ("green", "yellow", "red") and listed["status_label"]
    # The department does not see drafts it was not asked to look at.
    assert ids(login("clerk").get(APPS)) == [detail["id"]]


def test_withdraw_then_second_click_is_409(login, make_submitted):
    applicant, detail = make_submitted(package="cg-trio")
    withdrawn = applicant.post(f"{APPS}{detail['id']}/withdraw/", {"reason": "项目调整"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    again = applicant.post(f"{APPS}{detail['id']}/withdraw/", {"reason": "项目调整"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "wrong_state"


def test_changing_a_submitted_form_is_409(login, make_submitted):
    applicant, detail = make_submitted(package="cg-trio")
    delivery = applicant.patch(f"{APPS}{detail['id']}/", {"delivery_method": "window"}, format="json")
    assert delivery.status_code == 409 and delivery.json()["detail"]


def test_patching_the_form_of_a_submitted_application_is_409(login, make_submitted):
    applicant, detail = make_submitted(package="cg-trio")
    response = applicant.patch(f"{APPS}{detail['id']}/", {"form": {"project_name": "x"}}, format="json")
    assert response.status_code == 409 and response.json()["detail"]


def test_refuse_acceptance_through_the_review_route_needs_a_review(login, make_submitted):
    """Before acceptance there are no reviews: the window uses applications/{id}/refuse-acceptance/."""
    _applicant, detail = make_submitted(package="cg-trio")
    clerk = login("clerk")
    no_reason = clerk.post(f"{APPS}{detail['id']}/refuse-acceptance/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    refused = clerk.post(f"{APPS}{detail['id']}/refuse-acceptance/",
                         {"reason": "不属于本机关职权范围", "apply_instead_to": "区住房城乡建委"}, format="json")
    assert refused.status_code == 200
    assert refused.json()["status"] == "not_accepted"
    assert refused.json()["apply_instead_to"] == "区住房城乡建委"


def test_sign_with_a_used_code_is_refused(login, accepted):
    _applicant, app_id = accepted
    chief = login("chief_cg")
    review_id = chief.get(REVIEWS).json()["results"][0]["id"]
    assert chief.post(f"{REVIEWS}{review_id}/approve/", {}, format="json").status_code == 200
    code = fresh_code("chief_cg")
    assert chief.post(f"{REVIEWS}{review_id}/sign/", {"otp": code}, format="json").status_code == 200
    review_id2 = chief.get(REVIEWS).json()["results"][0]["id"]
    assert chief.post(f"{REVIEWS}{review_id2}/approve/", {}, format="json").status_code == 200
    reused = chief.post(f"{REVIEWS}{review_id2}/sign/", {"otp": code}, format="json")
    assert reused.status_code == 403
    assert ItemReview.objects.get(pk=review_id2).status == "approved"
