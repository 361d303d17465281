"""Live work for the demo district: bundles in every state, with real timelines over the past weeks.

Every bundle is built by the real services, each step at its own moment in the past (the clock is moved there
with time-machine, and the services get `now=` where they take it), so the timelines, clocks, lights,
documents and notifications are what the portal would have produced. The steps of all bundles run in one
chronological order, so the chiefs' authenticator codes only ever move forward (a code is single-use).

Idempotent: a bundle is known by its enterprise and title; one that exists is left as it is. Times are
relative to the moment of the first load (working days before today), so a fresh `make run` always shows
the same picture: green, yellow and red lights, a suspended and an extended review, a supplement notice, a
pre-review answer, a decision waiting for payment and delivered results.

The states (`SCENARIOS`, by title):

    draft, pre-review answered, awaiting acceptance, supplement requested, under review (green with the
    staff opinion ready, yellow, red), suspended, extended, decided (payment due), delivered, not accepted.
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from approvals.calendar.loading import get_calendar
from approvals.models import Application, ServiceItem
from approvals.services import acceptance, applications, delivery, material_rules, payments, reviews
from portal.models import User

DEMO_TAG = "（演示）"

BASE_FORM = {
    "project_name": "二期厂房配套道路工程",
    "site_address": "重庆市渝北区临空大道北侧二期厂区",
    "contact_person": "王磊",
    "contact_phone": "13900000001",
    "start_date": "2026-12-01",
    "end_date": "2027-03-31",
    "road_occupation_area_m2": "260",
    "green_area_m2": "319.11",
    "tree_count": "89",
    "lamp_count": "6",
    "facility_kind": "排水设施",
    "signboard_text": "大江北辰新能源",
    "signboard_area_m2": "12.5",
}


# --- files -----------------------------------------------------------------------------------------------
def _pdf(label: str, pages: int = 1) -> bytes:
    """A small valid PDF with `pages` blank A4 pages; `label` goes into a comment so each file differs."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
               + b"] /Count %d >>" % pages]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    out += b"% " + str(zlib.crc32(label.encode())).encode() + b"\n"
    return bytes(out)


def _upload_all(application, actor, *, salt: str = ""):
    for state in material_rules.material_states(application):
        if state.current is not None or state.never_asked:
            continue  # on file, issued in the bundle or checked internally: never asked of the applicant
        name = f"{state.bundled.material_type.name}.pdf"
        applications.upload_material(application, actor=actor, material_type_key=state.key,
                                     uploaded=SimpleUploadedFile(name, _pdf(application.title + state.key + salt),
                                                                 content_type="application/pdf"))


# --- time ------------------------------------------------------------------------------------------------
def workday_at(today, days_back: int, hour: int, minute: int = 0) -> datetime:
    """The `days_back`-th working day before `today` (0: today if it is one, else the last one) at hh:mm."""
    cal = get_calendar()
    day = cal.previous_workday(today, inclusive=True)
    for _ in range(days_back):
        day = cal.previous_workday(day)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_current_timezone())


def totp_code(user) -> str:
    """The code the user's authenticator app shows now (the demo devices' secrets are public by design)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:  # the step was used already: the app's next code, as a person would wait
        totp.drift = device.drift + (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


# --- scenarios -------------------------------------------------------------------------------------------
@dataclass
class Scenario:
    """One demo bundle: its enterprise's applicant, items or package, and dated steps."""

    title: str
    applicant: str
    items: list = field(default_factory=list)
    form: dict = field(default_factory=dict)
    steps: list = field(default_factory=list)  # (when, callable(ctx))
    app: Application | None = None


class People:
    def __init__(self):
        self.users = {u.username: u for u in User.objects.filter(username__in=[
            "applicant", "applicant_lh", "applicant_lnj", "applicant_fw", "applicant_bj", "applicant_tj",
            "clerk", "staff", "chief_cg", "chief_cg_lh", "leader"])}

    def __getitem__(self, name):
        return self.users[name]


