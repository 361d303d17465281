"""一个企业、一个领导、一个专员: reassigning a company's leader or service agent, keeping the history."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agents.models import Stewardship
from agents.services.authorizations import valid_authorizations
from portal.errors import DomainError, NotAllowed
from portal.models import Enterprise
from portal.models.users import Role
from portal.services import audit


def current(enterprise) -> Stewardship | None:
    return Stewardship.objects.filter(enterprise=enterprise, until__isnull=True).first()


def history(enterprise):
    """Who answered for the company, newest first (the current row has no `until`)."""
    return (Stewardship.objects.filter(enterprise=enterprise).select_related("leader", "agent", "changed_by")
            .order_by("-since", "-pk"))


def check_reassignment(enterprise, *, actor, leader=None, agent=None, reason) -> None:
    """Raise the DomainError that `reassign` would raise for these arguments, without writing anything (so a
    form can show it next to the fields). `enterprise` is None for a company not saved yet."""
    if actor is None or not (actor.role in (Role.ADMIN, Role.LEADER) or actor.is_superuser):
        raise NotAllowed(_("Only an administrator or a leader can reassign a company's leader or agent."))
    if not (reason or "").strip():
        raise DomainError(_("Say why the company's leader or agent changes."))
    if leader is None and agent is None:
        raise DomainError(_("Choose a new leader, a new agent, or both."))
    if leader is not None and (leader.role != Role.LEADER or not leader.is_active):
        raise DomainError(_("%(user)s is not an active leader.") % {"user": leader})
    if agent is not None and (agent.role != Role.AGENT or not agent.is_active):
        raise DomainError(_("%(user)s is not an active park service agent.") % {"user": agent})
    if enterprise is not None and enterprise.pk is not None:
        current = Enterprise.objects.filter(pk=enterprise.pk).values_list("leader_id", "service_agent_id").first()
        if current is not None and _pair(current, leader, agent) == current:
            raise DomainError(_("Nothing changes: that is already the company's leader and agent."))


def _pair(current, leader, agent):
    return (leader.pk if leader is not None else current[0], agent.pk if agent is not None else current[1])


def reassign(enterprise, *, actor, leader=None, agent=None, reason, now=None, request=None) -> Stewardship:
    """Give the company a new leader and/or service agent: the current row is closed, a new one opened, and the
    change is audited. The only writer of a company's leader and agent (pages, API and the Django admin)."""
    now = now or timezone.now()
    check_reassignment(None, actor=actor, leader=leader, agent=agent, reason=reason)
    reason = reason.strip()
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        new_leader_id, new_agent_id = _pair((enterprise.leader_id, enterprise.service_agent_id), leader, agent)
        if (new_leader_id, new_agent_id) == (enterprise.leader_id, enterprise.service_agent_id):
            raise DomainError(_("Nothing changes: that is already the company's leader and agent."))
        row = Stewardship.objects.select_for_update().filter(enterprise=enterprise, until__isnull=True).first()
        if row is None and (enterprise.leader_id or enterprise.service_agent_id):
            # The pair in place before any reassignment was recorded: kept as the first line of the history.
            row = Stewardship.objects.create(enterprise=enterprise, leader_id=enterprise.leader_id,
                                             agent_id=enterprise.service_agent_id,
                                             since=min(enterprise.created_at, now), reason="")
        if row is not None:
            row.until = now
            row.save(update_fields=["until"])
        new = Stewardship.objects.create(enterprise=enterprise, leader_id=new_leader_id, agent_id=new_agent_id,
                                         since=now, changed_by=actor, reason=reason[:255])
        previous = {"leader": enterprise.leader_id, "agent": enterprise.service_agent_id}
        enterprise.leader_id, enterprise.service_agent_id = new_leader_id, new_agent_id
        enterprise.save(update_fields=["leader", "service_agent"])
        audit.record("enterprise.stewardship_changed", actor=actor, subject=enterprise, request=request,
                     summary=reason[:255],
                     data={"from": previous, "to": {"leader": new_leader_id, "agent": new_agent_id}})
    return new


def companies_of(user, *, today=None):
    """The companies a park user answers for: an agent's (served or authorised today), a leader's; all for an
    administrator or supervisor."""
    rows = Enterprise.objects.all()
    if user.role == Role.AGENT:
        authorised = valid_authorizations(agent=user, today=today).values("enterprise_id")
        return rows.filter(Q(service_agent=user) | Q(pk__in=authorised)).distinct()
    if user.role == Role.LEADER:
        return rows.filter(leader=user)
    if user.role in (Role.ADMIN, Role.SUPERVISOR):
        return rows
    return rows.none()
