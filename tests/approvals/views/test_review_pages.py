"""The department review pages through the test client: inbox, review page, decide and sign with a fresh TOTP
code, batch signing, second clicks, and the leader's one extension."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP

from approvals.calendar.loading import invalidate
from approvals.models import Decision, DecisionSignature, ItemReview, PauseKind, ReviewStatus
from approvals.services import acceptance, applications
from approvals.services import reviews as review_services
from tests.factories.approvals import (
    DepartmentFactory, MaterialTypeFactory, PackageFactory, ServiceItemFactory, StaffAssignmentFactory,
)
from tests.factories.applications import png_bytes
from tests.factories.portal import UserFactory, with_totp

pytestmark = pytest.mark.django_db
R = ReviewStatus
PNG = png_bytes()  # a real 1×1 PNG (its header is read); `png()` appends bytes after its end


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    invalidate()
    yield
    invalidate()


def english_client():
    return Client(headers={"accept-language": "en"})


def login(user):
    """A client whose session passed the second factor (the portal's middleware requires it for staff)."""
    device = user.totpdevice_set.first() or with_totp(user)
    client = english_client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.device = device
    return client


def fresh_code(device, *, steps_ahead=1):
    """The code of the next time step: the current one may already have been used (e.g. at login)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def after_throttle():
    """A wrong code makes the device refuse every code for a moment (its guard against guessing)."""
    return time_machine.travel(timezone.now() + timedelta(seconds=5), tick=True)


def wrong_code(device):
    valid = {fresh_code(device, steps_ahead=n) for n in (-2, -1, 0, 1, 2)}
    return next(c for c in (f"{n:06d}" for n in range(123456, 999999, 7919)) if c not in valid)


def member(department, **role):
    return StaffAssignmentFactory(user=UserFactory(**role), department=department).user


class World:
    """Two departments, each with staff and a chief; an application with one item of each, under review."""

    def __init__(self):
        self.dept = DepartmentFactory(code="zjw", name="区住建委")
        self.other = DepartmentFactory(code="cgj", name="区城管局")
        self.plan = MaterialTypeFactory(key="site_plan", name="总平面图")
        self.item = ServiceItemFactory(department=self.dept, name="施工许可", conditions="具备施工条件。",
                                       materials=[self.plan])
        self.other_item = ServiceItemFactory(department=self.other, name="占道许可")
        self.staff = member(self.dept, staff=True)
        self.chief = member(self.dept, chief=True, full_name="王首席")
        self.other_chief = member(self.other, chief=True)
        self.leader = UserFactory(leader=True)
        self.applicant = UserFactory(applicant=True)
        self.app = self.file([self.item, self.other_item], upload=True)
        self.review = ItemReview.objects.get(application=self.app, item=self.item)
        self.other_review = ItemReview.objects.get(application=self.app, item=self.other_item)

    def file(self, items, *, upload=False, commitment=False, package=None):
        enterprise = self.applicant.enterprise
        app = applications.create_draft(actor=self.applicant, enterprise=enterprise, package=package,
                                        item_codes=[i.code for i in items])
        if upload:
            applications.upload_material(app, actor=self.applicant, material_type_key="site_plan",
                                         uploaded=SimpleUploadedFile("plan.png", PNG, content_type="image/png"))
        if commitment:
            applications.sign_commitment(app, actor=self.applicant, item_code=items[0].code, signer_name="李四")
        applications.submit(app, actor=self.applicant, declared=True)
        clerk = member(app.lead_department, clerk=True)
        acceptance.accept(app, actor=clerk)
        return app


@pytest.fixture
def world():
    return World()


def review_url(review, name="approvals:review"):
    return reverse(name, args=[review.pk])


# --- inbox ------------------------------------------------------------------------------------------------------
def test_inbox_lists_the_department_reviews_with_lights_and_counts(world):
    client = login(world.staff)

    response = client.get(reverse("approvals:inbox"))

    assert response.status_code == 200
    page = response.content.decode()
    assert world.app.reference in page and "施工许可" in page
    assert "占道许可" not in page  # the other department's item
    assert "light--green" in page and world.review.get_status_display() in page
    assert [r.pk for r in response.context["page"].object_list] == [world.review.pk]
    counts = {value: n for value, _label, n in response.context["light_summary"]}
    assert counts["green"] == 1 and counts["red"] == 0
    assert dict((v, n) for v, _l, n in response.context["status_summary"])[R.UNDER_REVIEW] == 1
    # The bundle's one stage is led by the department of its first item (by department code: 区城管局), so this
    # department leads no stage; the leading department's inbox lists it with its light and signatures.
    assert world.app.lead_department == world.other
    assert list(response.context["stages"]) == []
    [stage] = login(world.other_chief).get(reverse("approvals:inbox")).context["stages"]
    assert (stage.application_id, stage.lead_department_id) == (world.app.pk, world.other.pk)
    assert (stage.light, stage.total, stage.signed) == ("green", 2, 0)


def test_inbox_filters_by_light_status_and_text(world):
    client = login(world.chief)
    url = reverse("approvals:inbox")

    assert client.get(url, {"light": "red"}).context["page"].paginator.count == 0
    assert client.get(url, {"light": "green"}).context["page"].paginator.count == 1
    assert client.get(url, {"status": R.SIGNED}).context["page"].paginator.count == 0
    assert client.get(url, {"q": world.app.reference[-6:]}).context["page"].paginator.count == 1
    assert client.get(url, {"q": world.applicant.enterprise.name}).context["page"].paginator.count == 1
    assert client.get(url, {"q": "无此企业"}).context["page"].paginator.count == 0


def test_inbox_is_for_department_staff_only(world):
    assert login(world.leader).get(reverse("approvals:inbox")).status_code == 403
    applicant = english_client()
    applicant.force_login(world.applicant)
    assert applicant.get(reverse("approvals:inbox")).status_code == 403


def test_staff_session_without_second_factor_is_sent_to_login(world):
    client = english_client()
    client.force_login(world.staff)

    response = client.get(reverse("approvals:inbox"))

    assert response.status_code == 302 and reverse("portal:login") in response["Location"]


# --- the review page --------------------------------------------------------------------------------------------
def test_review_page_shows_the_dossier(world):
    response = login(world.staff).get(review_url(world.review))

    assert response.status_code == 200
    page = response.content.decode()
    assert "具备施工条件。" in page  # the item's conditions
    assert "plan.png" in page and "总平面图" in page
    assert response.context["clock"].due_at == world.review.due_at
    assert "light--green" in page
    assert "占道许可" in page  # the parallel review of the other department, for context
    assert response.context["can_decide"] is False  # staff prepare, the chief decides
    material = world.app.materials.get(is_current=True)
    file_url = reverse("approvals:material_file", args=[world.app.pk, material.pk])
    assert f'href="{file_url}"' in page
    assert login(world.staff).get(file_url).status_code == 200


def test_another_department_and_other_roles_get_404(world):
    assert login(world.other_chief).get(review_url(world.review)).status_code == 404
    # A leader may read the review (from the overdue board) but not act on it.
    assert login(world.leader).get(review_url(world.review)).status_code == 200
    assert login(world.leader).post(review_url(world.review, "approvals:review_decide"), {
        "decision": Decision.APPROVE, "otp": "123456"}).status_code == 404
    assert login(world.other_chief).post(review_url(world.review, "approvals:review_decide"), {
        "decision": Decision.APPROVE, "otp": "123456"}).status_code == 404
    world.review.refresh_from_db()
    assert world.review.status == R.UNDER_REVIEW


def test_staff_writes_the_opinion_but_cannot_decide(world):
    client = login(world.staff)

    response = client.post(review_url(world.review, "approvals:review_opinion"),
                           {"proposed_decision": Decision.APPROVE, "opinion": "材料齐全，符合条件。"})
    assert response.status_code == 302
    world.review.refresh_from_db()
    assert (world.review.opinion, world.review.proposed_decision) == ("材料齐全，符合条件。", Decision.APPROVE)

    response = client.post(review_url(world.review, "approvals:review_decide"),
                           {"decision": Decision.APPROVE, "otp": fresh_code(client.device)})
    assert response.status_code == 403
    world.review.refresh_from_db()
    assert world.review.status == R.UNDER_REVIEW and not world.review.decided_by_id


def test_an_invalid_opinion_keeps_what_was_typed(world):
    response = login(world.staff).post(review_url(world.review, "approvals:review_opinion"),
                                       {"opinion": "还没选建议"})
    assert response.status_code == 200
    assert response.context["opinion_form"].errors["proposed_decision"]
    assert "还没选建议" in response.content.decode()


def test_staff_suspend_and_resume(world):
    client = login(world.staff)

    response = client.post(review_url(world.review, "approvals:review_suspend"), {"kind": PauseKind.EXPERT_REVIEW})
    assert response.status_code == 200 and response.context["suspend_form"].errors
    response = client.post(review_url(world.review, "approvals:review_suspend"),
                           {"kind": PauseKind.EXPERT_REVIEW, "reason": "需组织专家论证", "expected_days": 5})
    assert response.status_code == 302
    world.review.refresh_from_db()
    assert world.review.status == R.SUSPENDED and world.review.due_at is None
    page = client.get(review_url(world.review)).content.decode()
    assert "需组织专家论证" in page and "light--paused" in page

    assert client.post(review_url(world.review, "approvals:review_resume")).status_code == 302
    world.review.refresh_from_db()
    assert world.review.status == R.UNDER_REVIEW and world.review.due_at is not None

    # A second click on "resume" is a message, not a 500.
    response = client.post(review_url(world.review, "approvals:review_resume"), follow=True)
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])


# --- decide and sign ----------------------------------------------------------------------------------------------
def test_chief_decides_and_signs_with_a_fresh_code(world):
    client = login(world.chief)
    assert client.get(review_url(world.review)).context["can_decide"] is True

    response = client.post(review_url(world.review, "approvals:review_decide"), {
        "decision": Decision.APPROVE, "reasons": "符合条件，准予许可。", "otp": fresh_code(client.device)})

    assert response.status_code == 302
    world.review.refresh_from_db()
    assert world.review.status == R.SIGNED and world.review.decided_by == world.chief
    signature = DecisionSignature.objects.get(review=world.review)
    assert signature.signer == world.chief and signature.decision == Decision.APPROVE
    page = client.get(review_url(world.review)).content.decode()
    assert signature.content_sha256 in page and "王首席" in page
    assert 'action="%s"' % review_url(world.review, "approvals:review_decide") not in page  # read-only now


def test_refusal_needs_reasons_and_records_the_remedy_notice(world):
    client = login(world.chief)
    url = review_url(world.review, "approvals:review_decide")

    response = client.post(url, {"decision": Decision.REFUSE, "reasons": "", "remedy_notice": "可申请复议（已编辑）",
                                 "otp": fresh_code(client.device)})
    assert response.status_code == 200
    assert response.context["decide_form"].errors["reasons"]
    assert "可申请复议（已编辑）" in response.content.decode()  # nothing typed is lost
    world.review.refresh_from_db()
    assert world.review.status == R.UNDER_REVIEW

    client.post(url, {"decision": Decision.REFUSE, "reasons": "不符合规划条件。", "remedy_notice": "可申请复议（已编辑）",
                      "otp": fresh_code(client.device)})
    world.review.refresh_from_db()
    assert world.review.status == R.SIGNED
    assert (world.review.decision, world.review.remedy_notice) == (Decision.REFUSE, "可申请复议（已编辑）")


def test_the_decide_form_is_prefilled_with_the_default_remedy_notice(world):
    response = login(world.chief).get(review_url(world.review))
    assert response.context["decide_form"]["remedy_notice"].value() == str(review_services.DEFAULT_REMEDY_NOTICE)


def test_a_wrong_code_keeps_the_decision_and_signs_nothing(world):
    client = login(world.chief)

    response = client.post(review_url(world.review, "approvals:review_decide"), {
        "decision": Decision.APPROVE, "reasons": "准予。", "otp": wrong_code(client.device)})

    assert response.status_code == 200
    world.review.refresh_from_db()
    assert world.review.status == R.APPROVED and world.review.decided_by == world.chief
    assert not DecisionSignature.objects.filter(review=world.review).exists()
    client.device.refresh_from_db()
    assert client.device.throttling_failure_count == 1  # the failed try counts against guessing
    assert response.context["sign_form"].errors["otp"]
    assert response.context["can_sign"] is True
    assert any(m.level_tag == "warning" for m in response.context["messages"])

    # Signing with the current code afterwards works; the decision was not lost.
    with after_throttle():
        response = client.post(review_url(world.review, "approvals:review_sign"), {"otp": fresh_code(client.device)})
    assert response.status_code == 302
    world.review.refresh_from_db()
    assert world.review.status == R.SIGNED
    assert DecisionSignature.objects.get(review=world.review).content["reasons"] == "准予。"


def test_a_second_click_is_a_message_naming_who_decided(world):
    client = login(world.chief)
    url = review_url(world.review, "approvals:review_decide")
    client.post(url, {"decision": Decision.APPROVE, "otp": fresh_code(client.device)})

    response = client.post(url, {"decision": Decision.APPROVE, "otp": fresh_code(client.device)}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == review_url(world.review)
    text = " ".join(str(m) for m in response.context["messages"])
    assert "王首席" in text
    assert DecisionSignature.objects.filter(review=world.review).count() == 1


def test_commitment_is_shown_and_flags_the_decision(world):
    item = ServiceItemFactory(department=world.dept, commitment=True, name="公共场所卫生许可")
    app = world.file([item], commitment=True)
    review = ItemReview.objects.get(application=app, item=item)
    client = login(world.chief)

    assert review.status == R.APPROVED  # decided on the commitment at acceptance: only the signature is due
    page = client.get(review_url(review)).content.decode()
    assert "李四" in page and item.commitment_text in page
    assert "verify afterwards" in page and "written commitment, at acceptance" in page

    client.post(review_url(review, "approvals:review_sign"), {"otp": fresh_code(client.device)})
    review.refresh_from_db()
    assert review.status == R.SIGNED and review.on_commitment and review.verify_after
    assert review.after_check.due_at > review.decided_at


# --- batch signing ------------------------------------------------------------------------------------------------
def test_batch_signing_signs_all_with_one_code_or_none(world):
    second_app = world.file([world.item], upload=True)
    second = ItemReview.objects.get(application=second_app, item=world.item)
    for review in (world.review, second):
        review_services.approve(review, actor=world.chief, reasons="准予。")
    client = login(world.chief)

    inbox = client.get(reverse("approvals:inbox")).content.decode()
    assert f'value="{world.review.pk}" form="batch-sign"' in inbox

    url = reverse("approvals:sign_batch")
    response = client.post(url, {"reviews": [world.review.pk, second.pk], "otp": wrong_code(client.device)})
    assert response.status_code == 200 and response.context["form"].errors["otp"]
    assert not DecisionSignature.objects.filter(review__in=[world.review, second]).exists()
    assert {r.pk: r.selected for r in response.context["awaiting"]} == {world.review.pk: True, second.pk: True}  # kept

    with after_throttle():
        response = client.post(url, {"reviews": [world.review.pk, second.pk], "otp": fresh_code(client.device)})
    assert response.status_code == 302 and response["Location"] == reverse("approvals:inbox")
    assert set(ItemReview.objects.filter(pk__in=[world.review.pk, second.pk]).values_list("status", flat=True)) == {
        R.SIGNED}


def test_batch_signing_with_an_already_signed_review_signs_nothing(world):
    second_app = world.file([world.item], upload=True)
    second = ItemReview.objects.get(application=second_app, item=world.item)
    for review in (world.review, second):
        review_services.approve(review, actor=world.chief, reasons="准予。")
    client = login(world.chief)
    client.post(review_url(world.review, "approvals:review_sign"), {"otp": fresh_code(client.device)})

    response = client.post(reverse("approvals:sign_batch"),
                           {"reviews": [world.review.pk, second.pk], "otp": fresh_code(client.device, steps_ahead=0)},
                           follow=True)

    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    second.refresh_from_db()
    assert second.status == R.APPROVED


def test_only_the_chief_signs_in_batch(world):
    assert login(world.staff).get(reverse("approvals:sign_batch")).status_code == 403
    other = login(world.other_chief)
    review_services.approve(world.review, actor=world.chief)
    response = other.post(reverse("approvals:sign_batch"), {"reviews": [world.review.pk],
                                                            "otp": fresh_code(other.device)})
    assert response.status_code == 200  # not one of their department's decisions: nothing to choose
    world.review.refresh_from_db()
    assert world.review.status == R.APPROVED


# --- the leader's extension -----------------------------------------------------------------------------------------
def test_leader_extends_a_review_once(world):
    client = login(world.leader)
    listing = client.get(reverse("approvals:extensions"))
    assert listing.status_code == 200
    assert {r.pk for r in listing.context["page"].object_list} == {world.review.pk, world.other_review.pk}
    assert "Art. 42" in listing.content.decode()
    url = reverse("approvals:extension", args=[world.review.pk])
    before = world.review.due_at

    response = client.post(url, {"days": 11, "reason": "需补充现场核查"})
    assert response.status_code == 200 and response.context["form"].errors["days"]
    assert "需补充现场核查" in response.content.decode()
    response = client.post(url, {"days": 5, "reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]

    assert client.post(url, {"days": 5, "reason": "需补充现场核查"}).status_code == 302
    world.review.refresh_from_db()
    assert world.review.extension_days == 5 and world.review.extended_by == world.leader
    assert world.review.due_at > before

    response = client.post(url, {"days": 3, "reason": "再延一次"}, follow=True)
    assert any(m.level_tag == "error" for m in response.context["messages"])
    world.review.refresh_from_db()
    assert world.review.extension_days == 5


def test_joint_packages_allow_fifteen_days(world):
    item = ServiceItemFactory(department=world.dept)
    package = PackageFactory(joint=True, stages=[[item]])
    app = world.file([], package=package)
    review = ItemReview.objects.get(application=app)
    client = login(world.leader)

    assert client.post(reverse("approvals:extension", args=[review.pk]),
                       {"days": 15, "reason": "联合审查需延期"}).status_code == 302
    review.refresh_from_db()
    assert review.extension_days == 15


def test_only_leaders_see_the_extension_pages(world):
    assert login(world.chief).get(reverse("approvals:extensions")).status_code == 403
    assert login(world.chief).post(reverse("approvals:extension", args=[world.review.pk]),
                                   {"days": 3, "reason": "x"}).status_code == 403


def test_supervisor_reads_a_review_without_any_action(client, db):
    """Overseers follow the overdue board's links to the review page, read-only; actions stay refused."""
    from approvals.calendar.seeding import load_from_chinesecalendar
    from tests.factories.applications import accepted_application, make_catalog
    from tests.factories.portal import UserFactory, with_totp

    load_from_chinesecalendar(years=[2026])
    cat = make_catalog()
    review = accepted_application(cat).reviews.first()
    supervisor = UserFactory(supervisor=True)
    device = with_totp(supervisor)
    client.force_login(supervisor)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    page = client.get(reverse("approvals:review", args=[review.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="opinion"' not in body and 'name="otp"' not in body
    assert client.post(reverse("approvals:review_suspend", args=[review.pk]),
                       {"kind": "hearing", "reason": "x", "expected_days": 2}).status_code == 404
