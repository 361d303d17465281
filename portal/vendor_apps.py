"""Third-party apps under names an administrator reads in the portal's language.

The admin index groups models by app and shows each app's `verbose_name`; django-axes and django-otp ship none
that is translated (the TOTP device's model name is not even marked for translation). These configs keep the
apps' own names, labels and start-up code and only give them translatable names (INSTALLED_APPS lists them).
"""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPDefaultConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login protection (AXES)")


class OTPConfig(AppConfig):
    name = "django_otp"
    default_auto_field = "django.db.models.AutoField"
    verbose_name = _("Two-factor authentication")


class TOTPConfig(TOTPDefaultConfig):
    verbose_name = _("Dynamic codes (TOTP)")

    def ready(self):
        super().ready()
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice._meta.verbose_name = _("TOTP authenticator")
        TOTPDevice._meta.verbose_name_plural = _("TOTP authenticators")
