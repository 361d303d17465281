"""What no service writes is audited too: refusals (403) on pages and in the API, the admin's logins and every
change made in it, each with the client's address; and the auditors' export page."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from portal import audit_chain, audit_export
from portal.models import AuditEntry, Park
from portal.services import audit
from tests.factories.portal import PASSWORD, UserFactory, current_totp, with_totp

pytestmark = pytest.mark.django_db


def verified(client, user):
    """`user` logged in with a verified second factor, browsing in English."""
    device = with_totp(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def last(event):
    return AuditEntry.objects.filter(event=event).order_by("-id").first()


def test_a_refused_page_is_audited_with_the_user_the_reason_and_the_address(client):
    applicant = UserFactory(applicant=True)
    client.force_login(applicant)
    response = client.get(reverse("approvals:desk"), HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="198.51.100.23")
    assert response.status_code == 403
    entry = last("permission.denied")
    assert (entry.actor, entry.success, entry.ip_address) == (applicant, False, "198.51.100.23")
    assert entry.data == {"method": "GET", "path": reverse("approvals:desk"), "status": 403,
                          "reason": "The desk is for the window clerks of a department."}


def test_a_refused_api_call_is_audited(client):
    applicant = UserFactory(applicant=True)
    client.force_login(applicant)
    url = f"/api/v1/enterprises/{applicant.enterprise_id}/reassign/"
    agent = UserFactory(agent=True)
    response = client.post(url, {"agent": agent.username, "reason": "mine now"}, content_type="application/json",
                           HTTP_ACCEPT_LANGUAGE="en",
                           REMOTE_ADDR="2001:db8::5")
    assert response.status_code == 403
    entry = last("permission.denied")
    assert (entry.actor, entry.ip_address, entry.data["method"], entry.data["path"]) == (
        applicant, "2001:db8::5", "POST", url)
    assert entry.data["reason"] == response.json()["detail"]


def test_the_address_behind_a_trusted_proxy_is_the_forwarded_one(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    client.force_login(UserFactory(applicant=True))
    client.get(reverse("approvals:desk"), REMOTE_ADDR="10.1.2.3",
               HTTP_X_FORWARDED_FOR="203.0.113.9, 192.0.2.1, 10.9.9.9")
    assert last("permission.denied").ip_address == "192.0.2.1"  # the right-most hop the proxy saw
    client.get(reverse("approvals:desk"), REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert last("permission.denied").ip_address == "192.0.2.50"  # not a trusted proxy: its header is ignored


def test_admin_logins_and_failed_logins_are_audited_with_the_address(client):
    """The admin's own login form is never shown (portal.admin_site): its logins go through the portal's two-step
    login, which audits a wrong password and the way into the admin, each with the client's address."""
    admin = UserFactory(admin=True)
    device = with_totp(admin)
    where = {"REMOTE_ADDR": "198.51.100.8"}
    client.post(reverse("portal:login"), {"username": admin.username, "password": "wrong-password",
                                          "next": "/admin/"}, **where)
    failed = last("login")
    assert (failed.success, failed.data["username"], failed.ip_address) == (False, admin.username, "198.51.100.8")
    response = client.post(reverse("portal:login"), {"username": admin.username, "password": PASSWORD,
                                                     "otp_token": current_totp(device), "next": "/admin/"}, **where)
    assert response.status_code == 302 and response.url == "/admin/"
    entry = last("admin_login")
    assert (entry.success, entry.actor, entry.ip_address) == (True, admin, "198.51.100.8")


def test_every_admin_addition_change_and_deletion_is_audited_with_the_address(client):
    admin = UserFactory(admin=True)
    admin_client = verified(client, admin)
    where = {"REMOTE_ADDR": "198.51.100.77"}
    response = admin_client.post(reverse("admin:portal_park_add"),
                                 {"code": "P1", "name": "空港园", "operator": "空港公司"}, **where)
    assert response.status_code == 302
    park = Park.objects.get(code="P1")
    added = last("admin.added")
    assert (added.actor, added.ip_address, added.data["model"], added.data["object_id"]) == (
        admin, "198.51.100.77", "portal.Park", str(park.pk))

    admin_client.post(reverse("admin:portal_park_change", args=[park.pk]),
                      {"code": "P1", "name": "两江园", "operator": "空港公司"}, **where)
    changed = last("admin.changed")
    assert (changed.actor, changed.ip_address, changed.data["object_id"]) == (admin, "198.51.100.77", str(park.pk))
    assert "Name" in changed.data["change"] or "name" in changed.data["change"]

    admin_client.post(reverse("admin:portal_park_delete", args=[park.pk]), {"post": "yes"}, **where)
    assert not Park.objects.filter(pk=park.pk).exists()
    assert last("admin.deleted").data["object_id"] == str(park.pk)


