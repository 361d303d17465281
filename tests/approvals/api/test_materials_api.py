"""Uploading materials through the API: checked by content; a rejected file says why and changes nothing."""

import pytest

from approvals.models import MaterialFile, MaterialSource
from tests.approvals.api.conftest import APPS, pdf_bytes, upload

pytestmark = pytest.mark.django_db


def uploaded(app_id):
    return MaterialFile.objects.filter(application_id=app_id, source=MaterialSource.UPLOADED)


@pytest.fixture
def draft(login):
    applicant = login("applicant")
    created = applicant.post(APPS, {"package": "cg-trio"}, format="json")
    assert created.status_code == 201
    return applicant, created.json()["id"]


def test_a_pdf_is_stored_with_its_hash_and_pages(draft):
    applicant, app_id = draft
    response = upload(applicant, app_id, "site_plan", pdf_bytes(2), name="../../etc/示意图.pdf")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "application/pdf" and body["pages"] == 2
    assert len(body["sha256"]) == 64 and body["original_name"] == "示意图.pdf"
    assert sorted(body["items"]) == ["CG-XK-001", "CG-XK-002", "CG-XK-003"]
    stored = MaterialFile.objects.get(pk=body["id"])
    assert "etc" not in stored.file.name and stored.file.name.endswith(".pdf")


def test_rejected_uploads_say_why_and_change_nothing(draft):
    applicant, app_id = draft
    assert upload(applicant, app_id, "site_plan").status_code == 201

    not_a_pdf = upload(applicant, app_id, "cg_application_form", b"MZ\x90\x00 this is an exe", name="form.pdf")
    assert not_a_pdf.status_code == 400
    assert not_a_pdf.json()["code"] == "upload_rejected" and not_a_pdf.json()["detail"]

    too_many_pages = upload(applicant, app_id, "lighting_review_opinion", pdf_bytes(4), name="opinion.pdf")
    assert too_many_pages.status_code == 400 and "4" in too_many_pages.json()["detail"]

    damaged = upload(applicant, app_id, "cg_application_form", b"%PDF-1.4 broken", name="form.pdf")
    assert damaged.status_code == 400 and damaged.json()["detail"]

    empty = upload(applicant, app_id, "cg_application_form", b"", name="empty.pdf")
    assert empty.status_code == 400

    unknown = upload(applicant, app_id, "eia_report_form")
    assert unknown.status_code == 400 and "eia_report_form" in unknown.json()["detail"]

    no_file = applicant.post(f"{APPS}{app_id}/materials/", {"material_type": "site_plan"}, format="multipart")
    assert no_file.status_code == 400 and "file" in no_file.json()

    listed = applicant.get(f"{APPS}{app_id}/materials/").json()
    assert [m["material_type"]["key"] for m in listed["materials"] if m["source"] == "uploaded"] == ["site_plan"]
    assert uploaded(app_id).count() == 1


def test_replacing_a_material_keeps_the_history(draft):
    applicant, app_id = draft
    first = upload(applicant, app_id, "site_plan", pdf_bytes(1)).json()
    same = upload(applicant, app_id, "site_plan", pdf_bytes(1)).json()
    assert same["id"] == first["id"] and same["version"] == 1
    second = upload(applicant, app_id, "site_plan", pdf_bytes(3)).json()
    assert second["version"] == 2
    listed = applicant.get(f"{APPS}{app_id}/materials/").json()["materials"]
    assert [(m["material_type"]["key"], m["version"]) for m in listed if m["source"] == "uploaded"] == [
        ("site_plan", 2)]
    assert uploaded(app_id).count() == 2


def test_only_the_applicant_side_uploads(login, draft):
    _applicant, app_id = draft
    # The draft is not visible to another enterprise (404), nor to a chief of another department.
    assert upload(login("applicant_lh"), app_id, "site_plan").status_code == 404
    assert upload(login("chief_gh"), app_id, "site_plan").status_code == 404
    assert not uploaded(app_id).exists()
