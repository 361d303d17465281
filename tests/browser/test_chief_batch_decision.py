"""Issue 12: a chief representative decides and signs ten opinion-ready reviews with one code in the browser.

Ten bundles of the compact test catalog are accepted and their staff opinions written through the services; the
chief, logged in with both factors, finds them under "opinion ready", ticks them all with the keyboard shortcut,
enters one fresh code and signs them all at once.
"""

import re

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from playwright.sync_api import expect

from tests.browser import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BATCH = 10


@pytest.fixture
def ten_opinions(transactional_db, settings, tmp_path):
    from approvals.calendar.loading import invalidate
    from approvals.calendar.seeding import load_from_chinesecalendar
    from approvals.services import reviews
    from tests.factories.applications import DEFAULT_NOW, accepted_application, frozen, make_catalog

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    invalidate()
    load_from_chinesecalendar(years=[2026])
    cat = make_catalog()
    ids = []
    for n in range(BATCH):
        application = accepted_application(cat, items=[cat.fee_item])
        review = application.reviews.get(item=cat.fee_item)
        proposal = "refuse" if n == BATCH - 1 else "approve"
        with frozen(DEFAULT_NOW):
            reviews.record_opinion(review, actor=cat.staff_of(review.department), proposed_decision=proposal,
                                   opinion=f"第{n + 1}件：经审查，材料齐全，{'拟不予许可' if proposal == 'refuse' else '拟准予许可'}。")
        ids.append(review.pk)
    yield cat, ids
    invalidate()


def chief_context(browser, base_url, chief, device):
    """A browser session of the chief that has passed both factors (as after the login page)."""
    client = Client()
    client.force_login(chief)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])
    return context


def test_a_chief_decides_and_signs_ten_opinion_ready_reviews_with_one_code(browser, live_server, ten_opinions):
    from approvals.models import DecisionSignature, ItemReview
    from tests.factories.applications import fresh_totp

    cat, ids = ten_opinions
    chief = cat.chief_of(cat.departments[0])
    device = cat.device_of(chief)
    page = chief_context(browser, live_server.url, chief, device).new_page()
    page.set_default_timeout(15_000)

    page.goto(live_server.url + "/reviews/")
    expect(page.get_by_test_id("opinion-ready-count").locator(".count__n")).to_have_text(str(BATCH))
    axe.check(page)
    page.get_by_test_id("opinion-ready-count").click()
    expect(page.get_by_test_id("opinion-ready")).to_have_count(BATCH)
    axe.check(page)
    page.get_by_test_id("decide-batch-link").click()
    expect(page).to_have_url(re.compile(r"/reviews/decide/$"))
    axe.check(page)

    boxes = page.locator('input[type="checkbox"][name="reviews"]')
    expect(boxes).to_have_count(BATCH)
    # The "a" shortcut ticks every review (select-all), as the page's shortcut list says.
    expect(page.get_by_test_id("shortcuts")).to_contain_text("a")
    page.locator("body").press("a")
    for i in range(BATCH):
        expect(boxes.nth(i)).to_be_checked()
    expect(page.locator("[data-selected-count]")).to_contain_text(str(BATCH))
    axe.check(page)  # all ticked

    # "c" goes to the code field; one fresh code, Enter, and all ten are decided as proposed and signed.
    page.locator("body").press("c")
    expect(page.locator("#decide_otp")).to_be_focused()
    page.keyboard.type(fresh_totp(device))
    page.keyboard.press("Enter")

    expect(page.locator(".messages")).to_contain_text(str(BATCH))
    expect(page.locator('input[type="checkbox"][name="reviews"]')).to_have_count(0)
    axe.check(page)
    assert set(ItemReview.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"signed"}
    signatures = DecisionSignature.objects.filter(review_id__in=ids)
    assert signatures.count() == BATCH and set(signatures.values_list("signer", flat=True)) == {chief.pk}
    assert sorted(signatures.values_list("decision", flat=True)) == ["approve"] * (BATCH - 1) + ["refuse"]
