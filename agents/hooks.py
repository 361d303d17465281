"""How the agents package plugs into approvals without approvals knowing it (agents -> approvals -> portal)."""

from approvals.services import deadlines, delegation
from approvals.signals import deadline_fired

from agents.services import authorizations, cases, demand_clocks, escalations

delegation.register(authorizations.delegation_check)
deadlines.register_sweeper(demand_clocks.running_demands, "next_check_at", demand_clocks.check_demand)
deadline_fired.connect(cases.chase_on_red_review, dispatch_uid="agents.chase_on_red_review")
deadline_fired.connect(escalations.tell_company_leader, dispatch_uid="agents.tell_company_leader")
