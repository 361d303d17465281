"""The bundled application through the API, end to end, with token authentication and TOTP signatures."""

import pytest

from approvals.models import Application, DecisionSignature, MaterialFile
from tests.approvals.api.conftest import (
    APPS, DECLARED, REVIEWS, TRIO, fresh_code, png_bytes, upload, upload_all, valid_form,
)

pytestmark = pytest.mark.django_db


def test_trio_journey_from_draft_to_signed_bundle(login, accounts):
    applicant = login("applicant")
    credit_code = accounts["applicant"]["enterprise"]

    # One draft for the trio package, with part of the one form.
    created = applicant.post(APPS, {"package": "cg-trio", "form": {"project_name": "悦港大道北侧道路改造"},
                                    "delivery_method": "mail", "delivery_address": "重庆市渝北区悦港大道88号"},
                             format="json")
    assert created.status_code == 201, created.content
    draft = created.json()
    app_id = draft["id"]
    assert draft["status"] == "draft"
    assert draft["enterprise"]["credit_code"] == credit_code
    assert draft["package"]["code"] == "cg-trio"
    assert draft["lead_department"]["code"] == "cgj"
    assert sorted(i["code"] for i in draft["items"]) == TRIO
    # What the portal knows is prefilled: the company's credit code as the builder's, the applicant as contact.
    assert draft["form"] == {"project_name": "悦港大道北侧道路改造", "builder_credit_code": credit_code,
                             "contact_person": "王磊", "contact_phone": "13900000001"}
    assert draft["delivery_method"] == "mail"
    summary = draft["requirements"]
    # Seed 000: ten documents item by item; the bundle asks each shared field and material once.
    assert summary["materials_item_by_item"] == 10
    # Six materials in the bundle (one of them the business licence the government holds), five to submit.
    assert (summary["material_count"], summary["materials_saved"], summary["fields_saved"]) == (6, 5, 14)
    assert summary["fields_filled"] == 4  # the project name typed, three prefilled
    assert "site_address" in draft["form_errors"] and "contact_phone" not in draft["form_errors"]
    # Documents the government holds for the enterprise (its business licence) are attached, not asked for.
    on_file = {m["material_type"]["key"] for m in draft["materials"] if m["source"] == "on_file"}
    assert on_file == {"business_licence"}
    assert {m["key"] for m in summary["material_list"] if m["present"]} == on_file

    # PATCH the form: typed values are kept, even an invalid one, and every problem is listed.
    patched = applicant.patch(f"{APPS}{app_id}/", {"form": {"contact_phone": "12345"}}, format="json")
    assert patched.status_code == 200
    assert patched.json()["form"]["contact_phone"] == "12345"
    assert patched.json()["form_errors"]["contact_phone"]
    assert patched.json()["form"]["project_name"] == "悦港大道北侧道路改造"

    # Two materials, then an incomplete submission lists everything at once.
    for key in ("cg_application_form", "site_plan"):
        assert upload(applicant, app_id, key).status_code == 201
    incomplete = applicant.post(f"{APPS}{app_id}/submit/", DECLARED, format="json")
    assert incomplete.status_code == 400
    body = incomplete.json()
    assert body["detail"] and body["code"] == "incomplete"
    assert {"contact_phone", "site_address", "green_area_m2", "tree_count", "lamp_count"} <= set(body["form_errors"])
    assert set(body["missing_materials"]) == {"construction_traffic_plan", "green_tree_plan",
                                              "lighting_review_opinion"}
    assert Application.objects.get(pk=app_id).status == "draft"

    # Complete it and submit: the acceptance clock runs.
    detail = applicant.get(f"{APPS}{app_id}/").json()
    form = valid_form(detail, credit_code)
    assert applicant.patch(f"{APPS}{app_id}/", {"form": form}, format="json").json()["form_errors"] == {}
    upload_all(applicant, detail)
    listed = applicant.get(f"{APPS}{app_id}/materials/").json()
    assert listed["missing"] == []
    site_plan = next(m for m in listed["materials"] if m["material_type"]["key"] == "site_plan")
    assert sorted(site_plan["items"]) == TRIO and len(site_plan["sha256"]) == 64
    assert site_plan["source"] == "uploaded" and site_plan["version"] == 1
    submitted = applicant.post(f"{APPS}{app_id}/submit/", DECLARED, format="json")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["acceptance_clock"]["due_at"]
    second_click = applicant.post(f"{APPS}{app_id}/submit/", DECLARED, format="json")
    assert second_click.status_code == 409

    # The window of the lead department asks for every supplement in one notice.
    clerk = login("clerk")
    assert app_id in [a["id"] for a in clerk.get(APPS).json()["results"]]
    problems = [{"kind": "material", "key": "site_plan", "reason": "比例尺不清楚"},
                {"kind": "field", "key": "contact_phone", "reason": "联系电话无法接通"}]
    asked = clerk.post(f"{APPS}{app_id}/request-supplement/", {"problems": problems}, format="json")
    assert asked.status_code == 200, asked.content
    assert asked.json()["status"] == "supplement_requested"
    assert asked.json()["supplement_request"]["problems"] == problems

    # The applicant answers in the same application: only the listed items, and all of them.
    not_yet = applicant.post(f"{APPS}{app_id}/supplement/", {"form": {"contact_phone": "13900000009"}},
                             format="json")
    assert not_yet.status_code == 400
    assert not_yet.json()["missing_materials"] == ["site_plan"]
    unlisted = upload(applicant, app_id, "green_tree_plan", png_bytes("new"))
    assert unlisted.status_code == 409
    replaced = upload(applicant, app_id, "site_plan", png_bytes("clearer scale"))
    assert replaced.status_code == 201 and replaced.json()["version"] == 2
    answered = applicant.post(f"{APPS}{app_id}/supplement/", {"form": {"contact_phone": "13900000009"}},
                              format="json")
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "submitted"
    assert answered.json()["form"]["contact_phone"] == "13900000009"
    assert MaterialFile.objects.filter(application_id=app_id, material_type__key="site_plan").count() == 2

    # Accepted once for the bundle: three reviews run in parallel with their clocks; fees at the lower bound.
    accepted = clerk.post(f"{APPS}{app_id}/accept/")
    assert accepted.status_code == 200, accepted.content
    accepted = accepted.json()
    assert accepted["status"] == "under_review"
    assert clerk.post(f"{APPS}{app_id}/accept/").status_code == 409
    assert len(accepted["reviews"]) == 3
    for review in accepted["reviews"]:
        assert review["status"] == "under_review"
        assert review["due_at"] and review["legal_due_at"]
        assert review["light"] in ("green", "yellow")
        assert review["remaining_seconds"] > 0 and review["remaining_text"]
    assert accepted["stages"][0]["status"] == "open" and accepted["stages"][0]["due_at"]
    fees = accepted["fees"]
    assert fees["charged_total"] == "24182.20" and fees["saving_total"] == "21423.20"
    assert fees["paid"] is False and fees["payment"] is None  # estimated: due only for approved items
    assert {c["status"] for c in fees["charges"]} == {"estimated"}
    assert accepted["visits"] == 0

    # The chief representative's inbox, soonest due first, with counts per light.
    chief = login("chief_cg")
    inbox = chief.get(REVIEWS).json()
    assert inbox["count"] == 3
    assert sum(inbox["counts"].values()) == 3
    dues = [r["due_at"] for r in inbox["results"]]
    assert dues == sorted(dues)
    ids = [r["id"] for r in inbox["results"]]
    assert {r["application"]["reference"] for r in inbox["results"]} == {accepted["reference"]}

    for review_id in ids:
        approved = chief.post(f"{REVIEWS}{review_id}/approve/", {"reasons": "符合条件"}, format="json")
        assert approved.status_code == 200, approved.content
        assert approved.json()["status"] == "approved"
    assert chief.post(f"{REVIEWS}{ids[0]}/approve/", {}, format="json").status_code == 409

    signed = chief.post(f"{REVIEWS}sign/", {"ids": ids, "otp": fresh_code("chief_cg")}, format="json")
    assert signed.status_code == 200, signed.content
    assert {r["status"] for r in signed.json()["signed"]} == {"signed"}
    assert DecisionSignature.objects.filter(review_id__in=ids).count() == 3

    # The applicant sees the bundled result.
    result = applicant.get(f"{APPS}{app_id}/").json()
    assert result["status"] == "decided" and result["outcome"] == "all_approved"
    assert {r["light"] for r in result["reviews"]} == {"done"}
    for review in result["reviews"]:
        assert review["decision"] == "approve"
        assert len(review["signature"]["content_sha256"]) == 64
    kinds = [e["kind"] for e in result["events"]]
    for kind in ("created", "submitted", "supplement_requested", "supplement_answered", "accepted", "signed",
                 "decided"):
        assert kind in kinds

    # The decision issues the payment notice: the applicant sees 待缴费 and the payment code, and cannot mark it
    # paid; the window clerk confirms the payment against the code. Then mail delivery: zero visits.
    payment = result["fees"]["payment"]
    assert payment["status"] == "due" and len(payment["code"]) == 20
    assert (payment["charged_amount"], payment["saving"]) == ("24182.20", "21423.20")
    refused = applicant.post(f"{APPS}{app_id}/pay/", {"receipt_number": "R-2026-0001"}, format="json")
    assert refused.status_code == 403
    early = clerk.post(f"{APPS}{app_id}/deliver/", {"method": "mail", "tracking_number": "SF1234567890"},
                       format="json")
    assert early.status_code == 400 and early.json()["detail"]
    paid = clerk.post(f"{APPS}{app_id}/confirm-payment/",
                      {"payment_code": payment["code"], "receipt_number": "E-2026-0001"}, format="json")
    assert paid.status_code == 200, paid.content
    assert applicant.get(f"{APPS}{app_id}/").json()["fees"]["payment"]["status"] == "paid"
    delivered = clerk.post(f"{APPS}{app_id}/deliver/", {"method": "mail", "tracking_number": "SF1234567890"},
                           format="json")
    assert delivered.status_code == 200, delivered.content
    assert delivered.json()["status"] == "delivered" and delivered.json()["visits"] == 0


