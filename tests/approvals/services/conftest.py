"""Shared fixtures of the service tests: the 2026 official calendar, media in a temporary folder, the catalog."""

import pytest
from django.utils import translation

from approvals.calendar.loading import invalidate
from approvals.calendar.seeding import load_from_chinesecalendar
from tests.factories.applications import make_catalog


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids); the portal's default language is Simplified Chinese."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def calendar_2026(db):
    """The official 2026 schedule (National Day, Spring Festival and their make-up days) in the database."""
    invalidate()
    load_from_chinesecalendar(years=[2026])
    yield
    invalidate()


@pytest.fixture
def cat(calendar_2026):
    return make_catalog()
