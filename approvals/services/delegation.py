"""Acting for an enterprise on someone else's authority: the hook the agents package plugs into.

The approvals package must not import `agents` (the dependency rule agents -> approvals -> portal), yet park
service agents file and follow applications for the companies that authorised them. So `agents` registers a
check here from its AppConfig.ready(); the services call `check(user, enterprise, items)`. It registers a
visibility rule too: `Application.objects.visible_to(user)` asks `visible_applications(user)` which
applications a user sees on someone else's authority.
"""

from dataclasses import dataclass
from typing import Callable

from django.db.models import Q
from django.utils.translation import gettext as _

from portal.errors import NotAllowed


@dataclass(frozen=True)
class Delegation:
    """`user` may act for `enterprise` on these items, under `authority` (e.g. an authorisation's id)."""

    user: object
    enterprise: object
    authority: str


# check(user, enterprise, items, today) -> Delegation, or raises NotAllowed with the reason, or None if the
# user is not someone this check speaks for.
_checks: list[Callable] = []


def register(check: Callable) -> None:
    if check not in _checks:
        _checks.append(check)


def check(user, enterprise, items, *, today=None) -> Delegation:
    """The delegation under which `user` acts for `enterprise` on `items` today; NotAllowed otherwise."""
    for registered in _checks:
        delegation = registered(user, enterprise, list(items), today)
        if delegation is not None:
            return delegation
    raise NotAllowed(_("You cannot act for %(enterprise)s.") % {"enterprise": enterprise})


def may_act(user, enterprise, items, *, today=None) -> bool:
    try:
        check(user, enterprise, items, today=today)
    except NotAllowed:
        return False
    return True


# visible(user, today) -> a Q over Application of what `user` sees on delegated authority, or None if the rule
# does not speak for this user.
_visibility: list[Callable] = []


def register_visibility(rule: Callable) -> None:
    if rule not in _visibility:
        _visibility.append(rule)


def visible_applications(user, *, today=None) -> Q:
    """The applications `user` sees on someone else's authority (nothing unless a registered rule says so)."""
    seen = Q(pk__in=[])
    for rule in _visibility:
        found = rule(user, today)
        if found is not None:
            seen |= found
    return seen