def test_a_bulk_deletion_in_the_admin_leaves_one_entry_per_row(client):
    admin_client = verified(client, UserFactory(admin=True))
    parks = [Park.objects.create(code=f"B{n}", name=f"园{n}", operator="x") for n in range(3)]
    before = AuditEntry.objects.filter(event="admin.deleted").count()
    response = admin_client.post(reverse("admin:portal_park_changelist"),
                                 {"action": "delete_selected", "_selected_action": [p.pk for p in parks],
                                  "post": "yes"}, REMOTE_ADDR="198.51.100.78")
    assert response.status_code == 302 and not Park.objects.filter(code__startswith="B").exists()
    deleted = AuditEntry.objects.filter(event="admin.deleted").order_by("id")[before:]
    assert sorted(e.data["object_id"] for e in deleted) == sorted(str(p.pk) for p in parks)
    assert {e.ip_address for e in deleted} == {"198.51.100.78"}


def test_asking_to_confirm_a_bulk_deletion_deletes_and_records_nothing(client):
    admin_client = verified(client, UserFactory(admin=True))
    park = Park.objects.create(code="C1", name="园", operator="x")
    response = admin_client.post(reverse("admin:portal_park_changelist"),
                                 {"action": "delete_selected", "_selected_action": [park.pk]})
    assert response.status_code == 200 and Park.objects.filter(pk=park.pk).exists()
    assert not AuditEntry.objects.filter(event="admin.deleted").exists()


@pytest.mark.parametrize("role", ["admin", "supervisor"])
def test_administrators_and_supervisors_download_the_audit_log_with_its_hashes(client, role):
    user = UserFactory(**{role: True})
    entries = [audit.record("x", summary=f"entry {n}") for n in range(2)]
    page = verified(client, user).get(reverse("portal:audit_export"))
    assert page.status_code == 200 and b'name="start"' in page.content
    today = timezone.localdate().isoformat()
    response = client.get(reverse("portal:audit_export"), {"start": today, "end": today, "format": "csv"},
                          REMOTE_ADDR="198.51.100.90")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(audit_export.read_export(io.StringIO(b"".join(response.streaming_content).decode()), "csv"))
    by_id = {row["id"]: row for row in rows}
    assert by_id[str(entries[1].pk)]["prev_hash"] == entries[0].hash == by_id[str(entries[0].pk)]["hash"]
    exported = last("audit.exported")
    assert (exported.actor, exported.ip_address, exported.data["via"]) == (user, "198.51.100.90", "web")
    assert str(exported.pk) in by_id  # the export's own entry is part of the period
    assert audit_chain.first_broken(rows, anchor=None) == (len(rows), None)


@pytest.mark.parametrize("role", ["applicant", "clerk", "chief", "leader"])
def test_others_may_not_export_the_audit_log_and_their_attempt_is_recorded(client, role):
    user = UserFactory(**{role: True})
    response = verified(client, user).get(reverse("portal:audit_export"), {"start": "2026-01-01",
                                                                          "end": "2026-01-31"})
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(event="audit.exported").exists()
    assert last("permission.denied").actor == user


def test_a_bad_period_gets_a_readable_error_not_a_download(client):
    verified(client, UserFactory(supervisor=True))
    response = client.get(reverse("portal:audit_export"), {"start": "2026-02-10", "end": "2026-02-01"})
    assert response.status_code == 400 and b"The last day is before the first day." in response.content
    response = client.get(reverse("portal:audit_export"), {"start": "not-a-date", "end": "2026-02-01"})
    assert response.status_code == 400 and b"Enter a valid date." in response.content
    assert not AuditEntry.objects.filter(event="audit.exported").exists()


def test_a_refused_api_call_with_a_token_names_the_token_user(client):
    applicant = UserFactory(applicant=True)
    token = client.post("/api/v1/auth/token/", {"username": applicant.username, "password": PASSWORD},
                        content_type="application/json").json()["token"]
    response = client.post(f"/api/v1/enterprises/{applicant.enterprise_id}/reassign/",
                           {"agent": UserFactory(agent=True).username, "reason": "mine now"},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 403
    assert last("permission.denied").actor == applicant
