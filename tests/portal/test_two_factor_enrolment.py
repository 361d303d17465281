"""Enrolling and replacing an authenticator: the current code and the password again, never the session alone."""

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import AuditEntry
from tests.factories.portal import PASSWORD, UserFactory, current_totp, with_totp

pytestmark = pytest.mark.django_db


def test_applicant_enrols_an_authenticator(client):
    user = UserFactory(applicant=True)
    client.force_login(user)
    page = client.get(reverse("portal:enrol_totp"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # Reloading the page keeps the same pending secret.
    client.get(reverse("portal:enrol_totp"))
    assert TOTPDevice.objects.filter(user=user).count() == 1

    wrong = f"{(int(current_totp(device)) + 1) % 1_000_000:06d}"
    refused = client.post(reverse("portal:enrol_totp"), {"token": wrong, "password": PASSWORD})
    assert refused.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed

    done = client.post(reverse("portal:enrol_totp"), {"token": current_totp(device), "password": PASSWORD})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    user.refresh_from_db()
    assert user.needs_second_factor


def test_a_session_alone_cannot_enrol_a_device(client):
    user = UserFactory(applicant=True)
    client.force_login(user)
    client.get(reverse("portal:enrol_totp"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    missing = client.post(reverse("portal:enrol_totp"), {"token": current_totp(device)})
    assert missing.status_code == 200 and missing.context["form"].errors.get("password")
    wrong = client.post(reverse("portal:enrol_totp"), {"token": current_totp(device), "password": "not-my-password"})
    assert wrong.status_code == 200 and wrong.context["form"].errors.get("password")
    device.refresh_from_db()
    assert not device.confirmed
    assert AuditEntry.objects.filter(event="totp_enrol", success=False, actor=user).exists()


def test_staff_replace_their_phone_with_password_and_the_new_code(client):
    user = UserFactory(chief=True)
    old = with_totp(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = old.persistent_id
    session.save()
    page = client.get(reverse("portal:enrol_totp"))
    assert page.status_code == 200
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(reverse("portal:enrol_totp"),
                       {"token": current_totp(new), "password": "wrong-password-1"}).status_code == 200
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()
    done = client.post(reverse("portal:enrol_totp"), {"token": current_totp(new), "password": PASSWORD})
    assert done.status_code == 302
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True)) == [new.pk]
    assert AuditEntry.objects.filter(event="totp_enrol", success=True, actor=user,
                                     summary="TOTP device replaced").exists()
