"""Applications in a named state, built by calling the real services (never by setting a status).

A compact catalog (`make_catalog`): three departments, three items sharing two material types and three form
fields, one item with a fee rule, one immediate item (即办), one item allowing 告知承诺; a one-stage joint
package with all three and a two-stage package; an enterprise with its applicant, the lead department's
window clerk, staff and a chief (with a TOTP device) per department, and a leader.

The builders are named after the states they reach:

    draft_application(cat)        a draft with the form filled and the materials uploaded
    submitted_application(cat)    submitted, the 5-working-day acceptance clock running
    accepted_application(cat)     accepted: stages laid out, the first stage's reviews under review
    decided_application(cat)      every review decided by its chief and signed (approve / refuse per item)
    paid_application(cat)         decided, and its payment notice (if a fee is charged) confirmed at the window
    decided_on_commitment(cat)    the commitment item's 告知承诺 signed: decided at acceptance and (unless
                                  sign=False) signed by its chief, which opens the after-check (事后核查)

Each takes `now=` (default: Monday 2026-06-01 10:00 in Shanghai, a week without holidays) and runs the
services with time frozen there, so `auto_now` columns and the TOTP device agree with `now`.

Files are real bytes: `pdf_bytes(pages=1)` writes a minimal valid PDF by hand, `png_bytes()` a 1x1 PNG,
`fake_pdf_upload()` is text named ".pdf".

TOTP: django-otp refuses a code whose time step was already accepted (e.g. by the login) and accepts one step
either side of now, so `fresh_totp(device)` gives the code for the first step the device will still accept
(usually the next one), as an authenticator app would show it a few seconds later.
"""

from __future__ import annotations

import contextlib
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from struct import pack
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django_otp.oath import TOTP

from approvals.models import (
    Application, ApplicationStatus, Decision, ItemField, ItemMaterial, ReviewStatus, StageStatus,
)
from approvals.services import acceptance, applications, material_rules, payments, reviews
from tests.factories.approvals import (
    DepartmentFactory, FeeRuleFactory, FormFieldFactory, MaterialTypeFactory, PackageFactory,
    ServiceItemFactory, StaffAssignmentFactory,
)
from tests.factories.portal import EnterpriseFactory, UserFactory, with_totp

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_NOW = datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)  # Monday, no holiday that week

VALID_FORM = {
    "project_name": "临空前沿科技城研发楼",
    "site_address": "重庆市渝北区临空大道1号",
    "green_area_m2": "319.11",
}


def shanghai(*args) -> datetime:
    """datetime(*args) in Asia/Shanghai."""
    return datetime(*args, tzinfo=SHANGHAI)


