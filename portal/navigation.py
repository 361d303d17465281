"""The role menu is assembled from entries that each app registers, like the workspace panels.

The portal owns the menu and its own pages; `approvals` and `agents` add their pages from their `ready()`
(approvals/navigation.py, agents/navigation.py) without the portal ever naming them (the dependency rule
agents -> approvals -> portal). An entry whose URL does not resolve is left out.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from portal.models.users import Role


@dataclass(order=True, frozen=True)
class MenuEntry:
    order: int
    url_name: str = field(compare=False)
    label: str = field(compare=False)
    roles: frozenset | None = field(compare=False)  # None: everyone logged in
    public: bool = field(default=False, compare=False)  # also shown to visitors who are not logged in


_registry: dict[str, MenuEntry] = {}


def menu_entry(url_name: str, label, *, order: int, roles=None, public: bool = False) -> None:
    """Add (or replace) the menu entry for the page `url_name`, shown to `roles` (None: everyone logged in)."""
    _registry[url_name] = MenuEntry(order=order, url_name=url_name, label=label,
                                    roles=None if roles is None else frozenset(roles), public=public)


def entries() -> list[MenuEntry]:
    return sorted(_registry.values())


# The portal's own pages; the apps' entries take the orders in between.
menu_entry("portal:home", _("My workspace"), order=10)
menu_entry("admin:index", _("Administration"), order=900, roles=[Role.ADMIN])
menu_entry("swagger-ui", _("API"), order=910, roles=[Role.ADMIN, Role.SUPERVISOR])
menu_entry("portal:audit_export", _("Audit log export"), order=920, roles=[Role.ADMIN, Role.SUPERVISOR])
menu_entry("portal:account", _("My account"), order=990)
