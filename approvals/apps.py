from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Approvals: departments, catalog, calendar")

    def ready(self):
        from . import navigation, panels, signals  # noqa: F401  (menu entries; workspace panels; calendar cache)
        from .documents import notice_links
        from .documents import relay  # noqa: F401  (pending documents join the deadline sweep)
        from .demo import register
        from .demo.live_work import load_live_work
        from .demo.ratings import load_ratings_demo
        from .notices import register_document_links
        from .services import rating_clocks  # noqa: F401  (rectifications and pain points join the sweep too)

        register_document_links(notice_links.links)  # every notification links its event's documents
        register("Live work", load_live_work)  # seed_demo: bundles in every state, after the district
        register("Ratings demo", load_ratings_demo)  # after the bundles: it rates the decided ones
