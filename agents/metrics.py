"""The park's figures on the supervision dashboard: demands received and closed, the 222 rule kept per class, and
the demands' 好差评 — added to approvals.metrics through `register_section` (agents/hooks.py)."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from agents.models import Demand, DemandClass, DemandRating, Outcome222
from agents.models.demands import OUTCOME_222
from approvals.metrics import Figure, ratio
from approvals.models import GOOD_LEVELS


def demand_figures(f, now) -> list:
    demands = Demand.objects.order_by()
    if f.park is not None:
        demands = demands.filter(enterprise__park_id=f.park)
    if f.department is not None or f.item is not None or f.package is not None:
        demands = demands.none()  # a demand belongs to no department, item or package
    raised = demands.filter(f.period("raised_at"))
    met, missed = OUTCOME_222.q([Outcome222.MET], now), OUTCOME_222.q([Outcome222.MISSED], now)
    per_class = {}
    for cls in DemandClass.values:
        per_class[f"{cls}_met"] = Count("pk", filter=Q(classification=cls) & met)
        per_class[f"{cls}_decided"] = Count("pk", filter=Q(classification=cls) & (met | missed))
    c = raised.aggregate(received=Count("pk"), met=Count("pk", filter=met), decided=Count("pk", filter=met | missed),
                         **per_class)
    closed = demands.filter(f.period("closed_at"), closed_at__isnull=False).count()
    rated = DemandRating.objects.filter(demand__in=demands).filter(f.period("rated_at")).aggregate(
        n=Count("pk"), good=Count("pk", filter=Q(level__in=GOOD_LEVELS)))
    figures = [
        Figure("demands_received", _("Demands received"), c["received"], "count"),
        Figure("demands_closed", _("Demands closed off"), closed, "count"),
        Figure("rule_222_rate", _("222 rule kept"), ratio(c["met"], c["decided"]), "rate"),
    ]
    figures += [Figure(f"rule_222_{cls}", DemandClass(cls).label, ratio(c[f"{cls}_met"], c[f"{cls}_decided"]), "rate")
                for cls in DemandClass.values]
    figures.append(Figure("demand_good_rate", _("Demands: good-review rate"), ratio(rated["good"], rated["n"]),
                          "rate"))
    return figures
