"""Issue 5's journey in the browser: a park service agent files the urban-management trio for a company that
authorised it, a chief refuses one item, the company sees what the agent did; then two demands under the 222
rule — a small one resolved at once (kept) and a general one left open (red, escalated exactly once).

agent (password only) files the trio for 重庆大江北辰… -> clerk (TOTP) accepts -> chief_cg and chief_cg_lh
approve, chief_cg_zm refuses with reasons and the remedy notice -> the applicant sees "部分准予", the refusal and
every step the agent took "for the company" -> the applicant raises a small and a general demand -> the agent
classifies both, resolves the small one -> the sweep runs as of a minute after the general one's due time ->
the general demand is red, the leader (TOTP) sees it among the escalated demands with exactly one notification.

Time: the pages compute lights against the real clock and the browser cannot raise a demand in the past, so
the general demand, raised through the page, is dated back a week in the database before the park classifies
it (the clock then runs from that moment, as the service rules). Everything else goes through the pages; the
sweep and the worker's in-app delivery run in the test process (the live server shares the test database).
"""

import re
import time
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser import axe
from tests.browser.test_bundle_journey import (
    check_and_submit, display_name, log_in, new_page, pdf_bytes, totp_code, upload,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["new_page"]  # the fixture: one browser context per user

TRIO = "cg-trio"
COMPANY = "重庆大江北辰新能源汽车产业发展有限公司"
APPROVERS = {"chief_cg": "CG-XK-001", "chief_cg_lh": "CG-XK-002"}
REFUSER, REFUSED_ITEM = "chief_cg_zm", "CG-XK-003"
REFUSAL = "施工期间拟设置的临时广告牌位于主干道交叉口视距三角形内，影响通行安全，不符合设置规定，不予许可。"
REMEDY = "如不服本决定"  # the start of the standard remedy notice in zh_Hans (Art. 38)
SHOTS = "/tmp/issue5-journey-{}.png"


def demand_page_url(base, demand):
    return f"{base}/park/demands/{demand.pk}/"


def raise_demand(page, base, *, title, text, category, attachment=None):
    page.goto(base + "/park/demands/new/")
    form = page.get_by_test_id("raise-demand-form")
    expect(form.locator("#id_enterprise")).to_contain_text(COMPANY)
    axe.check(page)
    form.locator("#id_title").fill(title)
    form.locator("#id_category").select_option(category)
    form.locator("#id_text").fill(text)
    if attachment:
        form.locator("#id_attachments").set_input_files(attachment)
    form.locator('button[type="submit"]').click()
    expect(page.locator(".message--success")).to_be_visible()
    expect(page.get_by_test_id("demand-status")).to_have_attribute("data-status", "raised")
    axe.check(page)
    return page.locator(".page-head .app-meta code").first.inner_text()


def classify(page, base, demand, classification, *, owner_name):
    page.goto(demand_page_url(base, demand))
    form = page.get_by_test_id("action-classify")
    expect(form).to_be_visible()
    axe.check(page)
    form.locator(f'input[name="classify-classification"][value="{classification}"]').check()
    # The owner proposed is the company's service agent (一个专员): the agent itself.
    expect(form.locator("#id_classify-owner option:checked")).to_contain_text(owner_name)
    form.locator('button[type="submit"]').click()
    expect(page.locator(".message--success")).to_be_visible()
    expect(page.get_by_test_id("demand-status")).to_have_attribute("data-status", "open")
    axe.check(page)


# --- the journey ------------------------------------------------------------------------------------------------
def test_agent_files_the_trio_and_demands_run_on_the_222_clock(live_server, new_page, demo_accounts):
    from django.core.management import call_command

    from agents.models import Demand, DemandClass
    from approvals.calendar.loading import get_calendar
    from approvals.models import Application, ApplicationEvent, DeadlineFiring, DigestLine
    from approvals.services.deadlines import sweep
    from portal.models import Delivery, Enterprise, Notification
    from portal.models.users import User
    from portal.services.notify import deliver

    base = live_server.url
    started = time.monotonic()
    company = Enterprise.objects.get(name=COMPANY)
    agent_user = User.objects.get(username="agent")
    leader_user = User.objects.get(username="leader")
    assert demo_accounts["agent"]["totp_secret"] is None, "the demo agent logs in with a password only"
    assert company.service_agent == agent_user and company.leader == leader_user
    assert User.objects.get(username="applicant").enterprise == company

    # ---- 1. The agent opens the workspace: the company is there, authorised ------------------------------------
    agent = new_page()
    log_in(agent, base, demo_accounts["agent"])
    agent.goto(base + "/park/")
    expect(agent.locator("h1")).to_have_text("服务专员工作台")
    card = agent.get_by_test_id("my-companies").locator(f'article[data-enterprise="{company.credit_code}"]')
    expect(card).to_contain_text(COMPANY)
    expect(card.locator(".auth-state--valid")).to_be_visible()
    expect(agent.get_by_test_id("my-authorizations").locator('tr[data-state="valid"]').filter(has_text=COMPANY)
           ).to_have_count(1)
    agent.screenshot(path=SHOTS.format("1-workspace"), full_page=True)
    axe.check(agent)
    card.get_by_test_id(f"file-for-{company.pk}").click()
    expect(agent.get_by_test_id("filing-for")).to_contain_text(COMPANY)
    axe.check(agent)

    # ---- 2. The trio for the company: the package's savings, then one draft ------------------------------------
    # (The catalogue's package page offers "apply" to applicants only, so the agent opens the package directly.)
    agent.goto(base + f"/applications/new/?package={TRIO}")
    chooser = agent.get_by_test_id("choose-enterprise")
    expect(chooser).to_be_visible()
    axe.check(agent)
    chooser.locator("#enterprise-select").select_option(str(company.pk))
    chooser.locator('button[type="submit"]').click()
    expect(agent.get_by_test_id("filing-for")).to_contain_text(COMPANY)
    expect(agent.locator("#pkg-title")).to_contain_text("城管三合一")
    axe.check(agent)
    agent.get_by_test_id("start-package").click()
    one_form = agent.get_by_test_id("one-form")
    expect(one_form).to_be_visible()
    reference = agent.locator(".app-meta code").first.inner_text()
    application = Application.objects.get(reference=reference)
    assert application.enterprise == company and application.filed_by_agent == agent_user
    assert application.package.code == TRIO
    expect(agent.get_by_test_id("filed-by-agent")).to_contain_text(COMPANY)
    axe.check(agent)

    values = {
        "project_name": "大江北辰二期厂区南门道路改造工程",
        "site_address": "渝北区临空大道厂区南门",
        "builder_credit_code": company.credit_code,
        "contact_person": "李晓梅",
        "contact_phone": "13800000002",
        "start_date": "2026-12-01",
        "end_date": "2027-01-29",
        "road_occupation_area_m2": "86.5",
        "green_area_m2": "150",
        "tree_count": "12",
        "lamp_count": "4",
    }
    asked = one_form.locator("[data-field]").evaluate_all("rows => rows.map(r => r.dataset.field)")
    for key in asked:
        assert key in values, f"the trio form asks {key}, which this test does not know how to fill"
        one_form.locator(f"#id_f-{key}").fill(values[key])
    agent.get_by_test_id("save-next").click()

    materials = agent.get_by_test_id("materials")
    expect(materials).to_be_visible()
    axe.check(agent)
    upload_keys = materials.locator("section[data-material]:has(form.upload)").evaluate_all(
        "sections => sections.map(s => s.dataset.material)")
    assert upload_keys, "the trio needs materials"
    for key in upload_keys:
        upload(agent, key, pdf_bytes(f"{key}（代办）"), f"{key}.pdf")
    expect(materials.locator('[data-state="missing"]')).to_have_count(0)
    agent.screenshot(path=SHOTS.format("2-materials"), full_page=True)
    check_and_submit(agent)  # the agent makes the 信用承诺 for the company
    agent.get_by_test_id("application-page").click()
    expect(agent.locator('.page-head [data-status="submitted"]')).to_be_visible()
    axe.check(agent)

    # ---- 3. The clerk accepts -------------------------------------------------------------------------------------
    clerk = new_page()
    log_in(clerk, base, demo_accounts["clerk"], otp=True)
    clerk.goto(base + "/desk/")
    row = clerk.get_by_test_id("acceptance-queue").locator(f'tr[data-reference="{reference}"]')
    expect(row).to_contain_text(COMPANY)
    axe.check(clerk)
    row.get_by_role("link", name=reference).click()
    expect(clerk.get_by_test_id("accept")).to_be_visible()
    axe.check(clerk)
    clerk.get_by_test_id("accept").click()
    expect(clerk.locator(".message--success")).to_contain_text(reference)
    axe.check(clerk)

    # ---- 4. Two chiefs approve, the third refuses with reasons and the remedy notice ----------------------------
    chiefs = {}
    for username, item_code in [*APPROVERS.items(), (REFUSER, REFUSED_ITEM)]:
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
        chiefs[username] = (page, account, item_name)
    for username, (page, account, item_name) in chiefs.items():
        form = page.locator("form.decide-form")
        if username == REFUSER:
            form.locator('input[name="decision"][value="refuse"]').check()
            form.locator('textarea[name="reasons"]').fill(REFUSAL)
            # The standard remedy notice is offered and kept as it is.
            expect(form.locator('textarea[name="remedy_notice"]')).to_have_value(re.compile("^" + REMEDY))
        else:
            form.locator('input[name="decision"][value="approve"]').check()
            form.locator('textarea[name="reasons"]').fill(f"{item_name}：材料齐全，符合法定条件，准予许可。")
        form.locator('input[name="otp"]').fill(totp_code(account["totp_secret"], steps_ahead=1))
        if username == REFUSER:
            page.screenshot(path=SHOTS.format("3-refusing"), full_page=True)
        form.locator('button[type="submit"]').click()
        signed = page.get_by_test_id("signed-decision")
        expect(signed).to_be_visible()
        expect(signed).to_contain_text(display_name(account))
        axe.check(page)

    # ---- 5. The company sees the result and everything its agent did -------------------------------------------
    applicant = new_page()
    log_in(applicant, base, demo_accounts["applicant"])
    applicant.goto(base + f"/applications/{application.pk}/")
    result = applicant.get_by_test_id("result")
    expect(result).to_have_attribute("data-outcome", "partly_approved")
    expect(result.locator("h2")).to_contain_text("部分准予")
    for item_code in APPROVERS.values():
        expect(result.locator(f'li[data-item="{item_code}"]')).to_have_attribute("data-decision", "approve")
    refused = result.locator(f'li[data-item="{REFUSED_ITEM}"]')
    expect(refused).to_have_attribute("data-decision", "refuse")
    expect(refused).to_contain_text("不予许可")
    expect(refused).to_contain_text(REFUSAL)
    expect(refused.locator(".remedy")).to_contain_text(REMEDY)
    expect(refused.locator(".remedy")).to_contain_text("行政复议")
    expect(applicant.get_by_test_id("filed-by-agent")).to_contain_text(display_name(demo_accounts["agent"]))
    timeline = applicant.get_by_test_id("timeline")
    agent_tag = "由园区服务专员" + display_name(demo_accounts["agent"]) + "代企业办理"
    for kind in ("created", "material_uploaded", "submitted"):
        expect(timeline.locator(f'li[data-kind="{kind}"] [data-testid="agent-action"]').first
               ).to_have_text(agent_tag)
    # What the clerk and the chiefs did is theirs, not the agent's.
    for kind in ("accepted", "signed", "decided"):
        expect(timeline.locator(f'li[data-kind="{kind}"]').first).to_be_visible()
        expect(timeline.locator(f'li[data-kind="{kind}"] [data-testid="agent-action"]')).to_have_count(0)
    applicant.screenshot(path=SHOTS.format("4-result"), full_page=True)
    axe.check(applicant)

    applicant.goto(base + "/park/activity/")
    expect(applicant.locator("h1")).to_have_text("服务专员代办记录")
    axe.check(applicant)
    events = applicant.get_by_test_id("agent-events").locator("tbody tr").filter(has_text=reference)
    agent_events = ApplicationEvent.objects.filter(application=application, data__agent="agent").count()
    assert agent_events >= 2 + len(upload_keys)  # created, every upload, submitted
    expect(events).to_have_count(agent_events)
    expect(applicant.get_by_test_id("agent-events").locator('tr[data-kind="submitted"]').filter(
        has_text=reference)).to_contain_text(display_name(demo_accounts["agent"]))

    # ---- 6. Two demands, raised by the company through the page ---------------------------------------------------
    small_ref = raise_demand(applicant, base, title="南门临时围挡遮挡消防通道标识",
                             text="施工围挡遮挡了南门消防通道标识，请协调施工单位调整。", category="environment")
    general_ref = raise_demand(
        applicant, base, title="申请协调二期厂区雨污管网接驳", category="utilities",
        text="二期厂区雨污管网需接入市政管网，请协调城管和水务部门确定接驳点。",
        attachment={"name": "接驳点示意.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("接驳点示意")})
    small = Demand.objects.get(reference=small_ref)
    general = Demand.objects.get(reference=general_ref)
    assert small.raised_by.username == general.raised_by.username == "applicant"
    assert general.attachments.count() == 1

    # The general demand was raised "a week ago" (10:00 on a working day): the only clock set by hand.
    cal = get_calendar()
    day = cal.previous_workday(cal.local_date(general.raised_at) - timedelta(days=7), inclusive=True)
    raised_at = datetime.combine(day, datetime.min.time().replace(hour=10), tzinfo=cal.tz)
    Demand.objects.filter(pk=general.pk).update(raised_at=raised_at)

    # ---- 7. The park classifies both; the small one is resolved at once --------------------------------------
    classify(agent, base, small, "small", owner_name=agent_user.display_name)
    resolve = agent.get_by_test_id("action-resolve")
    resolve.locator('textarea[name="resolve-resolution"]').fill("已联系施工单位，围挡已后移两米，消防通道标识露出。")
    resolve.locator('button[type="submit"]').click()
    expect(agent.locator(".message--success")).to_be_visible()
    expect(agent.get_by_test_id("demand-status")).to_have_attribute("data-status", "resolved")
    axe.check(agent)
    small.refresh_from_db()
    assert small.classification == DemandClass.SMALL and small.owner == agent_user
    assert small.due_at == cal.add_working_hours(small.raised_at, timedelta(hours=2))
    assert small.resolved_at <= small.due_at and small.met_222_at(small.resolved_at) is True

    classify(agent, base, general, "general", owner_name=agent_user.display_name)
    general.refresh_from_db()
    due = cal.add_working_days(raised_at, 2)
    assert general.due_at == due and general.owner == agent_user
    expect(agent.locator(".page-head .light")).to_have_attribute("data-light", "red")  # past due already
    agent.screenshot(path=SHOTS.format("5-general-red"), full_page=True)

    # ---- 8. The sweep, as of one minute after the general demand's due time --------------------------------------
    call_command("sweep_deadlines", "--now", (due + timedelta(minutes=1)).isoformat(), "--no-relay")
    sweep(now=due + timedelta(hours=3), relay=False)  # a later pass fires nothing again
    sweep(relay=False)  # nor does one at the real now
    firings = DeadlineFiring.objects.filter(subject_type="demand", subject_id=general.pk)
    assert firings.filter(kind="demand_red").count() == 1
    assert firings.get(kind="demand_red").deadline_at == due
    assert firings.filter(kind="demand_yellow").count() == 1
    assert not DeadlineFiring.objects.filter(subject_type="demand", subject_id=small.pk).exists()
    # The leader is told once, in the pass's digest (with the demo's other overdue demands of the company).
    [line] = DigestLine.objects.filter(recipient=leader_user, firing__subject_type="demand",
                                       firing__subject_id=general.pk, firing__kind="demand_red")
    page = f"/park/demands/{general.pk}/"
    assert line.notification.link == page or page in [link["url"] for link in line.notification.links]
    # The worker's job, done here: show the pending in-app notifications.
    for delivery in Delivery.objects.filter(channel="in_app", delivered_at__isnull=True):
        deliver(delivery.pk)

    # ---- 9. The company sees the small demand kept and the general one red -----------------------------------
    applicant.goto(demand_page_url(base, small))
    expect(applicant.get_by_test_id("demand-222")).to_have_attribute("data-outcome", "met")
    expect(applicant.get_by_test_id("demand-222")).to_have_text("按时")
    expect(applicant.locator(".page-head .light")).to_have_attribute("data-light", "done")
    axe.check(applicant)
    applicant.get_by_test_id("action-confirm").locator('button[type="submit"]').click()  # 销号 by the company
    expect(applicant.get_by_test_id("demand-status")).to_have_attribute("data-status", "closed")
    expect(applicant.get_by_test_id("demand-222")).to_have_attribute("data-outcome", "met")
    applicant.screenshot(path=SHOTS.format("6-small-kept"), full_page=True)
    axe.check(applicant)

    applicant.goto(demand_page_url(base, general))
    expect(applicant.get_by_test_id("demand-status")).to_have_attribute("data-status", "open")
    expect(applicant.locator(".page-head .light")).to_have_attribute("data-light", "red")
    expect(applicant.get_by_test_id("demand-222")).to_have_attribute("data-outcome", "missed")
    axe.check(applicant)
    applicant.goto(base + "/park/activity/")
    expect(applicant.get_by_test_id("agent-audit")).to_contain_text("demand.classified")
    axe.check(applicant)

    # ---- 10. The leader: the demand among the escalated ones, one notification about it --------------------------
    leader = new_page()
    log_in(leader, base, demo_accounts["leader"], otp=True)
    leader.goto(base + "/park/leader/")
    expect(leader.locator("h2#red-title")).to_contain_text("督办诉求")
    escalated = leader.get_by_test_id("red-demands").locator(f'tr[data-reference="{general_ref}"]')
    expect(escalated).to_have_count(1)
    expect(escalated).to_have_attribute("data-light", "red")
    expect(escalated).to_contain_text(COMPANY)
    expect(leader.get_by_test_id("red-demands").locator(f'tr[data-reference="{small_ref}"]')).to_have_count(0)
    leader.screenshot(path=SHOTS.format("7-leader"), full_page=True)
    axe.check(leader)

    leader.goto(base + "/notifications/")
    about_it = leader.get_by_test_id("notification").filter(has_text=general_ref)
    expect(about_it).to_have_count(1)
    expect(about_it).to_contain_text("诉求超期督办")
    expect(leader.get_by_test_id("notification").filter(has_text=small_ref)).to_have_count(0)
    leader.screenshot(path=SHOTS.format("8-notifications"), full_page=True)
    axe.check(leader)
    about_it.get_by_role("link", name=re.compile(re.escape(general_ref))).click()
    expect(leader).to_have_url(re.compile(rf"/park/demands/{general.pk}/$"))
    expect(leader.locator("h1")).to_have_text("申请协调二期厂区雨污管网接驳")
    axe.check(leader)

    application.refresh_from_db()
    assert application.status == "decided" and application.outcome == "partly_approved"
    print(f"agency journey of {reference} took {time.monotonic() - started:.1f} s")
