"""The window clerk's desk, driven through the Django test client: the acceptance queue, one application's
acceptance page (accept / not accept / one supplement notice), pre-review answers, filing for a walk-in
enterprise, payment confirmation and delivery."""

import re

import pytest
from django.urls import reverse

from approvals.models import (
    Application, ApplicationStatus, Channel, DeliveryMethod, PaymentNotice, PaymentStatus, SupplementRequest, Visit,
    VisitKind,
)
from approvals.services import acceptance, applications
from tests.approvals.views.test_applicant_pages import (  # noqa: F401  (shared fixtures)
    _media_and_calendar, bundle, decide_all, form_post, login_staff, png, text,
)
from tests.factories.approvals import DepartmentFactory, StaffAssignmentFactory
from tests.factories.portal import EnterpriseFactory, UserFactory, valid_credit_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_client(client, bundle):
    login_staff(client, bundle.clerk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# --- the queue ----------------------------------------------------------------------------------------------
def test_desk_lists_the_departments_submissions_by_due_time_with_lights(clerk_client, bundle):
    first = bundle.submitted()
    second = bundle.submitted()
    elsewhere = applications.create_draft(actor=bundle.applicant, enterprise=bundle.enterprise,
                                          item_codes=["GH-XK-009"])  # led by the other department
    applications.save_form(elsewhere, actor=bundle.applicant, data={"project_name": "规划核实"})
    applications.upload_material(elsewhere, actor=bundle.applicant, material_type_key="site_plan", uploaded=png())
    applications.submit(elsewhere, actor=bundle.applicant, declared=True)
    pre = bundle.draft()
    applications.request_pre_review(pre, actor=bundle.applicant)

    body = text(clerk_client.get(reverse("approvals:desk")))
    queue = body[body.index('data-testid="acceptance-queue"'):body.index('data-testid="pre-review-queue"')]
    assert queue.index(first.reference) < queue.index(second.reference)
    assert elsewhere.reference not in body
    assert queue.count('data-light="green"') == 2
    assert re.search(r'data-testid="count-waiting">2<', body)
    assert pre.reference in body[body.index('data-testid="pre-review-queue"'):]


def test_desk_is_for_department_roles_only(client, bundle):
    client.force_login(bundle.applicant)
    assert client.get(reverse("approvals:desk")).status_code == 403
    leader = UserFactory(leader=True)
    login_staff(client, leader)
    assert client.get(reverse("approvals:desk")).status_code == 403


# --- one application at the window -----------------------------------------------------------------------------
def test_acceptance_page_shows_values_and_materials_with_links(clerk_client, bundle):
    application = bundle.submitted()
    response = clerk_client.get(reverse("approvals:desk_application", args=[application.pk]))
    body = text(response)
    assert "悦港大道北侧绿化改造" in body and "120.5" in body
    site_plan = application.materials.get(material_type__key="site_plan", is_current=True)
    file_url = reverse("approvals:material_file", args=[application.pk, site_plan.pk])
    assert file_url in body and f"{file_url}?download=1" in body
    assert 'data-state="on_file"' in body  # the licence from the records
    served = clerk_client.get(file_url + "?download=1")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert 'filename="plan.png"' in served["Content-Disposition"]
    # The supplement checklist covers every material the applicant provides and every field; the licence the
    # government holds is never demanded (issue 8, item 6).
    for key in ("site_plan", "green_tree_plan"):
        assert f'data-row="material:{key}"' in body, key
    assert 'data-row="material:business_licence"' not in body
    for key in ("project_name", "green_area_m2", "start_date", "builder_credit_code", "contact_phone",
                "facility_kind"):
        assert f'data-row="field:{key}"' in body, key


def test_another_departments_clerk_gets_404(client, bundle):
    application = bundle.submitted()
    stranger = UserFactory(clerk=True)
    StaffAssignmentFactory(user=stranger, department=DepartmentFactory(code="far"))
    login_staff(client, stranger)
    assert client.get(reverse("approvals:desk_application", args=[application.pk])).status_code == 404
    material = application.materials.filter(is_current=True).first()
    assert client.get(reverse("approvals:material_file", args=[application.pk, material.pk])).status_code == 404


def test_supplement_request_lists_everything_in_one_notice(clerk_client, bundle):
    application = bundle.submitted()
    url = reverse("approvals:desk_application", args=[application.pk])

    nothing = clerk_client.post(url, {"action": "supplement"})
    assert nothing.status_code == 400 and "Tick at least one" in text(nothing)

    no_reason = clerk_client.post(url, {"action": "supplement", "material__site_plan": "on",
                                        "field__green_area_m2": "on", "field__green_area_m2__reason": "面积不符"})
    assert no_reason.status_code == 400
    body = text(no_reason)
    assert "Say what is missing or wrong." in body
    assert 'value="面积不符"' in body  # kept
    assert not SupplementRequest.objects.exists()

    done = clerk_client.post(url, {"action": "supplement",
                                   "material__site_plan": "on", "material__site_plan__reason": "未标明范围",
                                   "field__green_area_m2": "on", "field__green_area_m2__reason": "面积不符"})
    assert done.status_code == 302
    notice = SupplementRequest.objects.get()
    assert {(p["kind"], p["key"]) for p in notice.problems} == {("material", "site_plan"),
                                                               ("field", "green_area_m2")}
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUPPLEMENT_REQUESTED
    again = clerk_client.post(url, {"action": "accept"})
    assert again.status_code == 409  # not waiting for acceptance any more


def test_not_accepting_needs_a_reason_and_tells_where_to_apply(clerk_client, bundle, client):
    application = bundle.submitted()
    url = reverse("approvals:desk_application", args=[application.pk])
    missing = clerk_client.post(url, {"action": "refuse", "refuse-apply_instead_to": "市城市管理局"})
    assert missing.status_code == 400
    assert "must state the reason" in text(missing) and 'value="市城市管理局"' in text(missing)
    clerk_client.post(url, {"action": "refuse", "refuse-reason": "不属于本区管辖",
                            "refuse-apply_instead_to": "市城市管理局"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_ACCEPTED
    assert application.apply_instead_to == "市城市管理局"


def test_accepting_starts_the_reviews_and_the_applicant_sees_them(clerk_client, bundle):
    application = bundle.submitted()
    response = clerk_client.post(reverse("approvals:desk_application", args=[application.pk]),
                                 {"action": "accept"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_REVIEW
    assert application.reviews.filter(due_at__isnull=False).count() == 3


def test_pre_review_answer_lists_problems_or_says_ready(clerk_client, bundle):
    application = bundle.draft()
    applications.request_pre_review(application, actor=bundle.applicant)
    url = reverse("approvals:desk_application", args=[application.pk])
    assert 'data-testid="pre-review-form"' in text(clerk_client.get(url))
    response = clerk_client.post(url, {"action": "pre_review", "material__green_tree_plan": "on",
                                       "material__green_tree_plan__reason": "缺少现状照片", "comment": "其余齐全"})
    assert response.status_code == 302
    answer = application.pre_reviews.get()
    assert answer.problems == [{"kind": "material", "key": "green_tree_plan", "reason": "缺少现状照片"}]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT

    applications.request_pre_review(application, actor=bundle.applicant)
    clerk_client.post(url, {"action": "pre_review"})
    assert application.pre_reviews.order_by("-requested_at", "-id").first().problems == []


# --- walk-in filing -----------------------------------------------------------------------------------------
def test_walk_in_filing_validates_the_credit_code_and_creates_a_window_draft(clerk_client, bundle):
    url = reverse("approvals:desk_walk_in")
    code = bundle.enterprise.credit_code
    wrong_check = "0" if code[17] != "0" else "1"  # a check character that is certainly wrong
    typo = clerk_client.post(url, {"credit_code": code[:17] + wrong_check, "package": "trio"})
    assert typo.status_code == 400
    assert "check character" in text(typo)
    unknown = clerk_client.post(url, {"credit_code": valid_credit_code(987654), "package": "trio"})
    assert unknown.status_code == 400 and "No enterprise with the credit code" in text(unknown)
    nothing = clerk_client.post(url, {"credit_code": bundle.enterprise.credit_code})
    assert nothing.status_code == 400 and "Choose at least one item." in text(nothing)
    assert not Application.objects.exists()

    created = clerk_client.post(url, {"credit_code": bundle.enterprise.credit_code.lower(), "package": "trio"})
    application = Application.objects.get()
    assert created.status_code == 302
    assert created.url == reverse("approvals:application_form", args=[application.pk])
    assert application.channel == Channel.WINDOW and application.created_by == bundle.clerk
    assert application.enterprise == bundle.enterprise

    # The clerk fills in the same pages for the enterprise and submits: one visit is counted.
    form_url = reverse("approvals:application_form", args=[application.pk])
    clerk_client.post(form_url, form_post(bundle.valid_form()))
    materials_url = reverse("approvals:application_materials", args=[application.pk])
    assert clerk_client.post(materials_url, {"material_type": "site_plan", "file": png()}).status_code == 302
    assert clerk_client.post(materials_url, {"material_type": "green_tree_plan",
                                             "file": png("t.png", b"t")}).status_code == 302
    check_url = reverse("approvals:application_check", args=[application.pk])
    submitted = clerk_client.post(check_url, {"declaration": "on"})  # the company's 信用承诺, at the window
    assert submitted.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert Visit.objects.filter(application=application, kind=VisitKind.WINDOW_FILING).count() == 1
    # The enterprise's own applicant sees it in their list too.
    clerk_client.force_login(bundle.applicant)
    assert application.reference in text(clerk_client.get(reverse("approvals:my_applications")))


def test_walk_in_is_for_clerks(client, bundle):
    staff = UserFactory(staff=True)
    StaffAssignmentFactory(user=staff, department=bundle.lead)
    login_staff(client, staff)
    assert client.get(reverse("approvals:desk_walk_in")).status_code == 403


# --- payment and delivery -------------------------------------------------------------------------------------
def test_payment_and_mail_delivery_of_a_decided_application(clerk_client, bundle):
    application = decide_all(bundle, bundle.submitted())
    assert application.outcome == "all_approved"
    notice = application.payment_notice
    listing = text(clerk_client.get(reverse("approvals:desk_handover_list")))
    assert application.reference in listing and "2410.00 unpaid" in listing and notice.code in listing

    url = reverse("approvals:desk_handover", args=[application.pk])
    page = text(clerk_client.get(url))
    assert f"<code>{notice.code}</code>" in page and 'data-payment-status="due"' in page
    early = clerk_client.post(url, {"action": "deliver", "deliver-method": DeliveryMethod.ELECTRONIC})
    assert early.status_code == 400 and "not paid yet" in text(early)

    # The clerk confirms against the payment code of the notice, with the e-receipt number.
    no_receipt = clerk_client.post(url, {"action": "pay", "pay-payment_code": notice.code,
                                         "pay-receipt_number": ""})
    assert no_receipt.status_code == 400
    typo = notice.code[:-1] + str((int(notice.code[-1]) + 1) % 10)
    wrong = clerk_client.post(url, {"action": "pay", "pay-payment_code": typo, "pay-receipt_number": "E-778"})
    assert wrong.status_code == 400 and "payment code" in text(wrong)
    assert PaymentNotice.objects.get(pk=notice.pk).status == PaymentStatus.DUE
    paid = clerk_client.post(url, {"action": "pay", "pay-payment_code": notice.code,
                                   "pay-receipt_number": "E-778"})
    assert paid.status_code == 302
    notice = PaymentNotice.objects.get(pk=notice.pk)
    assert (notice.status, notice.receipt_number, notice.confirmed_by) == (PaymentStatus.PAID, "E-778",
                                                                           bundle.clerk)
    assert 'data-payment-status="paid"' in text(clerk_client.get(url))
    again = clerk_client.post(url, {"action": "pay", "pay-payment_code": notice.code, "pay-receipt_number": "E-9"})
    assert again.status_code == 409

    no_tracking = clerk_client.post(url, {"action": "deliver", "deliver-method": DeliveryMethod.MAIL})
    assert no_tracking.status_code == 400 and "tracking number" in text(no_tracking)
    done = clerk_client.post(url, {"action": "deliver", "deliver-method": DeliveryMethod.MAIL,
                                   "deliver-tracking_number": "SF1234567890"})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DELIVERED
    assert application.tracking_number == "SF1234567890"
    assert application.visits.count() == 0  # online filing + mail: zero visits

    clerk_client.force_login(bundle.applicant)
    detail = text(clerk_client.get(reverse("approvals:application", args=[application.pk])))
    assert 'data-outcome="all_approved"' in detail and "SF1234567890" in detail
    assert re.search(r'data-testid="visits">0<', detail)


def test_a_refused_fee_item_leaves_nothing_to_pay_and_the_rest_is_delivered(clerk_client, bundle):
    """Issue 8.4: the greening item refused; the clerk hands over the other results without any payment."""
    application = decide_all(bundle, bundle.submitted(), refuse=["CG-XK-002"])
    assert application.outcome == "partly_approved"
    url = reverse("approvals:desk_handover", args=[application.pk])
    page = text(clerk_client.get(url))
    assert 'data-testid="confirm-payment"' not in page and "Nothing to pay" in page
    done = clerk_client.post(url, {"action": "deliver", "deliver-method": DeliveryMethod.ELECTRONIC})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DELIVERED


def test_paying_at_the_desk_before_the_decision_is_refused(clerk_client, bundle):
    application = bundle.submitted()
    acceptance.accept(application, actor=bundle.clerk)
    response = clerk_client.post(reverse("approvals:desk_handover", args=[application.pk]),
                                 {"action": "pay", "pay-payment_code": "20260000000000000000",
                                  "pay-receipt_number": "E-1"})
    assert response.status_code == 409 and "after the decision" in text(response)


def test_window_pickup_counts_a_visit(clerk_client, bundle):
    bundle.b.fee_rules.all().delete()
    application = decide_all(bundle, bundle.submitted())
    url = reverse("approvals:desk_handover", args=[application.pk])
    clerk_client.post(url, {"action": "deliver", "deliver-method": DeliveryMethod.WINDOW})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DELIVERED
    assert application.visits.filter(kind=VisitKind.WINDOW_PICKUP).count() == 1


def test_other_enterprise_cannot_reach_the_desk_handover(client, bundle):
    application = bundle.submitted()
    outsider = UserFactory(applicant=True, enterprise=EnterpriseFactory())
    client.force_login(outsider)
    assert client.get(reverse("approvals:desk_handover", args=[application.pk])).status_code == 403
    assert client.get(reverse("approvals:application", args=[application.pk])).status_code == 404
