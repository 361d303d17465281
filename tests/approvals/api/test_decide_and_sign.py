"""POST /api/v1/reviews/decide-and-sign/: opinion-ready reviews decided as proposed and signed with one code."""

import pytest

from approvals.models import DecisionSignature, ItemReview
from approvals.services import reviews as review_services
from portal.models import User
from tests.approvals.api.conftest import REVIEWS, fresh_code
from tests.approvals.api.test_reviews_inbox import two_bundles  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
URL = f"{REVIEWS}decide-and-sign/"


def test_the_chief_decides_as_proposed_and_signs_over_the_api(login, two_bundles):  # noqa: F811
    chief, staff = login("chief_cg"), login("staff")
    chief.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the messages are asserted in their msgids
    ids = [r["id"] for r in chief.get(REVIEWS).json()["results"]]
    for review_id in ids[:4]:
        answer = staff.post(f"{REVIEWS}{review_id}/opinion/",
                            {"opinion": "符合条件，拟准予。", "proposed_decision": "approve"}, format="json")
        assert answer.status_code == 200, answer.content
    ready = chief.get(f"{REVIEWS}?status=opinion_ready").json()
    assert sorted(r["id"] for r in ready["results"]) == sorted(ids[:4])

    # One without an opinion: 409, nothing decided or signed, the code not spent.
    code = fresh_code("chief_cg")
    refused = chief.post(URL, {"ids": ids[:5], "otp": code}, format="json")
    assert refused.status_code == 409 and "Nothing was decided or signed" in refused.json()["detail"]
    assert set(ItemReview.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"under_review"}

    # Decided meanwhile by a colleague (here: the chief on another page): 409 naming who.
    review_services.approve(ItemReview.objects.get(pk=ids[3]), actor=User.objects.get(username="chief_cg"))
    late = chief.post(URL, {"ids": ids[:4], "otp": code}, format="json")
    assert late.status_code == 409 and "decided meanwhile" in late.json()["detail"]

    done = chief.post(URL, {"ids": ids[:3], "otp": code}, format="json")
    assert done.status_code == 200, done.content
    assert {r["status"] for r in done.json()["signed"]} == {"signed"}
    assert {r["decision"] for r in done.json()["signed"]} == {"approve"}
    assert DecisionSignature.objects.filter(review_id__in=ids[:3]).count() == 3

    # The code is used up: another opinion-ready review is refused with it (403), nothing decided.
    assert staff.post(f"{REVIEWS}{ids[4]}/opinion/", {"opinion": "拟不予许可。", "proposed_decision": "refuse"},
                      format="json").status_code == 200
    assert chief.post(URL, {"ids": [ids[4]], "otp": code}, format="json").status_code == 403
    assert ItemReview.objects.get(pk=ids[4]).status == "under_review"
    # Staff may not decide.
    assert staff.post(URL, {"ids": [ids[4]], "otp": fresh_code("staff")}, format="json").status_code == 403
