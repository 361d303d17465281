"""Fees charged on an application (at the legal lower bound) and in-person visits (跑动次数)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FeeCharge(models.Model):
    application = models.ForeignKey("approvals.Application", on_delete=models.CASCADE, related_name="fees")
    item = models.ForeignKey("approvals.ServiceItem", on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey("approvals.FeeRule", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2)
    standard_amount = models.DecimalField(_("standard amount"), max_digits=14, decimal_places=2)
    charged_amount = models.DecimalField(_("charged amount"), max_digits=14, decimal_places=2)
    saving = models.DecimalField(_("saving"), max_digits=14, decimal_places=2)
    computed_at = models.DateTimeField(_("computed at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["application", "item", "rule"]
        constraints = [
            models.UniqueConstraint(fields=["application", "rule"], name="one_charge_per_rule"),
            models.UniqueConstraint(fields=["receipt_number"], condition=~models.Q(receipt_number=""),
                                    name="receipt_number_unique"),
        ]


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
