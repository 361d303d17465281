"""Fees at the lower bound, estimated at acceptance and charged for approved items only; the payment notice and
its confirmation by the finance side (the window clerk, the payment platform); delivery, closing and visits."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from approvals import payment_codes
from approvals.calendar.loading import get_calendar
from approvals.models import (
    ApplicationStatus, EventKind, FeeStatus, PaymentChannel, PaymentNotice, PaymentStatus, VisitKind,
)
from approvals.services import acceptance, applications, delivery, payments
from portal.errors import DomainError, NotAllowed, WrongState
from portal.models import AuditEntry
from tests.factories.applications import (
    DEFAULT_NOW, VALID_FORM, accepted_application, decided_application, paid_application, reload,
    submitted_application,
)
from tests.factories.approvals import FeeRuleFactory

pytestmark = pytest.mark.django_db
S = ApplicationStatus


# --- fees: estimated at acceptance, charged for approved items only ------------------------------------------
def sign_fee(cat, amount="150"):
    """A flat fee on the immediate item (T-SIGN, another department): a bundle with two charged items."""
    return FeeRuleFactory(item=cat.immediate_item, flat=True, name="标识审核费", min_rate=Decimal(amount),
                          max_rate=Decimal(amount))


def test_fees_are_estimated_at_the_lower_bound_when_accepted(cat):
    application = submitted_application(cat)
    assert not application.fees.exists()  # nothing before acceptance

    application = accepted_application(cat)
    charge = application.fees.get()
    # 319.11 m² at 20-40 yuan/m²: standard 12,764.40, charged 6,382.20, saved 6,382.20.
    assert (charge.item, charge.quantity, charge.standard_amount, charge.charged_amount, charge.saving) == (
        cat.fee_item, Decimal("319.11"), Decimal("12764.40"), Decimal("6382.20"), Decimal("6382.20"))
    assert charge.computed_at == DEFAULT_NOW
    # An estimate: due only if the item is approved; there is nothing to pay before the decision.
    assert charge.status == FeeStatus.ESTIMATED
    assert not PaymentNotice.objects.filter(application=application).exists()
    event = application.events.get(kind=EventKind.FEE)
    assert (event.data["charged"], event.data["saving"]) == ("6382.20", "6382.20")


def test_a_bundle_without_a_fee_item_charges_nothing(cat):
    application = decided_application(cat, items=[cat.immediate_item, cat.commitment_item])
    assert not application.fees.exists()
    assert not PaymentNotice.objects.filter(application=application).exists()


def test_a_missing_quantity_stops_the_acceptance_and_changes_nothing(cat):
    # The quantity field is optional on the form, so a bundle can be submitted without it.
    cat.fee_item.item_fields.filter(field=cat.fields["green_area_m2"]).update(required=False)
    application = submitted_application(cat, form={k: v for k, v in VALID_FORM.items() if k != "green_area_m2"})

    with pytest.raises(DomainError, match="占用绿地面积"):
        acceptance.accept(application, actor=cat.clerk)

    application = reload(application)
    assert application.status == S.SUBMITTED
    assert not application.stages.exists() and not application.fees.exists()


def test_an_approved_bundle_gets_one_payment_notice_with_a_payment_code(cat):
    application = decided_application(cat)

    assert application.outcome == "all_approved"
    assert application.fees.get().status == FeeStatus.CHARGED
    notice = PaymentNotice.objects.get(application=application)
    assert (notice.status, notice.standard_amount, notice.charged_amount, notice.saving) == (
        PaymentStatus.DUE, Decimal("12764.40"), Decimal("6382.20"), Decimal("6382.20"))
    assert notice.issued_at == DEFAULT_NOW
    assert re.fullmatch(r"2026\d{16}", notice.code) and payment_codes.is_well_formed(notice.code)
    assert (notice.paid_at, notice.receipt_number) == (None, "")
    assert list(notice.charges.all()) == list(application.fees.all())
    issued = application.events.filter(kind=EventKind.FEE).last()
    assert issued.data == {"payment_code": notice.code, "amount": "6382.20"}
    # Every notice has its own code.
    assert PaymentNotice.objects.get(application=decided_application(cat)).code != notice.code


def test_a_refused_items_fee_is_not_charged(cat):
    """Issue 8.4: the greening item refused, the other two approved: nothing to pay, the rest is delivered."""
    application = decided_application(cat, decisions={"T-GREEN": "refuse"})

    assert application.outcome == "partly_approved"
    assert application.fees.get().status == FeeStatus.NOT_CHARGED
    assert not PaymentNotice.objects.filter(application=application).exists()
    assert not payments.outstanding(application)
    delivery.deliver(application, actor=cat.clerk, method="electronic", now=DEFAULT_NOW)
    assert reload(application).status == S.DELIVERED


def test_partly_approved_pays_only_the_approved_items_fees_then_is_delivered(cat):
    sign_fee(cat)
    application = decided_application(cat, decisions={"T-GREEN": "refuse"})

    charges = {c.item.code: c.status for c in application.fees.select_related("item")}
    assert charges == {"T-GREEN": FeeStatus.NOT_CHARGED, "T-SIGN": FeeStatus.CHARGED}
    notice = PaymentNotice.objects.get(application=application)
    assert (notice.standard_amount, notice.charged_amount, notice.saving) == (
        Decimal("150.00"), Decimal("150.00"), Decimal("0.00"))
    assert [c.item.code for c in notice.charges.all()] == ["T-SIGN"]

    with pytest.raises(DomainError, match="not paid"):
        delivery.deliver(application, actor=cat.clerk, method="electronic")
    payments.confirm_at_window(application, actor=cat.clerk, payment_code=notice.code,
                               receipt_number="E-2026-0150", now=DEFAULT_NOW)
    delivery.deliver(application, actor=cat.clerk, method="electronic", now=DEFAULT_NOW)
    assert reload(application).status == S.DELIVERED


def test_a_refused_bundle_has_nothing_to_pay_and_is_delivered(cat):
    sign_fee(cat)
    application = decided_application(cat, decisions={code: "refuse" for code in cat.item_codes})

    assert application.outcome == "refused"
    assert set(application.fees.values_list("status", flat=True)) == {FeeStatus.NOT_CHARGED}
    assert not PaymentNotice.objects.filter(application=application).exists()
    delivery.deliver(application, actor=cat.clerk, method="electronic")  # the refusal decision handed over
    assert reload(application).status == S.DELIVERED


def test_items_cancelled_by_an_earlier_refusal_are_not_charged(cat):
    """Stage 1 (the greening item) refused: stage 2 never opens, its items' fees are not charged either."""
    sign_fee(cat)
    application = decided_application(cat, package=cat.two_stage_package, decisions={"T-GREEN": "refuse"})

    assert application.outcome == "refused"
    assert set(application.fees.values_list("status", flat=True)) == {FeeStatus.NOT_CHARGED}
    assert not PaymentNotice.objects.filter(application=application).exists()


