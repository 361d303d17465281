"""一个企业、一个领导: a red escalation (督办) of a company's bundle reaches the leader who answers for the company.

A `deadline_fired` receiver: approvals fires the deadline and tells its own people (chiefs, supervisors,
department leaders); the park knows each company's leader, so it adds them to the same firing's digest line,
in the sweep's transaction (one notification per person per pass, approvals/notices/digest.py).
"""

from approvals.models import FiringKind
from approvals.notices import digest
from portal.models.users import Role, User

RED = frozenset({FiringKind.REVIEW_RED, FiringKind.REVIEW_LEGAL, FiringKind.STAGE_RED, FiringKind.DELIVERY_RED})


def tell_company_leader(sender, *, kind, application=None, firing=None, **kwargs):
    if kind not in RED or firing is None or application is None:
        return
    leader_id = application.enterprise.leader_id
    if leader_id:
        digest.tell(firing, User.objects.filter(pk=leader_id, role=Role.LEADER))
