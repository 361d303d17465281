"""Issue 3's journey in the browser: the urban-management trio filed as one bundle, from the applicant's one form
to the three chiefs' signatures and the bundled result.

applicant files (one form, fewer materials) -> clerk asks for a supplement -> applicant answers -> clerk accepts
-> three chiefs of 城管, each in their own browser, decide and sign one item each with a fresh TOTP code
-> the applicant sees "全部准予", every signature and the fee charged at the lower bound, on a payment notice
-> the clerk confirms the payment against the notice's payment code -> the applicant sees it paid (已缴费).

Each user has their own browser context (own cookies), as they would have their own browser. Texts the pages show
come from the demo data (Chinese) or the zh_Hans catalogue; buttons are found by their data-testid or form
action, so the test does not depend on how a button's label is worded.
"""

import base64
import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRIO = "cg-trio"
ITEM_BY_ITEM_MATERIALS = 10  # seed 000: the trio needs 10 documents when filed item by item
CHIEF_OF_ITEM = {"chief_cg": "CG-XK-001", "chief_cg_lh": "CG-XK-002", "chief_cg_zm": "CG-XK-003"}
SHOTS = "/tmp/issue3-journey-{}.png"


# --- helpers ------------------------------------------------------------------------------------------------
def pdf_bytes(text: str) -> bytes:
    """A real one-page PDF (the upload checks look at the content, not the name)."""
    import weasyprint

    return weasyprint.HTML(string=f"<p>材料：{text}</p>").write_pdf()


def totp_code(base32_secret: str, *, steps_ahead: int = 0) -> str:
    """The code for the current (or a later) 30-second step.

    Waits out the last two seconds of a step so that the server verifies the code in the step it was made for:
    a code accepted one step late would set the device's drift and shift the window of the next signature.
    django-otp refuses a step already used, so a signature right after the login needs `steps_ahead=1`
    (accepted by the tolerance of one step).
    """
    from django_otp.oath import TOTP

    step_left = 30 - time.time() % 30
    if step_left < 2:
        time.sleep(step_left + 0.1)  # the only sleep: a TOTP step boundary
    padded = base32_secret + "=" * (-len(base32_secret) % 8)
    totp = TOTP(base64.b32decode(padded))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def log_in(page, base_url, account, *, otp=False):
    page.goto(base_url + "/login/")
    expect(page.locator("h1")).to_have_text("登录")
    axe.check(page)
    page.get_by_label("用户名").fill(account["username"])
    page.get_by_label("密码").fill(account["password"])
    if otp:
        page.get_by_label(re.compile("动态码")).fill(totp_code(account["totp_secret"]))
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))
    expect(page.locator(".user-badge")).to_contain_text(display_name(account))
    axe.check(page)


def check_and_submit(page):
    """From the materials page to the confirmation: check your answers, tick the 信用承诺, submit."""
    page.get_by_test_id("check-answers").click()
    expect(page.get_by_test_id("answers")).to_be_visible()
    axe.check(page)
    page.get_by_test_id("declaration").check()
    page.get_by_test_id("submit-checked").click()
    expect(page.get_by_test_id("confirmation-reference")).to_be_visible()
    axe.check(page)


def display_name(account) -> str:
    from portal.models.users import User

    return User.objects.get(username=account["username"]).display_name


def upload(page, key, content: bytes, name: str):
    section = page.locator(f'section[data-material="{key}"]')
    section.locator('input[type="file"]').set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": content})
    section.locator('form.upload button[type="submit"]').click()
    expect(page.locator(f'section[data-material="{key}"] [data-state="uploaded"]')).to_be_visible()
    expect(page.locator(f'section[data-material="{key}"] .file-meta')).to_contain_text(name)
    axe.check(page)


@pytest.fixture
def new_page(browser):
    """A page in a fresh browser context: one per user, closed at the end."""
    contexts = []

    def make():
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


