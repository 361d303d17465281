"""Fixtures shared by every test package."""

import pytest


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    """E-mail never leaves the test: Django's locmem backend (the only network boundary we fake)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Each test's database is rolled back, so the in-process calendar must be rebuilt from it."""
    from approvals.calendar.loading import invalidate

    invalidate()
    yield
    invalidate()
