"""Login with password and TOTP: staff need both factors; failures are audited and locked out."""

from datetime import timedelta

import pytest
from django.urls import reverse

from portal.models import AuditEntry
from tests.factories.portal import PASSWORD, UserFactory, current_totp, with_totp

pytestmark = pytest.mark.django_db


def post_login(client, username, password=PASSWORD, otp=""):
    return client.post(reverse("portal:login"), {"username": username, "password": password, "otp_token": otp})


@pytest.fixture
def chief():
    user = UserFactory(chief=True, username="chief1")
    return user, with_totp(user)


def test_staff_login_needs_the_dynamic_code(client, chief):
    user, device = chief
    response = post_login(client, user.username)
    assert response.status_code == 200
    assert "6-digit" in response.content.decode() or "动态码" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_login_with_a_wrong_code_is_refused_and_audited(client, chief):
    user, device = chief
    good = current_totp(device)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = post_login(client, user.username, otp=wrong)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(event="login", success=False, data__username=user.username).exists()


def test_staff_login_with_password_and_code_reaches_the_workspace(client, chief):
    user, device = chief
    response = post_login(client, user.username, otp=current_totp(device))
    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    page = client.get(reverse("portal:home"))
    assert page.status_code == 200
    assert AuditEntry.objects.filter(event="login", success=True, actor=user).exists()


def test_applicant_without_device_logs_in_with_password_only(client):
    user = UserFactory(applicant=True)
    response = post_login(client, user.username)
    assert response.status_code == 302


def test_applicant_who_enrolled_needs_the_code_too(client):
    user = UserFactory(applicant=True)
    with_totp(user)
    assert post_login(client, user.username).status_code == 200
    assert "_auth_user_id" not in client.session


def test_wrong_password_says_so_without_telling_which_part(client, chief):
    user, _ = chief
    response = post_login(client, user.username, password="not-the-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account(client, chief, settings):
    user, device = chief
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, user.username, password="wrong-password")
    # Even the right password and code are refused while locked.
    response = post_login(client, user.username, otp=current_totp(device))
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_wrong_codes_count_towards_the_lockout(client, chief, settings):
    user, device = chief
    wrong = f"{(int(current_totp(device)) + 1) % 1_000_000:06d}"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, user.username, otp=wrong)
    assert post_login(client, user.username, otp=current_totp(device)).status_code == 403


def test_staff_session_without_second_factor_is_sent_back_to_login(client, chief):
    user, _ = chief
    client.force_login(user)  # e.g. a session made by another login form, without OTP
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))


def test_logout_is_a_post_and_ends_the_session(client):
    user = UserFactory(applicant=True)
    client.force_login(user)
    assert client.get(reverse("portal:logout")).status_code == 405
    client.post(reverse("portal:logout"))
    assert "_auth_user_id" not in client.session


def test_next_parameter_is_kept_but_only_for_this_site(client):
    user = UserFactory(applicant=True)
    response = client.post(reverse("portal:login") + "?next=/catalog/",
                           {"username": user.username, "password": PASSWORD, "next": "/catalog/"})
    assert response.url == "/catalog/"
    client.post(reverse("portal:logout"))
    response = client.post(reverse("portal:login"),
                           {"username": user.username, "password": PASSWORD, "next": "https://evil.example/"})
    assert response.url == reverse("portal:home")


def _session_writes(client, url="/notifications/"):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries
            if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")]


def test_session_expires_after_inactivity_and_activity_renews_it_once_a_minute(client, settings):
    import time_machine
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    assert settings.SESSION_COOKIE_AGE <= 30 * 60 and settings.SESSION_RENEW_SECONDS <= 60
    user = UserFactory(applicant=True)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(user)
        assert _session_writes(client)  # the first request stamps the renewal
        assert _session_writes(client) == []  # a page view within the minute writes nothing
        expiry = Session.objects.get().expire_date
    with time_machine.travel(start + timedelta(seconds=settings.SESSION_RENEW_SECONDS), tick=False):
        assert _session_writes(client)  # a minute on, activity moves the expiry on
        assert Session.objects.get().expire_date > expiry
    renewed = start + timedelta(seconds=settings.SESSION_RENEW_SECONDS)
    with time_machine.travel(renewed + timedelta(seconds=settings.SESSION_COOKIE_AGE - 1), tick=False):
        assert client.get("/notifications/").status_code == 200  # still logged in: renewed a minute in
    later = renewed + timedelta(seconds=settings.SESSION_COOKIE_AGE - 1)
    with time_machine.travel(later + timedelta(seconds=settings.SESSION_COOKIE_AGE + 1), tick=False):
        response = client.get("/notifications/")  # idle for longer than the timeout: logged out
    assert response.status_code == 302 and reverse("portal:login") in response["Location"]


# --- Lockout by username and address together; reused codes are no failures (issue 11) --------------------------

def test_failures_from_another_address_do_not_lock_the_chief_out(client, chief, settings):
    user, device = chief
    attacker = type(client)(REMOTE_ADDR="203.0.113.66")
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        attacker.post(reverse("portal:login"), {"username": user.username, "password": "wrong-password"})
    assert post_login(attacker, user.username, otp=current_totp(device)).status_code == 403
    # The chief at their own desk is not locked out.
    response = post_login(client, user.username, otp=current_totp(device))
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_a_reused_code_is_refused_but_counts_towards_no_lockout(client, chief, settings):
    import time_machine
    from django.utils import timezone

    user, device = chief
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        code = current_totp(device)
        assert post_login(client, user.username, otp=code).status_code == 302
        client.post(reverse("portal:logout"))
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            replay = post_login(client, user.username, otp=code)
            assert replay.status_code == 200
            assert "_auth_user_id" not in client.session
        assert replay.context["form"].errors["otp_token"]
    assert AuditEntry.objects.filter(summary="second factor code reused").count() == settings.AXES_FAILURE_LIMIT + 1
    with time_machine.travel(start + timedelta(seconds=device.step), tick=False):
        device.refresh_from_db()
        response = post_login(client, user.username, otp=current_totp(device))
    assert response.status_code == 302


def test_the_api_answers_the_lockout_in_json_from_the_attempt_that_locks(client, settings):
    user = UserFactory(applicant=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/api/v1/auth/token/", {"username": user.username, "password": "wrong-wrong"},
                               content_type="application/json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "locked_out" and response.json()["detail"]
