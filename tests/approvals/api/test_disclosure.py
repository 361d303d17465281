"""Opinions stay internal until the decision: through the API the applicant and their agent never see the staff
opinion or the proposed decision, and see a decision with its reasons only once the chief has signed it."""

import pytest

from approvals.models import ItemReview
from tests.approvals.api.conftest import APPS, REVIEWS, fresh_code

pytestmark = pytest.mark.django_db

OPINION = "经核查，绿地占用面积超出规划指标，建议不予许可"
REFUSAL = "占用绿地面积超出控制性详细规划指标"
REMEDY = "如不服本决定，可在六十日内申请行政复议"
APPROVAL = "材料齐全，符合法定条件"
SECRETS = (OPINION, REFUSAL, REMEDY, APPROVAL)


@pytest.fixture
def decided_unsigned(login, make_submitted):
    """A trio bundle of the demo applicant's enterprise: staff opinions on two reviews, the chief refused one
    and approved the other, neither signed yet."""
    _applicant, detail = make_submitted(package="cg-trio")
    assert login("clerk").post(f"{APPS}{detail['id']}/accept/").status_code == 200
    first, second = ItemReview.objects.filter(application_id=detail["id"]).order_by("pk").values_list(
        "pk", flat=True)[:2]
    staff, chief = login("staff"), login("chief_cg")
    for review_id, proposed in ((first, "refuse"), (second, "approve")):
        response = staff.post(f"{REVIEWS}{review_id}/opinion/", {"opinion": OPINION, "proposed_decision": proposed},
                              format="json")
        assert response.status_code == 200, response.content
    response = chief.post(f"{REVIEWS}{first}/refuse/", {"reasons": REFUSAL, "remedy_notice": REMEDY}, format="json")
    assert response.status_code == 200, response.content
    response = chief.post(f"{REVIEWS}{second}/approve/", {"reasons": APPROVAL}, format="json")
    assert response.status_code == 200, response.content
    return detail["id"], first, second


def hidden(review):
    return {k: review[k] for k in ("status", "opinion", "proposed_decision", "decision", "decision_label",
                                   "reasons", "remedy_notice", "decided_by", "decided_at", "on_commitment")}


UNDISCLOSED = {"status": "under_review", "opinion": "", "proposed_decision": "", "decision": "",
               "decision_label": "", "reasons": "", "remedy_notice": "", "decided_by": None, "decided_at": None,
               "on_commitment": False}


@pytest.mark.parametrize("viewer", ["applicant", "agent"])
def test_the_applicant_side_sees_no_opinion_and_no_unsigned_decision(login, decided_unsigned, viewer):
    app_id, first, second = decided_unsigned
    response = login(viewer).get(f"{APPS}{app_id}/")
    assert response.status_code == 200
    text = response.content.decode()
    for secret in SECRETS:
        assert secret not in text
    reviews = {r["id"]: r for r in response.json()["reviews"]}
    assert hidden(reviews[first]) == UNDISCLOSED
    assert hidden(reviews[second]) == UNDISCLOSED
    untouched = next(r for r in reviews.values() if r["id"] not in (first, second))
    assert untouched["status"] == "under_review"
    assert reviews[first]["status_label"] == reviews[second]["status_label"] == untouched["status_label"]
    # Nor does the timeline tell of the chief's unsigned decisions.
    events = response.json()["events"]
    assert "item_decided" not in {e["kind"] for e in events}
    assert not any("decision" in e["data"] for e in events)


def test_staff_and_chief_still_see_the_opinion_and_the_decision_waiting_for_signature(login, decided_unsigned):
    app_id, first, _second = decided_unsigned
    for username in ("staff", "chief_cg"):
        client = login(username)
        reviews = {r["id"]: r for r in client.get(f"{APPS}{app_id}/").json()["reviews"]}
        assert reviews[first]["opinion"] == OPINION and reviews[first]["proposed_decision"] == "refuse"
        assert reviews[first]["status"] == "refused" and reviews[first]["reasons"] == REFUSAL
        inbox = client.get(f"{REVIEWS}{first}/").json()
        assert inbox["opinion"] == OPINION and inbox["decision"] == "refuse"


def test_once_signed_the_applicant_sees_the_decision_and_its_reasons_but_never_the_opinion(login, decided_unsigned):
    app_id, first, second = decided_unsigned
    chief = login("chief_cg")
    signed = chief.post(f"{REVIEWS}{first}/sign/", {"otp": fresh_code("chief_cg")}, format="json")
    assert signed.status_code == 200, signed.content
    for viewer in ("applicant", "agent"):
        response = login(viewer).get(f"{APPS}{app_id}/")
        reviews = {r["id"]: r for r in response.json()["reviews"]}
        refused = reviews[first]
        assert refused["status"] == "signed" and refused["decision"] == "refuse"
        assert refused["reasons"] == REFUSAL and refused["remedy_notice"] == REMEDY
        assert refused["decided_at"] and refused["decided_by"] and refused["signature"]
        assert refused["opinion"] == "" and refused["proposed_decision"] == ""
        # The other decision is still waiting for its signature.
        assert hidden(reviews[second]) == UNDISCLOSED
        text = response.content.decode()
        assert OPINION not in text and APPROVAL not in text
        assert "signed" in {e["kind"] for e in response.json()["events"]}
