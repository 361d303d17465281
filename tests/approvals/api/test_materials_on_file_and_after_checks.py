"""The API over the demo district (issue 8, items 6 and 8): documents the government holds are never asked for in
the packages that need them, the requirements endpoint says why, and 告知承诺 is decided at acceptance with an
after-check (事后核查) the department closes through /api/v1/after-checks/."""

import pytest

from portal.models import Enterprise
from tests.approvals.api.conftest import APPS, DECLARED, REVIEWS, fresh_code, upload, valid_form

pytestmark = pytest.mark.django_db
AFTER_CHECKS = "/api/v1/after-checks/"
GOVERNMENT = {"construction_planning_permit", "real_estate_certificate", "construction_permit",
              "planning_conditions", "land_use_planning_permit"}


def start(client, accounts, username, body):
    created = client.post(APPS, body, format="json")
    assert created.status_code == 201, created.content
    detail = created.json()
    form = valid_form(detail, accounts[username]["enterprise"])
    patched = client.patch(f"{APPS}{detail['id']}/", {"form": form}, format="json")
    assert patched.status_code == 200, patched.content
    return patched.json()


def materials(detail):
    return {m["key"]: m for m in detail["requirements"]["material_list"]}


@pytest.mark.parametrize(("package", "expected"), [
    ("construction-permit", {"construction_planning_permit": "internal_check",
                             "real_estate_certificate": "internal_check"}),
    ("joint-completion", {"construction_permit": "internal_check", "construction_planning_permit": "internal_check"}),
    ("land-handover-certificates", {"planning_conditions": "internal_check",
                                    "land_use_planning_permit": "issued_in_bundle",
                                    "construction_planning_permit": None}),
])
def test_packages_never_ask_for_what_the_government_holds(login, accounts, package, expected):
    client = login("applicant")
    detail = start(client, accounts, "applicant", {"package": package})

    listed = materials(detail)
    for key, provision in expected.items():
        if provision is None:
            assert key not in listed  # no item of the bundle needs it
        else:
            assert listed[key]["provision"] == provision and listed[key]["present"] is False
    assert not GOVERNMENT & set(detail["missing_materials"])
    for key, material in listed.items():
        if material["provision"] == "submit" and not material["present"]:
            assert upload(client, detail["id"], key).status_code == 201
    refused = upload(client, detail["id"], next(iter(k for k, v in expected.items() if v)))
    assert refused.status_code == 400

    submitted = client.post(f"{APPS}{detail['id']}/submit/", DECLARED, format="json")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"


def test_a_company_with_the_document_on_file_gets_it_attached(login, accounts):
    client = login("applicant_lh")  # the demo keeps 朗桦's real-estate title on file
    detail = start(client, accounts, "applicant_lh", {"package": "construction-permit"})

    assert materials(detail)["real_estate_certificate"]["provision"] == "on_file"
    assert materials(detail)["real_estate_certificate"]["present"] is True


def test_the_requirements_endpoint_gives_the_same_rule_before_a_company_is_known(client, accounts):
    body = client.get("/api/v1/packages/land-handover-certificates/requirements/").json()
    by_key = {m["material_type"]["key"]: m for m in body["materials"]}

    assert by_key["land_use_planning_permit"]["provision"] == "issued_in_bundle"
    assert by_key["land_use_planning_permit"]["issued_by"] == ["GH-XK-001"]
    assert by_key["planning_conditions"]["provision"] == "held_by_government"
    assert by_key["land_transfer_contract"]["provision"] == "submit"
    health = client.get("/api/v1/items/WJ-XK-001/").json()
    report = next(m for m in health["materials"] if m["material_type"]["key"] == "hygiene_test_report")
    assert report["after_commitment"] is True


# --- 告知承诺 and the after-check ---------------------------------------------------------------------------
def commitment_filed(login, accounts):
    """The hotel company files the public-place health licence under 告知承诺, without the test report."""
    client = login("applicant_fw")
    detail = start(client, accounts, "applicant_fw", {"items": ["WJ-XK-001"]})
    signed = client.post(f"{APPS}{detail['id']}/commitments/", {"item": "WJ-XK-001", "signer_name": "朱琳"},
                         format="json")
    assert signed.status_code == 201, signed.content
    listed = materials(signed.json())
    assert listed["hygiene_test_report"]["provision"] == "after_commitment"
    for key, material in listed.items():
        if material["provision"] == "submit" and not material["present"]:
            assert upload(client, detail["id"], key).status_code == 201
    submitted = client.post(f"{APPS}{detail['id']}/submit/", DECLARED, format="json")
    assert submitted.status_code == 200, submitted.content
    return client, submitted.json()


def test_commitment_decided_at_acceptance_then_after_check_through_the_api(login, accounts):
    applicant, detail = commitment_filed(login, accounts)
    chief = login("chief_wj")
    accepted = chief.post(f"{APPS}{detail['id']}/accept/")
    assert accepted.status_code == 200, accepted.content
    [review] = accepted.json()["reviews"]
    assert (review["status"], review["on_commitment"], review["limit_days"]) == ("approved", True, 0)
    signed = chief.post(f"{REVIEWS}{review['id']}/sign/", {"otp": fresh_code("chief_wj")}, format="json")
    assert signed.status_code == 200, signed.content

    listed = chief.get(AFTER_CHECKS)
    assert listed.status_code == 200
    [check] = [c for c in listed.json()["results"] if c["application"]["reference"] == detail["reference"]]
    assert check["outcome"] == "" and check["light"] == "green" and check["due_at"]
    assert check["item"]["code"] == "WJ-XK-001"
    one = chief.get(f"{AFTER_CHECKS}{check['id']}/").json()
    assert {m["key"]: m["present"] for m in one["follow_up_materials"]} == {"hygiene_test_report": False}
    assert login("chief_cg").get(AFTER_CHECKS).json()["count"] == 0
    assert applicant.get(AFTER_CHECKS).status_code == 403

    url = f"{AFTER_CHECKS}{check['id']}/outcome/"
    assert chief.post(url, {"outcome": "false_commitment", "note": ""}, format="json").status_code == 400
    assert chief.post(url, {"outcome": "unknown"}, format="json").status_code == 400
    assert applicant.post(url, {"outcome": "confirmed"}, format="json").status_code in (403, 404)
    done = chief.post(url, {"outcome": "false_commitment", "note": "现场核查：卫生设施与承诺不符。"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["outcome"] == "false_commitment" and done.json()["light"] == "done"
    assert chief.post(url, {"outcome": "confirmed"}, format="json").status_code == 409

    result = applicant.get(f"{APPS}{detail['id']}/").json()
    [revoked] = result["reviews"]
    assert revoked["revoked_at"] and revoked["revocation_reason"] == "现场核查：卫生设施与承诺不符。"
    assert Enterprise.objects.get(credit_code=accounts["applicant_fw"]["enterprise"]).false_commitment_recorded
    again = start(applicant, accounts, "applicant_fw", {"items": ["WJ-XK-001"]})
    barred = applicant.post(f"{APPS}{again['id']}/commitments/", {"item": "WJ-XK-001", "signer_name": "朱琳"},
                            format="json")
    assert barred.status_code == 403
