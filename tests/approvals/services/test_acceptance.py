"""Acceptance by the lead department's window (Art. 32): accept, not accept, supplement in one notice."""

import pytest

from approvals.models import (
    ApplicationStatus, EventKind, FormVersion, ReviewStatus, StageStatus, SupplementRequest,
)
from approvals.services import acceptance, applications, delivery
from approvals.services.applications import SubmissionIncomplete
from portal.errors import DomainError, NotAllowed, WrongState
from tests.factories.applications import (
    DEFAULT_NOW, draft_application, frozen, pdf_upload, png_upload, reload, shanghai, submitted_application,
)

pytestmark = pytest.mark.django_db
S = ApplicationStatus

PROBLEMS = [
    {"kind": "material", "key": "site_plan", "reason": "总平面图未加盖设计单位公章"},
    {"kind": "field", "key": "green_area_m2", "reason": "占用绿地面积与图纸不一致"},
]


def accept(cat, application, now=DEFAULT_NOW, actor=None):
    with frozen(now):
        acceptance.accept(application, actor=actor or cat.clerk, now=now)
    return reload(application)


# --- accepting -----------------------------------------------------------------------------------------------
def test_accept_lays_out_the_stage_and_starts_every_review_in_parallel(cat):
    application = accept(cat, submitted_application(cat))

    assert application.status == S.UNDER_REVIEW
    assert (application.accepted_by, application.accepted_at) == (cat.clerk, DEFAULT_NOW)
    assert application.acceptance_due_at is None
    stage = application.stages.get()
    assert (stage.status, stage.lead_department, stage.opened_at) == (StageStatus.OPEN, cat.departments[0],
                                                                      DEFAULT_NOW)
    assert stage.due_at == shanghai(2026, 6, 8, 17, 30)  # stage limit 5 working days from Mon 06-01
    reviews = {r.item.code: r for r in application.reviews.select_related("item", "department")}
    assert {code: (r.status, r.department.code, r.started_at) for code, r in reviews.items()} == {
        item.code: (ReviewStatus.UNDER_REVIEW, item.department.code, DEFAULT_NOW) for item in cat.items}
    # Start day not counted: Mon 06-01 + 4 -> Fri 06-05, + 3 -> Thu 06-04; the immediate item is due today.
    assert reviews["T-GREEN"].due_at == shanghai(2026, 6, 5, 17, 30)
    assert reviews["T-HEALTH"].due_at == shanghai(2026, 6, 4, 17, 30)
    assert reviews["T-SIGN"].due_at == shanghai(2026, 6, 1, 17, 30)
    # Joint handling: the legal limit is 45 working days (Art. 42); June 2026 has the Dragon Boat holiday
    # (06-19): June gives 20 working days after 06-01, July 23 (43), then Mon 08-03 (44), Tue 08-04 (45).
    assert {r.legal_limit_days for r in reviews.values()} == {45}
    assert reviews["T-GREEN"].legal_due_at == shanghai(2026, 8, 4, 17, 30)
    kinds = list(application.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.REVIEW_STARTED) == 3
    assert EventKind.ACCEPTED in kinds and EventKind.STAGE_OPENED in kinds


def test_a_free_choice_is_one_stage_limited_by_its_longest_item(cat):
    application = accept(cat, submitted_application(cat, items=cat.items))

    stage = application.stages.get()
    assert (stage.lead_department, stage.promised_limit_days) == (cat.departments[0], 4)
    # Not joint: each item keeps its own legal limit, 20 working days: 06-02..05 (4), 08..12 (9), 15..18 (13,
    # Fri 06-19 Dragon Boat), 22..26 (18), 29 (19), Tue 06-30 (20).
    assert set(application.reviews.values_list("legal_due_at", flat=True)) == {shanghai(2026, 6, 30, 17, 30)}


def test_a_multi_stage_package_opens_only_its_first_stage(cat):
    application = accept(cat, submitted_application(cat, package=cat.two_stage_package))

    first, second = application.stages.order_by("order")
    assert (first.status, second.status) == (StageStatus.OPEN, StageStatus.WAITING)
    assert list(first.reviews.values_list("status", flat=True)) == [ReviewStatus.UNDER_REVIEW]
    assert set(second.reviews.values_list("status", flat=True)) == {ReviewStatus.PENDING}
    assert not second.reviews.exclude(due_at=None).exists()


def test_accept_from_a_wrong_state_is_refused(cat):
    with pytest.raises(WrongState):
        accept(cat, draft_application(cat))
    application = accept(cat, submitted_application(cat))
    with pytest.raises(WrongState):
        accept(cat, application)
    assert application.stages.count() == 1


