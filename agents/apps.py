from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgentsConfig(AppConfig):
    name = "agents"
    verbose_name = _("Park agency service")

    def ready(self):
        from . import hooks, navigation  # noqa: F401  (delegation, demand sweeper, chasing, demo; menu entries)
