"""Who may download (the application's visibility rule), audited downloads with a Chinese file name, the API, the
application page's list, the public verification pages and the catalog's one-time notice."""

from urllib.parse import quote

import pytest
from django.utils import translation
from django.urls import reverse
from rest_framework.test import APIClient

from approvals.documents import verification
from approvals.documents import issuing
from approvals.models import DocumentStatus, IssuedDocument
from portal.models import AuditEntry
from tests.factories.applications import submitted_application
from tests.factories.portal import EnterpriseFactory, UserFactory

from .conftest import login_staff, read, receipt_of
from .test_verification import tamper


@pytest.fixture
def bundle(cat, seals):
    """A submitted bundle of the fee item only (lead: departments[0]) with its receipt issued."""
    application = submitted_application(cat, items=[cat.fee_item])
    return application, issuing.issue(receipt_of(application).pk)


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_applicant_downloads_with_a_chinese_file_name_and_it_is_audited(client, bundle, cat):
    application, receipt = bundle
    client.force_login(cat.applicant)
    response = client.get(reverse("approvals:document_download", args=[receipt.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == read(receipt)
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="receipt-2026-0001.pdf"; ')
    assert f"filename*=UTF-8''{quote('申请材料接收凭证_' + receipt.number + '.pdf', safe='')}" in disposition
    entry = AuditEntry.objects.get(event="document.downloaded")
    assert entry.actor == cat.applicant and entry.subject_id == str(receipt.pk)


def test_who_may_download(client, bundle, cat):
    application, receipt = bundle
    url = reverse("approvals:document_download", args=[receipt.pk])
    assert client.get(url).status_code == 302  # to the login page
    stranger = UserFactory(role="applicant", enterprise=EnterpriseFactory())
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    login_staff(client, cat.staff_of(cat.departments[1]))  # a department not involved in the bundle
    assert client.get(url).status_code == 404
    login_staff(client, cat.clerk)  # the lead department's window
    assert client.get(url).status_code == 200
    login_staff(client, UserFactory(supervisor=True))  # read only, but may read
    assert client.get(url).status_code == 200
    assert AuditEntry.objects.filter(event="document.downloaded").count() == 2


def test_a_pending_document_has_no_download(client, cat, seals):
    application = submitted_application(cat, items=[cat.fee_item])
    client.force_login(cat.applicant)
    response = client.get(reverse("approvals:document_download", args=[receipt_of(application).pk]))
    assert response.status_code == 404


def test_the_application_page_lists_its_documents(client, bundle, cat):
    application, receipt = bundle
    client.force_login(cat.applicant)
    page = client.get(reverse("approvals:application", args=[application.pk])).content.decode()
    assert 'data-testid="documents"' in page
    assert reverse("approvals:document_download", args=[receipt.pk]) in page
    assert reverse("approvals:verify_number", args=[receipt.number]) in page


def test_the_api_lists_and_downloads_for_those_who_see_the_application(bundle, cat):
    application, receipt = bundle
    url = f"/api/v1/applications/{application.pk}/documents/"
    (row,) = api(cat.applicant).get(url).json()
    assert row["kind"] == "receipt" and row["number"] == receipt.number and row["status"] == "valid"
    assert row["sha256"] == receipt.sha256 and row["department"]["code"] == cat.departments[0].code
    assert row["download_url"].endswith(f"/api/v1/documents/{receipt.pk}/download/")
    stranger = UserFactory(role="applicant", enterprise=EnterpriseFactory())
    assert api(stranger).get(url).status_code == 404
    assert api().get(url).status_code in (401, 403)

    response = api(cat.applicant).get(row["download_url"])
    assert response.status_code == 200 and b"".join(response.streaming_content) == read(receipt)
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert api(stranger).get(row["download_url"]).status_code == 404
    assert AuditEntry.objects.filter(event="document.downloaded", actor=cat.applicant).count() == 1


def test_the_public_api_verifies_numbers_and_files_and_serves_the_ca(bundle, cat):
    application, receipt = bundle
    public = api()
    body = public.get(f"/api/v1/certificates/{quote(receipt.number)}/verify/").json()
    assert body["number"] == receipt.number and body["status"] == "valid"
    assert body["holder"] == cat.enterprise.name and body["sha256"] == receipt.sha256
    unknown = public.get(f"/api/v1/certificates/{quote('渝北城管证〔2026〕第9999号')}/verify/")
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_number"

    from django.core.files.uploadedfile import SimpleUploadedFile

    def check(content):
        return public.post("/api/v1/documents/verify/",
                           {"file": SimpleUploadedFile("x.pdf", content, "application/pdf")}, format="multipart")

    genuine = check(read(receipt)).json()
    assert (genuine["valid_signature"], genuine["matches_record"], genuine["status"]) == (True, True, "valid")
    assert genuine["verdict"] == "genuine" and genuine["document"]["number"] == receipt.number
    altered = check(tamper(read(receipt))).json()
    assert (altered["verdict"], altered["valid_signature"], altered["matches_record"]) == ("altered", False, False)
    not_pdf = check(b"hello, I am text")
    assert not_pdf.status_code == 400 and not_pdf.json()["code"] == "not_pdf"

    pem = public.get("/api/v1/seals/ca.pem")
    assert pem.status_code == 200 and pem.content.startswith(b"-----BEGIN CERTIFICATE-----")


def test_the_verification_pages_need_no_login(client, bundle, cat, settings):
    application, receipt = bundle
    page = client.get(reverse("approvals:verify_number", args=[receipt.number]))
    assert page.status_code == 200
    text = page.content.decode()
    assert cat.enterprise.name in text and receipt.sha256 in text and 'data-state="valid"' in text
    unknown = client.get(reverse("approvals:verify_number", args=["渝北城管收〔2026〕第9999号"]))
    with translation.override("zh-hans"):  # the page speaks the visitor's language (Chinese by default)
        unknown_message = str(verification.UNKNOWN_NUMBER)
    assert unknown.status_code == 404 and unknown_message in unknown.content.decode()
    assert client.get(reverse("approvals:verify"), {"number": receipt.number}).url == reverse(
        "approvals:verify_number", args=[receipt.number])

    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(content, name="x.pdf"):
        return client.post(reverse("approvals:verify"), {"file": SimpleUploadedFile(name, content, "application/pdf")})

    assert 'data-verdict="genuine"' in upload(read(receipt)).content.decode()
    assert 'data-verdict="altered"' in upload(tamper(read(receipt))).content.decode()
    assert upload(b"not a pdf").status_code == 400
    settings.DOCUMENT_VERIFY_MAX_BYTES = 1000
    too_big = upload(read(receipt))
    assert too_big.status_code == 400 and "文件超过" in too_big.content.decode()  # in the visitor's language


def test_the_catalog_links_its_one_time_notice_which_is_reissued_when_the_catalog_changes(client, cat, seals):
    item = cat.fee_item
    page = client.get(reverse("approvals:item", args=[item.code])).content.decode()
    assert reverse("approvals:item_notice", args=[item.code]) in page
    first = client.get(reverse("approvals:item_notice", args=[item.code]))
    assert first.status_code == 200 and first["Content-Disposition"].startswith("inline; ")
    client.get(reverse("approvals:item_notice", args=[item.code]))  # unchanged catalog: the same document
    assert IssuedDocument.objects.filter(kind="catalog_notice").count() == 1
    item.conditions = "因工程建设确需临时占用城市绿地，并承诺按期恢复。"
    item.save()
    client.get(reverse("approvals:item_notice", args=[item.code]))
    old, new = IssuedDocument.objects.filter(kind="catalog_notice").order_by("id")
    assert old.status == DocumentStatus.SUPERSEDED and new.supersedes == old and new.status == DocumentStatus.VALID
    assert not AuditEntry.objects.filter(event="document.downloaded").exists()  # public: not audited
    package_page = client.get(reverse("approvals:package", args=[cat.package.code])).content.decode()
    assert reverse("approvals:package_notice", args=[cat.package.code]) in package_page