# --- the journey ------------------------------------------------------------------------------------------------
def test_trio_bundle_from_one_form_to_three_signatures(live_server, new_page, demo_accounts):
    from approvals.models import Application
    from portal.models.users import User

    base = live_server.url
    applicant_account = demo_accounts["applicant"]
    enterprise = User.objects.select_related("enterprise").get(username="applicant").enterprise
    started = time.monotonic()

    # ---- 1. The applicant opens the trio package and starts one application ------------------------------
    applicant = new_page()
    log_in(applicant, base, applicant_account)
    applicant.goto(base + f"/catalog/packages/{TRIO}/")
    expect(applicant.locator("h1")).to_contain_text("城管三合一")
    axe.check(applicant)
    applicant.get_by_test_id("apply-package").click()
    expect(applicant).to_have_url(re.compile(r"/applications/new/\?package=" + TRIO))
    axe.check(applicant)

    savings = applicant.get_by_test_id("savings")
    expect(savings).to_contain_text("逐项办理需提交10份")
    materials_text = savings.get_by_text(re.compile("减少提交材料")).inner_text()
    to_submit = int(re.search(r"只需提交(\d+)份", materials_text).group(1))
    assert to_submit < ITEM_BY_ITEM_MATERIALS, materials_text
    assert int(applicant.get_by_test_id("materials-saved").inner_text()) == ITEM_BY_ITEM_MATERIALS - to_submit
    fields_text = savings.get_by_text(re.compile("减少填写字段")).inner_text()
    to_fill, item_by_item = map(int, re.search(r"只需填写(\d+)项，逐项办理需填写(\d+)项", fields_text).groups())
    assert to_fill < item_by_item
    applicant.screenshot(path=SHOTS.format("1-start"), full_page=True)

    applicant.get_by_test_id("start-package").click()
    one_form = applicant.get_by_test_id("one-form")
    expect(one_form).to_be_visible()
    reference = applicant.locator(".app-meta code").first.inner_text()
    application = Application.objects.get(reference=reference)
    axe.check(applicant)

    # ---- 2. The one form: every field asked once --------------------------------------------------------------
    expect(one_form.locator("[data-field]")).to_have_count(to_fill)
    values = {
        "project_name": "悦港大道北延伸段管线迁改工程",
        "site_address": "渝北区悦港大道北侧",
        "builder_credit_code": enterprise.credit_code,
        "contact_person": "王磊",
        "contact_phone": "13900000001",
        "start_date": "2026-12-01",
        "end_date": "2027-01-29",
        "road_occupation_area_m2": "120.5",
        "green_area_m2": "319.11",
        "tree_count": "89",
        "lamp_count": "6",
    }
    asked = set(one_form.locator("[data-field]").evaluate_all("rows => rows.map(r => r.dataset.field)"))
    assert {"green_area_m2", "tree_count"} <= asked, asked
    for key in sorted(asked):
        assert key in values, f"the trio form asks {key}, which this test does not know how to fill"
        one_form.locator(f"#id_f-{key}").fill(values[key])
    expect(one_form.locator("label[for=id_f-green_area_m2]")).to_contain_text("占用绿地（草坪）面积")
    applicant.get_by_test_id("save-next").click()

    # ---- 3. One set of materials: the licence on file is attached, the rest uploaded once ------------------
    materials = applicant.get_by_test_id("materials")
    expect(materials).to_be_visible()
    axe.check(applicant)
    licence = materials.locator('section[data-material="business_licence"]')
    expect(licence).to_contain_text("营业执照")
    expect(licence.locator('[data-state="on_file"]')).to_be_visible()
    expect(licence.locator('input[type="file"]')).to_have_count(0)
    upload_keys = materials.locator("section[data-material]:has(form.upload)").evaluate_all(
        "sections => sections.map(s => s.dataset.material)")
    assert len(upload_keys) == to_submit, upload_keys
    for key in upload_keys:
        upload(applicant, key, pdf_bytes(key), f"{key}.pdf")
    expect(materials.locator('[data-state="missing"]')).to_have_count(0)
    # Shared materials are submitted once for several items.
    expect(materials.locator('section[data-material="cg_application_form"] .tag--gold')).to_contain_text("3")
    applicant.screenshot(path=SHOTS.format("2-materials"), full_page=True)

    check_and_submit(applicant)
    applicant.get_by_test_id("application-page").click()
    expect(applicant.locator('.page-head [data-status="submitted"]')).to_be_visible()
    expect(applicant.get_by_test_id("acceptance-clock")).to_be_visible()
    axe.check(applicant)

    # ---- 4. The clerk asks for one material and one field, in one notice ---------------------------------
    clerk_account = demo_accounts["clerk"]
    clerk = new_page()
    log_in(clerk, base, clerk_account, otp=True)
    clerk.goto(base + "/desk/")
    row = clerk.get_by_test_id("acceptance-queue").locator(f'tr[data-reference="{reference}"]')
    expect(row).to_contain_text(enterprise.name)
    axe.check(clerk)
    row.get_by_role("link", name=reference).click()
    expect(clerk.get_by_test_id("supplement-form")).to_be_visible()
    axe.check(clerk)
    expect(clerk.get_by_test_id("form-values").locator('tr[data-field="green_area_m2"]')).to_contain_text("319.11")
    expect(clerk.get_by_test_id("materials").locator('tr[data-material="business_licence"] [data-state="on_file"]')
           ).to_be_visible()
    checklist = clerk.get_by_test_id("supplement-form")
    site_plan_reason = "示意图未标明占用绿地范围，请补充标注后重新上传"
    phone_reason = "联系电话无法接通，请核实后更正"
    for row_key, reason in (("material:site_plan", site_plan_reason), ("field:contact_phone", phone_reason)):
        problem = checklist.locator(f'[data-row="{row_key}"]')
        problem.locator('input[type="checkbox"]').check()
        problem.locator('input[type="text"]').fill(reason)
    clerk.get_by_test_id("request-supplement").click()
    expect(clerk.locator(".message--success")).to_be_visible()
    expect(clerk).to_have_url(re.compile(r"/desk/$"))
    axe.check(clerk)

    # ---- 5. The applicant sees the notice, re-uploads the plan and corrects the phone --------------------------
    applicant.goto(base + f"/applications/{application.pk}/")
    expect(applicant.locator('.page-head [data-status="supplement_requested"]')).to_have_text("需补正")
    pending = applicant.get_by_test_id("supplement-pending")
    expect(pending).to_be_visible()
    axe.check(applicant)
    pending.get_by_role("link").click()
    notice = applicant.get_by_test_id("supplement-notice")
    expect(notice).to_be_visible()
    axe.check(applicant)
    expect(notice.locator('[data-problem="material:site_plan"]')).to_contain_text(site_plan_reason)
    expect(notice.locator('[data-problem="material:site_plan"]')).to_contain_text("工程位置示意图")
    expect(notice.locator('[data-problem="field:contact_phone"]')).to_contain_text(phone_reason)
    answer = applicant.get_by_test_id("supplement-form")
    # Only the listed points can change.
    expect(answer.locator('input[type="file"]')).to_have_count(1)
    expect(answer.locator("[data-field]")).to_have_count(1)
    expect(applicant.get_by_test_id("read-only-fields").locator('[data-field="green_area_m2"]')
           ).to_contain_text("319.11")
    applicant.screenshot(path=SHOTS.format("3-supplement"), full_page=True)
    answer.locator("#m-site_plan-file").set_input_files(
        {"name": "site_plan_v2.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("site_plan v2 标注绿地")})
    answer.locator("#id_f-contact_phone").fill("023-67801234")
    applicant.get_by_test_id("answer-supplement").click()
    expect(applicant.locator('.page-head [data-status="submitted"]')).to_be_visible()
    expect(applicant.get_by_test_id("supplement-pending")).to_have_count(0)
    axe.check(applicant)

    # ---- 6. The clerk accepts ----------------------------------------------------------------------------------------
    clerk.goto(base + "/desk/")
    expect(clerk.get_by_test_id("acceptance-queue")).to_be_visible()
    axe.check(clerk)
    clerk.get_by_test_id("acceptance-queue").locator(f'tr[data-reference="{reference}"]').get_by_role(
        "link", name=reference).click()
    expect(clerk.get_by_test_id("form-values").locator('tr[data-field="contact_phone"]')
           ).to_contain_text("023-67801234")
    axe.check(clerk)
    expect(clerk.get_by_test_id("materials").locator('tr[data-material="site_plan"]')).to_contain_text(
        "site_plan_v2.pdf")
    clerk.get_by_test_id("accept").click()
    expect(clerk.locator(".message--success")).to_contain_text(reference)
    axe.check(clerk)

    # ---- 7. Three chiefs, each in their own browser, open their review ---------------------------------------
    chiefs = {}
    for username, item_code in CHIEF_OF_ITEM.items():
        account = demo_accounts[username]
        page = new_page()
        log_in(page, base, account, otp=True)
        page.goto(base + "/reviews/")
        item_name = application.package.items().get(code=item_code).name
        row = page.locator("table.inbox-table tbody tr").filter(has_text=reference).filter(has_text=item_name)
        expect(row).to_have_count(1)
        axe.check(page)
        row.get_by_role("link", name=reference).click()
        expect(page.locator("h1")).to_have_text(item_name)
        axe.check(page)
        expect(page.locator(".review-head [class*=review-status--under_review]")).to_be_visible()
        chiefs[username] = (page, account, item_name)
    chiefs["chief_cg_lh"][0].screenshot(path=SHOTS.format("4-review"), full_page=True)

    # All three pages are open; the decisions are submitted one after another, no page reloaded in between.
    for username, (page, account, item_name) in chiefs.items():
        form = page.locator("form.decide-form")
        form.locator('input[name="decision"][value="approve"]').check()
        form.locator('textarea[name="reasons"]').fill(f"{item_name}：材料齐全，符合法定条件，准予许可。")
        form.locator('input[name="otp"]').fill(totp_code(account["totp_secret"], steps_ahead=1))
        form.locator('button[type="submit"]').click()
        signed = page.get_by_test_id("signed-decision")
        expect(signed).to_be_visible()
        expect(signed).to_contain_text(display_name(account))
        expect(signed.locator("code.hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
        axe.check(page)
    chiefs["chief_cg_zm"][0].screenshot(path=SHOTS.format("5-signed"), full_page=True)

    # ---- 8. The applicant sees the bundled result --------------------------------------------------------------
    applicant.goto(base + f"/applications/{application.pk}/")
    result = applicant.get_by_test_id("result")
    expect(result).to_have_attribute("data-outcome", "all_approved")
    expect(result.locator("h2")).to_contain_text("全部准予")
    for username, item_code in CHIEF_OF_ITEM.items():
        _page, account, item_name = chiefs[username]
        expect(result.locator(f'li[data-item="{item_code}"]')).to_contain_text(item_name)
        expect(result.locator(f'li[data-item="{item_code}"]')).to_have_attribute("data-decision", "approve")
    signatures = applicant.locator("[data-signature]")
    expect(signatures).to_have_count(3)
    for username in CHIEF_OF_ITEM:
        account = chiefs[username][1]
        expect(signatures.filter(has_text=display_name(account))).to_have_count(1)
    fees = applicant.get_by_test_id("fees")
    expect(applicant.get_by_test_id("fee-total")).to_have_text(re.compile(r"24,?182\.20"))
    expect(fees.locator("tfoot")).to_contain_text(re.compile(r"21,?423\.20"))
    expect(fees.locator("tfoot")).to_contain_text(re.compile(r"45,?605\.40"))
    expect(applicant.get_by_test_id("visits")).to_have_text("0")
    notice = applicant.get_by_test_id("payment-notice")
    expect(notice).to_have_attribute("data-payment-status", "due")
    expect(applicant.locator('input[name="receipt_number"]')).to_have_count(0)  # nobody pays by typing a number
    code = applicant.get_by_test_id("payment-code").inner_text()
    axe.check(applicant)
    applicant.screenshot(path=SHOTS.format("6-result"), full_page=True)

    # ---- 9. The window clerk confirms the payment against the payment code; the applicant sees 已缴费 ---------
    clerk.goto(base + f"/desk/{application.pk}/handover/")
    expect(clerk.get_by_test_id("payment-notice")).to_have_attribute("data-payment-status", "due")
    axe.check(clerk)
    clerk.locator('input[name="pay-payment_code"]').fill(code)
    clerk.locator('input[name="pay-receipt_number"]').fill("E-2026-0001")
    clerk.get_by_test_id("confirm-payment").click()
    expect(clerk.get_by_test_id("payment-notice")).to_have_attribute("data-payment-status", "paid")
    axe.check(clerk)
    applicant.reload()
    expect(applicant.get_by_test_id("payment-notice")).to_have_attribute("data-payment-status", "paid")
    axe.check(applicant)
    expect(applicant.get_by_test_id("payment-status")).to_have_text("已缴费")
    expect(applicant.get_by_test_id("payment-notice")).to_contain_text("E-2026-0001")

    application.refresh_from_db()
    assert application.status == "decided" and application.outcome == "all_approved"
    assert set(application.reviews.values_list("status", flat=True)) == {"signed"}
    signers = dict(application.reviews.values_list("item__code", "signature__signer__username"))
    assert signers == {code: user for user, code in CHIEF_OF_ITEM.items()}
    print(f"journey of {reference} took {time.monotonic() - started:.1f} s")
