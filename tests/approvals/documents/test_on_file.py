"""A certificate the portal issued is a document on file (免提交) for the holder's next bundle, linked to its
verification; once revoked it is no longer attached."""

import pytest
from django.urls import reverse

from approvals.documents import issuing
from approvals.models import DocumentKind, EnterpriseDocument, ItemMaterial, MaterialSource
from approvals.services import applications
from tests.factories.applications import decided_application, shanghai
from tests.factories.approvals import ServiceItemFactory


@pytest.fixture
def certificate(cat, seals):
    application = decided_application(cat, items=[cat.fee_item])
    document = application.documents.get(kind=DocumentKind.CERTIFICATE)
    return issuing.issue(document.pk, now=shanghai(2026, 6, 1, 16, 0))


@pytest.fixture
def later_item(cat):
    """An item whose materials include the green-space permit the fee item issues."""
    item = ServiceItemFactory(code="T-LATER", name="绿地恢复验收", department=cat.departments[0])
    ItemMaterial.objects.create(item=item, material_type=cat.materials["green_permit"])
    return item


def test_the_certificate_is_attached_to_the_next_bundle_with_its_verification_link(client, cat, certificate,
                                                                                    later_item):
    on_file = EnterpriseDocument.objects.get(enterprise=cat.enterprise, material_type=cat.materials["green_permit"])
    assert certificate.on_file == on_file
    assert (on_file.sha256, on_file.file.name) == (certificate.sha256, certificate.file.name)
    assert on_file.valid_until == certificate.valid_until
    draft = applications.create_draft(actor=cat.applicant, enterprise=cat.enterprise, item_codes=[later_item.code])
    material = draft.materials.get(material_type=cat.materials["green_permit"])
    assert material.source == MaterialSource.ON_FILE and material.on_file == on_file
    client.force_login(cat.applicant)
    page = client.get(reverse("approvals:application_materials", args=[draft.pk])).content.decode()
    assert reverse("approvals:verify_number", args=[certificate.number]) in page


def test_a_revoked_certificate_is_no_longer_attached(cat, certificate, later_item):
    # A false commitment found: every valid document of the review is revoked (the decision is still pending).
    revoked = issuing.revoke_documents_of(certificate.subject, reason="发现虚假承诺，撤销许可。", actor=cat.leader)
    assert [d.pk for d in revoked] == [certificate.pk]
    draft = applications.create_draft(actor=cat.applicant, enterprise=cat.enterprise, item_codes=[later_item.code])
    assert not draft.materials.filter(material_type=cat.materials["green_permit"]).exists()
