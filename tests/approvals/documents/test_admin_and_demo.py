"""The admin revokes through the service (with a reason, audited); the demo has prefixes, certificate items and
seals."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from approvals.documents import issuing, keystore
from approvals.models import Department, DocumentStatus, IssuedDocument, ServiceItem
from portal.models import AuditEntry
from tests.factories.applications import submitted_application
from tests.factories.portal import UserFactory, with_totp

from .conftest import receipt_of


@pytest.fixture
def admin_client(client, db):
    admin = UserFactory(admin=True, is_staff=True, is_superuser=True)
    device = with_totp(admin)
    client.force_login(admin)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.admin = admin
    return client


def test_the_admin_revokes_with_a_reason_through_the_service(admin_client, cat, seals):
    document = issuing.issue(receipt_of(submitted_application(cat, items=[cat.fee_item])).pk)
    url = reverse("admin:approvals_issueddocument_changelist")
    action = {"action": "revoke", "_selected_action": [document.pk]}
    asked = admin_client.post(url, action)
    assert asked.status_code == 200 and "Reason for revocation" in asked.content.decode()
    assert IssuedDocument.objects.get(pk=document.pk).status == DocumentStatus.VALID
    done = admin_client.post(url, {**action, "apply": "1", "reason": "材料系伪造"})
    assert done.status_code == 302
    revoked = IssuedDocument.objects.get(pk=document.pk)
    assert (revoked.status, revoked.revocation_reason, revoked.revoked_by) == (
        DocumentStatus.REVOKED, "材料系伪造", admin_client.admin)
    assert AuditEntry.objects.filter(event="document.revoked", actor=admin_client.admin).exists()
    change = admin_client.post(reverse("admin:approvals_issueddocument_change", args=[document.pk]),
                               {"number": "tampered"})
    assert change.status_code == 403


@pytest.mark.django_db
def test_the_demo_has_number_prefixes_certificate_items_and_seals():
    call_command("seed_demo", "--skip-calendar", "--quiet", stdout=io.StringIO())
    assert not Department.objects.filter(document_prefix="").exists()
    assert Department.objects.get(code="cgj").document_prefix == "渝北城管"
    certificates = ServiceItem.objects.filter(issues_certificate=True)
    assert {"GH-DJ-001", "GH-XK-001", "GH-XK-002"} <= set(certificates.values_list("code", flat=True))
    assert ServiceItem.objects.get(code="GH-XK-001").issued_material.key == "land_use_planning_permit"
    assert all(keystore.has_seal(d) for d in Department.objects.all())
