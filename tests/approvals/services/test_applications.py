"""The applicant's side: draft, one form, one set of materials, uploads, pre-review, commitments, submit,
withdraw."""

import hashlib
from datetime import date

import pytest
from django.core.files.base import ContentFile

from approvals.models import (
    ApplicationEvent, ApplicationStatus, Channel, Commitment, EnterpriseDocument, EventKind, ItemReview,
    MaterialFile, MaterialSource, PreReview, ReviewStatus, StageStatus,
)
from approvals.services import applications
from approvals.services.applications import DeclarationMissing, SubmissionIncomplete
from approvals.services.uploads import UploadRejected
from portal.errors import DomainError, NotAllowed, WrongState
from tests.factories.applications import (
    DEFAULT_NOW, VALID_FORM, accepted_application, decided_application, draft_application, fake_pdf_upload,
    frozen, pdf_bytes, pdf_upload, png_bytes, png_upload, reload, shanghai, submitted_application, upload,
)
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def new_draft(cat, **kwargs):
    with frozen(DEFAULT_NOW):
        return applications.create_draft(actor=cat.applicant, enterprise=cat.enterprise, now=DEFAULT_NOW,
                                         **({"package": cat.package} | kwargs))


# --- creating ---------------------------------------------------------------------------------------------------
def test_draft_from_a_package(cat):
    application = new_draft(cat)

    assert application.status == S.DRAFT
    assert set(application.items.all()) == set(cat.items)
    assert application.lead_department == cat.departments[0]
    assert application.channel == Channel.ONLINE
    assert application.reference == f"YB20260601{application.pk:06d}"
    assert application.title == cat.package.name
    assert list(application.events.values_list("kind", flat=True)) == [EventKind.CREATED]


def test_draft_from_a_free_choice_of_items(cat):
    application = new_draft(cat, package=None, item_codes=[cat.commitment_item.code, cat.immediate_item.code])

    assert set(application.items.all()) == {cat.commitment_item, cat.immediate_item}
    assert application.package is None
    # The lead is the department of the first item in catalog order.
    assert application.lead_department == cat.departments[1]


def test_window_clerk_files_in_person(cat):
    application = applications.create_draft(actor=cat.clerk, enterprise=cat.enterprise, package=cat.package)

    assert application.channel == Channel.WINDOW
    assert application.created_by == cat.clerk


@pytest.mark.parametrize("role", ["staff", "chief", "leader", "agent"])
def test_only_applicants_and_clerks_start_an_application(cat, role):
    with pytest.raises(NotAllowed):
        applications.create_draft(actor=UserFactory(**{role: True}), enterprise=cat.enterprise,
                                  package=cat.package)


def test_an_applicant_applies_only_for_their_own_enterprise(cat):
    stranger = UserFactory(applicant=True)
    with pytest.raises(NotAllowed):
        applications.create_draft(actor=stranger, enterprise=cat.enterprise, package=cat.package)


def test_unknown_items_and_empty_choice_are_refused(cat):
    with pytest.raises(DomainError, match="NOPE"):
        applications.create_draft(actor=cat.applicant, enterprise=cat.enterprise, item_codes=["T-GREEN", "NOPE"])
    with pytest.raises(DomainError):
        applications.create_draft(actor=cat.applicant, enterprise=cat.enterprise, item_codes=[])


# --- one form, one set of materials ---------------------------------------------------------------------------
def test_one_form_and_one_set_of_materials_count_the_savings(cat):
    requirements = applications.requirements_of(new_draft(cat))

    assert sorted(f.field.key for f in requirements.fields) == ["green_area_m2", "project_name", "site_address"]
    assert (requirements.fields_item_by_item, len(requirements.fields), requirements.fields_saved) == (6, 3, 3)
    assert sorted(m.material_type.key for m in requirements.materials) == ["business_licence", "site_plan"]
    assert (requirements.materials_item_by_item, requirements.materials_saved) == (4, 2)


def test_a_shared_material_is_stored_once_and_linked_to_every_item_needing_it(cat):
    application = new_draft(cat)

    material = applications.upload_material(application, actor=cat.applicant, material_type_key="site_plan",
                                            uploaded=pdf_upload())

    assert set(material.items.all()) == {cat.fee_item, cat.immediate_item}
    assert MaterialFile.objects.filter(application=application).count() == 1


