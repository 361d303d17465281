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


# --- Tokens expire, are new at every login, and can be revoked (issue 11) ---------------------------------------

from datetime import timedelta  # noqa: E402

import time_machine  # noqa: E402
from django.utils import timezone  # noqa: E402

from portal.models import ApiToken, AuditEntry  # noqa: E402

LOGOUT = "/api/v1/auth/token/logout/"


def obtain(client, user, **extra):
    response = client.post(URL, {"username": user.username, "password": PASSWORD, **extra},
                           content_type="application/json", HTTP_USER_AGENT="pytest-client/1.0")
    assert response.status_code == 200, response.content
    return response.json()


def test_every_login_gets_a_new_token_stored_only_as_its_hash(client):
    user = UserFactory(applicant=True)
    first, second = obtain(client, user)["token"], obtain(client, user)["token"]
    assert first != second
    assert ApiToken.objects.filter(user=user).count() == 2
    stored = set(ApiToken.objects.values_list("key_hash", flat=True))
    assert first not in stored and second not in stored
    for key in (first, second):
        assert client.get("/api/v1/notifications/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    token = ApiToken.objects.filter(user=user).first()
    assert token.user_agent == "pytest-client/1.0" and token.last_used_at is not None
    assert AuditEntry.objects.filter(event="token_issued", actor=user).count() == 2


def test_staff_tokens_expire_within_hours_applicants_later(client, settings):
    settings.API_TOKEN_STAFF_HOURS = 8
    settings.API_TOKEN_HOURS = 720
    chief = UserFactory(chief=True)
    device = with_totp(chief)
    applicant = UserFactory(applicant=True)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        staff_key = obtain(client, chief, otp=current_totp(device))["token"]
        applicant_body = obtain(client, applicant)
    assert ApiToken.objects.get(user=chief).expires_at == start + timedelta(hours=8)
    assert ApiToken.objects.get(user=applicant).expires_at == start + timedelta(hours=720)
    with time_machine.travel(start + timedelta(hours=8, seconds=1), tick=False):
        expired = client.get("/api/v1/notifications/", HTTP_AUTHORIZATION=f"Token {staff_key}")
        assert (expired.status_code, expired["WWW-Authenticate"]) == (401, "Token")
        assert client.get("/api/v1/notifications/",
                          HTTP_AUTHORIZATION=f"Token {applicant_body['token']}").status_code == 200
    with time_machine.travel(start + timedelta(hours=721), tick=False):
        assert client.get("/api/v1/notifications/",
                          HTTP_AUTHORIZATION=f"Token {applicant_body['token']}").status_code == 401


def test_logout_revokes_the_presented_token_only(client):
    user = UserFactory(applicant=True)
    kept, ended = obtain(client, user)["token"], obtain(client, user)["token"]
    response = client.post(LOGOUT, HTTP_AUTHORIZATION=f"Token {ended}")
    assert response.status_code == 204
    assert client.get("/api/v1/notifications/", HTTP_AUTHORIZATION=f"Token {ended}").status_code == 401
    assert client.get("/api/v1/notifications/", HTTP_AUTHORIZATION=f"Token {kept}").status_code == 200
    assert client.post(LOGOUT, HTTP_AUTHORIZATION=f"Token {ended}").status_code == 401
    assert client.post(LOGOUT).status_code == 401
    assert AuditEntry.objects.filter(event="token_revoked", actor=user).count() == 1


def test_a_staff_token_is_never_issued_without_a_valid_code(client):
    chief = UserFactory(chief=True)
    device = with_totp(chief)
    good = current_totp(device)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    refused = client.post(URL, {"username": chief.username, "password": PASSWORD, "otp": wrong},
                          content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "otp_invalid"
    assert not ApiToken.objects.filter(user=chief).exists()


def test_no_or_a_bad_token_is_a_401_challenge_and_a_refusal_of_a_known_caller_stays_403(client):
    """401 (with the scheme to use) when the caller is not authenticated; 403 when they are, but may not."""
    url = "/api/v1/notifications/"
    for headers in ({}, {"HTTP_AUTHORIZATION": "Token " + "0" * 40}, {"HTTP_AUTHORIZATION": "Token"},
                    {"HTTP_AUTHORIZATION": "Token a b"}):
        response = client.get(url, **headers)
        assert (response.status_code, response["WWW-Authenticate"]) == (401, "Token"), headers
    entry = AuditEntry.objects.filter(event="permission.denied").order_by("-pk").first()
    assert (entry.actor, entry.success, entry.data["status"], entry.data["path"]) == (None, False, 401, url)
    # Authenticated by a token, refused by the operation's rule: 403, no challenge.
    applicant = UserFactory(applicant=True)
    key = obtain(client, applicant)["token"]
    other = UserFactory(agent=True)
    refused = client.post(f"/api/v1/enterprises/{applicant.enterprise_id}/reassign/",
                          {"agent": other.username, "reason": "mine now"}, content_type="application/json",
                          HTTP_AUTHORIZATION=f"Token {key}")
    assert refused.status_code == 403 and not refused.has_header("WWW-Authenticate")
    # ... and a signed-in session refused the same way: 403 too.
    client.force_login(applicant)
    assert client.post(f"/api/v1/enterprises/{applicant.enterprise_id}/reassign/",
                       {"agent": other.username, "reason": "mine now"},
                       content_type="application/json").status_code == 403
