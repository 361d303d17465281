"""The supervision figures (issue 13), each computed by the database and defined in docs/metrics.md.

`figures(Filters(...), now=...)` returns a list of `Figure(key, value, ...)`: `key` is the anchor of its
definition in docs/metrics.md. Every figure is an aggregate query (COUNT, SUM, AVG, one ordered row for a
percentile): no row is loaded to be counted in Python. Other packages add their sections with
`register_section` (the agents package adds the demands and the 222 rule: agents/metrics.py).

Filters: `start`/`end` (a half-open period [start, end) on the date each figure names), `department` (an
application counts for every department with an item in it; a review, a rating or a case for its own
department), `item`, `package`, `park` (the enterprise's park). The catalog figures take department, item and
package, never the period.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import (
    Avg, Count, DecimalField, Exists, F, Min, OuterRef, Q, Sum, Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from approvals.calendar.loading import get_calendar
from approvals.lights import Light
from approvals.models.ratings import RECTIFICATION_LIGHT
from approvals.models.applications import RUNNING_STATES as APPLICATION_RUNNING_STATES
from approvals.models.reviews import LIVE_REVIEW_STATES, RUNNING_REVIEW_STATES
from approvals.models import (
    BAD_LEVELS, GOOD_LEVELS, Application, FeeCharge, ItemMaterial, ItemReview, Rating, RatingLevel,
    RectificationCase, ReviewStatus, ServiceItem, Visit,
)

DOC = "docs/metrics.md#"
DECIDED_REVIEW_STATES = [ReviewStatus.SIGNED]  # decided and signed: the clock stops with the signature


@dataclass(frozen=True)
class Filters:
    start: datetime | None = None
    end: datetime | None = None
    department: int | None = None
    item: int | None = None
    package: int | None = None
    park: int | None = None
    # Computed live even where the aggregate tables could answer (approvals/aggregates.py).
    live: bool = False

    def period(self, column: str) -> Q:
        q = Q()
        if self.start is not None:
            q &= Q(**{f"{column}__gte": self.start})
        if self.end is not None:
            q &= Q(**{f"{column}__lt": self.end})
        return q

    def as_params(self) -> dict:
        return {"from": self.start.isoformat() if self.start else None,
                "to": self.end.isoformat() if self.end else None,
                "department": self.department, "item": self.item, "package": self.package, "park": self.park}


@dataclass
class Figure:
    key: str
    label: object
    value: object
    unit: str = ""  # "count", "rate" (0..1), "days", "yuan", "visits"
    # The list behind the number (a page's query string on the supervision list; empty: none).
    drill: str = ""
    source: str = "live"  # or "aggregate": read from the aggregate tables (docs/metrics.md#aggregates)
    definition: str = field(init=False)

    def __post_init__(self):
        self.definition = DOC + self.key.replace("_", "-")


# --- the sets each figure counts ---------------------------------------------------------------------------
def applications(f: Filters):
    qs = Application.objects.filter(submitted_at__isnull=False)
    if f.package is not None:
        qs = qs.filter(package_id=f.package)
    if f.park is not None:
        qs = qs.filter(enterprise__park_id=f.park)
    if f.item is not None:
        qs = qs.filter(Exists(Application.items.through.objects.filter(application_id=OuterRef("pk"),
                                                                        serviceitem_id=f.item)))
    if f.department is not None:
        qs = qs.filter(Exists(Application.items.through.objects.filter(
            application_id=OuterRef("pk"), serviceitem__department_id=f.department)))
    return qs.order_by()


def _narrowed(qs, f: Filters, *, item: str = "item_id"):
    """A review, a rating or a rectification case narrowed by the filters: its application's package and park,
    its own item (`item`: the lookup of the item) and department."""
    if f.package is not None:
        qs = qs.filter(application__package_id=f.package)
    if f.park is not None:
        qs = qs.filter(application__enterprise__park_id=f.park)
    if f.item is not None:
        qs = qs.filter(**{item: f.item})
    if f.department is not None:
        qs = qs.filter(department_id=f.department)
    return qs.order_by()


def reviews(f: Filters):
    return _narrowed(ItemReview.objects.filter(application__submitted_at__isnull=False), f)


def overdue_reviews(f: Filters, now):
    """The reviews overdue now (red, the one definition of the light): the set behind every "overdue now" figure,
    its drill-down and the ranking's column. A running review's application was accepted, hence submitted, so
    unlike `reviews` this needs no join to the applications (at 1,000,000 applications that join cost ~90 ms;
    without it the count is an index-only scan of the open reviews' partial index)."""
    return _narrowed(ItemReview.objects.filter(status__in=RUNNING_REVIEW_STATES)  # implied by red; lets an index
                     .filter(ItemReview.LIGHT.q([Light.RED], now)), f)           # over open reviews serve


# Each figure's date: an application counts on the day it was received, accepted or decided; an item on the day
# its review was decided and signed. Counts, drill-down lists and trends all take their sets from here.
APPLICATION_DATES = {"received": "submitted_at", "accepted": "accepted_at", "decided": "decided_at"}


def applications_on(f: Filters, stage: str):
    """The applications received / accepted / decided in the period."""
    column = APPLICATION_DATES[stage]
    return applications(f).filter(f.period(column), **{f"{column}__isnull": False})


def decided_reviews(f: Filters):
    """The item reviews decided and signed in the period."""
    return reviews(f).filter(f.period("decided_at"), status__in=DECIDED_REVIEW_STATES, decided_at__isnull=False)


def catalog(f: Filters):
    qs = ServiceItem.objects.filter(active=True)
    if f.department is not None:
        qs = qs.filter(department_id=f.department)
    if f.item is not None:
        qs = qs.filter(pk=f.item)
    if f.package is not None:
        qs = qs.filter(stages__package_id=f.package).distinct()
    return qs.order_by()


def ratings(f: Filters):
    return _narrowed(Rating.objects.filter(f.period("rated_at")), f)


def rectifications(f: Filters):
    return _narrowed(RectificationCase.objects.filter(f.period("opened_at")), f, item="rating__item_id")


def rounded(value, places: int = 2):
    return round(value, places) if value is not None else None


def shown(figure) -> str:
    """A figure as the pages and the report print it: "—" for none, a rate as a percentage."""
    if figure.value is None:
        return "—"
    if figure.unit == "rate":
        return f"{figure.value * 100:.1f}%"
    return str(figure.value)


def ratio(part, whole):
    """part / whole rounded to 4 places; None when there is nothing to divide (shown as "—", never 0%)."""
    if not whole:
        return None
    return round(float(part or 0) / float(whole), 4)


def aggregate(qs, **aggregates) -> dict:
    """`qs.aggregate(**aggregates)`, the same values from the same SQL aggregates over the same rows, built without
    Django's resolving of each aggregate against all the others (quadratic in the hashing of their filters: about
    half of the CPU of the demands' eleven filtered counts). One group over every row; an empty set (no group)
    answers what `qs.aggregate` answers for no rows: each aggregate's `default`, else its empty value (counts 0,
    sums None) — without asking the database when `qs` is `.none()`, and without Django's resolving."""
    if not qs.query.is_empty():
        rows = list(qs.order_by().values(_all=Value(1)).annotate(**aggregates).values(*aggregates))
        if rows:
            return rows[0]
    if any(hasattr(agg.default, "resolve_expression") for agg in aggregates.values()):
        return qs.aggregate(**aggregates)  # a default that is itself an expression: Django's way
    return {name: (agg.default if agg.default is not None else agg.empty_result_set_value)
            for name, agg in aggregates.items()}


def working_day_distribution(qs, start_column: str, end_column: str) -> Counter:
    """{working days: how many rows} for the rows of `qs` from `start_column` to `end_column`.

    The database groups the rows by their pair of days (one GROUP BY: a few thousand pairs at most, however many
    rows); each pair is counted once on the working-day calendar (Art. 82: the start day is not counted; a year
    without a published schedule counts Monday to Friday), weighted by its number of rows."""
    pairs = (qs.annotate(_start_day=TruncDate(start_column), _end_day=TruncDate(end_column))
             .values("_start_day", "_end_day").annotate(n=Count("pk")).order_by())
    cal = get_calendar()
    distribution = Counter()
    for row in pairs:
        distribution[cal.working_days_between(row["_start_day"], row["_end_day"])] += row["n"]
    return distribution


def mean(distribution: Counter):
    n = sum(distribution.values())
    return round(sum(days * count for days, count in distribution.items()) / n, 2) if n else None


def percentile(distribution: Counter, fraction: float):
    """The nearest-rank percentile: the smallest value whose cumulative count reaches ⌈fraction·n⌉."""
    n = sum(distribution.values())
    if not n:
        return None
    rank, seen = max(1, math.ceil(fraction * n)), 0
    for days in sorted(distribution):
        seen += distribution[days]
        if seen >= rank:
            return days
    return None


# --- the figures ---------------------------------------------------------------------------------------------
def _aggregates(f: Filters):
    """The aggregate tables' reader when they answer `f` (approvals/aggregates.py), else None: live."""
    from approvals import aggregates

    return aggregates.reader(f)


def _sourced(agg, figures: list[Figure], *, live: list[Figure] = ()) -> list[Figure]:
    """Mark the figures read from the aggregate tables; `live` ones (of the moment: overdue now) stay live."""
    if agg is not None:
        for figure in figures:
            figure.source = "aggregate"
    return [*figures, *live]


def volume(f: Filters, now) -> list[Figure]:
    agg = _aggregates(f)
    if agg is not None:
        sums = agg.sums()
        counts = {stage: sums[stage] for stage in APPLICATION_DATES}
        r = {"n": sums["decided_items"], "on_time": sums["on_time"]}
    else:
        # Three counts, each a range of its own (partial indexes on submitted_at and decided_at), rather than one
        # pass over every application with three filters.
        counts = {stage: applications_on(f, stage).count() for stage in APPLICATION_DATES}
        r = decided_reviews(f).aggregate(n=Count("pk"), on_time=Count("pk", filter=Q(decided_at__lte=F("due_at"))))
    overdue = overdue_reviews(f, now).count()
    return _sourced(agg, [
        Figure("received", _("Received"), counts["received"], "count", "stage=received"),
        Figure("accepted", _("Accepted"), counts["accepted"], "count", "stage=accepted"),
        Figure("decided", _("Decided"), counts["decided"], "count", "stage=decided"),
        Figure("decided_items", _("Items decided"), r["n"], "count", "stage=decided"),
        Figure("on_time", _("Items decided on time"), r["on_time"], "count", "stage=on_time"),
        Figure("on_time_rate", _("On-time rate (按时办结率)"), ratio(r["on_time"], r["n"]), "rate", "stage=on_time"),
    ], live=[Figure("overdue", _("Overdue now"), overdue, "count", "stage=overdue")])


def durations(f: Filters, now) -> list[Figure]:
    agg = _aggregates(f)
    if agg is not None:
        distribution, sums = agg.durations(), agg.sums()
        n = sums["decided_items"]
        limits = {"promised": sums["promised_days"] / n if n else None,
                  "legal": sums["legal_days"] / n if n else None}
    else:
        decided = applications_on(f, "decided").filter(accepted_at__isnull=False)
        distribution = working_day_distribution(decided, "accepted_at", "decided_at")
        limits = decided_reviews(f).aggregate(promised=Avg("limit_days"), legal=Avg("legal_limit_days"))
    return _sourced(agg, [
        Figure("avg_working_days", _("Average working days, acceptance to decision"), mean(distribution), "days",
               "stage=decided"),
        Figure("p90_working_days", _("90th percentile of working days, acceptance to decision"),
               percentile(distribution, 0.9), "days", "stage=decided"),
        Figure("avg_promised_days", _("Average promised limit of the items decided"), rounded(limits["promised"]),
               "days"),
        Figure("avg_legal_days", _("Average legal limit of the items decided"), rounded(limits["legal"]), "days"),
    ])


def catalog_figures(f: Filters, now) -> list[Figure]:
    items = catalog(f)
    required = ItemMaterial.objects.filter(item_id=OuterRef("pk"), required=True, after_commitment=False)
    c = items.annotate(_needs=Exists(required)).aggregate(
        total=Count("pk"), licences=Count("pk", filter=Q(kind="licence")),
        filings=Count("pk", filter=Q(kind="filing")), others=Count("pk", filter=Q(kind="other")),
        online=Count("pk", filter=Q(fully_online=True)), immediate=Count("pk", filter=Q(immediate=True)),
        zero_material=Count("pk", filter=Q(_needs=False)),
        legal=Sum("legal_limit_days"), promised=Sum("promised_limit_days"))
    compression = ratio((c["legal"] or 0) - (c["promised"] or 0), c["legal"])
    return [
        Figure("catalog_items", _("Items on the catalog"), c["total"], "count"),
        Figure("items_licence", _("Licences"), c["licences"], "count"),
        Figure("items_filing", _("Filings"), c["filings"], "count"),
        Figure("items_other", _("Other powers"), c["others"], "count"),
        Figure("fully_online_rate", _("Fully online rate (全程网办率)"), ratio(c["online"], c["total"]), "rate"),
        Figure("limit_compression", _("Promised vs legal limit compression (承诺时限压缩比)"), compression, "rate"),
        Figure("immediate_share", _("Immediately handled items (即办件比例)"), ratio(c["immediate"], c["total"]),
               "rate"),
        Figure("zero_material_items", _("Zero-material items"), c["zero_material"], "count"),
        Figure("zero_visit_items", _("Zero-visit items"), c["online"], "count"),
    ]


def visits_and_fees(f: Filters, now) -> list[Figure]:
    agg = _aggregates(f)
    if agg is not None:
        sums = agg.sums()
        n = sums["decided"]
        v = {"total": sums["visits"], "zero": n - sums["with_visit"], "at_most_one": n - sums["with_two_visits"]}
        money = {"standard": sums["fees_standard"], "charged": sums["fees_charged"]}
    else:
        decided = applications_on(f, "decided")
        n = decided.count()
        visits = Visit.objects.filter(application__in=decided.values("pk")).order_by()
        per_application = visits.values("application_id").annotate(n=Count("pk")).order_by()
        v = {"total": visits.count(), "zero": n - per_application.count(),
             "at_most_one": n - per_application.filter(n__gte=2).count()}
        fees = FeeCharge.objects.filter(application__in=decided.values("pk"))
        if f.item is not None:
            fees = fees.filter(item_id=f.item)
        if f.department is not None:
            fees = fees.filter(item__department_id=f.department)
        money = fees.aggregate(standard=Coalesce(Sum("standard_amount"), Value(Decimal("0")),
                                                 output_field=DecimalField(max_digits=16, decimal_places=2)),
                               charged=Coalesce(Sum("charged_amount"), Value(Decimal("0")),
                                                output_field=DecimalField(max_digits=16, decimal_places=2)))
    return _sourced(agg, [
        Figure("avg_visits", _("Average visits per application"), ratio(v["total"], n), "visits"),
        Figure("zero_visit_applications", _("Applications with no visit"), v["zero"] if n else 0, "count"),
        Figure("at_most_one_visit_applications", _("Applications with at most one visit"),
               v["at_most_one"] if n else 0, "count"),
        Figure("fees_saved", _("Fees saved (standard − charged)"), money["standard"] - money["charged"], "yuan"),
    ])


def satisfaction(f: Filters, now) -> list[Figure]:
    agg = _aggregates(f)
    if agg is not None:
        sums = agg.sums()
        r = {level: sums[level] for level in RatingLevel.values}
        r.update(total=sum(r.values()), good=sum(r[level] for level in GOOD_LEVELS),
                 bad=sum(r[level] for level in BAD_LEVELS))
        cases = {"total": sums["cases"], "called": sums["cases_called_back"], "resolved": sums["cases_resolved"],
                 "overdue": rectifications(f).filter(RECTIFICATION_LIGHT.q([Light.RED], now)).count()}
    else:
        levels = {level: Count("pk", filter=Q(level=level)) for level in RatingLevel.values}
        r = ratings(f).aggregate(total=Count("pk"), good=Count("pk", filter=Q(level__in=GOOD_LEVELS)),
                                 bad=Count("pk", filter=Q(level__in=BAD_LEVELS)), **levels)
        cases = rectifications(f).aggregate(
            total=Count("pk"), called=Count("pk", filter=Q(called_back_at__isnull=False)),
            resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
            overdue=Count("pk", filter=RECTIFICATION_LIGHT.q([Light.RED], now)))
    figures = [Figure(f"rating_{level}", RatingLevel(level).label, r[level], "count", f"level={level}")
               for level in RatingLevel.values]
    return _sourced(agg, figures + [
        Figure("ratings", _("Ratings given"), r["total"], "count"),
        Figure("good_rate", _("Good-review rate (好评率)"), ratio(r["good"], r["total"]), "rate"),
        Figure("bad_reviews", _("Bad reviews"), r["bad"], "count", "level=bad"),
        Figure("rectification_rate", _("Bad-review rectification rate (差评整改率)"),
               ratio(cases["resolved"], cases["total"]), "rate"),
        Figure("callback_rate", _("Call-back rate (回访率)"), ratio(cases["called"], cases["total"]), "rate"),
    ], live=[Figure("rectifications_overdue", _("Rectifications overdue"), cases["overdue"], "count")])


SECTIONS: list[tuple[str, Callable]] = [
    ("volume", volume), ("durations", durations), ("catalog", catalog_figures),
    ("visits_and_fees", visits_and_fees), ("satisfaction", satisfaction),
]


def register_section(name: str, compute: Callable) -> None:
    """Another package's figures (`compute(filters, now) -> [Figure]`), e.g. the agents' demands."""
    if all(existing != name for existing, _compute in SECTIONS):
        SECTIONS.append((name, compute))


def figures(f: Filters, *, now) -> list[Figure]:
    return [figure for _name, compute in SECTIONS for figure in compute(f, now)]


# --- ranking and trends ---------------------------------------------------------------------------------------
def department_ranking(f: Filters, *, now):
    """Per department: items decided in the period, on time, the on-time rate, overdue now, ratings and good
    ones — one grouped query, best on-time rate first."""
    from approvals.models import Department

    agg = _aggregates(f)
    if agg is not None:
        counts = agg.ranking_counts()
        # Every overdue review, as the live ranking below counts them.
        red = dict(overdue_reviews(Filters(), now).values("department_id").annotate(n=Count("pk"))
                   .values_list("department_id", "n"))
        names = dict(Department.objects.filter(pk__in=set(counts) | set(red)).values_list("pk", "name"))
        rows = [{"pk": pk, "name": names[pk], "decided": counts.get(pk, (0, 0))[0],
                 "on_time": counts.get(pk, (0, 0))[1], "overdue": red.get(pk, 0)} for pk in names]
        rows = [row for row in rows if row["decided"] > 0 or row["overdue"] > 0]
        return _ranked(rows)
    decided = Q(reviews__status__in=DECIDED_REVIEW_STATES, reviews__decided_at__isnull=False)
    for lookup, value in f.period("reviews__decided_at").children:
        decided &= Q(**{lookup: value})
    rows = (Department.objects.order_by().annotate(
        decided=Count("reviews", filter=decided, distinct=True),
        on_time=Count("reviews", filter=decided & Q(reviews__decided_at__lte=F("reviews__due_at")), distinct=True),
        overdue=Count("reviews", filter=Q(reviews__in=ItemReview.objects.filter(ItemReview.LIGHT.q([Light.RED], now))),
                      distinct=True),
    ).filter(Q(decided__gt=0) | Q(overdue__gt=0)).values("pk", "name", "decided", "on_time", "overdue"))
    return _ranked(rows)


def _ranked(rows):
    ranked = [{**row, "on_time_rate": ratio(row["on_time"], row["decided"])} for row in rows]
    ranked.sort(key=lambda row: (-(row["on_time_rate"] or 0), row["overdue"], row["name"]))
    return ranked


def trend(f: Filters, *, unit: str = "month"):
    """Applications received and decided per week or month: two grouped queries."""
    from django.db.models.functions import TruncMonth, TruncWeek

    agg = _aggregates(f)
    if agg is not None:
        return agg.trend(unit)
    trunc = TruncWeek if unit == "week" else TruncMonth
    received, decided = (
        dict(applications_on(f, stage).annotate(p=trunc(APPLICATION_DATES[stage])).values("p")
             .annotate(n=Count("pk")).values_list("p", "n"))
        for stage in ("received", "decided"))
    periods = sorted(set(received) | set(decided))
    return [{"period": p.date() if hasattr(p, "date") else p, "received": received.get(p, 0),
             "decided": decided.get(p, 0)} for p in periods]


__all__ = ["Figure", "Filters", "department_ranking", "figures", "register_section", "trend"]


# --- the lists behind the numbers -------------------------------------------------------------------------------
DRILL_STAGES = ("received", "accepted", "decided", "on_time", "overdue", "running")


def drill(f: Filters, stage: str, *, now):
    """The applications behind a figure (`Figure.drill` is `stage=<stage>`), the same sets the counts use."""
    apps = applications(f)
    if stage in APPLICATION_DATES:
        return applications_on(f, stage)
    if stage == "on_time":
        return apps.filter(pk__in=decided_reviews(f).filter(decided_at__lte=F("due_at")).values("application_id"))
    if stage == "overdue":
        return apps.filter(pk__in=overdue_reviews(f, now).values("application_id"))
    if stage == "running":
        return apps.filter(status__in=RUNNING_STATES)
    return apps.none()


RUNNING_STATES = [str(state) for state in APPLICATION_RUNNING_STATES]


def live_board(f: Filters, *, now):
    """Running bundles by status and light: {(status, light): n}, the same answer as grouping
    `Application.with_light(now)` (tested), in four set-wise queries instead of a review subquery per bundle.

    An application's light is the worst of its clocks (`with_light`): while submitted, its acceptance clock
    (`ACCEPTANCE_LIGHT`); under review, the most urgent of its reviews' lights (`ItemReview.LIGHT`), waiting when
    it has none; waiting while a supplement is requested. A bundle's worst light under review is the MIN of the rank (`URGENCY`) of its reviews' lights, over the reviews not done (`LIVE_REVIEW_STATES`, the
    partial index `review_live_app_clock`: an index-only scan of a small share of the history), counted per rank.
    A bundle with no review not done is done when it has a review (all signed or cancelled), else waiting. The
    running applications themselves are index-only scans of `app_running`."""
    from approvals.lights import RANK, URGENCY
    from approvals.models.applications import ACCEPTANCE_LIGHT

    apps = applications(f)
    board = {}
    submitted = (apps.filter(status="submitted").annotate(_light=ACCEPTANCE_LIGHT.expression(now))
                 .values("_light").annotate(n=Count("pk")).order_by())
    for row in submitted:
        light = row["_light"] or Light.WAITING.value
        board[("submitted", light)] = board.get(("submitted", light), 0) + row["n"]
    supplement = apps.filter(status="supplement_requested").count()
    if supplement:
        board[("supplement_requested", Light.WAITING.value)] = supplement
    under_review = apps.filter(status="under_review")
    assert URGENCY[-1] == Light.DONE
    not_done = URGENCY[:-1]
    # Per bundle the most urgent light of its reviews not done (one streamed pass in application order over the
    # partial index, merged with the running bundles), then the bundles counted per light.
    per_bundle = (ItemReview.objects.filter(status__in=LIVE_REVIEW_STATES, application__in=under_review.values("pk"))
                  .order_by().values("application_id")
                  .annotate(_rank=Min(ItemReview.LIGHT.rank_expression(now, RANK))))
    worst = per_bundle.aggregate(**{light.value: Count("application_id", filter=Q(_rank=RANK[light]))
                                    for light in not_done})
    for light in not_done:
        if worst[light.value]:
            board[("under_review", light.value)] = worst[light.value]
    # The bundles with no review not done: done when they have a review (all signed or cancelled), else waiting.
    # Anti-joined first by the partial index, so only those few are looked up among all the reviews.
    reviews_of_one = ItemReview.objects.filter(application_id=OuterRef("pk"))
    rest = under_review.filter(~Exists(reviews_of_one.filter(status__in=LIVE_REVIEW_STATES))).aggregate(
        n=Count("pk"), done=Count("pk", filter=Q(Exists(reviews_of_one))))
    if rest["done"]:
        board[("under_review", Light.DONE.value)] = rest["done"]
    without_reviews = rest["n"] - rest["done"]
    if without_reviews:
        key = ("under_review", Light.WAITING.value)
        board[key] = board.get(key, 0) + without_reviews
    assert RANK[URGENCY[0]] == 0
    return board


# --- per bundle type: what a package saves against filing item by item ------------------------------------------
def _count(distinct_column: str | None = None):
    """COUNT(*) or COUNT(DISTINCT column) as a subquery's single value."""
    from django.db.models import Func, IntegerField

    if distinct_column:
        return Func(F(distinct_column), function="COUNT", template="COUNT(DISTINCT %(expressions)s)",
                    output_field=IntegerField())
    return Func(F("pk"), function="COUNT", output_field=IntegerField())


def package_savings(f: Filters) -> list[dict]:
    """Per package (bundle type): the fields, materials, steps and promised working days of filing its items one
    by one against the bundle, each saved per bundle, and the applications of the package received in the period
    (docs/metrics.md#package-savings). One query over the packages (correlated subqueries, a handful of rows per
    package) and one grouped count of the applications."""
    from django.db.models import IntegerField, Subquery
    from django.db.models.functions import Coalesce as C

    from approvals.models import ItemField, Package, PackageStage

    def one(qs, expression):
        return C(Subquery(qs.order_by().annotate(_v=expression).values("_v")[:1], output_field=IntegerField()),
                 Value(0))

    def items_of_package(depth):  # the package's items, from a subquery `depth` levels below the package
        outer = "pk"
        for _level in range(depth):
            outer = OuterRef(outer)
        return PackageStage.items.through.objects.filter(packagestage__package_id=outer).values("serviceitem_id")

    package_items = items_of_package(2)
    items = ServiceItem.objects.filter(pk__in=package_items).values(_g=Value(1))
    fields = ItemField.objects.filter(item_id__in=package_items).values(_g=Value(1))
    materials = ItemMaterial.objects.filter(item_id__in=package_items).values(_g=Value(1))
    issued_in_bundle = ServiceItem.objects.filter(pk__in=items_of_package(3), issued_material_id__isnull=False
                                                  ).values("issued_material_id")
    asked = materials.filter(material_type__issued_by_government=False).exclude(
        material_type_id__in=issued_in_bundle)
    stages = PackageStage.objects.filter(package_id=OuterRef("pk")).values(_g=Value(1))

    packages = Package.objects.filter(active=True)
    if f.package is not None:
        packages = packages.filter(pk=f.package)
    if f.item is not None:
        packages = packages.filter(stages__items=f.item)
    if f.department is not None:
        packages = packages.filter(stages__items__department_id=f.department)
    rows = list(packages.distinct().order_by("code").annotate(
        items_n=one(items, _count()), stages_n=one(stages, _count()),
        fields_item_by_item=one(fields, _count()), fields_bundled=one(fields, _count("field_id")),
        materials_item_by_item=one(materials, _count()), materials_bundled=one(asked, _count("material_type_id")),
        days_item_by_item=one(items, Sum("promised_limit_days")),
        days_bundled=one(stages, Sum("promised_limit_days")),
    ).values("pk", "code", "name", "items_n", "stages_n", "fields_item_by_item", "fields_bundled",
             "materials_item_by_item", "materials_bundled", "days_item_by_item", "days_bundled"))
    received = dict(applications_on(f, "received").filter(package_id__in=[r["pk"] for r in rows])
                    .values("package_id").annotate(n=Count("pk")).values_list("package_id", "n"))
    for row in rows:
        row.update(steps_item_by_item=row["items_n"], steps_bundled=row["stages_n"],
                   applications=received.get(row["pk"], 0))
        for what in ("fields", "materials", "steps", "days"):
            row[f"{what}_saved"] = row[f"{what}_item_by_item"] - row[f"{what}_bundled"]
    return rows


SAVED = ("fields", "materials", "steps", "days")


def bundle_figures(f: Filters, now) -> list[Figure]:
    """The savings of the bundles received in the period: each package's saving per bundle times its bundles."""
    rows = package_savings(f)
    total = {what: sum(row[f"{what}_saved"] * row["applications"] for row in rows) for what in SAVED}
    return [
        Figure("bundles_received", _("Bundles (一件事) received"), sum(row["applications"] for row in rows), "count"),
        Figure("fields_saved", _("Form fields saved by the bundles"), total["fields"], "count"),
        Figure("materials_saved", _("Materials saved by the bundles"), total["materials"], "count"),
        Figure("steps_saved", _("Steps saved by the bundles"), total["steps"], "count"),
        Figure("working_days_saved", _("Promised working days saved by the bundles"), total["days"], "days"),
    ]


SECTIONS.insert(4, ("bundles", bundle_figures))
