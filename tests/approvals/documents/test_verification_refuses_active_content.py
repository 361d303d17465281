"""The public verification (page and API) refuses a PDF with scripts, actions or attachments, or an encrypted
one, saying why; the portal's own sealed documents carry none of these and still verify as genuine."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals.documents.catalog_notice import catalog_notice
from approvals.forms_documents import active_content_refusal
from tests.factories import hostile

from .conftest import read

VERIFY_API = "/api/v1/documents/verify/"


def pdf_file(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("document.pdf", content, content_type="application/pdf")


def test_an_issued_document_has_no_active_content(cat, seals):
    assert active_content_refusal(read(catalog_notice(cat.fee_item))) is None


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "reason"), [
    (hostile.pdf(**hostile.OPEN_ACTION_JAVASCRIPT), "contains JavaScript"),
    (hostile.pdf(**hostile.LAUNCH), "launch other programs"),
    (hostile.pdf(**hostile.EMBEDDED_FILE), "embedded files"),
])
def test_the_page_refuses_it_in_the_portal_layout(client, content, reason):
    page = client.post(reverse("approvals:verify"), {"file": pdf_file(content)}, HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 400 and reason in text and "data-verdict" not in text
    assert '<html' in text and 'name="file"' in text  # the page again, with the form to try another file


@pytest.mark.django_db
def test_the_api_refuses_it_in_json(client):
    response = client.post(VERIFY_API, {"file": pdf_file(hostile.encrypted_pdf())}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unsafe_file" and "encrypted" in body["detail"]
    script = client.post(VERIFY_API, {"file": pdf_file(hostile.pdf_with_script_in_object_stream())},
                         HTTP_ACCEPT_LANGUAGE="en")
    assert script.status_code == 400 and "JavaScript" in script.json()["detail"]


@pytest.mark.django_db
def test_a_damaged_pdf_is_still_answered_unreadable(client):
    page = client.post(reverse("approvals:verify"), {"file": pdf_file(b"%PDF-1.7\ngarbage")})
    assert page.status_code == 200 and 'data-verdict="unreadable"' in page.content.decode()
