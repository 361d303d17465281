"""告知承诺 on the spot (issue 8, item 8): the decision at acceptance, materials that follow the commitment, and
the after-check (事后核查) with its due date and outcome; a false commitment revokes the decision, bars the
enterprise and is audited."""

from datetime import timedelta

import pytest

from approvals.models import (
    AfterCheck, AfterCheckOutcome, ApplicationStatus, EventKind, ItemMaterial, Outcome, ReviewStatus,
)
from approvals.models.applications import outcome_of
from approvals.services import after_checks, applications, material_rules
from approvals.services.material_rules import Provision
from portal.errors import DomainError, NotAllowed, WrongState
from portal.models import AuditEntry, Notification
from tests.factories.applications import (
    DEFAULT_NOW, accepted_application, decide_open_reviews, decided_on_commitment, draft_application, frozen,
    pdf_upload, png_upload, reload, shanghai,
)
from tests.factories.approvals import MaterialTypeFactory

pytestmark = pytest.mark.django_db
R = ReviewStatus
LATER = DEFAULT_NOW + timedelta(hours=2)


@pytest.fixture
def report(cat):
    """The hygiene test report, which the health item lets follow after the commitment (seed 004)."""
    material = MaterialTypeFactory(key="hygiene_test_report", name="公共场所卫生检测报告")
    ItemMaterial.objects.create(item=cat.commitment_item, material_type=material, after_commitment=True)
    return material


def all_but_report(cat):
    """A draft of the package with the form and every material but the hygiene test report."""
    application = draft_application(cat, materials=False)
    with frozen(DEFAULT_NOW):
        applications.upload_material(application, actor=cat.applicant, material_type_key="site_plan",
                                     uploaded=pdf_upload())
        applications.upload_material(application, actor=cat.applicant, material_type_key="business_licence",
                                     uploaded=png_upload())
    return reload(application)


def commit(cat, application):
    with frozen(DEFAULT_NOW):
        applications.sign_commitment(application, actor=cat.applicant, item_code=cat.commitment_item.code,
                                     signer_name="李申请", now=DEFAULT_NOW)


def missing(application):
    return applications.completeness_problems(reload(application))[1]


# --- materials that follow the commitment ---------------------------------------------------------------------
def test_a_material_the_catalog_lets_follow_is_not_required_once_the_commitment_is_signed(cat, report):
    application = all_but_report(cat)
    assert missing(application) == ["hygiene_test_report"]

    commit(cat, application)

    assert missing(application) == []
    state = {s.key: s for s in material_rules.material_states(reload(application))}["hygiene_test_report"]
    assert state.provision == Provision.AFTER_COMMITMENT and not state.missing
    with frozen(DEFAULT_NOW):
        assert applications.submit(reload(application), actor=cat.applicant, declared=True).status == ApplicationStatus.SUBMITTED


def test_an_enterprise_barred_from_commitments_must_submit_it(cat, report):
    application = all_but_report(cat)
    commit(cat, application)
    cat.enterprise.false_commitment_recorded = True
    cat.enterprise.save(update_fields=["false_commitment_recorded"])

    assert missing(application) == ["hygiene_test_report"]


def test_the_report_may_be_handed_in_after_submission(cat, report):
    application = all_but_report(cat)
    commit(cat, application)
    with frozen(DEFAULT_NOW):
        applications.submit(reload(application), actor=cat.applicant, declared=True)
    with pytest.raises(WrongState):  # the other materials are frozen once submitted
        applications.upload_material(reload(application), actor=cat.applicant, material_type_key="site_plan",
                                     uploaded=pdf_upload(salt="v2"))

    material = applications.upload_material(reload(application), actor=cat.applicant,
                                            material_type_key="hygiene_test_report", uploaded=pdf_upload())

    assert material.version == 1 and set(material.items.all()) == {cat.commitment_item}


# --- the decision at acceptance -------------------------------------------------------------------------------
def test_an_item_on_commitment_is_decided_at_acceptance(cat):
    application = decided_on_commitment(cat, sign=False)

    review = application.reviews.get(item=cat.commitment_item)
    assert review.status == R.APPROVED
    assert review.on_commitment and review.verify_after
    assert review.decided_at == DEFAULT_NOW and review.decided_by is None
    # No multi-day clock: the chief signs the same working day (0 working days).
    assert review.limit_days == 0 and review.due_at == shanghai(2026, 6, 1, 17, 30)
    others = application.reviews.exclude(item=cat.commitment_item)
    assert {r.status for r in others} == {R.UNDER_REVIEW}
    event = application.events.get(kind=EventKind.DECIDED_ITEM)
    assert event.data == {"item": cat.commitment_item.code, "decision": "approve", "on_commitment": True}


