"""Playwright driving Debian's Chromium against Django's live server.

The browser is the system's /usr/bin/chromium (installed by .ci/run); Playwright never downloads its own.
"""

import json
import os
import shutil

import pytest

from tests.browser import axe

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in this thread; the ORM calls made by test set-up are still
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (make test does in CI)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield WatchedBrowser(browser)
        browser.close()


class WatchedBrowser:
    """The browser whose every context lets axe-core in (`bypass_csp`) and whose every page is watched, so that
    each document a journey shows is checked by axe-core (tests/browser/axe.py)."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        context = self._browser.new_context(**{"bypass_csp": True, **options})
        context.on("page", axe.watch)
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(autouse=True)
def every_page_checked_by_axe():
    """A journey fails if it showed a document that axe-core did not check."""
    axe.reset()
    yield
    left = axe.unchecked()
    axe.reset()
    assert left == [], "pages shown but not checked by axe-core:\n  " + "\n  ".join(left)


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def demo_accounts(transactional_db, tmp_path):
    """The demo data, loaded the way `make run` loads it, and its accounts file."""
    from django.core.management import call_command

    path = tmp_path / "accounts.json"
    call_command("seed_demo", "--quiet", "--accounts-json", str(path))
    return {a["username"]: a for a in json.loads(path.read_text(encoding="utf-8"))}


def totp_now(base32_secret: str) -> str:
    import base64

    from django_otp.oath import TOTP

    padded = base32_secret + "=" * (-len(base32_secret) % 8)
    return f"{TOTP(base64.b32decode(padded)).token():06d}"
