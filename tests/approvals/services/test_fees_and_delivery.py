"""Fees at the lower bound charged at acceptance, payment, delivery, closing and visits (跑动次数)."""

from decimal import Decimal

import pytest

from approvals.models import ApplicationStatus, EventKind, FeeCharge, VisitKind
from approvals.services import acceptance, delivery, fees_charged
from portal.errors import DomainError, NotAllowed, WrongState
from tests.factories.applications import (
    DEFAULT_NOW, VALID_FORM, accepted_application, decided_application, reload, submitted_application,
)

pytestmark = pytest.mark.django_db
S = ApplicationStatus


# --- fees ------------------------------------------------------------------------------------------------------
def test_fees_are_charged_at_the_lower_bound_when_accepted(cat):
    application = submitted_application(cat)
    assert not application.fees.exists()  # nothing before acceptance

    application = accepted_application(cat)
    charge = application.fees.get()
    # 319.11 m² at 20-40 yuan/m²: standard 12,764.40, charged 6,382.20, saved 6,382.20.
    assert (charge.item, charge.quantity, charge.standard_amount, charge.charged_amount, charge.saving) == (
        cat.fee_item, Decimal("319.11"), Decimal("12764.40"), Decimal("6382.20"), Decimal("6382.20"))
    assert charge.computed_at == DEFAULT_NOW
    assert charge.paid_at is None
    event = application.events.get(kind=EventKind.FEE)
    assert (event.data["charged"], event.data["saving"]) == ("6382.20", "6382.20")


def test_a_bundle_without_a_fee_item_charges_nothing(cat):
    application = accepted_application(cat, items=[cat.immediate_item, cat.commitment_item])
    assert not application.fees.exists()


def test_a_missing_quantity_stops_the_acceptance_and_changes_nothing(cat):
    # The quantity field is optional on the form, so a bundle can be submitted without it.
    cat.fee_item.item_fields.filter(field=cat.fields["green_area_m2"]).update(required=False)
    application = submitted_application(cat, form={k: v for k, v in VALID_FORM.items() if k != "green_area_m2"})

    with pytest.raises(DomainError, match="占用绿地面积"):
        acceptance.accept(application, actor=cat.clerk)

    application = reload(application)
    assert application.status == S.SUBMITTED
    assert not application.stages.exists() and not application.fees.exists()


def test_payment_is_recorded_once_with_its_receipt_number(cat):
    application = accepted_application(cat)
    with pytest.raises(DomainError, match="receipt number"):
        fees_charged.record_payment(application, actor=cat.applicant, receipt_number=" ")

    paid = fees_charged.record_payment(application, actor=cat.applicant, receipt_number=" NO.2026-0001 ",
                                       now=DEFAULT_NOW)

    charge = FeeCharge.objects.get(pk=paid[0].pk)
    assert (charge.paid_at, charge.receipt_number, charge.recorded_by) == (DEFAULT_NOW, "NO.2026-0001",
                                                                           cat.applicant)
    assert application.events.get(kind=EventKind.PAID).data == {"receipt_number": "NO.2026-0001",
                                                                 "amount": "6382.20"}
    with pytest.raises(WrongState):
        fees_charged.record_payment(application, actor=cat.applicant, receipt_number="NO.2026-0002")
    assert FeeCharge.objects.get(pk=charge.pk).receipt_number == "NO.2026-0001"


def test_a_receipt_number_cannot_pay_twice(cat):
    first = accepted_application(cat)
    second = accepted_application(cat)
    fees_charged.record_payment(first, actor=cat.applicant, receipt_number="R-1")
    with pytest.raises(DomainError, match="already been used"):
        fees_charged.record_payment(second, actor=cat.clerk, receipt_number="R-1")
    assert second.fees.get().paid_at is None


