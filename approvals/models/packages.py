"""Packages ("一件事", joint stage plans): ordered stages, each with a lead department and its items."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .catalog import ServiceItem
from .departments import Department


class Package(models.Model):
    code = models.SlugField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=128)
    description = models.TextField(_("description"), blank=True)
    joint = models.BooleanField(
        _("joint handling"), default=False,
        help_text=_("Joint / centralised handling: legal limit 45 working days, extension up to 15 (Art. 42)."),
    )
    active = models.BooleanField(_("on the catalog"), default=True)

    class Meta:
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def items(self):
        return ServiceItem.objects.filter(stages__package=self).distinct()


class PackageStage(models.Model):
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="stages",
                                verbose_name=_("package"))
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=128)
    lead_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="led_stages",
                                        verbose_name=_("lead department"))
    promised_limit_days = models.PositiveIntegerField(_("promised stage limit (working days)"))
    items = models.ManyToManyField(ServiceItem, related_name="stages", verbose_name=_("items"))

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["package", "order"]
        constraints = [models.UniqueConstraint(fields=["package", "order"], name="stage_order_unique")]

    def __str__(self):
        return f"{self.package.name} · {self.order}. {self.name}"