def test_documents_on_file_are_attached_automatically(cat):
    content = png_bytes()
    document = EnterpriseDocument(
        enterprise=cat.enterprise, material_type=cat.materials["business_licence"], title="营业执照（电子证照）",
        content_type="image/png", size=len(content), sha256=hashlib.sha256(content).hexdigest(),
        issued_at=date(2024, 3, 1), source="市场监管局电子证照库",
    )
    document.file.save("licence", ContentFile(content), save=False)
    document.save()

    application = new_draft(cat)

    attached = application.materials.get()
    assert attached.source == MaterialSource.ON_FILE
    assert attached.on_file == document
    assert attached.sha256 == document.sha256
    assert set(attached.items.all()) == {cat.immediate_item, cat.commitment_item}
    form_errors, missing = applications.completeness_problems(application)
    assert missing == ["site_plan"]


def test_an_expired_document_on_file_is_not_attached(cat):
    content = png_bytes()
    document = EnterpriseDocument(
        enterprise=cat.enterprise, material_type=cat.materials["business_licence"], title="营业执照（已过期）",
        content_type="image/png", size=len(content), sha256=hashlib.sha256(content).hexdigest(),
        issued_at=date(2016, 3, 1), valid_until=date(2026, 3, 1),
    )
    document.file.save("licence", ContentFile(content), save=False)
    document.save()

    application = new_draft(cat)

    assert not application.materials.exists()


def test_a_document_of_another_enterprise_is_not_attached(cat):
    other = UserFactory(applicant=True).enterprise
    content = png_bytes()
    document = EnterpriseDocument(enterprise=other, material_type=cat.materials["business_licence"], title="x",
                                  content_type="image/png", size=len(content),
                                  sha256=hashlib.sha256(content).hexdigest())
    document.file.save("licence", ContentFile(content), save=False)
    document.save()

    assert not new_draft(cat).materials.exists()


# --- the form --------------------------------------------------------------------------------------------------
def test_a_draft_keeps_invalid_values_and_reports_every_error(cat):
    application = new_draft(cat)

    errors = applications.save_form(application, actor=cat.applicant,
                                    data={"project_name": "  ", "green_area_m2": "三百", "unknown": "dropped"})

    assert set(errors) == {"project_name", "green_area_m2", "site_address"}
    application = reload(application)
    assert application.form_data == {"project_name": "", "green_area_m2": "三百"}
    assert application.form_versions.count() == 1


def test_the_form_is_saved_in_versions_and_resumed(cat):
    application = new_draft(cat)
    applications.save_form(application, actor=cat.applicant, data={"project_name": "研发楼"})
    errors = applications.save_form(application, actor=cat.applicant,
                                    data={"site_address": VALID_FORM["site_address"], "green_area_m2": "-1"})
    applications.save_form(application, actor=cat.applicant, data={"green_area_m2": "-1"})  # nothing new

    application = reload(application)
    assert errors == {"green_area_m2": "The value must be at least 0."}
    assert application.form_data == {"project_name": "研发楼", "site_address": VALID_FORM["site_address"],
                                     "green_area_m2": "-1"}
    assert list(application.form_versions.values_list("version", flat=True)) == [1, 2]
    assert application.form_version == 2


def test_the_form_cannot_change_after_submission_or_by_others(cat):
    application = submitted_application(cat)
    with pytest.raises(WrongState):
        applications.save_form(application, actor=cat.applicant, data={"project_name": "改名"})
    with pytest.raises(NotAllowed):
        applications.save_form(draft_application(cat), actor=UserFactory(applicant=True), data={})


# --- uploads ---------------------------------------------------------------------------------------------------
def test_an_upload_is_checked_stored_with_its_hash_and_named_safely(cat):
    application = new_draft(cat)
    content = pdf_bytes(2)

    material = applications.upload_material(
        application, actor=cat.applicant, material_type_key="site_plan",
        uploaded=upload(content, name="..\\..\\C:/tmp/<总平面图>.pdf"),
    )

    assert material.sha256 == hashlib.sha256(content).hexdigest()
    assert (material.content_type, material.size, material.pages) == ("application/pdf", len(content), 2)
    assert material.original_name == "总平面图.pdf"
    assert material.file.name == f"materials/{application.pk}/{material.sha256}.pdf"
    with material.file.open("rb") as stored:
        assert stored.read() == content
    assert material.uploaded_by == cat.applicant
    assert application.events.filter(kind=EventKind.MATERIAL_UPLOADED).count() == 1


def test_a_png_is_accepted(cat):
    material = applications.upload_material(new_draft(cat), actor=cat.applicant,
                                            material_type_key="business_licence", uploaded=png_upload())
    assert (material.content_type, material.pages) == ("image/png", None)
    assert material.file.name.endswith(".png")


