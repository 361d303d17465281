"""Fixtures of the agents pages: clients logged in per role (staff roles with their second factor), and an
authorisation valid around today (the pages run on the real clock)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from tests.factories.agents import authorise
from tests.factories.portal import UserFactory, with_totp


def logged_in(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # messages are asserted in English (the msgids)
    client.force_login(user)
    if user.needs_second_factor:
        device = with_totp(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def authorise_now(enterprise, agent, **kwargs):
    today = timezone.localdate()
    kwargs.setdefault("valid_from", today - timedelta(days=30))
    kwargs.setdefault("valid_until", today + timedelta(days=365))
    return authorise(enterprise, agent, now=timezone.now(), **kwargs)


@pytest.fixture
def filer(cat):
    """A park service agent the company authorised (all items) around today."""
    user = UserFactory(role="agent", username="filer", full_name="王代办")
    authorise_now(cat.enterprise, user)
    return user


@pytest.fixture
def as_user():
    return logged_in
