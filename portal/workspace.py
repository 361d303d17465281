"""Role workspaces are assembled from panels that each app registers.

The portal owns the page; `approvals` and `agents` add panels from their `ready()` without the portal ever
importing them (the dependency rule agents -> approvals -> portal).
"""

from dataclasses import dataclass, field
from typing import Callable


@dataclass(order=True)
class Panel:
    order: int
    name: str = field(compare=False)
    roles: frozenset = field(compare=False)
    template: str = field(compare=False)
    context: Callable = field(compare=False)  # context(request) -> dict, or None to hide the panel


_registry: dict[str, Panel] = {}


def panel(name: str, *, roles, template: str, order: int = 100):
    """Decorator: register `fn(request) -> dict | None` as the context of a workspace panel."""

    def register(fn):
        _registry[name] = Panel(order=order, name=name, roles=frozenset(roles), template=template, context=fn)
        return fn

    return register


def panels_for(request) -> list[dict]:
    shown = []
    for p in sorted(_registry.values()):
        if request.user.role in p.roles or (request.user.is_superuser and "admin" in p.roles):
            ctx = p.context(request)
            if ctx is not None:
                shown.append({"name": p.name, "template": p.template, "context": ctx})
    return shown