def test_the_type_is_checked_by_content_not_by_name(cat):
    with pytest.raises(UploadRejected, match="content was checked"):
        applications.upload_material(new_draft(cat), actor=cat.applicant, material_type_key="site_plan",
                                     uploaded=fake_pdf_upload())


def test_an_oversized_file_is_refused(cat, settings):
    settings.MATERIAL_MAX_BYTES = 200
    with pytest.raises(UploadRejected, match="limit|larger"):
        applications.upload_material(new_draft(cat), actor=cat.applicant, material_type_key="site_plan",
                                     uploaded=pdf_upload(3))


def test_too_many_pages_for_the_material_type_are_refused(cat):
    with pytest.raises(UploadRejected, match="3 pages; at most 2"):
        applications.upload_material(new_draft(cat), actor=cat.applicant, material_type_key="site_plan",
                                     uploaded=pdf_upload(3))


def test_a_damaged_pdf_is_refused(cat):
    with pytest.raises(UploadRejected, match="damaged"):
        applications.upload_material(new_draft(cat), actor=cat.applicant, material_type_key="site_plan",
                                     uploaded=upload(b"%PDF-1.4\nnothing else\n"))


def test_a_rejected_upload_leaves_earlier_files_intact(cat, settings):
    application = new_draft(cat)
    first = applications.upload_material(application, actor=cat.applicant, material_type_key="site_plan",
                                         uploaded=pdf_upload())
    for bad in (fake_pdf_upload(), pdf_upload(3)):
        with pytest.raises(UploadRejected):
            applications.upload_material(application, actor=cat.applicant, material_type_key="site_plan",
                                         uploaded=bad)

    current = application.materials.get(is_current=True)
    assert current == first and current.version == 1
    assert application.materials.count() == 1
    with current.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == first.sha256


def test_a_replaced_file_is_kept_as_an_earlier_version(cat):
    application = new_draft(cat)
    first = applications.upload_material(application, actor=cat.applicant, material_type_key="site_plan",
                                         uploaded=pdf_upload())
    again = applications.upload_material(application, actor=cat.applicant, material_type_key="site_plan",
                                         uploaded=pdf_upload())
    second = applications.upload_material(application, actor=cat.applicant, material_type_key="site_plan",
                                          uploaded=pdf_upload(salt="v2"))

    assert again == first  # the same bytes again: nothing new
    assert [(m.version, m.is_current) for m in application.materials.order_by("version")] == [(1, False), (2, True)]
    assert second.sha256 != first.sha256


def test_a_material_the_bundle_does_not_ask_for_is_refused(cat):
    application = new_draft(cat, package=None, item_codes=[cat.fee_item.code])
    with pytest.raises(DomainError):
        applications.upload_material(application, actor=cat.applicant, material_type_key="business_licence",
                                     uploaded=png_upload())


def test_uploads_only_on_a_draft_and_by_the_applicant(cat):
    with pytest.raises(WrongState):
        applications.upload_material(submitted_application(cat), actor=cat.applicant,
                                     material_type_key="site_plan", uploaded=pdf_upload(salt="late"))
    with pytest.raises(NotAllowed):
        applications.upload_material(new_draft(cat), actor=cat.clerk, material_type_key="site_plan",
                                     uploaded=pdf_upload())


# --- submission --------------------------------------------------------------------------------------------------
def test_submit_refuses_with_every_problem_at_once(cat):
    application = new_draft(cat)
    applications.save_form(application, actor=cat.applicant, data={"green_area_m2": "abc"})

    with pytest.raises(SubmissionIncomplete) as refused:
        applications.submit(application, actor=cat.applicant, declared=True)

    assert set(refused.value.form_errors) == {"project_name", "site_address", "green_area_m2"}
    assert sorted(refused.value.missing_materials) == ["business_licence", "site_plan"]
    assert "3 form fields" in refused.value.message and "2 materials" in refused.value.message
    assert reload(application).status == S.DRAFT


def test_submit_starts_the_acceptance_clock(cat):
    application = draft_application(cat)
    with frozen(DEFAULT_NOW):
        applications.submit(application, actor=cat.applicant, declared=True, now=DEFAULT_NOW)

    application = reload(application)
    assert application.status == S.SUBMITTED
    assert application.submitted_at == application.received_at == DEFAULT_NOW
    assert application.acceptance_due_at == shanghai(2026, 6, 8, 17, 30)  # Mon + 5 working days
    assert application.form_data == {**VALID_FORM, "green_area_m2": "319.11"}
    assert application.form_versions.count() == 1  # the clean form equals the saved draft: no new version
    assert not application.visits.exists()  # online


