"""What each user can SEE through the agents API, as querysets.

Seeing is not acting: a visible object whose action the caller may not take answers 403 from the service
(NotAllowed); an object the caller cannot see answers 404, so its existence is not revealed.

- Administrators and supervisors see everything.
- A leader sees the companies they answer for (Enterprise.leader) and what belongs to them.
- A park service agent sees "their companies" (agents.services.stewardship.companies_of: those they serve or
  hold a valid authorisation for today) and what belongs to them, plus the cases they run, the projects they
  own and all their own authorisations (also revoked or expired ones).
- A company member (applicant) sees their own company and what belongs to it.
- Demands follow agents.services.demands.visible_to, the rule the pages use (leaders see every demand, anyone
  sees the demands they own).
"""

from django.db.models import Q

from agents.models import AgencyCase, Authorization, Demand, InvestmentProject
from agents.services import demands, stewardship
from portal.models import Enterprise
from portal.models.users import Role

ALL_SEEING = {Role.ADMIN, Role.SUPERVISOR}
PARK_ROLES = {Role.AGENT, Role.LEADER, Role.ADMIN, Role.SUPERVISOR}


def _enterprise_ids(user):
    """The ids of the companies `user` sees, as a subquery; None means every company."""
    if not user.is_authenticated:
        return Enterprise.objects.none().values("pk")
    if user.role in ALL_SEEING:
        return None
    if user.role == Role.APPLICANT:
        return Enterprise.objects.filter(pk=user.enterprise_id).values("pk")
    return stewardship.companies_of(user).values("pk")  # agents: served or authorised today; leaders: theirs


def _of_companies(model, user, extra=Q()):
    if not user.is_authenticated:
        return model.objects.none()
    ids = _enterprise_ids(user)
    if ids is None:
        return model.objects.all()
    return model.objects.filter(Q(enterprise_id__in=ids) | extra)


def visible_enterprises(user):
    ids = _enterprise_ids(user)
    return Enterprise.objects.all() if ids is None else Enterprise.objects.filter(pk__in=ids)


def visible_authorizations(user):
    if not user.is_authenticated:
        return Authorization.objects.none()
    if user.role == Role.AGENT:
        return Authorization.objects.filter(agent=user)
    return _of_companies(Authorization, user)


def visible_cases(user):
    extra = Q(agent=user) if user.is_authenticated else Q()
    return _of_companies(AgencyCase, user, extra)


def visible_demands(user):
    """The same list as the pages (agents.services.demands.visible_to)."""
    if not user.is_authenticated:
        return Demand.objects.none()
    return demands.visible_to(user)


def visible_projects(user):
    extra = Q(owner=user) if user.is_authenticated else Q()
    return _of_companies(InvestmentProject, user, extra)