def test_a_withdrawn_application_is_charged_nothing(cat):
    application = accepted_application(cat)
    applications.withdraw(application, actor=cat.applicant)
    assert application.fees.get().status == FeeStatus.NOT_CHARGED


# --- payment confirmed at the window against the payment code ---------------------------------------------
def test_the_clerk_confirms_the_payment_against_the_payment_code(cat):
    application = decided_application(cat)
    notice = PaymentNotice.objects.get(application=application)

    paid = payments.confirm_at_window(application, actor=cat.clerk, payment_code=f" {notice.code} ",
                                      receipt_number=" E-2026-0001 ", now=DEFAULT_NOW)

    notice = PaymentNotice.objects.get(pk=notice.pk)
    assert paid.pk == notice.pk
    assert (notice.status, notice.paid_at, notice.receipt_number, notice.channel, notice.confirmed_by) == (
        PaymentStatus.PAID, DEFAULT_NOW, "E-2026-0001", PaymentChannel.WINDOW, cat.clerk)
    # The delivery clock runs again from the payment (paid the day of the decision: nothing moved).
    due = reload(application).delivery_due_at
    assert due == get_calendar().add_working_days(application.decided_at, 10)
    assert application.events.get(kind=EventKind.PAID).data == {
        "payment_code": notice.code, "amount": "6382.20", "receipt_number": "E-2026-0001", "channel": "window",
        "delivery_due_at": timezone.localtime(due).isoformat()}
    assert not payments.outstanding(application)


