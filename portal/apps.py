from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal: identity, audit and supervision")

    def ready(self):
        from . import audit_hooks, db_checks, panels, second_factor  # noqa: F401  (audit receivers, role check,
        # workspace panels, the second-factor flag)