@pytest.mark.parametrize("who", ["applicant", "other_department", "leader"])
def test_only_the_lead_window_accepts(cat, who):
    application = submitted_application(cat)
    actor = {"applicant": cat.applicant, "other_department": cat.staff_of(cat.departments[1]),
             "leader": cat.leader}[who]
    with pytest.raises(NotAllowed):
        accept(cat, application, actor=actor)
    assert reload(application).status == S.SUBMITTED
    assert not application.stages.exists()


def test_staff_and_chief_of_the_lead_department_may_accept(cat):
    application = accept(cat, submitted_application(cat), actor=cat.chief_of(cat.departments[0]))
    assert application.status == S.UNDER_REVIEW


def test_deemed_acceptance_counts_from_receipt(cat):
    received = shanghai(2026, 6, 1, 15, 0)
    application = submitted_application(cat, now=received)
    later = shanghai(2026, 6, 9, 9, 0)
    with frozen(later):
        acceptance.accept(application, actor=None, deemed=True, now=later)

    application = reload(application)
    assert application.deemed_accepted and application.accepted_by is None
    assert application.accepted_at == received
    assert set(application.reviews.values_list("started_at", flat=True)) == {received}
    assert application.events.filter(kind=EventKind.DEEMED_ACCEPTED).exists()


# --- the acceptance clock ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("received", "due"), [
    # Tue 09-29: 09-30 (1), [10-01..07 National Day], 10-08 (2), 10-09 (3), Sat 10-10 make-up (4), Mon 10-12 (5).
    (shanghai(2026, 9, 29, 10, 0), shanghai(2026, 10, 12, 17, 30)),
    # Thu 02-12: 02-13 (1), Sat 02-14 make-up (2), [02-15..23 Spring Festival], 02-24 (3), 02-25 (4), 02-26 (5).
    (shanghai(2026, 2, 12, 16, 0), shanghai(2026, 2, 26, 17, 30)),
    # Received on a holiday (online, 10-03): 10-08 (1), 10-09 (2), 10-10 (3), 10-12 (4), 10-13 (5).
    (shanghai(2026, 10, 3, 11, 0), shanghai(2026, 10, 13, 17, 30)),
])
def test_the_acceptance_clock_is_five_working_days_from_receipt(cat, received, due):
    application = submitted_application(cat, now=received)
    assert application.received_at == received
    assert application.acceptance_due_at == due


# --- not accepting -----------------------------------------------------------------------------------------------
def test_not_accepting_needs_a_reason(cat):
    application = submitted_application(cat)
    with pytest.raises(DomainError, match="reason"):
        acceptance.refuse_acceptance(application, actor=cat.clerk, reason="  ")
    assert reload(application).status == S.SUBMITTED


def test_not_accepted_with_reason_and_where_to_apply_instead(cat):
    application = submitted_application(cat)
    acceptance.refuse_acceptance(application, actor=cat.clerk, reason="不属于本区管辖",
                                 apply_instead_to=" 市城市管理局 ", now=DEFAULT_NOW)

    application = reload(application)
    assert application.status == S.NOT_ACCEPTED
    assert (application.not_accepted_reason, application.apply_instead_to) == ("不属于本区管辖", "市城市管理局")
    assert application.acceptance_due_at is None
    assert not application.stages.exists()
    event = application.events.get(kind=EventKind.NOT_ACCEPTED)
    assert event.message == "不属于本区管辖"
    delivery.close(application, actor=cat.clerk)
    assert reload(application).status == S.CLOSED


def test_not_accepting_refused_from_a_wrong_state_or_role(cat):
    with pytest.raises(WrongState):
        acceptance.refuse_acceptance(draft_application(cat), actor=cat.clerk, reason="x")
    with pytest.raises(NotAllowed):
        acceptance.refuse_acceptance(submitted_application(cat), actor=cat.staff_of(cat.departments[2]),
                                     reason="x")


# --- supplements ---------------------------------------------------------------------------------------------------
def request_supplement(cat, application, problems=PROBLEMS, now=DEFAULT_NOW):
    with frozen(now):
        return acceptance.request_supplement(application, actor=cat.clerk, problems=problems, now=now)


def test_a_supplement_notice_lists_every_problem_at_once(cat):
    application = submitted_application(cat)
    notice = request_supplement(cat, application)

    application = reload(application)
    assert application.status == S.SUPPLEMENT_REQUESTED
    assert application.acceptance_due_at is None  # the clock waits for the answer
    assert SupplementRequest.objects.get(pk=notice.pk).problems == PROBLEMS
    assert (notice.material_keys, notice.field_keys) == ({"site_plan"}, {"green_area_m2"})
    assert application.events.get(kind=EventKind.SUPPLEMENT_REQUESTED).data == {"problems": PROBLEMS}