def test_a_wrong_payment_code_or_a_missing_receipt_is_refused_and_audited(cat):
    application = decided_application(cat)
    notice = PaymentNotice.objects.get(application=application)
    wrong = notice.code[:-1] + str((int(notice.code[-1]) + 1) % 10)

    with pytest.raises(DomainError, match="payment code"):
        payments.confirm_at_window(application, actor=cat.clerk, payment_code=wrong, receipt_number="E-1")
    with pytest.raises(DomainError, match="e-receipt"):
        payments.confirm_at_window(application, actor=cat.clerk, payment_code=notice.code, receipt_number=" ")

    assert PaymentNotice.objects.get(pk=notice.pk).status == PaymentStatus.DUE
    refused = AuditEntry.objects.filter(event="payment.refused", success=False).order_by("id")
    assert [e.data["reason"] for e in refused] == ["payment_code_mismatch", "invalid"]
    assert refused[0].actor == cat.clerk and refused[0].data["payment_code"] == wrong


def test_paying_before_the_decision_is_a_wrong_state(cat):
    application = accepted_application(cat)
    with pytest.raises(WrongState, match="after the decision") as error:
        payments.confirm_at_window(application, actor=cat.clerk, payment_code="20260000000000000000",
                                   receipt_number="E-1")
    assert error.value.http_status == 409
    assert application.fees.get().status == FeeStatus.ESTIMATED


def test_a_second_confirmation_is_a_wrong_state_and_changes_nothing(cat):
    application = decided_application(cat)
    notice = PaymentNotice.objects.get(application=application)
    payments.confirm_at_window(application, actor=cat.clerk, payment_code=notice.code, receipt_number="E-1",
                               now=DEFAULT_NOW)
    with pytest.raises(WrongState, match="already paid"):
        payments.confirm_at_window(application, actor=cat.clerk, payment_code=notice.code, receipt_number="E-2")
    assert PaymentNotice.objects.get(pk=notice.pk).receipt_number == "E-1"
    assert application.events.filter(kind=EventKind.PAID).count() == 1


def test_nothing_to_pay_is_a_wrong_state(cat):
    application = decided_application(cat, decisions={"T-GREEN": "refuse"})
    with pytest.raises(WrongState, match="nothing to pay"):
        payments.confirm_at_window(application, actor=cat.clerk, payment_code="20260000000000000000",
                                   receipt_number="E-1")


def test_an_e_receipt_number_pays_one_notice_only(cat):
    first = decided_application(cat)
    second = decided_application(cat)
    payments.confirm_at_window(first, actor=cat.clerk, payment_code=first.payment_notice.code,
                               receipt_number="E-1")
    with pytest.raises(WrongState, match="already recorded"):
        payments.confirm_at_window(second, actor=cat.clerk, payment_code=second.payment_notice.code,
                                   receipt_number="E-1")
    assert PaymentNotice.objects.get(application=second).status == PaymentStatus.DUE


@pytest.mark.parametrize("who", ["applicant", "other_clerk", "lead_chief", "lead_staff"])
def test_only_the_lead_departments_window_clerk_confirms(cat, who):
    """The applicant never marks their own fee paid; nor may a chief, staff or another department's clerk."""
    application = decided_application(cat)
    actor = {"applicant": cat.applicant, "other_clerk": cat.add_user("clerk", cat.departments[1]),
             "lead_chief": cat.chief_of(cat.departments[0]), "lead_staff": cat.staff_of(cat.departments[0])}[who]
    with pytest.raises(NotAllowed):
        payments.confirm_at_window(application, actor=actor, payment_code=application.payment_notice.code,
                                   receipt_number="E-1")
    assert PaymentNotice.objects.get(application=application).status == PaymentStatus.DUE
    assert AuditEntry.objects.filter(event="payment.refused", data__reason="not_allowed").count() == 1


