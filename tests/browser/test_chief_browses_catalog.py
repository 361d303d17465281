"""A chief representative logs in with TOTP, sees the workspace in Chinese, switches to English, browses."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import axe
from tests.browser.conftest import totp_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DEMO_ITEMS = 24  # the demo catalog's service items, all active (approvals/demo/catalog_data.py)
TRIO_MATERIALS_SAVED = 5


def chief_account(accounts):
    return next(a for a in accounts.values() if a["role"] == "chief" and a["department"])


def test_chief_logs_in_with_totp_and_browses_the_catalog(live_server, page, demo_accounts):
    chief = chief_account(demo_accounts)
    page.goto(live_server.url + "/")
    # Not logged in: the login page, in Chinese by default.
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.locator("h1")).to_have_text("登录")
    axe.check(page)
    page.get_by_label("用户名").fill(chief["username"])
    page.get_by_label("密码").fill(chief["password"])
    page.get_by_role("button", name="登录").click()
    # Password alone is not enough for staff.
    expect(page.locator(".errorlist")).to_contain_text("动态码")
    axe.check(page)
    page.get_by_label("密码").fill(chief["password"])
    page.get_by_label(re.compile("动态码")).fill(totp_now(chief["totp_secret"]))
    page.get_by_role("button", name="登录").click()

    # The chief's workspace, in Chinese, with their department.
    expect(page.locator("h1")).to_contain_text("欢迎")
    expect(page.locator(".user-badge__role")).to_have_text("首席代表")
    expect(page.get_by_test_id("my-department")).not_to_be_empty()
    expect(page.get_by_role("navigation", name="主导航")).to_contain_text("事项目录")
    axe.check(page)

    # Switch to English.
    page.locator("#lang-select").select_option("en")
    page.get_by_test_id("switch-language").click()
    expect(page.locator("h1")).to_contain_text("Welcome")
    expect(page.locator(".user-badge__role")).to_have_text("Chief representative")
    axe.check(page)

    # Browse the catalog and one package's one-time notice.
    page.get_by_role("link", name="Service catalog").first.click()
    expect(page.locator("h1")).to_have_text("Service catalog")
    rows = page.locator("table.data tbody tr")
    expect(rows).to_have_count(DEMO_ITEMS)
    axe.check(page)
    page.get_by_label("Search").fill("照明")
    page.get_by_role("button", name="Filter").click()
    expect(rows.first).to_contain_text("照明")
    axe.check(page)
    rows.first.locator("a").first.click()
    expect(page.locator("h2#req-materials")).to_be_visible()
    axe.check(page)

    page.get_by_role("link", name="Packages").first.click()
    expect(page.locator("a.card--link", has_text="城管三合一")).to_be_visible()
    axe.check(page)
    page.locator("a.card--link", has_text="城管三合一").click()
    expect(page.locator("#notice-title")).to_be_visible()
    # Seed 000: the trio asks for 10 documents item by item, 5 once bundled.
    expect(page.get_by_test_id("materials-saved")).to_have_text(str(TRIO_MATERIALS_SAVED))
    expect(page.get_by_text("materials saved: 5 to submit instead of 10 item by item")).to_be_visible()
    axe.check(page)
