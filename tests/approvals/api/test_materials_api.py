"""Uploading materials through the API: checked by content; a rejected file says why and changes nothing."""

import pytest

from approvals.models import MaterialFile, MaterialSource
from tests.approvals.api.conftest import APPS, pdf_bytes, png_bytes, upload

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


# --- several files for one material, as in the web form (a plan and its photos) -----------------------------------
def add_file(client, app_id, key, content, name, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(f"{APPS}{app_id}/materials/", {"material_type": key, "file": file, **fields},
                       format="multipart")


def current_files(client, app_id, key):
    listed = client.get(f"{APPS}{app_id}/materials/").json()["materials"]
    return [(m["part"], m["original_name"], m["version"]) for m in listed if m["material_type"]["key"] == key]


def test_a_plan_and_its_photos_are_several_files_of_one_material(draft):
    applicant, app_id = draft
    assert add_file(applicant, app_id, "site_plan", pdf_bytes(1), "plan.pdf").status_code == 201
    photo_1 = add_file(applicant, app_id, "site_plan", png_bytes("photo-1"), "photo-1.png", add="true")
    assert photo_1.status_code == 201, photo_1.content
    assert photo_1.json()["part"] == 2 and photo_1.json()["version"] == 1
    assert add_file(applicant, app_id, "site_plan", png_bytes("photo-2"), "photo-2.png", add="true"
                    ).json()["part"] == 3
    # The photo did not replace the plan: the material has all three.
    assert current_files(applicant, app_id, "site_plan") == [(1, "plan.pdf", 1), (2, "photo-1.png", 1),
                                                             (3, "photo-2.png", 1)]

    # Replacing the plan (no `add`) makes a new version of part 1 and keeps the photos; `part=2` replaces photo 1.
    assert add_file(applicant, app_id, "site_plan", pdf_bytes(2), "plan-v2.pdf").json()["version"] == 2
    assert add_file(applicant, app_id, "site_plan", png_bytes("photo-1b"), "photo-1b.png", part="2"
                    ).json()["version"] == 2
    assert current_files(applicant, app_id, "site_plan") == [(1, "plan-v2.pdf", 2), (2, "photo-1b.png", 2),
                                                             (3, "photo-2.png", 1)]

    # Removing a photo takes it out of the material (kept in the history); the plan itself cannot be removed.
    removed = applicant.delete(f"{APPS}{app_id}/materials/site_plan/3/")
    assert removed.status_code == 200, removed.content
    assert [(m["part"], m["original_name"]) for m in removed.json()["materials"]
            if m["material_type"]["key"] == "site_plan"] == [(1, "plan-v2.pdf"), (2, "photo-1b.png")]
    assert uploaded(app_id).filter(material_type__key="site_plan", part=3, is_current=False).exists()
    main = applicant.delete(f"{APPS}{app_id}/materials/site_plan/1/")
    assert main.status_code == 400 and main.json()["detail"]
    gone = applicant.delete(f"{APPS}{app_id}/materials/site_plan/3/")
    assert gone.status_code == 400
    assert current_files(applicant, app_id, "site_plan") == [(1, "plan-v2.pdf", 2), (2, "photo-1b.png", 2)]


def test_adding_needs_the_main_file_and_cannot_also_replace(draft):
    applicant, app_id = draft
    applicant.cookies["django_language"] = "en"
    first = add_file(applicant, app_id, "site_plan", png_bytes("photo"), "photo.png", add="true")
    assert first.status_code == 400 and first.json()["detail"] == "Upload the main file of this material first."
    assert add_file(applicant, app_id, "site_plan", pdf_bytes(1), "plan.pdf").status_code == 201
    both = add_file(applicant, app_id, "site_plan", png_bytes("photo"), "photo.png", add="true", part="2")
    assert both.status_code == 400 and both.json()["part"] == ["Either add a file or replace one, not both."]
    no_such = add_file(applicant, app_id, "site_plan", png_bytes("photo"), "photo.png", part="5")
    assert no_such.status_code == 400 and no_such.json()["detail"] == "This material has no such file to replace."
    assert current_files(applicant, app_id, "site_plan") == [(1, "plan.pdf", 1)]


def test_someone_else_cannot_remove_a_file(draft, login):
    applicant, app_id = draft
    assert add_file(applicant, app_id, "site_plan", pdf_bytes(1), "plan.pdf").status_code == 201
    assert add_file(applicant, app_id, "site_plan", png_bytes("p"), "p.png", add="true").status_code == 201
    assert login("chief_cg").delete(f"{APPS}{app_id}/materials/site_plan/2/").status_code in (403, 404)
    assert uploaded(app_id).filter(part=2, is_current=True).count() == 1
