"""一个企业、一个领导: a red escalation (督办) of a company's bundle reaches the leader who answers for the company.

A `deadline_fired` receiver (a batch of firings at a time): approvals fires the deadline and tells its own people
(chiefs, supervisors, department leaders); the park knows each company's leader, so it adds them to the same
firing's digest line, in the sweep's transaction (one notification per person per pass, approvals/notices/digest.py).
"""

from approvals.models import Application, FiringKind
from approvals.notices import digest
from portal.models.users import Role

RED = frozenset({FiringKind.REVIEW_RED, FiringKind.REVIEW_LEGAL, FiringKind.STAGE_RED, FiringKind.DELIVERY_RED})


def tell_company_leaders(sender, *, fired, **kwargs):
    """For every red firing of a batch, the company's leader joins its digest (one read, one insert)."""
    red = [f for f in fired if f.kind in RED and f.application_id is not None]
    if not red:
        return
    # Each application of the batch with the active leader of its company (a user whose role is leader).
    leader_of = dict(Application.objects.filter(
        pk__in={f.application_id for f in red}, enterprise__leader__role=Role.LEADER,
        enterprise__leader__is_active=True).order_by().values_list("pk", "enterprise__leader_id"))
    digest.tell_ids([(f.firing_id, leader_of[f.application_id]) for f in red if f.application_id in leader_of])
