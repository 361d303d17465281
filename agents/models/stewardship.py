"""一个企业、一个领导、一个专员: who answered for a company, and since when (reassigning keeps history)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Stewardship(models.Model):
    enterprise = models.ForeignKey("portal.Enterprise", on_delete=models.CASCADE, related_name="stewardships",
                                   verbose_name=_("enterprise"))
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                               blank=True, verbose_name=_("responsible leader"))
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                              blank=True, verbose_name=_("service agent"))
    since = models.DateTimeField(_("since"))
    until = models.DateTimeField(_("until"), null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                   blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("leader and agent of an enterprise")
        verbose_name_plural = _("leaders and agents of enterprises")
        ordering = ["enterprise", "-since"]
        constraints = [models.UniqueConstraint(fields=["enterprise"], condition=models.Q(until__isnull=True),
                                               name="one_current_stewardship")]
