"""`User.second_factor_enrolled` follows the devices however they change, is never written back by a stale copy
of the user, and spares every request a query of the devices."""

import pytest
from django.db import connection
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import User
from portal.second_factor import recompute
from tests.factories.portal import PASSWORD, UserFactory, current_totp, signed_in_client, with_totp

pytestmark = pytest.mark.django_db


def enrolled(user) -> bool:
    return User.objects.get(pk=user.pk).second_factor_enrolled


def test_the_flag_follows_confirming_replacing_and_deleting_devices():
    user = UserFactory(applicant=True)
    assert not enrolled(user) and not user.needs_second_factor
    pending = TOTPDevice.objects.create(user=user, name="pending", confirmed=False)
    assert not enrolled(user)  # an unconfirmed device is no second factor
    pending.confirmed = True
    pending.save()
    assert enrolled(user)
    second = with_totp(user)
    pending.delete()
    assert enrolled(user)  # one confirmed device left
    TOTPDevice.objects.filter(pk=second.pk).delete()  # a queryset delete (the admin's bulk action) too
    assert not enrolled(user) and not User.objects.get(pk=user.pk).needs_second_factor


def test_the_copy_in_memory_of_the_device_owner_is_told():
    user = UserFactory(applicant=True)
    with_totp(user)
    assert user.second_factor_enrolled and user.needs_second_factor


def test_a_stale_copy_of_the_user_never_turns_the_flag_off():
    user = UserFactory(applicant=True)
    stale = User.objects.get(pk=user.pk)
    with_totp(user)
    stale.full_name = "改名"
    stale.save()  # a full save of a copy loaded before the enrolment
    fresh = User.objects.get(pk=user.pk)
    assert fresh.second_factor_enrolled and fresh.full_name == "改名"


def test_recompute_repairs_a_flag_written_by_hand():
    user = UserFactory(applicant=True)
    with_totp(user)
    User.objects.filter(pk=user.pk).update(second_factor_enrolled=False)
    recompute(user.pk)
    assert enrolled(user)


def test_enrolling_in_one_session_ends_the_other_unverified_session(client):
    user = UserFactory(applicant=True)
    other = signed_in_client(user)
    assert other.get(reverse("approvals:my_applications")).status_code == 200
    client.force_login(user)
    client.get(reverse("portal:enrol_totp"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(reverse("portal:enrol_totp"),
                       {"token": current_totp(device), "password": PASSWORD}).status_code == 302
    # The older session passed no second factor: it is ended at its next request.
    assert other.get(reverse("approvals:my_applications")).status_code == 302


@pytest.mark.parametrize("url", ["/api/v1/notifications/", "/api/v1/applications/"])
def test_an_applicant_request_does_not_query_the_devices(url):
    user = UserFactory(applicant=True)
    client = signed_in_client(user)
    client.get(url)
    statements = []

    def spy(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        assert client.get(url).status_code == 200
    assert statements and not [sql for sql in statements if "otp_totp_totpdevice" in sql], statements
