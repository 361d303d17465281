"""Departments and their approval sections in the big approval section (大审批科, seed 001)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models.users import DEPARTMENT_ROLES, Role


class DepartmentLevel(models.TextChoices):
    DISTRICT = "district", _("District")
    TOWN = "town", _("Town / street")


class Department(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=128)
    short_name = models.CharField(_("short name"), max_length=32, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=DepartmentLevel.choices,
                             default=DepartmentLevel.DISTRICT)
    approval_section = models.CharField(
        _("approval section"), max_length=128,
        help_text=_("The department's section inside the big approval section, e.g. 区住建委行政审批科."),
    )
    window = models.CharField(_("service window"), max_length=64, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible leader"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="led_departments", limit_choices_to={"role": "leader"},
        help_text=_("The leader who receives this department's escalations (督办) and approves extensions."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    document_prefix = models.CharField(
        _("document number prefix"), max_length=16, blank=True,
        help_text=_("Starts the numbers of the documents it issues, e.g. 渝北城管 in 渝北城管许〔2026〕第0001号."),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def chiefs(self):
        return [a.user for a in self.assignments.all() if a.user.role == Role.CHIEF]


class StaffAssignment(models.Model):
    """Which department a clerk, staff member or chief representative works for (one each)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                                related_name="assignment")
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="assignments")
    title = models.CharField(_("title"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")

    def __str__(self):
        return f"{self.user} @ {self.department}"

    def clean(self):
        if self.user_id and self.user.role not in DEPARTMENT_ROLES:
            raise ValidationError(
                {"user": _("Only window clerks, department staff and chief representatives work for a department.")}
            )
