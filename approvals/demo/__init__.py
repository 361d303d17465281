"""Demo data for the portal: a realistic district catalog taken from the seed articles (see catalog_data).

Packages that build on approvals add their own demo rows without approvals importing them (the dependency rule
agents -> approvals -> portal): `register(label, loader)` from their `AppConfig.ready()`; `manage.py seed_demo`
runs every registered loader, in registration order, after the district is loaded. A loader takes no arguments,
is idempotent, and returns {what: how many} for the summary line.
"""

from typing import Callable

_loaders: dict[str, Callable[[], dict]] = {}


def register(label: str, loader: Callable[[], dict]) -> None:
    """Run `loader()` after the district in `seed_demo`; its counts are printed as "<label>: n what, ..."."""
    _loaders[label] = loader


def extra_loaders() -> list[tuple[str, Callable[[], dict]]]:
    return list(_loaders.items())
