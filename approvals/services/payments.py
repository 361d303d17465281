"""Paying a payment notice (缴款通知): confirmed by the finance side only, never by the applicant.

Two ways in, one rule (`_confirm`): the lead department's window clerk confirms against the notice's payment
code (`confirm_at_window`), or the unified payment platform calls back (`confirm_from_platform`, after the API
has checked the HMAC signature of the request). Each stores the e-receipt number (电子票据号) it is given; an
e-receipt number pays one notice only. A platform callback is idempotent per payment code: the same payment
reported again changes nothing. Every refusal is written to the audit log, outside the rolled-back transaction.
See docs/fees.md.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import clocks, payment_codes
from approvals.calendar.loading import get_calendar
from approvals.documents import triggers as documents
from approvals.notices import Notice, announce
from approvals.models import Application, EventKind, PaymentChannel, PaymentNotice, PaymentStatus
from approvals.services import locking, permissions, timeline
from portal.errors import DomainError, WrongState
from portal.services import audit


class PaymentCodeMismatch(DomainError):
    code = "payment_code_mismatch"


class AmountMismatch(DomainError):
    code = "amount_mismatch"


class UnknownPaymentCode(DomainError):
    http_status = 404
    code = "unknown_payment_code"


class AlreadyPaid(WrongState):
    code = "already_paid"


class ReceiptNumberTaken(WrongState):
    code = "receipt_number_taken"


@dataclass(frozen=True)
class Confirmation:
    notice: PaymentNotice
    changed: bool  # False: the same payment was already recorded (a repeated callback)


def outstanding(application) -> bool:
    """Whether the application has a payment notice waiting for payment: then, and only then, delivery waits."""
    return PaymentNotice.objects.due().filter(application_id=application.pk).exists()


def record_refusal(channel: str, reason: str, *, actor=None, request=None, data: dict | None = None):
    """One audit entry (success = false) for a refused payment confirmation or callback."""
    audit.record("payment.refused", actor=actor, success=False, request=request,
                 summary=f"payment refused ({channel}): {reason}",
                 data={"channel": channel, "reason": reason, **(data or {})})


def confirm_at_window(application, *, actor, payment_code: str, receipt_number: str, now=None,
                      request=None) -> PaymentNotice:
    """The lead window's clerk confirms the payment of the application's notice against its payment code."""
    now = now or timezone.now()
    typed = payment_codes.normalise(payment_code)
    receipt_number = (receipt_number or "").strip()
    try:
        with transaction.atomic():
            application = locking.lock(Application, application.pk)
            permissions.require_lead_clerk(actor, application)
            if not receipt_number:
                raise DomainError(_("Enter the e-receipt number of the payment."))
            notice = _notice_of(application)
            if notice.status == PaymentStatus.PAID:
                raise AlreadyPaid(_("The payment notice %(code)s is already paid (e-receipt %(receipt)s).")
                                  % {"code": notice.code, "receipt": notice.receipt_number})
            if typed != notice.code:
                if not payment_codes.is_well_formed(typed):
                    raise PaymentCodeMismatch(_("“%(code)s” is not a payment code: a payment code has 20 digits. "
                                                "Check it for a typo.") % {"code": typed})
                raise PaymentCodeMismatch(_("The payment code %(code)s is not the one on the payment notice of "
                                            "%(ref)s.") % {"code": typed, "ref": application.reference})
            _confirm(notice, application, paid_at=now, now=now, receipt_number=receipt_number,
                     channel=PaymentChannel.WINDOW, by=actor, request=request)
    except DomainError as exc:
        record_refusal(PaymentChannel.WINDOW, exc.code, actor=actor, request=request,
                       data={"application": application.pk, "payment_code": typed,
                             "receipt_number": receipt_number})
        raise
    return notice


def confirm_from_platform(*, payment_code: str, amount, receipt_number: str, paid_at=None, now=None,
                          request=None) -> Confirmation:
    """The payment platform reports that the notice with `payment_code` was paid (`amount` yuan).

    The caller has authenticated the platform. The same payment reported again answers unchanged; another
    e-receipt for a paid notice, a wrong amount or an unknown code are refused (and audited).
    """
    now = now or timezone.now()
    code = payment_codes.normalise(payment_code)
    receipt_number = (receipt_number or "").strip()
    try:
        with transaction.atomic():
            if not receipt_number:
                raise DomainError(_("The e-receipt number is missing."))
            found = PaymentNotice.objects.filter(code=code).values_list("application_id", flat=True).first()
            if found is None:
                raise UnknownPaymentCode(_("No payment notice has the payment code %(code)s.") % {"code": code})
            # The same lock order as at the window (application, then notice): no deadlock between the two.
            application = locking.lock(Application, found)
            notice = locking.lock(PaymentNotice, PaymentNotice.objects.get(code=code).pk)
            if _amount(amount) != notice.charged_amount:
                raise AmountMismatch(_("The amount %(amount)s does not match the payment notice %(code)s: "
                                       "%(due)s yuan.") % {"amount": amount, "code": code,
                                                           "due": f"{notice.charged_amount:,.2f}"})
            if notice.status == PaymentStatus.PAID:
                if notice.receipt_number == receipt_number:
                    return Confirmation(notice=notice, changed=False)
                raise AlreadyPaid(_("The payment notice %(code)s is already paid with another e-receipt "
                                    "(%(receipt)s).") % {"code": code, "receipt": notice.receipt_number})
            _confirm(notice, application, paid_at=paid_at or now, now=now, receipt_number=receipt_number,
                     channel=PaymentChannel.PLATFORM, by=None, request=request)
    except DomainError as exc:
        record_refusal(PaymentChannel.PLATFORM, exc.code, request=request,
                       data={"payment_code": code, "amount": str(amount), "receipt_number": receipt_number})
        raise
    return Confirmation(notice=notice, changed=True)


def _amount(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def _notice_of(application) -> PaymentNotice:
    """The application's payment notice, locked; WrongState when there is none (yet)."""
    notice = PaymentNotice.objects.select_for_update().filter(application=application).first()
    if notice is not None:
        return notice
    if application.decided_at is None:
        raise WrongState(_("Fees become due after the decision: there is no payment notice yet."))
    raise WrongState(_("There is nothing to pay: no fee is charged on this application."))


