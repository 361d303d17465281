"""委托: a company authorises a park service agent to file and follow applications for it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuthorizationScope(models.TextChoices):
    ALL = "all", _("All items")
    LISTED = "listed", _("Listed items and packages")


def power_of_attorney_path(instance, filename):
    return f"authorizations/{instance.enterprise_id}/{instance.power_of_attorney_sha256}.pdf"


class Authorization(models.Model):
    enterprise = models.ForeignKey("portal.Enterprise", on_delete=models.CASCADE, related_name="authorizations",
                                   verbose_name=_("enterprise"))
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authorizations",
                              verbose_name=_("service agent"), limit_choices_to={"role": "agent"})
    scope = models.CharField(_("scope"), max_length=8, choices=AuthorizationScope.choices,
                             default=AuthorizationScope.ALL)
    items = models.ManyToManyField("approvals.ServiceItem", blank=True, related_name="+", verbose_name=_("items"))
    packages = models.ManyToManyField("approvals.Package", blank=True, related_name="+", verbose_name=_("packages"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    power_of_attorney = models.FileField(_("signed power of attorney"), upload_to=power_of_attorney_path)
    power_of_attorney_sha256 = models.CharField(_("SHA-256 of the power of attorney"), max_length=64)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("granted by"))
    granted_at = models.DateTimeField(_("granted at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                   blank=True)
    revoke_reason = models.CharField(_("reason for revoking"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("authorisation")
        verbose_name_plural = _("authorisations")
        ordering = ["enterprise", "-granted_at"]
        constraints = [models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("valid_from")),
                                              name="authorization_period_ordered")]

    def __str__(self):
        return f"{self.enterprise} → {self.agent}"