def test_submit_needs_the_truthfulness_declaration(cat):
    application = draft_application(cat)
    for declared in (False, None, "on"):  # only a declaration actually made (True) counts
        with pytest.raises(DeclarationMissing):
            applications.submit(application, actor=cat.applicant, declared=declared)
    assert reload(application).status == S.DRAFT and not application.events.filter(kind="submitted").exists()
    with frozen(DEFAULT_NOW):
        applications.submit(application, actor=cat.applicant, declared=True, now=DEFAULT_NOW)
    assert application.events.get(kind="submitted").data["declared"] is True


def test_submit_twice_or_by_someone_else_is_refused(cat):
    application = submitted_application(cat)
    with pytest.raises(WrongState):
        applications.submit(application, actor=cat.applicant, declared=True)
    with pytest.raises(NotAllowed):
        applications.submit(draft_application(cat), actor=cat.chief_of(cat.departments[0]), declared=True)


def test_a_window_filing_counts_a_visit(cat):
    application = submitted_application(cat, actor=cat.clerk)
    assert application.channel == Channel.WINDOW
    assert list(application.visits.values_list("kind", flat=True)) == ["window_filing"]


# --- pre-review --------------------------------------------------------------------------------------------------
def test_pre_review_lists_every_problem_at_once(cat):
    application = draft_application(cat)
    applications.request_pre_review(application, actor=cat.applicant)
    assert reload(application).status == S.PRE_REVIEW
    with pytest.raises(WrongState, match="pre-review"):
        applications.submit(application, actor=cat.applicant, declared=True)

    problems = [
        {"kind": "material", "key": "site_plan", "reason": "总平面图缺少比例尺"},
        {"kind": "field", "key": "green_area_m2", "reason": "面积与图纸不一致"},
        {"kind": "field", "key": "project_name", "reason": "名称应与立项批复一致"},
    ]
    answer = applications.answer_pre_review(application, actor=cat.clerk, problems=problems)

    assert reload(application).status == S.DRAFT
    assert PreReview.objects.get(pk=answer.pk).problems == problems
    assert answer.answered_by == cat.clerk
    event = application.events.get(kind=EventKind.PRE_REVIEW_ANSWERED)
    assert event.data == {"problems": problems}


def test_pre_review_with_no_problem_says_ready(cat):
    application = draft_application(cat)
    applications.request_pre_review(application, actor=cat.applicant)
    applications.answer_pre_review(application, actor=cat.staff_of(cat.departments[0]), problems=[])
    assert application.events.get(kind=EventKind.PRE_REVIEW_ANSWERED).message == "Ready to submit."
    applications.submit(application, actor=cat.applicant, declared=True)
    assert reload(application).status == S.SUBMITTED


def test_pre_review_transitions_refused_from_wrong_states_and_roles(cat):
    application = draft_application(cat)
    with pytest.raises(WrongState):
        applications.answer_pre_review(application, actor=cat.clerk, problems=[])
    applications.request_pre_review(application, actor=cat.applicant)
    with pytest.raises(WrongState):
        applications.request_pre_review(application, actor=cat.applicant)
    with pytest.raises(NotAllowed):  # not the lead department
        applications.answer_pre_review(application, actor=cat.staff_of(cat.departments[1]), problems=[])
    with pytest.raises(NotAllowed):
        applications.answer_pre_review(application, actor=cat.applicant, problems=[])
    with pytest.raises(DomainError, match="not a field or material"):
        applications.answer_pre_review(application, actor=cat.clerk,
                                       problems=[{"kind": "field", "key": "nope", "reason": "x"}])
    with pytest.raises(DomainError, match="Say what is wrong"):
        applications.answer_pre_review(application, actor=cat.clerk,
                                       problems=[{"kind": "field", "key": "project_name", "reason": " "}])
    assert reload(application).status == S.PRE_REVIEW


# --- commitments -------------------------------------------------------------------------------------------------
def test_the_applicant_signs_a_commitment(cat):
    application = new_draft(cat)
    commitment = applications.sign_commitment(application, actor=cat.applicant,
                                              item_code=cat.commitment_item.code, signer_name=" 李申请 ")

    assert commitment.signer_name == "李申请"
    assert commitment.text == cat.commitment_item.commitment_text
    assert commitment.text_sha256 == hashlib.sha256(cat.commitment_item.commitment_text.encode()).hexdigest()
    assert application.events.filter(kind=EventKind.COMMITMENT_SIGNED).exists()


