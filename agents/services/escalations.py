"""一个企业、一个领导: a red escalation (督办) of a company's bundle reaches the leader who answers for the company.

A `deadline_fired` receiver (a batch of firings at a time): approvals fires the deadline and tells its own people
(chiefs, supervisors, department leaders); the park knows each company's leader, so it adds them to the same
firing's digest line, in the sweep's transaction (one notification per person per pass, approvals/notices/digest.py).
"""

from approvals.models import FiringKind
from approvals.notices import digest
from portal.models.users import Role, User

RED = frozenset({FiringKind.REVIEW_RED, FiringKind.REVIEW_LEGAL, FiringKind.STAGE_RED, FiringKind.DELIVERY_RED})


def tell_company_leaders(sender, *, fired, **kwargs):
    """For every red firing of a batch, the company's leader joins its digest (one read, one insert)."""
    red = [f for f in fired if f.kind in RED and f.firing is not None and f.application is not None]
    leader_of = {f.firing.pk: f.application.enterprise.leader_id for f in red}
    wanted = {pk for pk in leader_of.values() if pk}
    if not wanted:
        return
    leaders = {u.pk: u for u in User.objects.filter(pk__in=wanted, role=Role.LEADER)}
    digest.tell_many([(f.firing, [leaders[leader_of[f.firing.pk]]]) for f in red
                      if leader_of[f.firing.pk] in leaders])
