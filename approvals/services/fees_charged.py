"""Fees of an application: estimated at acceptance, charged at the decision for the approved items only.

The payment of what is charged is recorded by `approvals.services.payments` (the finance side only).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import payment_codes
from approvals.documents import triggers as documents
from approvals.models import Decision, EventKind, FeeCharge, FeeStatus, PaymentNotice, ReviewStatus
from approvals.services import locking, timeline
from approvals.services.fees import ZERO, quote_item_fees
from portal.errors import DomainError


def compute_charges(application, *, now, strict: bool = True):
    """One estimated FeeCharge per fee rule of the application's items, from the quantities in its form.

    An estimate is charged only if its item is approved (`settle_at_decision`). Runs inside the acceptance
    transaction; a missing quantity stops the acceptance with the field named, so the window asks for it in a
    supplement notice instead (`strict`), except for a deemed acceptance, which the law makes happen anyway:
    the problem is then put on the timeline for the window to settle, and nothing is charged for that item.
    """
    for item in application.items.prefetch_related("fee_rules"):
        try:
            sheet = quote_item_fees(item, application.form_data)
        except ValueError as exc:
            if strict:
                raise DomainError(str(exc)) from None
            # A deemed acceptance (Art. 32) cannot wait for a quantity: the fee is settled by the window later.
            timeline.record(application, EventKind.FEE, now=now, message=str(exc), data={"item": item.code})
            continue
        for line in sheet.lines:
            FeeCharge.objects.update_or_create(
                application=application, rule=line.rule,
                defaults={"item": item, "quantity": line.quantity, "standard_amount": line.standard,
                          "charged_amount": line.charged, "saving": line.saving, "computed_at": now},
            )
            timeline.record(application, EventKind.FEE, now=now,
                            message=_("%(fee)s: %(charged)s yuan at the legal lower bound (standard "
                                      "%(standard)s, %(saving)s saved), due only if the item is approved.")
                            % {"fee": line.name, "charged": f"{line.charged:,.2f}",
                               "standard": f"{line.standard:,.2f}", "saving": f"{line.saving:,.2f}"},
                            data={"item": item.code, "fee": line.name, "standard": str(line.standard),
                                  "charged": str(line.charged), "saving": str(line.saving)})


def settle_at_decision(application, *, now, actor=None) -> PaymentNotice | None:
    """At the bundle's decision: the approved items' fees are charged, the others' (refused, or cancelled by an
    earlier refusal) are not; what is charged goes on ONE payment notice with a payment code.

    Runs inside the transaction of the last signature. Nothing charged (or only zero amounts): no notice, so
    nothing holds the delivery of the results.
    """
    approved = set(application.reviews.filter(status=ReviewStatus.SIGNED, decision=Decision.APPROVE)
                   .values_list("item_id", flat=True))
    charges = list(application.fees.select_for_update().filter(status=FeeStatus.ESTIMATED).order_by("id"))
    due = [c for c in charges if c.item_id in approved]
    for charge in charges:
        if charge.item_id not in approved:
            charge.leave_uncharged()
            locking.save(charge)
    total = sum((c.charged_amount for c in due), ZERO)
    notice = _issue_notice(application, due, now=now) if total > ZERO else None
    for charge in due:
        charge.charge(notice=notice)
        locking.save(charge)
    if notice is not None:
        timeline.record(application, EventKind.FEE, actor=actor, now=now, subject=notice,
                        message=_("Payment notice issued: %(amount)s yuan to pay with the payment code %(code)s "
                                  "(standard %(standard)s, %(saving)s saved). The payment is confirmed by the "
                                  "finance side.")
                        % {"amount": f"{notice.charged_amount:,.2f}", "code": notice.code,
                           "standard": f"{notice.standard_amount:,.2f}", "saving": f"{notice.saving:,.2f}"},
                        data={"payment_code": notice.code, "amount": str(notice.charged_amount)})
        documents.fees_due(application)  # 缴款通知书
    return notice


def _issue_notice(application, charges, *, now, attempts: int = 3) -> PaymentNotice:
    """The application's payment notice with a fresh payment code (drawn again on the rare collision)."""
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic():
                return PaymentNotice.objects.create(
                    application=application, code=payment_codes.new_code(year=timezone.localtime(now).year), issued_at=now,
                    standard_amount=sum((c.standard_amount for c in charges), ZERO),
                    charged_amount=sum((c.charged_amount for c in charges), ZERO),
                    saving=sum((c.saving for c in charges), ZERO))
        except IntegrityError:
            if attempt == attempts or PaymentNotice.objects.filter(application=application).exists():
                raise


def leave_estimates_uncharged(application):
    """A withdrawn application is charged nothing: its estimates stay on record, not charged."""
    for charge in application.fees.select_for_update().filter(status=FeeStatus.ESTIMATED):
        charge.leave_uncharged()
        locking.save(charge)
