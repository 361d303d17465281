"""Fees of an application (at the legal lower bound), its payment notice (缴款通知) and in-person visits (跑动次数).

A fee is estimated when the bundle is accepted and charged only if its item is approved: the decision turns
each estimate into a charge (approved item) or leaves it uncharged (refused or cancelled item) and, when
anything is charged, issues ONE payment notice with a payment code (缴款码). The notice is paid only when the
finance side confirms it: the lead department's window clerk against the payment code, or the payment
platform's signed callback. See docs/fees.md.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

ZERO = Decimal("0.00")


class FeeStatus(models.TextChoices):
    ESTIMATED = "estimated", _("Estimated: due only if the item is approved")
    CHARGED = "charged", pgettext_lazy("fee status", "Charged")
    NOT_CHARGED = "not_charged", _("Not charged")


class FeeChargeQuerySet(models.QuerySet):
    def counted(self):
        """The fees that count in an application's totals: estimates before the decision, charges after it."""
        return self.exclude(status=FeeStatus.NOT_CHARGED)

    def totals(self) -> dict:
        """{"standard", "charged", "saving"} of the counted fees (Decimal; 0.00 when there is none)."""
        sums = self.counted().aggregate(standard=Sum("standard_amount"), charged=Sum("charged_amount"),
                                        saving=Sum("saving"))
        return {key: value if value is not None else ZERO for key, value in sums.items()}


class FeeCharge(ConcurrentTransitionMixin, models.Model):
    application = models.ForeignKey("approvals.Application", on_delete=models.CASCADE, related_name="fees")
    item = models.ForeignKey("approvals.ServiceItem", on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey("approvals.FeeRule", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2)
    standard_amount = models.DecimalField(_("standard amount"), max_digits=14, decimal_places=2)
    charged_amount = models.DecimalField(_("charged amount"), max_digits=14, decimal_places=2)
    saving = models.DecimalField(_("saving"), max_digits=14, decimal_places=2)
    computed_at = models.DateTimeField(_("computed at"))
    status = FSMField(_("status"), max_length=16, choices=FeeStatus.choices, default=FeeStatus.ESTIMATED,
                      protected=True)
    notice = models.ForeignKey("approvals.PaymentNotice", verbose_name=_("payment notice"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="charges")

    objects = FeeChargeQuerySet.as_manager()

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["application", "item", "rule"]
        constraints = [
            models.UniqueConstraint(fields=["application", "rule"], name="one_charge_per_rule"),
        ]

    @transition(field=status, source=FeeStatus.ESTIMATED, target=FeeStatus.CHARGED)
    def charge(self, *, notice):
        self.notice = notice

    @transition(field=status, source=FeeStatus.ESTIMATED, target=FeeStatus.NOT_CHARGED)
    def leave_uncharged(self):
        pass


class PaymentStatus(models.TextChoices):
    DUE = "due", _("Awaiting payment")
    PAID = "paid", _("Paid")


class PaymentChannel(models.TextChoices):
    WINDOW = "window", _("Confirmed at the window")
    PLATFORM = "platform", _("Unified payment platform")


class PaymentNoticeQuerySet(models.QuerySet):
    def due(self):
        """Notices waiting for payment: what holds the delivery of an application's results."""
        return self.filter(status=PaymentStatus.DUE)

    def paid(self):
        return self.filter(status=PaymentStatus.PAID)


class PaymentNotice(ConcurrentTransitionMixin, models.Model):
    """The payment notice (缴款通知书) of a decided application: the approved items' fees under one payment code.

    Paid only by the finance side: `confirm` records the e-receipt (电子票据) number the platform or the window
    gives, when it was paid, through which channel and (at the window) by whom.
    """

    application = models.OneToOneField("approvals.Application", verbose_name=_("application"),
                                        on_delete=models.CASCADE, related_name="payment_notice")
    code = models.CharField(_("payment code"), max_length=20, unique=True)
    standard_amount = models.DecimalField(_("standard amount"), max_digits=14, decimal_places=2)
    charged_amount = models.DecimalField(_("amount to pay"), max_digits=14, decimal_places=2)
    saving = models.DecimalField(_("saving"), max_digits=14, decimal_places=2)
    issued_at = models.DateTimeField(_("issued at"))
    status = FSMField(_("status"), max_length=8, choices=PaymentStatus.choices, default=PaymentStatus.DUE,
                      protected=True, db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    receipt_number = models.CharField(_("e-receipt number"), max_length=64, blank=True)
    channel = models.CharField(_("confirmed through"), max_length=16, choices=PaymentChannel.choices, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"),
                                     on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = PaymentNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment notice")
        verbose_name_plural = _("payment notices")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["receipt_number"], condition=~models.Q(receipt_number=""),
                                    name="payment_receipt_number_unique"),
        ]

    def __str__(self):
        return self.code

    @property
    def waited_until(self):
        """When the wait for this payment ended, for the delivery clock (`clocks.delivery_due_at`): None while it
        is due; else the payment, never before the notice (a platform's clock a little behind) nor after the
        confirmation that told the agency."""
        if self.status != PaymentStatus.PAID or self.paid_at is None:
            return None
        end = max(self.paid_at, self.issued_at)
        return min(end, self.confirmed_at) if self.confirmed_at else end

    @transition(field=status, source=PaymentStatus.DUE, target=PaymentStatus.PAID)
    def confirm(self, *, at, receipt_number, channel, by=None, now=None):
        self.paid_at = at
        self.receipt_number = receipt_number
        self.channel = channel
        self.confirmed_by = by
        self.confirmed_at = now or at


class VisitKind(models.TextChoices):
    WINDOW_FILING = "window_filing", _("Filing at the window")
    WINDOW_SUPPLEMENT = "window_supplement", _("Supplement at the window")
    WINDOW_PICKUP = "window_pickup", _("Pickup at the window")


class Visit(models.Model):
    """One trip the applicant made in person. Online filing + mail or electronic delivery makes none."""

    application = models.ForeignKey("approvals.Application", on_delete=models.CASCADE, related_name="visits")
    kind = models.CharField(_("kind"), max_length=24, choices=VisitKind.choices)
    at = models.DateTimeField(_("time"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["application", "at"]