def test_three_departments_decide_in_parallel_each_chief_signs(login, make_submitted, accounts):
    items = ["CG-XK-001", "GH-XK-001", "ZJ-XK-001"]
    applicant, detail = make_submitted(items=items)
    app_id = detail["id"]
    lead = detail["lead_department"]["code"]
    chief_of = {a["department"]: name for name, a in accounts.items() if a["role"] == "chief"}
    window = login(chief_of[lead])
    assert window.post(f"{REVIEWS}0/accept/").status_code == 404  # no such review: use the application route
    accepted = window.post(f"{APPS}{app_id}/accept/")
    assert accepted.status_code == 200, accepted.content
    reviews = {r["department"]["code"]: r for r in accepted.json()["reviews"]}
    assert set(reviews) == {"cgj", "ghzy", "zjw"}

    for department, review in reviews.items():
        chief = login(chief_of[department])
        approved = chief.post(f"{REVIEWS}{review['id']}/approve/", {"reasons": "符合条件"}, format="json")
        assert approved.status_code == 200, approved.content
        signed = chief.post(f"{REVIEWS}{review['id']}/sign/", {"otp": fresh_code(chief_of[department])},
                            format="json")
        assert signed.status_code == 200, signed.content
        assert signed.json()["signature"]["signer_name"]

    result = applicant.get(f"{APPS}{app_id}/").json()
    assert result["status"] == "decided" and result["outcome"] == "all_approved"
    assert {r["status"] for r in result["reviews"]} == {"signed"}
    assert {r["light"] for r in result["reviews"]} == {"done"}


