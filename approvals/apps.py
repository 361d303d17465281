from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Approvals: departments, catalog, calendar")

    def ready(self):
        from . import navigation, panels, signals  # noqa: F401  (menu entries; workspace panels; calendar cache)
        from .documents import relay  # noqa: F401  (pending documents join the deadline sweep)
        from .services import rating_clocks  # noqa: F401  (rectifications and pain points join it too)

        from . import demo
        from .demo.ratings import load_ratings_demo

        demo.register("Ratings demo", load_ratings_demo)  # after the bundles: it rates the decided ones