def _confirm(notice, application, *, paid_at, now, receipt_number, channel, by, request):
    """Record the payment on the locked notice, with its timeline event and audit entry."""
    taken = _("The e-receipt number %(receipt)s is already recorded for another payment.") % {
        "receipt": receipt_number}
    if PaymentNotice.objects.filter(receipt_number=receipt_number).exclude(pk=notice.pk).exists():
        raise ReceiptNumberTaken(taken)
    notice.confirm(at=paid_at, receipt_number=receipt_number, channel=channel, by=by, now=now)
    try:
        with transaction.atomic():
            locking.save(notice)
    except IntegrityError:  # the same e-receipt number recorded at the same moment for another notice
        raise ReceiptNumberTaken(taken) from None
    # The delivery clock (Art. 44) runs again from the payment: the days the fee was awaited do not count.
    due = clocks.delivery_due_at(get_calendar(), application.decided_at, fee_issued_at=notice.issued_at,
                                 fee_paid_at=notice.waited_until)
    application.set_delivery_clock(due)
    locking.save(application, "delivery_due_at", "delivery_check_at")
    timeline.record(application, EventKind.PAID, actor=by, now=now, request=request, subject=notice,
                    data={"payment_code": notice.code, "amount": str(notice.charged_amount),
                          "receipt_number": receipt_number, "channel": channel,
                          "delivery_due_at": due.isoformat() if due else None})
    documents.paid(application)  # 电子票据
    announce(Notice.PAID, application, at=now)
