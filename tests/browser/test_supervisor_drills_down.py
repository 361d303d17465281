"""A supervisor logs in with TOTP, opens the supervision dashboard, drills from a number to the applications
behind it and on to one application, and finds nothing to change on the way; then the sealed monthly reports,
to read only (issue 13)."""

import re

import pytest
from playwright.sync_api import expect

from approvals.calendar.loading import invalidate
from approvals.calendar.seeding import load_from_chinesecalendar
from tests.browser import axe
from tests.factories.applications import decided_application, fresh_totp, make_catalog
from tests.factories.portal import PASSWORD, UserFactory, with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    invalidate()
    load_from_chinesecalendar(years=[2026])
    cat = make_catalog()
    application = decided_application(cat)  # decided on Mon 2026-06-01
    supervisor = UserFactory(supervisor=True, username="observer")
    device = with_totp(supervisor)
    yield application, supervisor, device
    invalidate()


def test_a_supervisor_drills_from_a_number_to_the_applications_and_changes_nothing(live_server, page, world):
    application, supervisor, device = world
    page.goto(live_server.url + "/login/")
    axe.check(page)
    page.get_by_label("用户名").fill(supervisor.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label(re.compile("动态码")).fill(fresh_totp(device))
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_contain_text("欢迎")
    axe.check(page)

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="监管看板").click()
    expect(page.get_by_label("起始日期")).to_be_visible()
    axe.check(page)
    page.get_by_label("起始日期").fill("2026-06-01")
    page.get_by_label("截止日期（不含）").fill("2026-07-01")
    page.get_by_role("button", name="筛选").click()
    decided = page.get_by_test_id("figure-decided")
    expect(decided).to_have_text("1")
    expect(page.get_by_test_id("chart-trend")).to_be_visible()
    axe.check(page)
    decided.click()

    expect(page).to_have_url(re.compile(r"/supervision/applications/\?.*stage=decided"))
    rows = page.get_by_test_id("drill-list").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(application.reference)
    expect(page.locator("main form[method=post]")).to_have_count(0)  # a list to read, nothing to act on
    axe.check(page)

    rows.first.get_by_role("link", name=application.reference).click()
    expect(page.locator("h1")).to_contain_text(application.title)
    expect(page.locator("main form[method=post]")).to_have_count(0)  # the application's page: read-only for them
    axe.check(page)
    # The rating form is the applicant's: the supervisor is refused.
    response = page.goto(f"{live_server.url}/applications/{application.pk}/rate/")
    assert response.status == 403
    axe.check(page)  # the error page, in the portal's layout

    # The sealed monthly reports: filters to read them by scope and month, nothing to order (administrators order).
    page.goto(live_server.url + "/supervision/")
    axe.check(page)
    page.get_by_test_id("monthly-reports").click()
    expect(page).to_have_url(re.compile(r"/supervision/reports/$"))
    expect(page.get_by_test_id("filter-scope")).to_be_visible()
    expect(page.get_by_test_id("order-report")).to_have_count(0)
    axe.check(page)
