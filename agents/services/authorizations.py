"""Granting and revoking authorisations (委托), and the check that lets an agent act for a company."""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agents.models import Authorization, AuthorizationScope
from approvals.models import Application
from approvals.services.delegation import Delegation
from approvals.services.uploads import check_upload
from portal.errors import DomainError, NotAllowed
from portal.models.users import Role
from portal.services import audit


def _require_company_member(actor, enterprise):
    if not (actor.role == Role.APPLICANT and actor.enterprise_id == enterprise.pk):
        raise NotAllowed(_("Only a member of %(enterprise)s can authorise or revoke an agent for it.")
                         % {"enterprise": enterprise})


def grant(*, actor, enterprise, agent, valid_from, valid_until, power_of_attorney, scope=AuthorizationScope.ALL,
          items=(), packages=(), now=None, request=None) -> Authorization:
    """The company authorises `agent`; the signed power of attorney is checked like any upload (PDF/image)."""
    now = now or timezone.now()
    _require_company_member(actor, enterprise)
    if agent.role != Role.AGENT:
        raise DomainError(_("Only a park service agent can be authorised."))
    if valid_until < valid_from:
        raise DomainError(_("The authorisation must end on or after the day it starts."))
    if scope == AuthorizationScope.LISTED and not (list(items) or list(packages)):
        raise DomainError(_("List the items or packages the agent may handle, or choose all items."))
    checked = check_upload(power_of_attorney)
    with transaction.atomic():
        authorization = Authorization(
            enterprise=enterprise, agent=agent, scope=scope, valid_from=valid_from, valid_until=valid_until,
            power_of_attorney_sha256=checked.sha256, granted_by=actor, granted_at=now,
        )
        authorization.power_of_attorney.save("poa", ContentFile(checked.content), save=False)
        authorization.save()
        if scope == AuthorizationScope.LISTED:
            authorization.items.set(items)
            authorization.packages.set(packages)
        audit.record("authorization.granted", actor=actor, subject=authorization, request=request,
                     summary=f"{enterprise.credit_code} -> {agent.username}",
                     data={"scope": scope, "from": str(valid_from), "until": str(valid_until),
                           "sha256": checked.sha256})
    return authorization


def revoke(authorization, *, actor, reason: str = "", now=None, request=None) -> Authorization:
    now = now or timezone.now()
    with transaction.atomic():
        authorization = Authorization.objects.select_for_update().get(pk=authorization.pk)
        _require_company_member(actor, authorization.enterprise)
        if authorization.revoked_at is not None:
            raise DomainError(_("This authorisation was already revoked on %(date)s.")
                              % {"date": timezone.localtime(authorization.revoked_at).strftime("%Y-%m-%d")})
        authorization.revoked_at, authorization.revoked_by = now, actor
        authorization.revoke_reason = (reason or "").strip()[:255]
        authorization.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit.record("authorization.revoked", actor=actor, subject=authorization, request=request,
                     summary=authorization.revoke_reason)
    return authorization


def covered_item_ids(authorization) -> set:
    """The ids of the items a LISTED authorisation covers: its items and those of its packages."""
    allowed = set(authorization.items.values_list("pk", flat=True))
    allowed |= set(authorization.packages.values_list("stages__items", flat=True))
    return allowed


def covers(authorization, items) -> list:
    """The items of `items` the authorisation does NOT cover."""
    if authorization.scope == AuthorizationScope.ALL:
        return []
    allowed = covered_item_ids(authorization)
    return [item for item in items if item.pk not in allowed]


def delegation_check(user, enterprise, items, today):
    """Registered with approvals.services.delegation: may agent `user` act for `enterprise` on `items` today?"""
    if user.role != Role.AGENT:
        return None
    today = today or timezone.localdate()
    candidates = list(Authorization.objects.filter(enterprise=enterprise, agent=user).order_by("-granted_at"))
    if not candidates:
        raise NotAllowed(_("%(enterprise)s has not authorised you (委托) to act for it.") % {"enterprise": enterprise})
    reasons = []
    for authorization in candidates:
        if authorization.revoked_at is not None:
            reasons.append(_("the authorisation was revoked on %(date)s")
                           % {"date": timezone.localtime(authorization.revoked_at).strftime("%Y-%m-%d")})
            continue
        if today < authorization.valid_from:
            reasons.append(_("the authorisation starts on %(date)s") % {"date": authorization.valid_from})
            continue
        if today > authorization.valid_until:
            reasons.append(_("the authorisation expired on %(date)s") % {"date": authorization.valid_until})
            continue
        missing = covers(authorization, items)
        if missing:
            reasons.append(_("the authorisation does not cover %(items)s")
                           % {"items": "、".join(item.name for item in missing)})
            continue
        return Delegation(user=user, enterprise=enterprise, authority=f"authorization:{authorization.pk}")
    raise NotAllowed(_("You cannot act for %(enterprise)s: %(reason)s.")
                     % {"enterprise": enterprise, "reason": "; ".join(dict.fromkeys(str(r) for r in reasons))})


def visible_applications(user, today):
    """Registered with approvals.services.delegation: the applications agent `user` sees today, as a Q over
    Application — those of each enterprise whose valid authorisation covers all their items (the test of
    `delegation_check`, in SQL)."""
    if user.role != Role.AGENT:
        return None
    whole, seen = [], Q(pk__in=[])
    for authorization in valid_authorizations(agent=user, today=today):
        if authorization.scope == AuthorizationScope.ALL:
            whole.append(authorization.enterprise_id)
            continue
        uncovered = (Application.items.through.objects.filter(application_id=OuterRef("pk"))
                     .exclude(serviceitem_id__in=covered_item_ids(authorization)))
        seen |= Q(enterprise_id=authorization.enterprise_id) & ~Exists(uncovered)
    if whole:
        seen |= Q(enterprise_id__in=whole)
    return seen


def valid_authorizations(enterprise=None, agent=None, *, today=None):
    """Authorisations in force on `today` (not revoked, inside their validity), newest first."""
    today = today or timezone.localdate()
    rows = Authorization.objects.filter(revoked_at__isnull=True, valid_from__lte=today, valid_until__gte=today)
    if enterprise is not None:
        rows = rows.filter(enterprise=enterprise)
    if agent is not None:
        rows = rows.filter(agent=agent)
    return rows.order_by("-granted_at")


def represents(agent, enterprise, *, today=None) -> bool:
    """Whether park agent `agent` speaks for `enterprise`: its service agent (一企一专员) or authorised today."""
    if agent is None or agent.role != Role.AGENT:
        return False
    if enterprise.service_agent_id == agent.pk:
        return True
    return valid_authorizations(enterprise, agent, today=today).exists()


def hashed(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
