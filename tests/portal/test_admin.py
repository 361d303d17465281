"""Portal admin: users with role and enterprise, enterprises, and an audit log that cannot be changed."""

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from portal.models import AuditEntry, Enterprise, Role, User
from portal.services import audit
from tests.factories.portal import EnterpriseFactory, UserFactory, valid_credit_code, with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(admin=True)


@pytest.fixture
def admin_client(client, admin_user):
    device = with_totp(admin_user)
    client.force_login(admin_user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def entry(admin_user):
    return audit.record("login", actor=admin_user, summary="web session", data={"username": "admin"})


def test_audit_log_can_be_read(admin_client, entry):
    response = admin_client.get(reverse("admin:portal_auditentry_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [entry]
    assert "delete_selected" not in response.content.decode()

    response = admin_client.get(reverse("admin:portal_auditentry_change", args=[entry.pk]))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert b'name="_save"' not in response.content


def test_audit_log_cannot_be_added_changed_or_deleted(admin_client, entry):
    assert admin_client.get(reverse("admin:portal_auditentry_add")).status_code == 403
    response = admin_client.post(reverse("admin:portal_auditentry_change", args=[entry.pk]),
                                 {"event": "tampered", "summary": "x"})
    assert response.status_code == 403
    assert admin_client.post(reverse("admin:portal_auditentry_delete", args=[entry.pk]),
                             {"post": "yes"}).status_code == 403
    response = admin_client.post(reverse("admin:portal_auditentry_changelist"),
                                 {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert response.status_code in (200, 302)
    entry.refresh_from_db()
    assert entry.event == "login"
    assert AuditEntry.objects.count() >= 1 and AuditEntry.objects.filter(pk=entry.pk).exists()


def test_user_admin_creates_a_user_with_role_and_hashed_password(admin_client):
    enterprise = EnterpriseFactory()
    response = admin_client.post(reverse("admin:portal_user_add"), {
        "username": "newapplicant", "usable_password": "true",
        "password1": "Another-Pass-2026", "password2": "Another-Pass-2026",
        "role": Role.APPLICANT, "full_name": "新申请人", "phone": "13912345678",
        "enterprise": str(enterprise.pk),
    })
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    user = User.objects.get(username="newapplicant")
    assert user.role == Role.APPLICANT and user.enterprise == enterprise and user.full_name == "新申请人"
    assert user.check_password("Another-Pass-2026")
    assert user.password != "Another-Pass-2026"


def test_user_admin_requires_an_enterprise_for_applicants(admin_client):
    response = admin_client.post(reverse("admin:portal_user_add"), {
        "username": "orphan", "usable_password": "true",
        "password1": "Another-Pass-2026", "password2": "Another-Pass-2026",
        "role": Role.APPLICANT, "full_name": "", "phone": "", "enterprise": "",
    })
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.get("enterprise")
    assert not User.objects.filter(username="orphan").exists()


def test_user_changelist_filters_by_role(admin_client):
    UserFactory(username="chief_x", chief=True)
    UserFactory(username="clerk_x", clerk=True)
    response = admin_client.get(reverse("admin:portal_user_changelist"), {"role__exact": "chief"})
    assert [u.username for u in response.context["cl"].result_list] == ["chief_x"]


def test_enterprise_admin_explains_a_bad_credit_code(admin_client):
    code = valid_credit_code()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    data = {"name": "重庆测试有限公司", "credit_code": wrong, "legal_representative": "张三", "address": "",
            "park": "", "leader": "", "service_agent": ""}
    response = admin_client.post(reverse("admin:portal_enterprise_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["credit_code"]
    assert "check character" in errors[0]

    data["credit_code"] = code
    assert admin_client.post(reverse("admin:portal_enterprise_add"), data).status_code == 302
    assert Enterprise.objects.get().credit_code == code


def test_the_admin_wears_the_portal_name_and_colours_and_names_the_security_apps(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "One-stop approval portal administration" in page and "Django administration" not in page
    assert "css/admin.css" in page and "<style" not in page  # colours from a static file, no inline style
    assert "Login protection (AXES)" in page and "Dynamic codes (TOTP)" in page
    assert "TOTP authenticators" in page


def test_an_audit_entry_shows_its_place_in_the_hash_chain(admin_client, entry):
    response = admin_client.get(reverse("admin:portal_auditentry_change", args=[entry.pk]))
    assert entry.hash.encode() in response.content and entry.prev_hash.encode() in response.content
