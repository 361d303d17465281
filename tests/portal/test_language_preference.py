"""The language switch keeps a logged-in user's choice: their notifications and e-mails come in it."""

import pytest
from django.test import Client

from portal.models import User
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db
SWITCH = "/i18n/setlang/"


def test_switching_the_language_while_logged_in_keeps_it_for_notifications():
    user = UserFactory(applicant=True)
    assert user.notification_language == "zh-hans"
    client = Client()
    client.force_login(user)

    response = client.post(SWITCH, {"language": "en", "next": "/account/"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert response.cookies["django_language"].value == "en"
    user = User.objects.get(pk=user.pk)
    assert (user.language, user.notification_language) == ("en", "en")
    assert "Notifications in</dt><dd>English" in client.get("/account/").content.decode()

    client.post(SWITCH, {"language": "klingon", "next": "/"})  # not offered: nothing changes
    assert User.objects.get(pk=user.pk).language == "en"
    client.post(SWITCH, {"language": "zh-hans", "next": "/"})
    assert User.objects.get(pk=user.pk).language == "zh-hans"


def test_switching_without_logging_in_only_sets_the_cookie():
    response = Client().post(SWITCH, {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    assert Client().get(SWITCH).status_code == 405