# --- payment confirmed by the payment platform (the callback's service) --------------------------------------
def test_the_platform_confirms_a_payment_once(cat):
    application = decided_application(cat)
    notice = application.payment_notice
    paid_at = DEFAULT_NOW.replace(hour=11)

    first = payments.confirm_from_platform(payment_code=notice.code, amount=Decimal("6382.20"),
                                           receipt_number="EP-9", paid_at=paid_at, now=DEFAULT_NOW)
    again = payments.confirm_from_platform(payment_code=notice.code, amount=Decimal("6382.20"),
                                           receipt_number="EP-9", paid_at=paid_at, now=DEFAULT_NOW)

    assert (first.changed, again.changed) == (True, False)
    notice = PaymentNotice.objects.get(pk=notice.pk)
    assert (notice.status, notice.paid_at, notice.receipt_number, notice.channel, notice.confirmed_by) == (
        PaymentStatus.PAID, paid_at, "EP-9", PaymentChannel.PLATFORM, None)
    assert application.events.filter(kind=EventKind.PAID).count() == 1


def test_the_platform_is_refused_for_a_wrong_amount_an_unknown_code_or_another_receipt(cat):
    application = decided_application(cat)
    code = application.payment_notice.code

    with pytest.raises(DomainError, match="amount") as mismatch:
        payments.confirm_from_platform(payment_code=code, amount=Decimal("6382.19"), receipt_number="EP-1")
    assert mismatch.value.http_status == 400
    with pytest.raises(DomainError, match="No payment notice") as unknown:
        payments.confirm_from_platform(payment_code="20269999999999999999", amount=Decimal("1"),
                                       receipt_number="EP-1")
    assert unknown.value.http_status == 404
    payments.confirm_from_platform(payment_code=code, amount=Decimal("6382.20"), receipt_number="EP-1")
    with pytest.raises(WrongState, match="another e-receipt"):
        payments.confirm_from_platform(payment_code=code, amount=Decimal("6382.20"), receipt_number="EP-2")

    assert PaymentNotice.objects.get(pk=application.payment_notice.pk).receipt_number == "EP-1"
    reasons = list(AuditEntry.objects.filter(event="payment.refused", success=False).order_by("id")
                   .values_list("data__reason", flat=True))
    assert reasons == ["amount_mismatch", "unknown_payment_code", "already_paid"]


def test_the_window_and_the_platform_agree_on_one_payment(cat):
    """Confirmed at the window with the platform's e-receipt, then the platform's callback: nothing changes."""
    application = decided_application(cat)
    notice = application.payment_notice
    payments.confirm_at_window(application, actor=cat.clerk, payment_code=notice.code, receipt_number="EP-5")
    result = payments.confirm_from_platform(payment_code=notice.code, amount=Decimal("6382.20"),
                                            receipt_number="EP-5")
    assert result.changed is False
    assert PaymentNotice.objects.get(pk=notice.pk).channel == PaymentChannel.WINDOW


# --- delivery and visits -------------------------------------------------------------------------------------------
def test_online_filing_with_mail_delivery_makes_no_visit(cat):
    application = paid_application(cat)
    with pytest.raises(DomainError, match="tracking number"):
        delivery.deliver(application, actor=cat.clerk, method="mail", tracking_number=" ")
    delivery.deliver(application, actor=cat.clerk, method="mail", tracking_number=" SF1234567890 ",
                     now=DEFAULT_NOW)

    application = reload(application)
    assert (application.status, application.delivery_method, application.tracking_number) == (
        S.DELIVERED, "mail", "SF1234567890")
    assert delivery.visit_count(application) == 0


def test_electronic_delivery_makes_no_visit(cat):
    application = paid_application(cat)
    delivery.deliver(application, actor=cat.clerk)  # the application's default: electronic certificate
    assert reload(application).delivery_method == "electronic"
    assert delivery.visit_count(application) == 0


def test_window_filing_and_window_pickup_count_two_visits(cat):
    application = paid_application(cat, actor=cat.clerk)
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
        delivery.deliver(paid_application(cat), actor=cat.clerk, method="pigeon")
    assert reload(unpaid).status == S.DECIDED


def test_only_the_lead_window_delivers_and_closes(cat):
    application = paid_application(cat)
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
