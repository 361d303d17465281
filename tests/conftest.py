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


@pytest.fixture(autouse=True)
def _fresh_catalog_cache():
    """Catalog answers are cached by version in the shared cache, which outlives each test's database."""
    from approvals.catalog_cache import invalidate

    invalidate()
    yield
    invalidate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing with PBKDF2 costs about a second per user on this machine; tests do not need its strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _seals_in_a_temporary_folder(settings, tmp_path_factory):
    """Seal keys a test creates (seed_demo, documents) never land in the project's var/seals."""
    settings.SEALS_DIR = tmp_path_factory.mktemp("seals")


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path_factory):
    """Uploaded and generated files of a test never land in the project's media folder."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in English (LocaleMiddleware) leaves English active in the thread; the next test starts in the
    portal's default language again."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True, scope="session")
def _no_demo_live_work():
    """seed_demo loads only the district (no bundles in every state) unless a test asks for the live work.

    Session-scoped, so that the module-scoped seeding fixtures (tests/approvals/api) see it too."""
    from django.test import override_settings

    override = override_settings(DEMO_LIVE_WORK=False)
    override.enable()
    yield
    override.disable()


@pytest.fixture
def demo_live_work(settings):
    """seed_demo loads the live work (approvals/demo/live_work.py) in this test."""
    settings.DEMO_LIVE_WORK = True