def _plan(people: People, today) -> list[Scenario]:
    at = lambda days, hour, minute=0: workday_at(today, days, hour, minute)  # noqa: E731
    clerk, staff, chief, leader = people["clerk"], people["staff"], people["chief_cg"], people["leader"]
    scenarios = []

    def bundle(title, applicant, items, **form):
        s = Scenario(title=title + DEMO_TAG, applicant=applicant, items=items, form={**BASE_FORM, **form})
        scenarios.append(s)
        return s

    def draft(s, when, *, upload=True):
        def run(now):
            user = people[s.applicant]
            s.app = applications.create_draft(actor=user, enterprise=user.enterprise, item_codes=s.items,
                                              title=s.title, now=now)
            applications.save_form(s.app, actor=user,
                                   data={**s.form, "builder_credit_code": user.enterprise.credit_code})
            if upload:
                _upload_all(s.app, user)
        s.steps.append((when, run))

    def submit(s, when):
        s.steps.append((when, lambda now: applications.submit(s.app, actor=people[s.applicant], declared=True, now=now)))

    def accept(s, when):
        s.steps.append((when, lambda now: acceptance.accept(s.app, actor=clerk, now=now)))

    def review_of(s):
        return s.app.reviews.select_related("item", "department").order_by("pk").first()

    def opinion(s, when, text, decision="approve"):
        s.steps.append((when, lambda now: reviews.record_opinion(review_of(s), actor=staff, opinion=text,
                                                                 proposed_decision=decision)))

    def decide_and_sign(s, when, decision="approve", reasons=""):
        def run(now):
            review = review_of(s)
            if decision == "approve":
                reviews.approve(review, actor=chief, reasons=reasons, now=now)
            else:
                reviews.refuse(review, actor=chief, reasons=reasons, now=now)
            reviews.sign([review], actor=chief, otp=totp_code(chief), now=now)
        s.steps.append((when, run))

    # A draft, half done: the form saved, no materials yet.
    s = bundle("户外招牌设置备案", "applicant", ["CG-BA-001"])
    draft(s, at(1, 16, 20), upload=False)

    # Pre-review answered with two problems: the applicant corrects before the formal submission.
    s = bundle("道路照明设施迁移审核（预审）", "applicant", ["CG-XK-003"], end_date="2026-11-20")
    draft(s, at(3, 9, 40))
    s.steps.append((at(3, 9, 55), lambda now, s=s: applications.request_pre_review(
        s.app, actor=people[s.applicant], now=now)))
    s.steps.append((at(2, 11, 5), lambda now, s=s: applications.answer_pre_review(s.app, actor=clerk, problems=[
        {"kind": "material", "key": "site_plan", "reason": "总平面图未标注拟迁移路灯的位置和编号。"},
        {"kind": "field", "key": "end_date", "reason": "计划结束日期早于计划开始日期，请核对。"},
    ], comment="请按上述两点修改后正式提交。", now=now)))

    # Submitted, waiting at the window (the 5-working-day acceptance clock runs).
    s = bundle("供排水设施迁移审核", "applicant_lh", ["CG-XK-004"], project_name="朗桦·悦港项目市政配套",
               site_address="渝北区悦港大道北侧", contact_person="杨帆", contact_phone="13900000002")
    draft(s, at(1, 14, 0))
    submit(s, at(1, 14, 30))

    # Supplement requested: one notice listing what is missing.
    s = bundle("城市道路照明设施审核", "applicant_fw", ["CG-XK-003"], project_name="方物酒店门前道路改造",
               contact_person="朱琳", contact_phone="13900000007")
    draft(s, at(4, 10, 0))
    submit(s, at(4, 10, 30))
    s.steps.append((at(3, 15, 10), lambda now, s=s: acceptance.request_supplement(s.app, actor=clerk, problems=[
        {"kind": "material", "key": "lighting_review_opinion", "reason": "缺少照明管理所出具的审核意见，请补充。"},
        {"kind": "material", "key": "site_plan", "reason": "总平面图比例尺不清晰，请提供1:500图纸。"},
    ], now=now)))

    # Under review, green: accepted today, the staff opinion ready for the chief (拟办意见已出).
    s = bundle("市政设施建设类审批", "applicant", ["CG-XK-001"])
    draft(s, at(1, 9, 30))
    submit(s, at(1, 10, 0))
    accept(s, at(0, 9, 5))
    opinion(s, at(0, 9, 20), "材料齐全，施工及交通组织方案可行，拟同意。")

    # Under review, yellow: the promised limit ends today.
    s = bundle("市政设施建设类审批", "applicant_bj", ["CG-XK-001"], project_name="本江建筑工地出入口改造",
               contact_person="冯涛", contact_phone="13900000006")
    draft(s, at(5, 9, 0))
    submit(s, at(5, 9, 30))
    accept(s, at(4, 10, 0))

    # Under review, red: overdue since last week (the sweep escalates it).
    s = bundle("因工程建设拆改供排水设施审核", "applicant_tj", ["CG-XK-004"], project_name="天箭惯导园区管网迁改",
               contact_person="钱程", contact_phone="13900000005")
    draft(s, at(10, 9, 0))
    submit(s, at(10, 9, 45))
    accept(s, at(9, 10, 0))
    opinion(s, at(6, 16, 0), "需进一步核实管网产权单位意见。", "approve")

    # Suspended for expert review (Art. 45): the clock stops.
    s = bundle("道路照明设施迁移审核", "applicant_lnj", ["CG-XK-003"], project_name="连年佳智能装备基地照明迁改",
               contact_person="许静", contact_phone="13900000003")
    draft(s, at(7, 9, 0))
    submit(s, at(7, 9, 30))
    accept(s, at(6, 10, 0))
    s.steps.append((at(4, 14, 0), lambda now, s=s: reviews.suspend(
        review_of(s), actor=staff, kind="expert_review", reason="涉及主干道照明线路，需组织专家论证。",
        expected_days=5, now=now)))

    # Extended once by the leader (Art. 42).
    s = bundle("市政设施建设类审批", "applicant_lh", ["CG-XK-001"], project_name="朗桦·悦港项目临时出入口",
               contact_person="杨帆", contact_phone="13900000002")
    draft(s, at(8, 9, 0))
    submit(s, at(8, 9, 20))
    accept(s, at(7, 10, 0))
    s.steps.append((at(4, 11, 0), lambda now, s=s: reviews.extend(
        review_of(s), actor=leader, days=5, reason="需会同交巡警部门现场核查交通组织方案。", now=now)))

    # Decided and signed; the green-space compensation fee is due (待缴费).
    s = bundle("工程建设涉及城市绿地、树木审批", "applicant", ["CG-XK-002"])
    draft(s, at(9, 9, 0))
    submit(s, at(9, 9, 30))
    accept(s, at(8, 9, 50))
    opinion(s, at(6, 10, 0), "符合城市绿化条例规定，补偿费按下限执行，拟同意。")
    decide_and_sign(s, at(5, 15, 0))

    # Decided, paid at the window and delivered electronically.
    s = bundle("工程建设涉及城市绿地、树木审批", "applicant_lh", ["CG-XK-002"], project_name="朗桦·悦港项目绿地临时占用",
               contact_person="杨帆", contact_phone="13900000002", green_area_m2="120", tree_count="12")
    draft(s, at(16, 9, 0))
    submit(s, at(16, 9, 30))
    accept(s, at(15, 10, 0))
    opinion(s, at(14, 10, 0), "拟同意。")
    decide_and_sign(s, at(13, 16, 0))

    def pay_and_deliver(now, s=s):
        notice = s.app.payment_notice
        payments.confirm_at_window(s.app, actor=clerk, payment_code=notice.code,
                                   receipt_number=f"E{s.app.reference}", now=now)
        delivery.deliver(s.app, actor=clerk, method="electronic", now=now + timedelta(minutes=5))
    s.steps.append((at(12, 10, 0), pay_and_deliver))

    # Decided: refused, with the remedy (the result delivered electronically).
    s = bundle("户外招牌设置备案", "applicant_fw", ["CG-BA-001"], site_address="渝北区悦港大道8号",
               contact_person="朱琳", contact_phone="13900000007", signboard_text="方物棉眠酒店")
    draft(s, at(12, 10, 0))
    submit(s, at(12, 10, 20))
    accept(s, at(11, 9, 30))
    opinion(s, at(10, 9, 30), "招牌面积超出立面规划控制要求，拟不予备案。", "refuse")
    decide_and_sign(s, at(10, 15, 0), "refuse", "招牌面积超出该路段立面规划控制要求。")

    # Not accepted (不予受理), with where to apply instead.
    s = bundle("高速公路连接线市政设施审批", "applicant_bj", ["CG-XK-001"], project_name="本江建筑高速公路连接线",
               contact_person="冯涛", contact_phone="13900000006")
    draft(s, at(6, 9, 0))
    submit(s, at(6, 9, 10))
    s.steps.append((at(5, 10, 0), lambda now, s=s: acceptance.refuse_acceptance(
        s.app, actor=clerk, reason="涉及高速公路路政许可，不属于本部门职权范围。",
        apply_instead_to="市交通运输委员会高速公路路政执法总队", now=now)))
    return scenarios


def load_live_work(now=None) -> dict:
    """Build the missing demo bundles; returns {"bundles": how many were created}."""
    import time_machine  # a demo-time tool only: travels the clock to each step's moment

    if not getattr(settings, "DEMO_LIVE_WORK", True):
        return {"skipped": "DEMO_LIVE_WORK is off"}
    now = now or timezone.now()
    people = People()
    if len(people.users) < 11 or not ServiceItem.objects.filter(code="CG-XK-001").exists():
        return {"skipped": "the demo district is not loaded"}
    scenarios = [s for s in _plan(people, timezone.localdate(now))
                 if not Application.objects.filter(title=s.title,
                                                   enterprise=people[s.applicant].enterprise).exists()]
    steps = sorted(((when, n, i, run) for n, s in enumerate(scenarios) for i, (when, run) in enumerate(s.steps)),
                   key=lambda step: (step[0], step[1], step[2]))
    with transaction.atomic():
        for when, _n, _i, run in steps:
            when = min(when, now)  # a step "today" later than the load happens now
            with time_machine.travel(when, tick=False):
                run(when)
    return {"bundles": len(scenarios)}

