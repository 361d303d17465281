"""The applicant's pages, driven through the Django test client: start a bundle, the one form, materials,
pre-review, submission, supplement answer, withdrawal, results and payment; nobody sees another enterprise's
application."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from approvals.calendar.loading import invalidate
from approvals.models import (
    Application, ApplicationStatus, Channel, EnterpriseDocument, FieldType, MaterialFile, PaymentNotice,
    PaymentStatus,
)
from approvals.services import acceptance, applications, payments, reviews
from tests.factories.approvals import (
    DepartmentFactory, FeeRuleFactory, FormFieldFactory, MaterialTypeFactory, PackageFactory, ServiceItemFactory,
    StaffAssignmentFactory,
)
from tests.factories.applications import png_bytes
from tests.factories.portal import EnterpriseFactory, UserFactory, current_totp, with_totp

pytestmark = pytest.mark.django_db

PNG = png_bytes()  # a real 1×1 PNG (its header is read); `png()` appends bytes after its end


def png(name="scan.png", body=b"1"):
    return SimpleUploadedFile(name, PNG + body, content_type="image/png")


def pdf_bytes(pages=1) -> bytes:
    """A minimal, well-formed PDF with `pages` empty pages (pyHanko reads its page count)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>",
               "<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join(f"{3 + i} 0 R" for i in range(pages)), pages)]
    objects += ["<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def login_staff(client, user):
    """A staff session that passed its second factor, as the login view leaves it."""
    device = with_totp(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


class Bundle:
    """Two departments' items sharing fields and a material: the shape of the urban-management trio."""

    def __init__(self):
        self.lead = DepartmentFactory(code="lead", name="区城市管理局")
        self.other = DepartmentFactory(code="other", name="区规划自然资源局")
        self.name = FormFieldFactory(key="project_name", label="项目名称")
        self.area = FormFieldFactory(key="green_area_m2", label="占用绿地面积", field_type=FieldType.DECIMAL,
                                     min_value=Decimal("0"), max_value=Decimal("5000"), unit="平方米")
        self.start = FormFieldFactory(key="start_date", label="计划开始日期", field_type=FieldType.DATE)
        self.code = FormFieldFactory(key="builder_credit_code", label="建设单位统一社会信用代码",
                                     field_type=FieldType.CREDIT_CODE)
        self.phone = FormFieldFactory(key="contact_phone", label="联系电话", field_type=FieldType.PHONE)
        self.kind = FormFieldFactory(key="facility_kind", label="设施类别", field_type=FieldType.CHOICE,
                                     choices=["供水设施", "排水设施"])
        self.site_plan = MaterialTypeFactory(key="site_plan", name="工程位置示意图")
        self.tree_plan = MaterialTypeFactory(key="green_tree_plan", name="树木处置方案")
        self.licence = MaterialTypeFactory(key="business_licence", name="营业执照", government=True)
        self.a = ServiceItemFactory(code="CG-XK-001", name="市政设施建设类审批", department=self.lead,
                                    fields=[self.name, self.area, self.start, self.code, self.phone],
                                    materials=[self.site_plan, self.licence])
        self.b = ServiceItemFactory(code="CG-XK-002", name="占用城市绿地审批", department=self.lead, commitment=True,
                                    fields=[self.name, self.area, self.kind],
                                    materials=[self.site_plan, self.tree_plan, self.licence])
        self.c = ServiceItemFactory(code="GH-XK-009", name="规划核实", department=self.other,
                                    fields=[self.name], materials=[self.site_plan])
        FeeRuleFactory(item=self.b, name="绿化补偿费", basis_field=self.area, min_rate=Decimal("20"),
                       max_rate=Decimal("40"))
        self.package = PackageFactory(code="trio", name="城管三合一", stages=[[self.a, self.b, self.c]],
                                      stages__lead=self.lead, stages__limit=4)
        self.enterprise = EnterpriseFactory(name="重庆大江北辰有限公司")
        self.applicant = UserFactory(applicant=True, enterprise=self.enterprise, full_name="王磊")
        self.clerk = UserFactory(clerk=True, full_name="邓丽")
        StaffAssignmentFactory(user=self.clerk, department=self.lead, title="综合受理窗口")
        self.chief_lead = UserFactory(chief=True)
        StaffAssignmentFactory(user=self.chief_lead, department=self.lead)
        self.chief_other = UserFactory(chief=True)
        StaffAssignmentFactory(user=self.chief_other, department=self.other)

    def valid_form(self):
        return {"project_name": "悦港大道北侧绿化改造", "green_area_m2": "120.5", "start_date": "2026-03-02",
                "builder_credit_code": self.enterprise.credit_code, "contact_phone": "13900000001",
                "facility_kind": "排水设施"}

    def draft(self, **kwargs):
        return applications.create_draft(actor=self.applicant, enterprise=self.enterprise, package=self.package,
                                         **kwargs)

    def complete(self, application):
        applications.save_form(application, actor=self.applicant, data=self.valid_form())
        applications.upload_material(application, actor=self.applicant, material_type_key="site_plan",
                                     uploaded=png("plan.png", b"plan"))
        applications.upload_material(application, actor=self.applicant, material_type_key="green_tree_plan",
                                     uploaded=png("trees.png", b"trees"))
        return application

    def submitted(self):
        application = self.complete(self.draft())
        return applications.submit(application, actor=self.applicant, declared=True)


@pytest.fixture(autouse=True)
def _media_and_calendar(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # These tests log in with force_login: a fast hasher keeps the many users they create cheap.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    invalidate()
    yield
    invalidate()


@pytest.fixture
def bundle():
    b = Bundle()
    EnterpriseDocument.objects.create(
        enterprise=b.enterprise, material_type=b.licence, file="enterprise-documents/licence.png",
        title="营业执照（电子证照）", original_name="licence.png", content_type="image/png", size=70, sha256="ab" * 32)
    return b


@pytest.fixture
def applicant_client(client, bundle):
    client.force_login(bundle.applicant)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def form_post(values, action="save", **extra):
    return {**{f"f-{k}": v for k, v in values.items()}, "action": action, **extra}


def text(response):
    return response.content.decode()


# --- starting ---------------------------------------------------------------------------------------------
def test_package_page_offers_apply_and_the_draft_starts_from_the_package(applicant_client, bundle):
    page = applicant_client.get(reverse("approvals:package", args=["trio"]))
    assert 'data-testid="apply-package"' in text(page)

    start = applicant_client.get(reverse("approvals:new_application") + "?package=trio")
    assert start.status_code == 200
    # 3 items ask 9 fields item by item, 6 once; 6 materials item by item, 2 to submit (the licence is on file).
    assert re.search(r'data-testid="fields-saved">3<', text(start))
    assert re.search(r'data-testid="materials-saved">4<', text(start))

    response = applicant_client.post(reverse("approvals:new_application"), {"package": "trio", "title": ""})
    application = Application.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("approvals:application_form", args=[application.pk])
    assert application.enterprise == bundle.enterprise and application.channel == Channel.ONLINE
    assert set(application.items.values_list("code", flat=True)) == {"CG-XK-001", "CG-XK-002", "GH-XK-009"}


def test_choosing_items_groups_them_by_department_and_needs_one(applicant_client, bundle):
    page = applicant_client.get(reverse("approvals:new_application"))
    body = text(page)
    assert "<legend>区城市管理局</legend>" in body and "<legend>区规划自然资源局</legend>" in body
    assert 'value="CG-XK-001"' in body

    empty = applicant_client.post(reverse("approvals:new_application"), {"title": "x"})
    assert empty.status_code == 200
    assert "Choose at least one item." in text(empty)
    assert not Application.objects.exists()

    chosen = applicant_client.post(reverse("approvals:new_application"), {"items": ["CG-XK-001", "GH-XK-009"]})
    application = Application.objects.get()
    assert chosen.status_code == 302
    assert application.package is None
    assert set(application.items.values_list("code", flat=True)) == {"CG-XK-001", "GH-XK-009"}


def test_item_page_shows_apply_only_to_applicants(client, bundle):
    url = reverse("approvals:item", args=["CG-XK-001"])
    assert 'data-testid="apply-item"' not in text(client.get(url))
    client.force_login(bundle.applicant)
    assert 'data-testid="apply-item"' in text(client.get(url))


# --- the one form -------------------------------------------------------------------------------------------
def test_one_form_has_typed_inputs_each_field_once(applicant_client, bundle):
    application = bundle.draft()
    body = text(applicant_client.get(reverse("approvals:application_form", args=[application.pk])))
    assert body.count('name="f-project_name"') == 1  # shared by three items, asked once
    assert re.search(r'<input type="date" name="f-start_date"', body)
    assert re.search(r'<input type="number" name="f-green_area_m2"[^>]*min="0"[^>]*max="5000"', body)
    assert re.search(r'<input type="tel" name="f-contact_phone"', body)
    assert '<select name="f-facility_kind"' in body and "排水设施" in body
    assert 'name="f-builder_credit_code"' in body
    assert "fields saved" in body


def test_save_draft_keeps_invalid_values_and_shows_every_error_next_to_its_field(applicant_client, bundle):
    application = bundle.draft()
    url = reverse("approvals:application_form", args=[application.pk])
    response = applicant_client.post(url, form_post({
        "project_name": "悦港大道", "green_area_m2": "-5", "start_date": "2026-02-30",
        "builder_credit_code": "91500112MA5U7XQ07X", "contact_phone": "12345", "facility_kind": "",
    }))
    assert response.status_code == 200
    body = text(response)
    application.refresh_from_db()
    assert application.form_data["green_area_m2"] == "-5"  # kept as typed
    assert application.form_data["contact_phone"] == "12345"
    for key in ("green_area_m2", "start_date", "builder_credit_code", "contact_phone", "facility_kind"):
        assert f'id="id_f-{key}-errors"' in body, key
        assert f'data-field-problem="{key}"' in body, key
    assert 'id="id_f-project_name-errors"' not in body
    assert "The value must be at least 0" in body
    assert 'value="-5"' in body and 'value="12345"' in body
    assert "5 fields still need attention" in body



def test_a_value_too_long_for_its_field_is_refused_on_the_page_and_an_absurd_number_is_a_field_problem(
        applicant_client, bundle):
    application = bundle.draft()
    url = reverse("approvals:application_form", args=[application.pk])
    versions = application.form_versions.count()
    page = applicant_client.get(url)
    assert re.search(r'name="f-project_name"[^>]*maxlength="200"', text(page))
    refused = applicant_client.post(url, form_post({"project_name": "名" * 5000}))
    assert refused.status_code == 400
    assert "These fields were not saved" in text(refused) and 'id="id_f-project_name-errors"' in text(refused)
    assert application.form_versions.count() == versions
    absurd = applicant_client.post(url, form_post({"project_name": "悦港大道", "green_area_m2": "1e5000"}))
    assert absurd.status_code == 200 and "The value must be at most 5000" in text(absurd)

def test_incomplete_submission_shows_all_problems_at_once_and_loses_nothing(applicant_client, bundle):
    application = bundle.draft()
    url = reverse("approvals:application_form", args=[application.pk])
    # The old "submit" button of a page still open in a browser goes to check-your-answers, saving the draft.
    saved = applicant_client.post(url, form_post({"project_name": "悦港大道", "contact_phone": "abc"},
                                                 action="submit"))
    check_url = reverse("approvals:application_check", args=[application.pk])
    assert saved.status_code == 302 and saved.url == check_url
    response = applicant_client.post(check_url, {"declaration": "on"})
    assert response.status_code == 400
    body = text(response)
    assert 'data-testid="check-problems"' in body
    missing = re.findall(r'<li data-material="(\w+)">[^<]*<strong class="errorlist">', body)
    assert {"site_plan", "green_tree_plan"} <= set(missing) and "business_licence" not in missing  # on file
    field_errors = re.findall(r'<dd data-field="(\w+)">[^<]*<span class="errorlist" data-error>', body)
    assert {"contact_phone", "start_date"} <= set(field_errors)
    assert '<dd data-field="project_name">悦港大道' in body and '<dd data-field="contact_phone">abc' in body
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.form_data["project_name"] == "悦港大道"


def test_commitment_is_signed_in_the_form_and_refused_after_a_false_commitment(applicant_client, bundle):
    application = bundle.draft()
    url = reverse("approvals:application_form", args=[application.pk])
    body = text(applicant_client.get(url))
    assert bundle.b.commitment_text in body
    response = applicant_client.post(url, form_post({"project_name": "绿化"}, action="sign:CG-XK-002",
                                                    **{"commit-CG-XK-002": "王磊"}))
    assert response.status_code == 302
    commitment = application.commitments.get()
    assert commitment.signer_name == "王磊"
    application.refresh_from_db()
    assert application.form_data["project_name"] == "绿化"  # the draft was saved with the signature

    bundle.enterprise.false_commitment_recorded = True
    bundle.enterprise.save()
    refused = applicant_client.post(url, form_post({"project_name": "绿化二"}, action="sign:CG-XK-002",
                                                   **{"commit-CG-XK-002": "王磊"}))
    assert refused.status_code == 403
    assert "recorded false commitment" in text(refused)
    assert 'value="绿化二"' in text(refused)


# --- materials ----------------------------------------------------------------------------------------------
def test_materials_page_upload_rejection_and_versions(applicant_client, bundle):
    application = bundle.draft()
    url = reverse("approvals:application_materials", args=[application.pk])
    body = text(applicant_client.get(url))
    assert 'data-material="business_licence"' in body and 'data-state="on_file"' in body
    assert body.count('data-state="missing"') == 2
    assert "submitted once for 3 items" in body  # the site plan serves every item

    good = applicant_client.post(url, {"material_type": "site_plan", "file": png("示意图.png")})
    assert good.status_code == 302
    bad = applicant_client.post(url, {"material_type": "green_tree_plan",
                                      "file": SimpleUploadedFile("trees.pdf", b"MZ not a pdf")})
    assert bad.status_code == 400
    body = text(bad)
    assert "Only PDF, PNG and JPEG files are accepted" in body
    assert 'id="m-green_tree_plan-errors"' in body
    assert "uploaded v1" in body  # the site plan is still there
    assert MaterialFile.objects.filter(application=application, material_type__key="green_tree_plan").count() == 0

    pdf = applicant_client.post(url, {"material_type": "green_tree_plan",
                                      "file": SimpleUploadedFile("trees.pdf", pdf_bytes(3))})
    assert pdf.status_code == 302
    applicant_client.post(url, {"material_type": "site_plan", "file": png("v2.png", b"second")})
    body = text(applicant_client.get(url))
    material = MaterialFile.objects.get(application=application, material_type__key="green_tree_plan")
    assert material.pages == 3
    assert "3 pages" in body and material.sha256[:12] in body
    assert "uploaded v2" in body and "1 earlier version" in body
    assert set(material.items.values_list("code", flat=True)) == {"CG-XK-002"}

    missing_file = applicant_client.post(url, {"material_type": "site_plan"})
    assert missing_file.status_code == 400
    assert "Choose a file to upload." in text(missing_file)


def test_material_file_is_served_only_to_those_who_may_see_the_application(client, bundle):
    application = bundle.draft()
    material = applications.upload_material(application, actor=bundle.applicant, material_type_key="site_plan",
                                            uploaded=png("示意图.png", b"abc"))
    url = reverse("approvals:material_file", args=[application.pk, material.pk])
    client.force_login(bundle.applicant)
    response = client.get(url + "?download=1")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PNG + b"abc"
    assert client.get(url)["Content-Disposition"].startswith("inline")

    client.force_login(UserFactory(applicant=True))
    assert client.get(url).status_code == 404
    assert client.get(reverse("approvals:material_file", args=[application.pk + 1, material.pk])).status_code == 404


# --- submission, detail, pre-review --------------------------------------------------------------------------
def test_submit_from_the_form_then_the_detail_shows_the_acceptance_clock(applicant_client, bundle):
    application = bundle.draft()
    bundle.complete(application)
    to_check = applicant_client.post(reverse("approvals:application_form", args=[application.pk]),
                                     form_post(bundle.valid_form(), action="check"))
    assert to_check.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT  # nothing is submitted without the declaration
    response = applicant_client.post(to_check.url, {"declaration": "on"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    detail = text(applicant_client.get(reverse("approvals:application", args=[application.pk])))
    assert 'data-testid="acceptance-clock"' in detail
    assert "working days" in detail and "data-light=" in detail
    assert 'data-kind="submitted"' in detail
    # The form can no longer be changed.
    again = applicant_client.post(reverse("approvals:application_form", args=[application.pk]),
                                  form_post({"project_name": "改"}))
    assert again.status_code == 409
    application.refresh_from_db()
    assert application.form_data["project_name"] == "悦港大道北侧绿化改造"


def test_pre_review_request_and_answer_are_shown(applicant_client, bundle):
    application = bundle.draft()
    url = reverse("approvals:application_form", args=[application.pk])
    response = applicant_client.post(url, form_post({"project_name": "x"}, action="pre_review"))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PRE_REVIEW
    applications.answer_pre_review(application, actor=bundle.clerk, problems=[
        {"kind": "material", "key": "site_plan", "reason": "缺少范围标注"}], comment="请补充")
    body = text(applicant_client.get(url))
    assert 'data-testid="pre-review-answer"' in body
    assert "工程位置示意图" in body and "缺少范围标注" in body


def test_my_applications_lists_lights_and_filters_by_status(applicant_client, bundle):
    submitted = bundle.submitted()
    draft = bundle.draft(title="第二个草稿")
    stranger = UserFactory(applicant=True)  # another enterprise's applicant
    other = applications.create_draft(actor=stranger, enterprise=stranger.enterprise, item_codes=["GH-XK-009"])
    body = text(applicant_client.get(reverse("approvals:my_applications")))
    assert submitted.reference in body and draft.reference in body and other.reference not in body
    assert 'data-light="green"' in body
    filtered = text(applicant_client.get(reverse("approvals:my_applications") + "?status=draft"))
    assert draft.reference in filtered and submitted.reference not in filtered


def test_another_enterprises_application_is_404_everywhere(applicant_client, bundle):
    stranger = UserFactory(applicant=True)
    application = applications.create_draft(actor=stranger, enterprise=stranger.enterprise,
                                            item_codes=["GH-XK-009"])
    for name in ("application", "application_form", "application_materials", "application_supplement",
                 "withdraw_application"):
        assert applicant_client.get(reverse(f"approvals:{name}", args=[application.pk])).status_code == 404, name
    post = applicant_client.post(reverse("approvals:application_form", args=[application.pk]),
                                 form_post({"project_name": "hijack"}))
    assert post.status_code == 404


def test_withdraw_needs_confirmation(applicant_client, bundle):
    application = bundle.submitted()
    url = reverse("approvals:withdraw_application", args=[application.pk])
    assert 'data-testid="withdraw"' in text(applicant_client.get(reverse("approvals:application",
                                                                         args=[application.pk])))
    unconfirmed = applicant_client.post(url, {"reason": "项目调整"})
    assert unconfirmed.status_code == 400
    assert "Tick the box" in text(unconfirmed)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    applicant_client.post(url, {"reason": "项目调整", "confirm": "on"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert 'data-testid="withdraw"' not in text(applicant_client.get(reverse("approvals:application",
                                                                             args=[application.pk])))


# --- supplement ---------------------------------------------------------------------------------------------
def test_supplement_answer_only_listed_points_change(applicant_client, bundle):
    application = bundle.submitted()
    acceptance.request_supplement(application, actor=bundle.clerk, problems=[
        {"kind": "material", "key": "site_plan", "reason": "未标明占用范围"},
        {"kind": "field", "key": "green_area_m2", "reason": "面积与示意图不一致"},
    ])
    detail = text(applicant_client.get(reverse("approvals:application", args=[application.pk])))
    assert 'data-testid="supplement-pending"' in detail

    url = reverse("approvals:application_supplement", args=[application.pk])
    body = text(applicant_client.get(url))
    assert "未标明占用范围" in body and "面积与示意图不一致" in body
    assert re.search(r'<input type="number" name="f-green_area_m2"', body)
    assert 'name="f-project_name"' not in body  # not listed: shown read-only
    assert "悦港大道北侧绿化改造" in body
    assert 'name="m-site_plan"' in body and 'name="m-green_tree_plan"' not in body

    # Answering without the new file: every problem at once, the typed value kept.
    incomplete = applicant_client.post(url, {"f-green_area_m2": "99", "action": "answer"})
    assert incomplete.status_code == 400
    assert 'data-missing="site_plan"' in text(incomplete) and 'value="99"' in text(incomplete)

    # A rejected file says why and keeps the typed value.
    rejected = applicant_client.post(url, {"f-green_area_m2": "99", "action": "answer",
                                           "m-site_plan": SimpleUploadedFile("x.pdf", b"GIF89a")})
    assert rejected.status_code == 400
    assert "Only PDF, PNG and JPEG" in text(rejected) and 'value="99"' in text(rejected)

    # A field that is not listed cannot be smuggled in.
    done = applicant_client.post(url, {"f-green_area_m2": "99", "f-project_name": "改名", "action": "answer",
                                       "m-site_plan": png("new-plan.png", b"v2")})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.form_data["green_area_m2"] == "99"
    assert application.form_data["project_name"] == "悦港大道北侧绿化改造"
    assert application.materials.get(material_type__key="site_plan", is_current=True).version == 2
    assert application.form_versions.filter(reason="supplement").exists()


# --- results, fees, signature ----------------------------------------------------------------------------------
def decide_all(bundle, application, *, refuse_other=False, refuse=()):
    """Accept, then every review decided and signed: approved, except the other department's items
    (`refuse_other`) and the items whose codes are in `refuse`."""
    acceptance.accept(application, actor=bundle.clerk)
    for chief in (bundle.chief_lead, bundle.chief_other):
        device = with_totp(chief)
        mine = list(application.reviews.filter(department=chief.assignment.department).select_related("item"))
        for review in mine:
            if refuse_other and chief == bundle.chief_other or review.item.code in refuse:
                reviews.refuse(review, actor=chief, reasons="规划条件不符")
            else:
                reviews.approve(review, actor=chief, reasons="符合条件")
        reviews.sign(mine, actor=chief, otp=current_totp(device))
    application.refresh_from_db()
    return application


def test_detail_shows_reviews_clocks_and_the_estimated_fees(applicant_client, bundle):
    application = bundle.submitted()
    acceptance.accept(application, actor=bundle.clerk)
    url = reverse("approvals:application", args=[application.pk])
    body = text(applicant_client.get(url))
    assert body.count("data-review=") == 3
    assert "working days" in body and 'data-light="green"' in body
    assert 'data-testid="fee-total"><strong>2,410.00<' in body  # 120.5 m² × 20 yuan (lower bound)
    assert "4,820.00" in body
    assert 'data-fee-status="estimated"' in body and 'data-testid="payment-notice"' not in body


def test_the_applicant_sees_the_payment_notice_and_cannot_mark_it_paid(applicant_client, bundle):
    """Issue 8.5: no receipt number typed by the applicant; 待缴费 until the finance side confirms, then 已缴费."""
    application = decide_all(bundle, bundle.submitted())
    notice = application.payment_notice
    url = reverse("approvals:application", args=[application.pk])

    body = text(applicant_client.get(url))
    assert 'data-testid="i-have-paid"' not in body and 'name="receipt_number"' not in body
    block = body[body.index('data-testid="payment-notice"'):]
    assert f'data-testid="payment-code">{notice.code}<' in block
    assert 'data-payment-status="due"' in block and "Awaiting payment" in block
    assert 'data-fee-status="charged"' in body
    assert applicant_client.post(url, {"receipt_number": "R-2026-001"}).status_code == 405
    assert PaymentNotice.objects.get(pk=notice.pk).status == PaymentStatus.DUE

    payments.confirm_at_window(application, actor=bundle.clerk, payment_code=notice.code,
                               receipt_number="E-2026-001")
    block = text(applicant_client.get(url))
    block = block[block.index('data-testid="payment-notice"'):]
    assert 'data-payment-status="paid"' in block and "E-2026-001" in block


def test_a_refused_items_fee_is_shown_as_not_charged(applicant_client, bundle):
    application = decide_all(bundle, bundle.submitted(), refuse=["CG-XK-002"])
    assert application.outcome == "partly_approved"
    body = text(applicant_client.get(reverse("approvals:application", args=[application.pk])))
    assert 'data-fee-status="not_charged"' in body and 'data-testid="payment-notice"' not in body
    assert 'data-testid="fee-total"><strong>0.00<' in body
    assert "Nothing to pay" in body


def test_partly_approved_result_is_at_the_top_with_signature_and_remedy(applicant_client, bundle):
    application = decide_all(bundle, bundle.submitted(), refuse_other=True)
    assert application.status == ApplicationStatus.DECIDED
    body = text(applicant_client.get(reverse("approvals:application", args=[application.pk])))
    assert 'data-outcome="partly_approved"' in body
    assert body.index('data-testid="result"') < body.index("Stages and department reviews")
    assert 'data-item="GH-XK-009" data-decision="refuse"' in body
    refused = application.reviews.get(item__code="GH-XK-009")
    assert refused.remedy_notice and body.count(refused.remedy_notice) == 2  # in the result and the review
    signature = application.reviews.get(item__code="CG-XK-001").signature
    assert signature.content_sha256 in body
    assert body.count("data-signature") == 3


def test_window_filing_is_edited_by_the_clerk_who_created_it(client, bundle):
    application = applications.create_draft(actor=bundle.clerk, enterprise=bundle.enterprise,
                                            package=bundle.package)
    login_staff(client, bundle.clerk)
    url = reverse("approvals:application_form", args=[application.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, form_post(bundle.valid_form())).status_code == 200
    application.refresh_from_db()
    assert application.form_data["project_name"] == "悦港大道北侧绿化改造"
    other_clerk = UserFactory(clerk=True)
    StaffAssignmentFactory(user=other_clerk, department=bundle.lead)
    client.logout()
    login_staff(client, other_clerk)
    assert client.get(url).status_code == 404


def test_unknown_item_code_in_the_query_does_not_break_the_page(applicant_client, bundle):
    assert applicant_client.get(reverse("approvals:new_application") + "?items=NOPE").status_code == 200
    response = applicant_client.get(reverse("approvals:new_application") + "?package=nope")
    assert response.status_code == 200
    assert "There is no package" in text(response)



def test_the_applicant_chooses_mail_delivery_on_the_form_and_an_address_is_required(applicant_client, bundle):
    application = bundle.draft()
    url = reverse("approvals:application_form", args=[application.pk])
    missing = applicant_client.post(url, {**form_post(bundle.valid_form()), "delivery_method": "mail",
                                          "delivery_address": ""})
    assert missing.status_code == 400 and "postal address" in text(missing)
    application.refresh_from_db()
    assert application.delivery_method == "electronic"
    chosen = applicant_client.post(url, {**form_post(bundle.valid_form()), "delivery_method": "mail",
                                         "delivery_address": "重庆市渝北区临空大道1号"})
    assert chosen.status_code == 200
    application.refresh_from_db()
    assert (application.delivery_method, application.delivery_address) == ("mail", "重庆市渝北区临空大道1号")
