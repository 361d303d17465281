"""Issue 9's journey in the browser: the applicant downloads the acceptance notice and a decision (from the
application page, and from the page the acceptance notification links), follows the certificate's QR code to the
public verification page, and a tampered copy uploaded there is reported altered.

The bundle is brought to its decision through the services (the compact test catalog, tests/approvals/documents),
and its documents are issued by the issuing task's function, as the worker would; the browser does the rest.
"""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.browser import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def decided_bundle(transactional_db, settings, tmp_path, live_server):
    from approvals.calendar.loading import invalidate
    from approvals.calendar.seeding import load_from_chinesecalendar
    from approvals.documents import keystore
    from approvals.models import Department
    from tests.approvals.documents.conftest import issue_pending, journey
    from tests.factories.applications import make_catalog, shanghai
    from tests.factories.approvals import MaterialTypeFactory

    settings.SEALS_DIR = tmp_path / "seals"
    settings.PORTAL_BASE_URL = live_server.url
    invalidate()
    load_from_chinesecalendar(years=[2026])
    cat = make_catalog()
    cat.departments[0].document_prefix = "渝北城管"
    cat.departments[0].save()
    item = cat.fee_item
    item.issues_certificate, item.certificate_name, item.certificate_validity_years = True, "占用城市绿地许可证", 2
    item.issued_material = MaterialTypeFactory(key="green_permit", name="占用城市绿地许可证")
    item.save()
    keystore.init(list(Department.objects.all()))
    application = journey(cat)
    issue_pending(now=shanghai(2026, 6, 5, 16, 0))
    from portal.models import Delivery
    from portal.models.notifications import Channel
    from portal.services.notify import deliver

    for pk in Delivery.objects.filter(channel=Channel.IN_APP).values_list("pk", flat=True):  # as the worker would
        deliver(pk)
    yield cat, application
    invalidate()


def logged_in_context(browser, base_url, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])
    return context


def test_download_follow_the_qr_code_and_catch_a_tampered_copy(browser, live_server, decided_bundle):
    from approvals.documents.contents.reviews import verify_url
    from approvals.models import DocumentKind

    cat, application = decided_bundle
    base = live_server.url
    context = logged_in_context(browser, base, cat.applicant)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{base}/applications/{application.pk}/")
    documents = page.get_by_test_id("documents")
    expect(documents).to_be_visible()
    axe.check(page)

    # ---- 1. The acceptance notice and a decision, downloaded as sealed PDFs with their Chinese names ----------
    for kind, title in ((DocumentKind.ACCEPTANCE, "受理通知书"), (DocumentKind.GRANT, "准予行政许可决定书")):
        stored = application.documents.get(kind=kind)
        with page.expect_download() as download:
            documents.get_by_test_id(f"download-{kind}").click()
        assert download.value.suggested_filename == f"{title}_{stored.number}.pdf"
        with open(download.value.path(), "rb") as handle, stored.file.open("rb") as original:
            assert handle.read() == original.read()

    # ---- 1b. The acceptance notification links the notice's page, which offers the same PDF ------------------
    from django.urls import reverse

    acceptance = application.documents.get(kind=DocumentKind.ACCEPTANCE)
    page.goto(f"{base}{reverse('portal:notifications')}")
    axe.check(page)
    page.locator(f'a[href="{reverse("approvals:document", args=[acceptance.pk])}"]').first.click()
    expect(page.get_by_test_id("document-page")).to_be_visible()
    expect(page.get_by_test_id("document-number")).to_have_text(acceptance.number)
    axe.check(page)
    with page.expect_download() as download:
        page.get_by_test_id("download-acceptance").click()
    with open(download.value.path(), "rb") as handle, acceptance.file.open("rb") as original:
        assert handle.read() == original.read()

    # ---- 2. Anyone follows the certificate's QR code to the verification page ---------------------------------
    certificate = application.documents.get(kind=DocumentKind.CERTIFICATE)
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(verify_url(certificate.number))  # what the QR code encodes
    record = public.get_by_test_id("verify-record")
    expect(record).to_be_visible()
    expect(record.get_by_test_id("document-number")).to_have_text(certificate.number)
    expect(record.get_by_test_id("document-holder")).to_contain_text(cat.enterprise.name)
    expect(record.get_by_test_id("document-sha256")).to_have_text(certificate.sha256)
    expect(public.get_by_test_id("document-record")).to_have_attribute("data-state", "valid")
    axe.check(public)

    # ---- 3. A tampered copy uploaded there is reported altered; the genuine one is genuine --------------------
    with certificate.file.open("rb") as handle:
        content = handle.read()
    at = len(content) // 3
    tampered = content[:at] + bytes([content[at] ^ 0x01]) + content[at + 1:]
    for name, body, verdict in (("altered.pdf", tampered, "altered"), ("genuine.pdf", content, "genuine")):
        public.get_by_test_id("verify-upload").locator('input[type="file"]').set_input_files(
            {"name": name, "mimeType": "application/pdf", "buffer": body})
        public.get_by_test_id("verify-submit").click()
        expect(public.get_by_test_id("verdict")).to_have_attribute("data-verdict", verdict)
        axe.check(public)
    expect(public.get_by_test_id("verdict")).to_contain_text(re.compile(cat.enterprise.name))
    context.close()