def test_refusal_carries_reasons_and_remedies(login, make_submitted):
    applicant, detail = make_submitted(package="cg-trio")
    clerk, chief = login("clerk"), login("chief_cg")
    assert clerk.post(f"{APPS}{detail['id']}/accept/").status_code == 200
    review_ids = [r["id"] for r in chief.get(REVIEWS).json()["results"]]
    missing_reasons = chief.post(f"{REVIEWS}{review_ids[0]}/refuse/", {}, format="json")
    assert missing_reasons.status_code == 400 and "reasons" in missing_reasons.json()
    refused = chief.post(f"{REVIEWS}{review_ids[0]}/refuse/", {"reasons": "占用绿地面积超出规划"}, format="json")
    assert refused.status_code == 200
    assert refused.json()["decision"] == "refuse"
    assert refused.json()["reasons"] == "占用绿地面积超出规划" and refused.json()["remedy_notice"]
    for review_id in review_ids[1:]:
        assert chief.post(f"{REVIEWS}{review_id}/approve/", {}, format="json").status_code == 200
    signed = chief.post(f"{REVIEWS}sign/", {"ids": review_ids, "otp": fresh_code("chief_cg")}, format="json")
    assert signed.status_code == 200
    result = applicant.get(f"{APPS}{detail['id']}/").json()
    assert result["outcome"] == "partly_approved"
