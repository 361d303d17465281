"""The Django admin and the API behind the second factor: no password-only way in (issue 11)."""

import pytest
from django.urls import reverse

from portal.models import AuditEntry
from tests.factories.portal import PASSWORD, UserFactory, current_totp, with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    user = UserFactory(admin=True, username="admin1")
    return user, with_totp(user)


def test_the_admin_login_form_sends_to_the_two_step_login(client, admin):
    response = client.get("/admin/login/?next=/admin/portal/user/")
    assert response.status_code == 302
    assert response.url == reverse("portal:login") + "?next=%2Fadmin%2Fportal%2Fuser%2F"


def test_posting_the_password_to_the_admin_login_gives_no_session(client, admin):
    user, _device = admin
    response = client.post("/admin/login/", {"username": user.username, "password": PASSWORD,
                                            "next": "/admin/"})
    assert response.status_code == 302 and response.url.startswith(reverse("portal:login"))
    assert "_auth_user_id" not in client.session
    assert client.get("/api/v1/applications/").status_code in (401, 403)
    assert client.get("/admin/").status_code == 302


def test_an_admin_session_without_the_second_factor_gets_nothing(client, admin):
    user, _device = admin
    client.force_login(user)  # a session made by a password-only form
    api = client.get("/api/v1/applications/")
    assert api.status_code == 403
    assert api["Content-Type"] == "application/json"
    assert api.json()["code"] == "second_factor_required"
    assert client.post("/api/v1/enterprises/1/reassign/", {}, content_type="application/json").status_code == 403
    page = client.get("/admin/")
    assert page.status_code == 302 and page.url.startswith(reverse("portal:login"))


@pytest.mark.parametrize("role", ["clerk", "staff", "chief", "leader", "supervisor"])
def test_every_staff_role_needs_the_second_factor_for_the_api(client, role):
    user = UserFactory(**{role: True})
    with_totp(user)
    client.force_login(user)
    assert client.get("/api/v1/notifications/").status_code == 403


def test_a_staff_flag_without_a_verified_device_does_not_open_the_admin(client):
    """An applicant given is_staff by mistake, with no device: the admin still wants a verified second factor."""
    user = UserFactory(applicant=True, is_staff=True)
    assert not user.needs_second_factor
    client.force_login(user)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse("portal:home")


def test_admin_login_through_the_portal_is_audited_and_opens_the_admin(client, admin):
    user, device = admin
    response = client.post(reverse("portal:login"), {"username": user.username, "password": PASSWORD,
                                                     "otp_token": current_totp(device), "next": "/admin/"})
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert AuditEntry.objects.get(event="login", success=True, actor=user).data == {"second_factor": True}
    assert AuditEntry.objects.filter(event="admin_login", actor=user).exists()
    assert client.get("/api/v1/notifications/").status_code == 200


def test_a_login_without_a_device_is_audited_as_one_factor(client):
    """The counterpart of the test above: the audit entry says which logins had the second factor."""
    user = UserFactory(applicant=True)
    response = client.post(reverse("portal:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEntry.objects.get(event="login", success=True, actor=user).data == {"second_factor": False}


def test_the_admin_logout_and_password_change_are_the_portals(client, admin):
    user, device = admin
    client.post(reverse("portal:login"), {"username": user.username, "password": PASSWORD,
                                          "otp_token": current_totp(device), "next": "/admin/"})
    assert client.get("/admin/password_change/").url == reverse("portal:password_change")
    response = client.post("/admin/logout/")
    assert response.status_code == 302 and response.url == reverse("portal:login")
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(event="logout", actor=user).exists()