def test_commitments_are_refused_where_not_allowed(cat):
    application = new_draft(cat)
    with pytest.raises(DomainError):  # the item does not allow 告知承诺
        applications.sign_commitment(application, actor=cat.applicant, item_code=cat.fee_item.code,
                                     signer_name="李申请")
    with pytest.raises(DomainError):  # no name typed
        applications.sign_commitment(application, actor=cat.applicant, item_code=cat.commitment_item.code,
                                     signer_name=" ")
    with pytest.raises(WrongState):
        applications.sign_commitment(submitted_application(cat), actor=cat.applicant,
                                     item_code=cat.commitment_item.code, signer_name="李申请")
    assert not Commitment.objects.exists()


def test_an_enterprise_with_a_recorded_false_commitment_cannot_commit(cat):
    cat.enterprise.false_commitment_recorded = True
    cat.enterprise.save()
    with pytest.raises(NotAllowed, match="false commitment"):
        applications.sign_commitment(new_draft(cat), actor=cat.applicant, item_code=cat.commitment_item.code,
                                     signer_name="李申请")
    assert not Commitment.objects.exists()


# --- withdrawing -------------------------------------------------------------------------------------------------
def test_withdraw_a_draft(cat):
    application = applications.withdraw(new_draft(cat), actor=cat.applicant, reason="不再需要")
    application = reload(application)
    assert application.status == S.WITHDRAWN
    assert application.withdraw_reason == "不再需要"


def test_withdraw_under_review_cancels_the_reviews_and_stages(cat):
    application = accepted_application(cat)
    applications.withdraw(application, actor=cat.applicant)

    assert reload(application).status == S.WITHDRAWN
    assert set(ItemReview.objects.filter(application=application).values_list("status", flat=True)) == {
        ReviewStatus.CANCELLED}
    assert set(application.stages.values_list("status", flat=True)) == {StageStatus.CANCELLED}
    assert not application.reviews.exclude(due_at=None).exists()
    assert ApplicationEvent.objects.filter(application=application, kind=EventKind.WITHDRAWN).exists()


def test_withdraw_is_refused_after_the_decision_and_for_others(cat):
    with pytest.raises(NotAllowed):
        applications.withdraw(submitted_application(cat), actor=cat.clerk)
    decided = decided_application(cat)
    with pytest.raises(WrongState, match="before it is decided"):
        applications.withdraw(decided, actor=cat.applicant)
    assert reload(decided).status == S.DECIDED


# --- several files for one material (a plan and its photos) -----------------------------------------------
def test_an_added_file_does_not_replace_the_main_one(cat_for_parts):
    from approvals.services import material_rules
    from tests.factories.applications import pdf_upload, png_upload

    cat, application = cat_for_parts
    plan = application.materials.get(material_type__key="site_plan", is_current=True)
    photo = applications.upload_material(application, actor=cat.applicant, material_type_key="site_plan",
                                         uploaded=png_upload("photo.png"), add=True)
    assert photo.part == 2 and photo.version == 1
    state = next(s for s in material_rules.material_states(application) if s.key == "site_plan")
    assert state.current == plan and [f.pk for f in state.files] == [plan.pk, photo.pk]
    again = applications.upload_material(application, actor=cat.applicant, material_type_key="site_plan",
                                         uploaded=pdf_upload(salt="v2"), part=2)
    assert again.part == 2 and again.version == 2
    applications.remove_material_part(application, actor=cat.applicant, material_type_key="site_plan", part=2)
    assert list(application.materials.filter(material_type__key="site_plan", is_current=True)) == [plan]
    with pytest.raises(DomainError):
        applications.remove_material_part(application, actor=cat.applicant, material_type_key="site_plan", part=1)


def test_adding_needs_the_main_file_first(cat_for_parts):
    from tests.factories.applications import draft_application, png_upload

    cat, _application = cat_for_parts
    empty = draft_application(cat, materials=False)
    with pytest.raises(DomainError):
        applications.upload_material(empty, actor=cat.applicant, material_type_key="site_plan",
                                     uploaded=png_upload("photo.png"), add=True)


@pytest.fixture
def cat_for_parts(db):
    from tests.factories.applications import draft_application, make_catalog

    cat = make_catalog()
    return cat, draft_application(cat)