def test_a_supplement_notice_must_name_real_problems(cat):
    application = submitted_application(cat)
    with pytest.raises(DomainError, match="at least one"):
        request_supplement(cat, application, problems=[])
    with pytest.raises(DomainError, match="not a field or material"):
        request_supplement(cat, application, problems=[{"kind": "material", "key": "nope", "reason": "x"}])
    with pytest.raises(DomainError, match="not a field or material"):  # a field key passed as a material
        request_supplement(cat, application, problems=[{"kind": "material", "key": "project_name", "reason": "x"}])
    assert reload(application).status == S.SUBMITTED


def test_a_supplement_request_from_a_wrong_state_or_role_is_refused(cat):
    with pytest.raises(WrongState):
        request_supplement(cat, draft_application(cat))
    with pytest.raises(NotAllowed):
        acceptance.request_supplement(submitted_application(cat), actor=cat.applicant, problems=PROBLEMS)


def test_answering_a_supplement_changes_only_the_listed_items_and_keeps_versions(cat):
    application = submitted_application(cat)
    old_plan = application.materials.get(material_type__key="site_plan")
    old_licence = application.materials.get(material_type__key="business_licence")
    request_supplement(cat, application)
    answer_at = shanghai(2026, 6, 3, 10, 0)
    with frozen(answer_at):
        # Not listed: the licence cannot be replaced now, nor the project name changed.
        with pytest.raises(WrongState):
            applications.upload_material(application, actor=cat.applicant, material_type_key="business_licence",
                                         uploaded=png_upload())
        with pytest.raises(WrongState, match="project_name"):
            acceptance.answer_supplement(application, actor=cat.applicant,
                                         form={"green_area_m2": "300", "project_name": "改名"})
        # The form cannot be edited like a draft either.
        with pytest.raises(WrongState):
            applications.save_form(application, actor=cat.applicant, data={"green_area_m2": "300"})
        # A listed material must be uploaded again, a listed field given.
        with pytest.raises(SubmissionIncomplete) as incomplete:
            acceptance.answer_supplement(application, actor=cat.applicant, form={})
        assert incomplete.value.missing_materials == ["site_plan"]
        assert set(incomplete.value.form_errors) == {"green_area_m2"}

        new_plan = applications.upload_material(application, actor=cat.applicant, material_type_key="site_plan",
                                                uploaded=pdf_upload(salt="stamped"))
        acceptance.answer_supplement(application, actor=cat.applicant, form={"green_area_m2": "300.5"},
                                     now=answer_at)

    application = reload(application)
    assert application.status == S.SUBMITTED
    assert application.form_data["green_area_m2"] == "300.5"
    assert application.form_data["project_name"] == "临空前沿科技城研发楼"
    # The history of each version is kept.
    versions = list(FormVersion.objects.filter(application=application).order_by("version"))
    assert [v.reason for v in versions][-1] == "supplement"
    assert versions[-2].data["green_area_m2"] == "319.11"
    plans = list(application.materials.filter(material_type__key="site_plan").order_by("version"))
    assert [(m.pk, m.version, m.is_current) for m in plans] == [(old_plan.pk, 1, False), (new_plan.pk, 2, True)]
    assert application.materials.get(material_type__key="business_licence", is_current=True) == old_licence
    # Received again: the acceptance clock restarts (Wed 06-03 + 5 -> Wed 06-10).
    assert application.received_at == answer_at
    assert application.acceptance_due_at == shanghai(2026, 6, 10, 17, 30)
    assert application.supplement_requests.get().answered_by == cat.applicant
    assert not application.visits.exists()


def test_a_supplement_answered_at_the_window_counts_a_visit(cat):
    application = submitted_application(cat)
    request_supplement(cat, application, problems=[PROBLEMS[1]])
    acceptance.answer_supplement(application, actor=cat.applicant, form={"green_area_m2": "300"}, at_window=True)
    assert list(reload(application).visits.values_list("kind", flat=True)) == ["window_supplement"]


def test_answering_without_a_request_or_for_someone_else_is_refused(cat):
    with pytest.raises(WrongState):
        acceptance.answer_supplement(submitted_application(cat), actor=cat.applicant, form={})
    application = submitted_application(cat)
    request_supplement(cat, application, problems=[PROBLEMS[1]])
    with pytest.raises(NotAllowed):
        acceptance.answer_supplement(application, actor=cat.clerk, form={"green_area_m2": "300"})
