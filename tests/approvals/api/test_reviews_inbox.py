"""The department inbox (ordering, filters, counts) and batch signing: one code, all or nothing."""

import pytest

from approvals.models import DecisionSignature, ItemReview
from tests.approvals.api.conftest import APPS, REVIEWS, fresh_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_bundles(login, make_submitted):
    """Two accepted trio bundles from two enterprises: six cgj reviews."""
    ids = []
    for username in ("applicant", "applicant_lh"):
        _client, detail = make_submitted(package="cg-trio", username=username)
        assert login("clerk").post(f"{APPS}{detail['id']}/accept/").status_code == 200
        ids.append(detail["id"])
    return ids


def test_inbox_is_ordered_by_due_time_with_counts(login, two_bundles):
    chief = login("chief_cg")
    inbox = chief.get(REVIEWS).json()
    assert inbox["count"] == 6
    assert set(inbox["counts"]) == {"green", "yellow", "red", "paused", "waiting", "done"}
    assert sum(inbox["counts"].values()) == 6
    dues = [r["due_at"] for r in inbox["results"]]
    assert dues == sorted(dues)
    assert chief.get(f"{REVIEWS}counts/").json() == inbox["counts"]
    light = inbox["results"][0]["light"]
    only = chief.get(f"{REVIEWS}?light={light}").json()
    assert only["count"] == inbox["counts"][light] and {r["light"] for r in only["results"]} == {light}
    assert only["counts"] == inbox["counts"]  # the counts ignore the light filter
    assert chief.get(f"{REVIEWS}?status=signed").json()["count"] == 0
    assert chief.get(f"{REVIEWS}?status=all").json()["count"] == 6
    # A supervisor oversees every department and may narrow to one.
    supervisor = login("supervisor")
    assert supervisor.get(f"{REVIEWS}?department=cgj").json()["count"] == 6
    assert supervisor.get(f"{REVIEWS}?department=ghzy").json()["count"] == 0


def test_batch_sign_is_all_or_nothing(login, two_bundles):
    chief = login("chief_cg")
    ids = [r["id"] for r in chief.get(REVIEWS).json()["results"]]
    for review_id in ids[:5]:
        assert chief.post(f"{REVIEWS}{review_id}/approve/", {}, format="json").status_code == 200

    # One review not decided yet: nothing is signed, and the code is not spent.
    refused = chief.post(f"{REVIEWS}sign/", {"ids": ids, "otp": fresh_code("chief_cg")}, format="json")
    assert refused.status_code == 409 and refused.json()["detail"]
    assert not DecisionSignature.objects.filter(review_id__in=ids).exists()

    # A review of another department is not visible: 404, nothing signed.
    other = ItemReview.objects.exclude(department__code="cgj").first()
    if other is not None:
        hidden = chief.post(f"{REVIEWS}sign/", {"ids": [ids[0], other.pk], "otp": fresh_code("chief_cg")},
                            format="json")
        assert hidden.status_code == 404
    assert chief.post(f"{REVIEWS}sign/", {"ids": [ids[0], 999999], "otp": fresh_code("chief_cg")},
                      format="json").status_code == 404

    signed = chief.post(f"{REVIEWS}sign/", {"ids": ids[:5], "otp": fresh_code("chief_cg")}, format="json")
    assert signed.status_code == 200, signed.content
    assert len(signed.json()["signed"]) == 5
    assert DecisionSignature.objects.filter(review_id__in=ids).count() == 5
    hashes = {r["signature"]["content_sha256"] for r in signed.json()["signed"]}
    assert len(hashes) == 5

    # Signed decisions cannot be signed or changed again.
    assert chief.post(f"{REVIEWS}sign/", {"ids": ids[:1], "otp": fresh_code("chief_cg")},
                      format="json").status_code == 409
    assert chief.post(f"{REVIEWS}{ids[0]}/refuse/", {"reasons": "改判"}, format="json").status_code == 409

    # A wrong code: 403, nothing signed. (Last: a failed code makes the device wait before the next try.)
    assert chief.post(f"{REVIEWS}{ids[5]}/approve/", {}, format="json").status_code == 200
    wrong = chief.post(f"{REVIEWS}sign/", {"ids": [ids[5]], "otp": "000000"}, format="json")
    assert wrong.status_code == 403 and wrong.json()["detail"]
    assert ItemReview.objects.get(pk=ids[5]).status == "approved"


def test_batch_sign_input_shape(login, two_bundles):
    chief = login("chief_cg")
    empty = chief.post(f"{REVIEWS}sign/", {"ids": [], "otp": "123456"}, format="json")
    assert empty.status_code == 400 and "ids" in empty.json()
    no_code = chief.post(f"{REVIEWS}sign/", {"ids": [1]}, format="json")
    assert no_code.status_code == 400 and "otp" in no_code.json()


def test_staff_cannot_batch_sign(login, two_bundles):
    chief, staff = login("chief_cg"), login("staff")
    review_id = chief.get(REVIEWS).json()["results"][0]["id"]
    assert chief.post(f"{REVIEWS}{review_id}/approve/", {}, format="json").status_code == 200
    response = staff.post(f"{REVIEWS}sign/", {"ids": [review_id], "otp": fresh_code("staff")}, format="json")
    assert response.status_code == 403
    assert ItemReview.objects.get(pk=review_id).status == "approved"