def test_in_a_later_stage_it_is_decided_when_its_stage_opens(cat):
    application = draft_application(cat, package=cat.two_stage_package)
    commit(cat, application)
    application = accepted_application_of(cat, application)
    assert application.reviews.get(item=cat.commitment_item).status == R.PENDING

    decide_open_reviews(cat, application, now=LATER)  # stage 1 (the fee item) signed: stage 2 opens

    review = reload(application).reviews.get(item=cat.commitment_item)
    assert review.status == R.APPROVED and review.on_commitment and review.decided_at == LATER


def accepted_application_of(cat, application):
    from approvals.services import acceptance

    with frozen(DEFAULT_NOW):
        applications.submit(reload(application), actor=cat.applicant, declared=True, now=DEFAULT_NOW)
        acceptance.accept(reload(application), actor=cat.window_of(application.lead_department), now=DEFAULT_NOW)
    return reload(application)


def test_without_a_commitment_the_item_runs_its_promised_clock(cat):
    review = accepted_application(cat).reviews.get(item=cat.commitment_item)

    assert review.status == R.UNDER_REVIEW and not review.on_commitment
    assert review.limit_days == cat.commitment_item.promised_limit_days


def test_a_barred_enterprise_gets_no_decision_on_the_spot(cat):
    application = draft_application(cat)
    commit(cat, application)
    cat.enterprise.false_commitment_recorded = True
    cat.enterprise.save(update_fields=["false_commitment_recorded"])

    review = accepted_application_of(cat, application).reviews.get(item=cat.commitment_item)

    assert review.status == R.UNDER_REVIEW and not review.on_commitment


# --- the after-check ---------------------------------------------------------------------------------------------
def test_signing_the_decision_opens_the_after_check_due_in_working_days(cat, settings):
    settings.COMMITMENT_CHECK_DAYS = 20
    application = decided_on_commitment(cat)

    review = application.reviews.get(item=cat.commitment_item)
    assert review.status == R.SIGNED
    check = AfterCheck.objects.get(review=review)
    assert check.department == cat.commitment_item.department
    assert check.opened_at == DEFAULT_NOW and check.outcome == ""
    # 20 working days after Mon 06-01 (Dragon Boat Festival, Fri 06-19, is off): Tue 06-30, end of office hours.
    assert check.due_at == shanghai(2026, 6, 30, 17, 30)
    assert check.check_at == check.due_at
    assert AfterCheck.objects.count() == 1  # the other items were not decided on commitment


def test_the_after_check_period_is_a_setting(cat, settings):
    settings.COMMITMENT_CHECK_DAYS = 5
    check = AfterCheck.objects.get(review__application=decided_on_commitment(cat))

    assert check.due_at == shanghai(2026, 6, 8, 17, 30)
    lights = dict(AfterCheck.objects.with_light(shanghai(2026, 6, 8, 9, 0)).values_list("pk", "light"))
    assert lights == {check.pk: "yellow"}
    assert AfterCheck.objects.with_light(shanghai(2026, 6, 8, 17, 31)).get().light == "red"
    assert AfterCheck.objects.with_light(shanghai(2026, 6, 2, 9, 0)).get().light == "green"


def test_staff_confirm_the_commitment(cat):
    check = AfterCheck.objects.get(review__application=decided_on_commitment(cat))
    staff = cat.staff_of(check.department)

    after_checks.record_outcome(check, actor=staff, outcome=AfterCheckOutcome.CONFIRMED, note="现场核查属实",
                                now=LATER)

    check = reload(check)
    assert (check.outcome, check.note, check.decided_by, check.decided_at) == (
        "confirmed", "现场核查属实", staff, LATER)
    assert check.check_at is None
    assert reload(check.review).revoked_at is None
    assert AfterCheck.objects.with_light(LATER).get().light == "done"
    assert AuditEntry.objects.filter(event="after_check.confirmed", actor=staff).exists()
    assert check.review.application.events.filter(kind=EventKind.COMMITMENT_CONFIRMED).exists()


def test_a_false_commitment_revokes_the_decision_and_bars_the_enterprise(cat):
    application = decided_on_commitment(cat)
    check = AfterCheck.objects.get(review__application=application)
    chief = cat.chief_of(check.department)

    after_checks.record_outcome(check, actor=chief, outcome=AfterCheckOutcome.FALSE_COMMITMENT,
                                note="现场核查：卫生设施与承诺不符。", now=LATER)

    review = reload(check.review)
    assert review.status == R.SIGNED  # the signed decision stays on record, revoked
    assert (review.revoked_at, review.revoked_by, review.revocation_reason) == (
        LATER, chief, "现场核查：卫生设施与承诺不符。")
    assert reload(cat.enterprise).false_commitment_recorded is True
    assert AuditEntry.objects.filter(event="after_check.false_commitment", actor=chief).exists()
    assert AuditEntry.objects.filter(event="enterprise.false_commitment_recorded").exists()
    revoked = application.events.get(kind=EventKind.DECISION_REVOKED)
    assert revoked.message == "现场核查：卫生设施与承诺不符。" and revoked.department == check.department
    with pytest.raises(NotAllowed, match="false commitment"):
        applications.sign_commitment(draft_application(cat), actor=cat.applicant,
                                     item_code=cat.commitment_item.code, signer_name="李申请")


