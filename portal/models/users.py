"""The portal's user: one role each; applicants belong to an enterprise."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    AGENT = "agent", _("Park service agent")
    CLERK = "clerk", _("Window clerk")
    STAFF = "staff", _("Department staff")
    CHIEF = "chief", _("Chief representative")
    LEADER = "leader", _("Leader")
    ADMIN = "admin", _("Administrator")
    SUPERVISOR = "supervisor", _("Supervisor")


# Roles that act for the government: they must log in with a second factor (等保 2.0 level 3).
STAFF_ROLES = frozenset({Role.CLERK, Role.STAFF, Role.CHIEF, Role.LEADER, Role.ADMIN, Role.SUPERVISOR})
# Roles that work for a department and see its queue.
DEPARTMENT_ROLES = frozenset({Role.CLERK, Role.STAFF, Role.CHIEF})


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.APPLICANT)
    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    enterprise = models.ForeignKey(
        "portal.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text=_("Required for applicants: the company they act for."),
    )
    # Kept by portal.second_factor from the devices themselves (any change, the admin's included).
    second_factor_enrolled = models.BooleanField(
        _("second factor enrolled"), default=False, editable=False,
        help_text=_("Whether the user has a confirmed authenticator (TOTP device)."),
    )
    language = models.CharField(
        _("language"), max_length=16, choices=settings.LANGUAGES, blank=True,
        help_text=_("The language of this user's notifications and e-mails; empty: the portal's default "
                    "(Simplified Chinese). Set when the user switches the language while logged in."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def notification_language(self) -> str:
        return self.language or settings.LANGUAGE_CODE

    @property
    def needs_second_factor(self) -> bool:
        """Staff must always use TOTP; applicants and agents only once they have enrolled a device. Asked on every
        request (portal.middleware), so it reads the user's own row, not the devices."""
        return self.role in STAFF_ROLES or self.is_superuser or self.second_factor_enrolled

    def has_confirmed_device(self) -> bool:
        from django_otp import devices_for_user

        return any(True for _ in devices_for_user(self, confirmed=True))

    def save(self, *args, **kwargs):
        """Saving a loaded user never writes `second_factor_enrolled`: only portal.second_factor does, from the
        devices. A copy loaded before an enrolment (the request's user, say) must not turn the flag back off when
        something else about the user is saved."""
        if (self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None
                and not kwargs.get("force_insert") and not (args and args[0])):
            kwargs["update_fields"] = [f.name for f in self._meta.concrete_fields
                                       if not f.primary_key and f.name != "second_factor_enrolled"]
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.role == Role.APPLICANT and not self.enterprise_id:
            raise ValidationError({"enterprise": _("An applicant must belong to an enterprise.")})
