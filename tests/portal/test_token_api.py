"""POST /api/v1/auth/token/ with the same two-factor rules as the web login."""

import pytest

from tests.factories.portal import PASSWORD, UserFactory, current_totp, with_totp

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/token/"


def test_staff_token_needs_otp(client):
    user = UserFactory(chief=True)
    device = with_totp(user)
    refused = client.post(URL, {"username": user.username, "password": PASSWORD}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "otp_required"
    granted = client.post(URL, {"username": user.username, "password": PASSWORD, "otp": current_totp(device)},
                          content_type="application/json")
    assert granted.status_code == 200
    token = granted.json()["token"]
    me = client.get("/api/v1/items/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200


def test_applicant_token_with_password(client):
    user = UserFactory(applicant=True)
    response = client.post(URL, {"username": user.username, "password": PASSWORD}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["role"] == "applicant"


def test_bad_password_is_400_with_message(client):
    user = UserFactory(applicant=True)
    response = client.post(URL, {"username": user.username, "password": "nope-nope"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_missing_fields_are_field_errors(client):
    response = client.post(URL, {}, content_type="application/json")
    assert response.status_code == 400
    assert "username" in response.json()
