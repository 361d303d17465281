"""How the agents package plugs into approvals without approvals knowing it (agents -> approvals -> portal)."""

from approvals import demo, metrics
from approvals.services import deadlines, delegation, recompute
from approvals.signals import deadline_fired

from agents import metrics as park_metrics
from agents.services import authorizations, cases, demand_clocks, escalations

delegation.register(authorizations.delegation_check)
delegation.register_visibility(authorizations.visible_applications)
deadlines.register_sweeper(demand_clocks.running_demands, "next_check_at", demand_clocks.check_demand)
recompute.register("demand", demand_clocks.demands_in_window, demand_clocks.recompute_demand)
metrics.register_section("demands", park_metrics.demand_figures)
metrics.register_section("san_ji", park_metrics.san_ji_figures)
deadline_fired.connect(cases.chase_on_red_reviews, dispatch_uid="agents.chase_on_red_reviews")
deadline_fired.connect(escalations.tell_company_leaders, dispatch_uid="agents.tell_company_leaders")


def _load_agency_demo() -> dict:
    from agents.demo import load_agency_demo  # only when seeding: it renders PDFs

    return load_agency_demo()


demo.register("Agency demo", _load_agency_demo)
