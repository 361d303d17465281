"""Charging the fees of an accepted application at the legal lower bound, and recording payment."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import Application, EventKind, FeeCharge
from approvals.notices import Notice, announce
from approvals.services import locking, permissions, timeline
from approvals.services.fees import quote_item_fees
from portal.errors import DomainError, WrongState
from portal.models.users import Role


def compute_charges(application, *, now, strict: bool = True):
    """One FeeCharge per fee rule of the application's items, from the quantities in its form.

    Runs inside the acceptance transaction; a missing quantity stops the acceptance with the field named, so
    the window asks for it in a supplement notice instead (`strict`), except for a deemed acceptance, which
    the law makes happen anyway: the problem is then put on the timeline for the window to settle.
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
                            message=_("%(fee)s: %(charged)s yuan charged at the legal lower bound "
                                      "(standard %(standard)s, %(saving)s saved).")
                            % {"fee": line.name, "charged": f"{line.charged:,.2f}",
                               "standard": f"{line.standard:,.2f}", "saving": f"{line.saving:,.2f}"},
                            data={"item": item.code, "fee": line.name, "standard": str(line.standard),
                                  "charged": str(line.charged), "saving": str(line.saving)})


def record_payment(application, *, actor, receipt_number: str, now=None, request=None) -> list[FeeCharge]:
    """Record that every unpaid fee of the application is paid, under one receipt number.

    A real payment gateway is out of scope: a window clerk confirms, or the applicant enters the receipt number
    of a bank payment. A second confirmation changes nothing and says so.
    """
    now = now or timezone.now()
    receipt_number = (receipt_number or "").strip()
    if not receipt_number:
        raise DomainError(_("Enter the receipt number of the payment."))
    with transaction.atomic():
        application = locking.lock(Application, application.pk)
        if actor.role == Role.CLERK:
            permissions.require_lead_window(actor, application)
        else:
            permissions.require_applicant_side(actor, application)
        unpaid = list(application.fees.filter(paid_at__isnull=True))
        if not unpaid:
            raise WrongState(_("There is no unpaid fee on this application."))
        if FeeCharge.objects.filter(receipt_number=receipt_number).exists():
            raise DomainError(_("This receipt number has already been used for another payment."))
        for index, charge in enumerate(unpaid):
            charge.paid_at, charge.recorded_by = now, actor
            charge.receipt_number = receipt_number if index == 0 else f"{receipt_number}-{index + 1}"
            charge.save(update_fields=["paid_at", "recorded_by", "receipt_number"])
        timeline.record(application, EventKind.PAID, actor=actor, now=now, request=request,
                        data={"receipt_number": receipt_number,
                              "amount": str(sum(c.charged_amount for c in unpaid))})
        announce(Notice.PAID, application, at=now)  # moves with the payment confirmation (clerk or callback)
    return unpaid
