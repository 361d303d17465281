"""The park's figures on the supervision dashboard: demands received and closed, the 222 rule kept per class, and
the demands' 好差评 — added to approvals.metrics through `register_section` (agents/hooks.py)."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from agents.models import Demand, DemandClass, DemandRating, Outcome222
from agents.models.demands import OUTCOME_222
from approvals.metrics import Figure, aggregate, ratio
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
    c = aggregate(raised, received=Count("pk"), met=Count("pk", filter=met), decided=Count("pk", filter=met | missed),
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


# --- 三即 ------------------------------------------------------------------------------------------------------
SAN_JI = (
    # key, start date, end date (columns or annotations of `projects_with_milestones`), labels: met, share met
    ("contract_to_land", "contract_signed_on", "land_supplied_on",
     _("Land supplied the day the contract was signed (签约即供地)"), _("签约即供地: share met")),
    ("handover_to_certificates", "land_handed_over_on", "certificates_on",
     _("Certificates issued the day the land was handed over (交地即交证)"), _("交地即交证: share met")),
    ("certificates_to_construction", "certificates_on", "construction_started_on",
     _("Construction started the day the certificates were issued (拿证即开工)"), _("拿证即开工: share met")),
)


def projects_with_milestones():
    """Investment projects annotated with `certificates_on`, the day the last of the three certificates was
    signed on or after the handover (agents.services.projects.certificates_issued_on, in SQL): per certificate
    item the first approving, unrevoked signature in the project's own bundles from the handover day on; the
    latest of the three, and none until all three are signed."""
    from django.db.models import Case, DateField, Min, OuterRef, Subquery, Value, When
    from django.db.models.functions import Greatest, TruncDate

    from agents.models import InvestmentProject
    from agents.services.projects import CERTIFICATE_ITEMS
    from approvals.models import Decision, ItemReview

    # The project's own bundles (a handful): the signatures are looked up through them, by index.
    own_bundles = InvestmentProject.applications.through.objects.filter(
        investmentproject_id=OuterRef(OuterRef("pk"))).values("application_id")

    def first_signed(code):
        # From the project's bundles' reviews (index on application) to their signatures (one each).
        reviews = (ItemReview.objects.filter(application_id__in=own_bundles, item__code=code,
                                             revoked_at__isnull=True, signature__decision=Decision.APPROVE)
                   .annotate(_day=TruncDate("signature__signed_at"))
                   .filter(_day__gte=OuterRef("land_handed_over_on"))
                   .order_by().values(_g=Value(1)).annotate(_first=Min("_day")).values("_first")[:1])
        return Subquery(reviews, output_field=DateField())

    codes = sorted(CERTIFICATE_ITEMS)
    firsts = {f"_cert_{n}": first_signed(code) for n, code in enumerate(codes)}
    all_signed = {f"_cert_{n}__isnull": False for n in range(len(codes))}
    return (InvestmentProject.objects.order_by().annotate(**firsts).annotate(certificates_on=Case(
        When(land_handed_over_on__isnull=False, **all_signed, then=Greatest(*firsts)),
        default=None, output_field=DateField())))


def san_ji_figures(f, now) -> list:
    """Per milestone, the projects that reached it in the period (its end date in the period) and those that met it
    the same day (docs/metrics.md#san-ji)."""
    from django.db.models import F
    from django.utils import timezone

    projects = projects_with_milestones()
    if f.park is not None:
        projects = projects.filter(enterprise__park_id=f.park)
    if f.department is not None or f.item is not None or f.package is not None:
        projects = projects.none()  # a project belongs to no department, item or package
    counts = {}
    for key, start, end, _met, _share in SAN_JI:
        reached = Q(**{f"{start}__isnull": False, f"{end}__isnull": False})
        if f.start is not None:
            reached &= Q(**{f"{end}__gte": timezone.localdate(f.start)})
        if f.end is not None:
            reached &= Q(**{f"{end}__lt": timezone.localdate(f.end)})
        counts[f"{key}_reached"] = Count("pk", filter=reached)
        counts[f"{key}_met"] = Count("pk", filter=reached & Q(**{end: F(start)}))
    # DISTINCT (the rows are distinct anyway) makes the database count over the projects computed once, rather
    # than repeat the certificate subqueries inside every count.
    c = projects.distinct().aggregate(**counts)
    figures = []
    for key, _start, _end, met, share in SAN_JI:
        figures += [Figure(f"san_ji_{key}", met, c[f"{key}_met"], "count"),
                    Figure(f"san_ji_{key}_rate", share, ratio(c[f"{key}_met"], c[f"{key}_reached"]), "rate")]
    return figures
