"""Parks and the enterprises in them: one leader and one service agent each (一个企业、一个领导、一个专员)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.credit_code import normalise, validate_credit_code


class Park(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=128)
    operator = models.CharField(_("operating company"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Enterprise(models.Model):
    name = models.CharField(_("name"), max_length=128)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, GB 32100-2015, e.g. 91500112MA5U7XQ074."),
    )
    legal_representative = models.CharField(_("legal representative"), max_length=64)
    address = models.CharField(_("registered address"), max_length=255, blank=True)
    park = models.ForeignKey(
        Park, verbose_name=_("park"), on_delete=models.PROTECT, null=True, blank=True, related_name="enterprises"
    )
    leader = models.ForeignKey(
        "portal.User",
        verbose_name=_("responsible leader"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_enterprises",
        limit_choices_to={"role": "leader"},
    )
    service_agent = models.ForeignKey(
        "portal.User",
        verbose_name=_("service agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="served_enterprises",
        limit_choices_to={"role": "agent"},
    )
    false_commitment_recorded = models.BooleanField(
        _("false commitment on record"),
        default=False,
        help_text=_("An enterprise with a recorded false commitment may not use 告知承诺."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.credit_code = normalise(self.credit_code)
        super().save(*args, **kwargs)
