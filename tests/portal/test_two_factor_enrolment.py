import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories.portal import UserFactory, current_totp

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
    refused = client.post(reverse("portal:enrol_totp"), {"token": wrong})
    assert refused.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed

    done = client.post(reverse("portal:enrol_totp"), {"token": current_totp(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    user.refresh_from_db()
    assert user.needs_second_factor
