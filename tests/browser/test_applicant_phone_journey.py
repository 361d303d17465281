"""Issue 12's journeys at phone width, axe-core clean on every page: the applicant from the form to the
confirmation (check your answers, 信用承诺), and the public progress lookup (办件查询) without login."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import axe
from tests.browser.test_bundle_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DRAFT_TITLE = "户外招牌设置备案（演示）"


@pytest.fixture
def phone(browser):
    contexts = []

    def make():
        context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    yield make
    for context in contexts:
        context.close()


def test_applicant_from_the_form_to_the_confirmation_at_phone_width(demo_live_work, live_server, phone,
                                                                   demo_accounts):
    from approvals.demo.live_work import _pdf
    from approvals.models import Application
    from portal.models import User

    base = live_server.url
    applicant = User.objects.get(username="applicant")
    draft = Application.objects.get(title=DRAFT_TITLE, enterprise=applicant.enterprise)
    page = phone()
    log_in(page, base, demo_accounts["applicant"])
    expect(page.get_by_test_id("todos")).to_be_visible()
    expect(page.locator(f'[data-todo="draft"][data-reference="{draft.reference}"]')).to_be_visible()
    axe.check(page)

    # The form comes first at phone width: the first card of the page is the form's.
    page.goto(f"{base}/applications/{draft.pk}/form/")
    assert page.evaluate("() => document.querySelector('main .card').closest('[data-testid=one-form]') !== null")
    axe.check(page)
    page.get_by_test_id("save-next").click()
    expect(page).to_have_url(re.compile(rf"/applications/{draft.pk}/materials/"))
    axe.check(page)
    for section in page.locator("section[data-material]").all():
        key = section.get_attribute("data-material")
        if section.locator('input[type="file"]').count() == 0:
            continue
        section.locator('input[type="file"]').set_input_files(
            {"name": f"{key}.pdf", "mimeType": "application/pdf", "buffer": _pdf(key)})
        section.locator('form.upload button[type="submit"]').click()
        expect(page.locator(f'section[data-material="{key}"] [data-state="uploaded"]')).to_be_visible()
        axe.check(page)

    page.goto(f"{base}/applications/{draft.pk}/check/")
    expect(page.get_by_test_id("answers")).to_contain_text("大江北辰新能源")
    axe.check(page)
    page.get_by_test_id("submit-checked").click()  # without the declaration: refused, said next to it
    expect(page.locator("#id_declaration-errors")).to_be_visible()
    axe.check(page)
    page.get_by_test_id("declaration").check()
    page.get_by_test_id("submit-checked").click()
    expect(page.get_by_test_id("confirmation-reference")).to_have_text(draft.reference)
    expect(page.get_by_test_id("next-step")).to_be_visible()
    axe.check(page)
    draft.refresh_from_db()
    assert draft.status == "submitted"

    page.goto(f"{base}/applications/{draft.pk}/")
    expect(page.get_by_test_id("progress")).to_be_visible()
    axe.check(page)


def test_public_progress_lookup_without_login(demo_live_work, live_server, phone, demo_accounts):
    from approvals.models import Application

    base = live_server.url
    under_review = Application.objects.filter(status="under_review").select_related("enterprise").first()
    page = phone()
    page.goto(f"{base}/lookup/")
    axe.check(page)
    page.get_by_label(re.compile("编号|reference", re.I)).fill(under_review.reference)
    page.get_by_label(re.compile("信用代码|credit code", re.I)).fill(under_review.enterprise.credit_code)
    page.get_by_test_id("lookup-submit").click()
    expect(page.get_by_test_id("lookup-result")).to_have_attribute("data-status", "under_review")
    axe.check(page)
    page.get_by_label(re.compile("信用代码|credit code", re.I)).fill("91500000MA5UXXXX0X")
    page.get_by_test_id("lookup-submit").click()
    expect(page.get_by_test_id("lookup-error")).to_be_visible()
    axe.check(page)


def test_axe_finds_what_it_must(phone):
    """The check can fail: a page with an image without alt text and a field without a label."""
    page = phone()
    page.set_content('<html lang="zh-CN"><head><title>t</title></head><body><main><img src="data:,">'
                     '<input type="text"></main></body></html>')
    found = {v["id"] for v in axe.violations(page)}
    assert {"image-alt", "label"} <= found