def test_who_may_record_a_payment(cat):
    application = accepted_application(cat)
    other_clerk = cat.add_user("clerk", cat.departments[1])
    with pytest.raises(NotAllowed):
        fees_charged.record_payment(application, actor=other_clerk, receipt_number="R-9")
    with pytest.raises(NotAllowed):
        fees_charged.record_payment(application, actor=cat.chief_of(cat.departments[0]), receipt_number="R-9")
    fees_charged.record_payment(application, actor=cat.clerk, receipt_number="R-9")
    assert application.fees.get().recorded_by == cat.clerk


# --- delivery and visits -------------------------------------------------------------------------------------------
def paid_decided(cat, **kwargs):
    application = decided_application(cat, **kwargs)
    if application.fees.filter(paid_at__isnull=True).exists():
        fees_charged.record_payment(application, actor=cat.applicant, receipt_number=f"R-{application.pk}")
    return application


def test_online_filing_with_mail_delivery_makes_no_visit(cat):
    application = paid_decided(cat)
    with pytest.raises(DomainError, match="tracking number"):
        delivery.deliver(application, actor=cat.clerk, method="mail", tracking_number=" ")
    delivery.deliver(application, actor=cat.clerk, method="mail", tracking_number=" SF1234567890 ",
                     now=DEFAULT_NOW)

    application = reload(application)
    assert (application.status, application.delivery_method, application.tracking_number) == (
        S.DELIVERED, "mail", "SF1234567890")
    assert delivery.visit_count(application) == 0


def test_electronic_delivery_makes_no_visit(cat):
    application = paid_decided(cat)
    delivery.deliver(application, actor=cat.clerk)  # the application's default: electronic certificate
    assert reload(application).delivery_method == "electronic"
    assert delivery.visit_count(application) == 0


def test_window_filing_and_window_pickup_count_two_visits(cat):
    application = paid_decided(cat, actor=cat.clerk)
    delivery.deliver(application, actor=cat.clerk, method="window")

    assert sorted(reload(application).visits.values_list("kind", flat=True)) == [
        VisitKind.WINDOW_FILING, VisitKind.WINDOW_PICKUP]
    assert delivery.visit_count(application) == 2


def test_delivery_waits_for_the_decision_and_the_payment(cat):
    with pytest.raises(WrongState):
        delivery.deliver(accepted_application(cat), actor=cat.clerk, method="electronic")
    unpaid = decided_application(cat)
    with pytest.raises(DomainError, match="not paid"):
        delivery.deliver(unpaid, actor=cat.clerk, method="electronic")
    with pytest.raises(DomainError):
        delivery.deliver(paid_decided(cat), actor=cat.clerk, method="pigeon")
    assert reload(unpaid).status == S.DECIDED


def test_only_the_lead_window_delivers_and_closes(cat):
    application = paid_decided(cat)
    with pytest.raises(NotAllowed):
        delivery.deliver(application, actor=cat.applicant, method="electronic")
    with pytest.raises(NotAllowed):
        delivery.deliver(application, actor=cat.staff_of(cat.departments[2]), method="electronic")
    delivery.deliver(application, actor=cat.clerk, method="electronic")
    with pytest.raises(NotAllowed):
        delivery.close(application, actor=cat.applicant)
    delivery.close(application, actor=cat.clerk, now=DEFAULT_NOW)
    application = reload(application)
    assert (application.status, application.closed_at) == (S.CLOSED, DEFAULT_NOW)
    with pytest.raises(WrongState):
        delivery.close(application, actor=cat.clerk)


def test_a_refused_bundle_is_delivered_too(cat):
    """The refusal decision (with its remedy notice) is handed over like a permit."""
    application = decided_application(cat, items=[cat.immediate_item], decisions={"T-SIGN": "refuse"})
    assert application.outcome == "refused"
    delivery.deliver(application, actor=cat.chief_of(cat.departments[1]), method="electronic")
    assert reload(application).status == S.DELIVERED


def test_a_decided_application_cannot_be_accepted_again(cat):
    application = decided_application(cat)
    with pytest.raises(WrongState):
        acceptance.accept(application, actor=cat.clerk)
