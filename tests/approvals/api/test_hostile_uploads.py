"""A material upload through the API refuses a PDF with a script and an image bomb with a 400 saying why."""

import pytest

from approvals.models import MaterialFile

from tests.approvals.api.conftest import APPS, TRIO, upload
from tests.factories import hostile


@pytest.fixture
def draft(login):
    client = login("applicant")
    created = client.post(APPS, {"items": TRIO}, format="json")
    assert created.status_code == 201, created.content
    detail = created.json()
    key = next(m["key"] for m in detail["requirements"]["material_list"] if m["provision"] == "submit")
    return client, detail["id"], key


def test_a_pdf_with_javascript_is_refused(draft):
    client, app_id, key = draft
    response = upload(client, app_id, key, hostile.pdf(**hostile.NAMES_JAVASCRIPT), "plan.pdf")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "unsafe_file"
    assert not MaterialFile.objects.filter(application_id=app_id, material_type__key=key).exists()


def test_an_image_bomb_is_refused(draft):
    client, app_id, key = draft
    client.cookies["django_language"] = "en"
    response = upload(client, app_id, key, hostile.png_bomb(), "plan.png")
    assert response.status_code == 400
    assert "30000 × 30000 pixels" in response.json()["detail"]
