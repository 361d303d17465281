"""The account page: the user sees and ends their web sessions and API tokens; changes their password only with
the old one, and to one the validators accept (issue 11)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from approvals.demo.catalog_data import DEMO_PASSWORD
from portal.models import ApiToken, AuditEntry, UserSession
from portal.services.tokens import issue_token
from tests.factories.portal import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Quiet-River-Lantern-88"


def logged_in(user, agent="browser-a"):
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post(reverse("portal:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def user():
    return UserFactory(applicant=True)


def test_the_account_page_lists_sessions_and_tokens(user):
    first, _second = logged_in(user, "browser-a"), logged_in(user, "browser-b")
    token, _key = issue_token(user)
    page = first.get(reverse("portal:account"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "browser-a" in html and "browser-b" in html and f"{token.prefix}…" in html
    assert len(page.context["sessions"]) == 2


def test_a_user_ends_another_session_with_the_password_and_it_stops_working(user):
    mine, other = logged_in(user, "browser-a"), logged_in(user, "browser-b")
    row = UserSession.objects.get(user_agent="browser-b")
    url = reverse("portal:end_session", args=[row.pk])
    page = mine.get(url)
    assert page.status_code == 200 and "browser-b" in page.content.decode()
    assert 'type="password"' in page.content.decode() and 'autocomplete="current-password"' in page.content.decode()
    # Without the password, or with a wrong one: nothing ends; the wrong one is audited.
    assert mine.post(url).status_code == 200
    refused = mine.post(url, {"password": "not-my-password"})
    assert refused.status_code == 200 and refused.context["form"].errors["password"]
    assert UserSession.objects.filter(pk=row.pk).exists()
    assert other.get(reverse("portal:account")).status_code == 200
    assert AuditEntry.objects.get(event="session_ended", actor=user).success is False

    assert mine.post(url, {"password": PASSWORD}).status_code == 302
    assert other.get(reverse("portal:account")).status_code == 302  # sent to the login page
    assert mine.get(reverse("portal:account")).status_code == 200
    assert AuditEntry.objects.filter(event="session_ended", actor=user, success=True).count() == 1


def test_ending_ones_own_session_is_a_logout_without_the_password(user):
    client = logged_in(user)
    row = UserSession.objects.get(user=user)
    url = reverse("portal:end_session", args=[row.pk])
    assert client.get(url).url == reverse("portal:account")  # nothing to confirm: the button posts
    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("portal:login")
    assert not UserSession.objects.filter(pk=row.pk).exists()
    assert client.get(reverse("portal:account")).status_code == 302


def test_nobody_ends_someone_elses_session_or_token(user):
    stranger = UserFactory(applicant=True)
    logged_in(stranger, "theirs")
    token, key = issue_token(stranger)
    mine = logged_in(user)
    row = UserSession.objects.get(user=stranger)
    assert mine.post(reverse("portal:end_session", args=[row.pk]), {"password": PASSWORD}).status_code == 404
    assert mine.post(reverse("portal:end_token", args=[token.pk]), {"password": PASSWORD}).status_code == 404
    assert UserSession.objects.filter(pk=row.pk).exists() and ApiToken.objects.filter(pk=token.pk).exists()


def test_a_user_revokes_a_token_from_the_page_with_the_password(user):
    client = logged_in(user)
    token, key = issue_token(user)
    url = reverse("portal:end_token", args=[token.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"password": "not-my-password"}).status_code == 200
    assert Client().get("/api/v1/notifications/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert AuditEntry.objects.get(event="token_revoked", actor=user).success is False
    assert client.post(url, {"password": PASSWORD}).status_code == 302
    assert Client().get("/api/v1/notifications/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_logging_out_forgets_the_session_row(user):
    client = logged_in(user)
    assert UserSession.objects.filter(user=user).count() == 1
    client.post(reverse("portal:logout"))
    assert not UserSession.objects.filter(user=user).exists()


@pytest.mark.parametrize("weak", ["adminadmin", "Short-2026", "123456789012345", "password1234"])
def test_weak_passwords_are_refused_by_the_validators(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_the_test_and_demo_passwords_pass_the_validators():
    validate_password(PASSWORD)
    validate_password(DEMO_PASSWORD)


def test_password_change_needs_the_old_password(user):
    client = logged_in(user)
    response = client.post(reverse("portal:password_change"), {
        "old_password": "not-my-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 200 and response.context["form"].errors.get("old_password")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert AuditEntry.objects.filter(event="password_change", success=False, actor=user).exists()


def test_password_change_refuses_a_common_password(user):
    client = logged_in(user)
    response = client.post(reverse("portal:password_change"), {
        "old_password": PASSWORD, "new_password1": "adminadmin", "new_password2": "adminadmin"})
    assert response.status_code == 200 and response.context["form"].errors.get("new_password1")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_ends_other_sessions_and_tokens_but_keeps_this_one(user):
    client, other = logged_in(user, "browser-a"), logged_in(user, "browser-b")
    _token, key = issue_token(user)
    response = client.post(reverse("portal:password_change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("portal:account")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(reverse("portal:account")).status_code == 200
    assert other.get(reverse("portal:account")).status_code == 302
    assert Client().get("/api/v1/notifications/", HTTP_AUTHORIZATION=f"Token {key}").status_code in (401, 403)
    assert list(UserSession.objects.filter(user=user).values_list("user_agent", flat=True)) == ["browser-a"]
    assert AuditEntry.objects.filter(event="password_change", success=True, actor=user).exists()