# --- files -----------------------------------------------------------------------------------------------
def pdf_bytes(pages: int = 1) -> bytes:
    """A minimal, valid PDF with `pages` empty A4 pages (correct xref offsets, readable by pyHanko)."""
    page_ids = list(range(3, 3 + pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % i for i in page_ids) + b"] /Count %d >>" % pages,
    ] + [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>" for _ in page_ids]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png_bytes() -> bytes:
    """A valid 1x1 greyscale PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return pack(">I", len(data)) + kind + data + pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b""))


def upload(content: bytes, name: str = "material.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_upload(pages: int = 1, name: str = "site-plan.pdf", *, salt: str = ""):
    """A PDF upload; `salt` changes the bytes (and so the SHA-256) without changing the page count."""
    content = pdf_bytes(pages)
    if salt:
        content += f"% {salt}\n".encode()
    return upload(content, name)


def png_upload(name: str = "licence.png"):
    return upload(png_bytes(), name, "image/png")


def fake_pdf_upload(name: str = "plan.pdf"):
    """Text pretending to be a PDF by its name only."""
    return upload(b"This is not a PDF, just text with a .pdf name.\n", name)


# --- TOTP ---------------------------------------------------------------------------------------------------
def fresh_totp(device) -> str:
    """A code `device` has not accepted yet: for the first time step above its last accepted one.

    The device accepts steps within its tolerance (1) of now; after a login at step t it refuses t again, so
    this usually returns the code of step t + 1 (what the app shows 30 s later). Raises AssertionError when no
    such step is within tolerance (the test must travel 30 s on first).
    """
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    current = totp.t()
    target = max(current, device.last_t + 1)
    if target > current + device.tolerance:
        raise AssertionError("No fresh TOTP step within the tolerance: travel on by the device's step first.")
    totp.drift = device.drift + (target - current)
    return f"{totp.token():0{device.digits}d}"


def used_totp(device) -> str:
    """The code of the step the device accepted last (a reused code)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    totp.drift = device.drift + (device.last_t - totp.t())
    return f"{totp.token():0{device.digits}d}"


def wrong_totp(device) -> str:
    """A six-digit code no step near now produces."""
    accepted = set()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    for offset in range(-3, 4):
        totp.drift = device.drift + offset
        accepted.add(totp.token())
    return next(f"{n:06d}" for n in range(123456, 1_000_000) if n not in accepted)


# --- the catalog and the people ---------------------------------------------------------------------------
@dataclass
class Catalog:
    departments: list
    fields: dict
    materials: dict
    fee_item: object
    immediate_item: object
    commitment_item: object
    package: object  # one joint stage with all three items, lead = departments[0]
    two_stage_package: object  # stage 1: fee item (lead d0); stage 2: the other two (lead d1)
    enterprise: object
    applicant: object
    clerk: object  # window clerk of the lead department (departments[0])
    staff: dict = field(default_factory=dict)  # department code -> staff user
    chiefs: dict = field(default_factory=dict)  # department code -> chief user
    devices: dict = field(default_factory=dict)  # user pk -> TOTPDevice
    leader: object = None

    @property
    def items(self):
        return [self.fee_item, self.immediate_item, self.commitment_item]

    @property
    def item_codes(self):
        return [i.code for i in self.items]

    def chief_of(self, department):
        return self.chiefs[getattr(department, "code", department)]

    def staff_of(self, department):
        return self.staff[getattr(department, "code", department)]

    def window_of(self, department):
        """Who accepts for `department` at the window: its clerk (the lead's), otherwise its staff."""
        if department.pk == self.clerk.assignment.department_id:
            return self.clerk
        return self.staff_of(department)

    def device_of(self, user):
        return self.devices[user.pk]

    def totp(self, user) -> str:
        """A fresh code for `user`'s device."""
        return fresh_totp(self.device_of(user))

    def add_user(self, role: str, department=None, *, totp: bool = False, **kwargs):
        """Another user of `role` (clerk/staff/chief), assigned to `department`."""
        user = UserFactory(**{role: True}, **kwargs)
        if department is not None:
            StaffAssignmentFactory(user=user, department=department)
        if totp:
            self.devices[user.pk] = with_totp(user)
        return user


def make_catalog() -> Catalog:
    departments = [
        DepartmentFactory(code="tst-a-urban", name="区城市管理局"),
        DepartmentFactory(code="tst-b-housing", name="区住房城乡建委"),
        DepartmentFactory(code="tst-c-health", name="区卫生健康委"),
    ]
    fields = {
        "project_name": FormFieldFactory(key="project_name", label="项目名称"),
        "site_address": FormFieldFactory(key="site_address", label="建设地址"),
        "green_area_m2": FormFieldFactory(key="green_area_m2", label="占用绿地面积", decimal=True,
                                          max_value=Decimal("100000"), unit="m²"),
    }
    materials = {
        "site_plan": MaterialTypeFactory(key="site_plan", name="总平面图", max_pages=2),
        "business_licence": MaterialTypeFactory(key="business_licence", name="营业执照"),
    }
    fee_item = ServiceItemFactory(code="T-GREEN", name="占用城市绿地审批", department=departments[0],
                                  promised_limit_days=4, legal_limit_days=20)
    immediate_item = ServiceItemFactory(code="T-SIGN", name="户外招牌设置备案", department=departments[1],
                                        immediate=True, legal_limit_days=20)
    commitment_item = ServiceItemFactory(code="T-HEALTH", name="公共场所卫生许可", department=departments[2],
                                         commitment=True, promised_limit_days=3, legal_limit_days=20)
    links = {
        fee_item: (["project_name", "green_area_m2"], ["site_plan"]),
        immediate_item: (["project_name", "site_address"], ["site_plan", "business_licence"]),
        commitment_item: (["project_name", "site_address"], ["business_licence"]),
    }
    for item, (field_keys, material_keys) in links.items():
        for order, key in enumerate(field_keys, start=1):
            ItemField.objects.create(item=item, field=fields[key], order=order)
        for key in material_keys:
            ItemMaterial.objects.create(item=item, material_type=materials[key])
    FeeRuleFactory(item=fee_item, name="绿化补偿费", basis_field=fields["green_area_m2"],
                   min_rate=Decimal("20"), max_rate=Decimal("40"))
    package = PackageFactory(code="tst-trio", name="测试三件套", joint=True,
                             stages=[[fee_item, immediate_item, commitment_item]], stages__limit=5,
                             stages__lead=departments[0])
    two_stage = PackageFactory(code="tst-two-stages", name="测试两阶段", joint=False,
                               stages=[[fee_item], [immediate_item, commitment_item]], stages__limit=5)
    enterprise = EnterpriseFactory()
    cat = Catalog(
        departments=departments, fields=fields, materials=materials, fee_item=fee_item,
        immediate_item=immediate_item, commitment_item=commitment_item, package=package,
        two_stage_package=two_stage, enterprise=enterprise,
        applicant=UserFactory(role="applicant", enterprise=enterprise, full_name="李申请"),
        clerk=None,
    )
    cat.clerk = cat.add_user("clerk", departments[0])
    for department in departments:
        cat.staff[department.code] = cat.add_user("staff", department)
        cat.chiefs[department.code] = cat.add_user("chief", department, totp=True)
    cat.leader = cat.add_user("leader")
    return cat


# --- builders -----------------------------------------------------------------------------------------------
@contextlib.contextmanager
def frozen(now: datetime):
    with time_machine.travel(now, tick=False):
        yield


def _scope(cat, package, items):
    if items is not None:
        return {"item_codes": [getattr(i, "code", i) for i in items]}
    return {"package": cat.package if package is None else package}


def draft_application(cat: Catalog, *, package=None, items=None, form=None, materials: bool = True,
                      actor=None, now: datetime = DEFAULT_NOW) -> Application:
    """A draft: from the package (default) or `items`; the form saved (VALID_FORM unless `form`) and every
    material uploaded unless `materials=False`. `actor` defaults to the applicant (a clerk files at the
    window)."""
    actor = actor or cat.applicant
    with frozen(now):
        application = applications.create_draft(actor=actor, enterprise=cat.enterprise, now=now,
                                                **_scope(cat, package, items))
        applications.save_form(application, actor=actor, data=dict(VALID_FORM if form is None else form))
        if materials:
            for state in material_rules.material_states(application):
                key = state.key
                if state.current is not None or state.never_asked:
                    continue  # attached from the documents on file, or never asked of the applicant
                file = png_upload() if key == "business_licence" else pdf_upload()
                applications.upload_material(application, actor=actor, material_type_key=key, uploaded=file)
    return reload(application)


def submitted_application(cat: Catalog, *, now: datetime = DEFAULT_NOW, **kwargs) -> Application:
    """Submitted (the acceptance clock running from `now`)."""
    application = draft_application(cat, now=now, **kwargs)
    with frozen(now):
        applications.submit(application, actor=kwargs.get("actor") or cat.applicant, declared=True, now=now)
    return reload(application)


def accepted_application(cat: Catalog, *, now: datetime = DEFAULT_NOW, **kwargs) -> Application:
    """Accepted by the lead window at `now`: under review, the first stage's review clocks started."""
    application = submitted_application(cat, now=now, **kwargs)
    with frozen(now):
        acceptance.accept(application, actor=cat.window_of(application.lead_department), now=now)
    return reload(application)


def decide_open_reviews(cat: Catalog, application, *, decisions=None, now: datetime = DEFAULT_NOW):
    """Every running review of the application's open stages decided by its chief, then signed (one batch per
    chief). `decisions`: item code -> "approve" | "refuse" (default approve)."""
    decisions = decisions or {}
    with frozen(now):
        running = list(application.reviews.filter(stage__status=StageStatus.OPEN,
                                                  status=ReviewStatus.UNDER_REVIEW).select_related("item"))
        by_chief = {}
        # Decided already (on commitment, at acceptance or when the stage opened): only the signature is due.
        for review in application.reviews.filter(stage__status=StageStatus.OPEN,
                                                 status__in=[ReviewStatus.APPROVED, ReviewStatus.REFUSED]):
            chief = cat.chief_of(review.department)
            by_chief.setdefault(chief.pk, (chief, []))[1].append(review)
        for review in running:
            chief = cat.chief_of(review.department)
            if decisions.get(review.item.code, Decision.APPROVE) == Decision.REFUSE:
                reviews.refuse(review, actor=chief, reasons="不符合许可条件：绿地面积超出规划指标。", now=now)
            else:
                reviews.approve(review, actor=chief, now=now)
            by_chief.setdefault(chief.pk, (chief, []))[1].append(review)
        for chief, batch in by_chief.values():
            reviews.sign(batch, actor=chief, otp=cat.totp(chief), now=now)


def decided_application(cat: Catalog, *, decisions=None, now: datetime = DEFAULT_NOW, **kwargs) -> Application:
    """Accepted at `now` and every stage decided and signed at `now` (a refusal ends later stages)."""
    application = accepted_application(cat, now=now, **kwargs)
    for _round in range(10):
        application = reload(application)
        if application.status != ApplicationStatus.UNDER_REVIEW:
            break
        decide_open_reviews(cat, application, decisions=decisions, now=now)
    assert application.status == ApplicationStatus.DECIDED, application.status
    return application


def paid_application(cat: Catalog, *, now: datetime = DEFAULT_NOW, **kwargs) -> Application:
    """Decided at `now`; the payment notice, when the approved items charge a fee, confirmed at `now` by a window
    clerk of the lead department against its payment code (with an e-receipt number)."""
    application = decided_application(cat, now=now, **kwargs)
    notice = getattr(application, "payment_notice", None)
    if notice is not None:
        clerk = cat.clerk
        if clerk.assignment.department_id != application.lead_department_id:
            clerk = cat.add_user("clerk", application.lead_department)
        with frozen(now):
            payments.confirm_at_window(application, actor=clerk, payment_code=notice.code,
                                       receipt_number=f"E-{application.reference}", now=now)
    return reload(application)


def decided_on_commitment(cat: Catalog, *, sign: bool = True, now: datetime = DEFAULT_NOW, **kwargs) -> Application:
    """The package filed with the 告知承诺 of `cat.commitment_item` signed, accepted at `now`: that item is
    decided on the spot (approved on commitment); with `sign` its chief signs it at `now`, which opens the
    after-check. The other reviews stay under review."""
    application = draft_application(cat, now=now, **kwargs)
    with frozen(now):
        applications.sign_commitment(application, actor=cat.applicant, item_code=cat.commitment_item.code,
                                     signer_name="李申请", now=now)
        applications.submit(application, actor=cat.applicant, declared=True, now=now)
        acceptance.accept(application, actor=cat.window_of(application.lead_department), now=now)
        if sign:
            review = application.reviews.get(item=cat.commitment_item)
            chief = cat.chief_of(review.department)
            reviews.sign([review], actor=chief, otp=cat.totp(chief), now=now)
    return reload(application)


def reload(obj):
    """A fresh copy from the database (protected FSM fields make refresh_from_db awkward)."""
    return type(obj).objects.get(pk=obj.pk)


def one_application_in_each_state(cat: Catalog, *, now: datetime = DEFAULT_NOW) -> list[Application]:
    """Five applications that between them show what a list shows: a draft with fees (no package), a package
    submitted, one accepted (under review), one decided with a refusal, one decided on commitment."""
    return [draft_application(cat, now=now, items=[cat.fee_item]), submitted_application(cat, now=now),
            accepted_application(cat, now=now),
            decided_application(cat, now=now, decisions={cat.immediate_item.code: "refuse"}),
            decided_on_commitment(cat, now=now)]