def test_the_outcome_is_set_once_by_the_department_with_reasons(cat):
    check = AfterCheck.objects.get(review__application=decided_on_commitment(cat))
    staff = cat.staff_of(check.department)

    with pytest.raises(DomainError, match="reason"):
        after_checks.record_outcome(check, actor=staff, outcome=AfterCheckOutcome.FALSE_COMMITMENT, note=" ")
    with pytest.raises(DomainError):
        after_checks.record_outcome(check, actor=staff, outcome="maybe", note="x")
    for outsider in (cat.applicant, cat.staff_of(cat.departments[0]), cat.leader):
        with pytest.raises(NotAllowed):
            after_checks.record_outcome(check, actor=outsider, outcome=AfterCheckOutcome.CONFIRMED, note="")
    after_checks.record_outcome(check, actor=staff, outcome=AfterCheckOutcome.CONFIRMED, note="")
    with pytest.raises(WrongState):
        after_checks.record_outcome(check, actor=staff, outcome=AfterCheckOutcome.FALSE_COMMITMENT, note="x")
    assert reload(check).outcome == AfterCheckOutcome.CONFIRMED
    assert reload(cat.enterprise).false_commitment_recorded is False


def test_a_refused_or_ordinary_decision_opens_no_after_check(cat):
    application = accepted_application(cat)
    decide_open_reviews(cat, application)
    assert application.reviews.filter(status=R.SIGNED).count() == 3
    assert not AfterCheck.objects.exists()


# --- the bundle's outcome follows its items' decisions as they stand -------------------------------------------
def decide_the_rest(cat, application):
    for _round in range(10):
        application = reload(application)
        if application.status != ApplicationStatus.UNDER_REVIEW:
            break
        decide_open_reviews(cat, application, now=DEFAULT_NOW)
    assert application.status == ApplicationStatus.DECIDED
    return application


def test_revoking_an_approval_of_a_decided_bundle_recomputes_its_outcome_and_tells_the_applicant(cat):
    application = decide_the_rest(cat, decided_on_commitment(cat))
    assert application.outcome == Outcome.ALL_APPROVED
    check = AfterCheck.objects.get(review__application=application)

    after_checks.record_outcome(check, actor=cat.chief_of(check.department), outcome=AfterCheckOutcome.FALSE_COMMITMENT,
                                note="现场核查：卫生设施与承诺不符。", now=LATER)

    application = reload(application)
    assert application.outcome == Outcome.PARTLY_APPROVED == outcome_of(application)
    event = application.events.get(kind=EventKind.DECISION_REVOKED)
    assert event.data["outcome"] == {"before": Outcome.ALL_APPROVED, "after": Outcome.PARTLY_APPROVED}
    told = Notification.objects.get(recipient=cat.applicant, kind=EventKind.DECISION_REVOKED)
    assert told.body == "现场核查：卫生设施与承诺不符。\nThe result of the application is now: Partly approved."


def test_a_revocation_before_the_bundle_is_decided_counts_at_its_decision(cat):
    application = decided_on_commitment(cat)  # the other items still under review
    check = AfterCheck.objects.get(review__application=application)
    after_checks.record_outcome(check, actor=cat.chief_of(check.department), outcome=AfterCheckOutcome.FALSE_COMMITMENT,
                                note="现场核查：不符。", now=LATER)
    assert reload(application).outcome == ""
    assert application.events.get(kind=EventKind.DECISION_REVOKED).data["outcome"] == {"before": "", "after": ""}
    told = Notification.objects.get(recipient=cat.applicant, kind=EventKind.DECISION_REVOKED)
    assert told.body == "现场核查：不符。"

    assert decide_the_rest(cat, application).outcome == Outcome.PARTLY_APPROVED  # not "all approved"


def test_the_outcome_rule_counts_only_approvals_that_stand(cat):
    application = decide_the_rest(cat, decided_on_commitment(cat))
    reviews = application.reviews.all()
    assert outcome_of(application) == Outcome.ALL_APPROVED
    reviews.filter(pk=reviews.first().pk).update(revoked_at=LATER)
    assert outcome_of(application) == Outcome.PARTLY_APPROVED
    reviews.update(revoked_at=LATER)
    assert outcome_of(application) == Outcome.REVOKED
    reviews.update(revoked_at=None, decision="refuse")
    assert outcome_of(application) == Outcome.REFUSED
