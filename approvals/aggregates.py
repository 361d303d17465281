"""The aggregate tables of the supervision figures (docs/metrics.md#aggregates): refreshed by Celery beat, read by
approvals/metrics.py where a live query is too slow at a million applications.

`refresh(now=)` recomputes the days touched since the last refresh (from METRICS_REFRESH_LOOKBACK_DAYS before the
last refresh's day up to today: a deemed acceptance dates back to the receipt, a case gets its call-back and outcome
after the day it was opened) and `refresh(full=True)` rebuilds everything. Both are idempotent: the days' rows are
deleted and written again from the records in one transaction (PostgreSQL: under an advisory lock, so two
refreshes never interleave). Every figure is grouped in SQL by (day, scope, package, park), with the same sets
as the live figures (approvals.metrics.applications / reviews / ratings / rectifications); only the grouped rows
come to Python.

`reader(f)` answers the figures of a filter from the tables when it can: whole days (the period's bounds at
midnight, Asia/Shanghai), one department or one item or neither, and a refresh done. Otherwise None: live."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from approvals.models import (
    Application, FeeCharge, MetricsDay, MetricsDuration, MetricsRefresh, Rating, RatingLevel, RectificationCase,
    Scope, Visit,
)

LOCK_KEY = 0x5E7A_11  # the advisory lock of a refresh (PostgreSQL)
APP = {"package": "package_id", "park": "enterprise__park_id",
       Scope.DEPARTMENT: "items__department_id", Scope.ITEM: "items__id"}
VIA_APP = {"package": "application__package_id", "park": "application__enterprise__park_id"}
REVIEW = {**VIA_APP, Scope.DEPARTMENT: "department_id", Scope.ITEM: "item_id"}
RATING = REVIEW
CASE = {**VIA_APP, Scope.DEPARTMENT: "department_id", Scope.ITEM: "rating__item_id"}
FEE = {**VIA_APP, Scope.DEPARTMENT: "item__department_id", Scope.ITEM: "item_id"}
VISIT = {**VIA_APP, Scope.DEPARTMENT: "application__items__department_id", Scope.ITEM: "application__items__id"}


def _bounds(first: date, last: date):
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return start, end


def _grouped(qs, day_column, lookups, measures, rows):
    """Add the grouped `measures` of `qs` to `rows[(day, scope, scope_id, package, park)]`, once per scope."""
    for scope in Scope.values:
        scoped = qs.annotate(_d=TruncDate(day_column), _p=F(lookups["package"]), _k=F(lookups["park"]),
                             _s=F(lookups[scope]) if scope != Scope.ALL else Value(0, output_field=IntegerField()))
        for row in scoped.values("_d", "_s", "_p", "_k").annotate(**measures).order_by():
            if row["_s"] is None:  # a bundle rating has no item: it counts for no item
                continue
            target = rows[(row["_d"], scope, row["_s"], row["_p"], row["_k"])]
            for name in measures:
                target[name] = target.get(name, 0) + (row[name] or 0)


def compute(first: date, last: date) -> tuple[dict, Counter]:
    """The aggregate rows of the days first..last: ({key: {measure: value}}, {key + (working days,): n})."""
    from approvals import metrics
    from approvals.calendar.loading import get_calendar

    start, end = _bounds(first, last)
    period = metrics.Filters(start=start, end=end)
    rows = defaultdict(dict)
    one = Count("pk", distinct=True)
    for stage, column in metrics.APPLICATION_DATES.items():
        _grouped(metrics.applications_on(period, stage), column, APP, {stage: one}, rows)
    signed = metrics.decided_reviews(period)
    _grouped(signed, "decided_at", REVIEW, {
        "decided_items": Count("pk"), "on_time": Count("pk", filter=Q(decided_at__lte=F("due_at"))),
        "promised_days": Sum("limit_days"), "legal_days": Sum("legal_limit_days")}, rows)
    decided = metrics.applications_on(period, "decided")
    visits_of = Visit.objects.filter(application_id=OuterRef("pk")).order_by().values(_g=Value(1)).annotate(
        n=Count("pk")).values("n")[:1]
    with_visits = decided.annotate(_v=Coalesce(Subquery(visits_of, output_field=IntegerField()), Value(0)))
    _grouped(with_visits, "decided_at", APP, {"with_visit": Count("pk", distinct=True, filter=Q(_v__gte=1)),
                                              "with_two_visits": Count("pk", distinct=True, filter=Q(_v__gte=2))},
             rows)
    _grouped(Visit.objects.filter(application__in=decided.values("pk")).order_by(), "application__decided_at",
             VISIT, {"visits": Count("pk", distinct=True)}, rows)
    _grouped(FeeCharge.objects.filter(application__in=decided.values("pk")).order_by(), "application__decided_at",
             FEE, {"fees_standard": Sum("standard_amount"), "fees_charged": Sum("charged_amount")}, rows)
    _grouped(metrics.ratings(period), "rated_at", RATING,
             {level: Count("pk", filter=Q(level=level)) for level in RatingLevel.values}, rows)
    _grouped(metrics.rectifications(period), "opened_at", CASE, {
        "cases": Count("pk"), "cases_called_back": Count("pk", filter=Q(called_back_at__isnull=False)),
        "cases_resolved": Count("pk", filter=Q(resolved_at__isnull=False))}, rows)

    # Working days per application decided: grouped by its pair of days (acceptance, decision), each pair counted
    # once on the calendar, as metrics.working_day_distribution does.
    durations = Counter()
    cal = get_calendar()
    for scope in Scope.values:
        scoped = decided.filter(accepted_at__isnull=False).annotate(
            _a=TruncDate("accepted_at"), _d=TruncDate("decided_at"), _p=F(APP["package"]), _k=F(APP["park"]),
            _s=F(APP[scope]) if scope != Scope.ALL else Value(0, output_field=IntegerField()))
        for row in scoped.values("_a", "_d", "_s", "_p", "_k").annotate(n=one).order_by():
            days = cal.working_days_between(row["_a"], row["_d"])
            durations[(row["_d"], scope, row["_s"], row["_p"], row["_k"], days)] += row["n"]
    return rows, durations


def _lock():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _first_day_of_records() -> date | None:
    from django.db.models import Min

    candidates = [Application.objects.aggregate(d=Min("submitted_at"))["d"],
                  Rating.objects.aggregate(d=Min("rated_at"))["d"],
                  RectificationCase.objects.aggregate(d=Min("opened_at"))["d"]]
    candidates = [timezone.localdate(c) for c in candidates if c is not None]
    return min(candidates) if candidates else None


def refresh(*, now=None, full: bool = False) -> MetricsRefresh:
    """Recompute the aggregate rows of the touched days (all days with `full`), idempotently."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    lookback = getattr(settings, "METRICS_REFRESH_LOOKBACK_DAYS", 45)
    with transaction.atomic():
        _lock()
        last = MetricsRefresh.objects.order_by("-finished_at").first()
        full = full or last is None
        if full:
            first = _first_day_of_records() or today
        else:
            first = min(timezone.localdate(last.started_at), today) - timedelta(days=lookback)
        rows, durations = compute(first, today)
        days = MetricsDay.objects.all() if full else MetricsDay.objects.filter(day__gte=first)
        days.delete()
        (MetricsDuration.objects.all() if full else MetricsDuration.objects.filter(day__gte=first)).delete()
        MetricsDay.objects.bulk_create(
            [MetricsDay(day=d, scope=s, scope_id=sid, package_id=p, park_id=k, **values)
             for (d, s, sid, p, k), values in rows.items()], batch_size=2000)
        MetricsDuration.objects.bulk_create(
            [MetricsDuration(day=d, scope=s, scope_id=sid, package_id=p, park_id=k, working_days=w, applications=n)
             for (d, s, sid, p, k, w), n in durations.items()], batch_size=2000)
        return MetricsRefresh.objects.create(full=full, first_day=first, last_day=today, started_at=now,
                                             finished_at=timezone.now(), rows=len(rows) + len(durations))


def last_refresh() -> MetricsRefresh | None:
    return MetricsRefresh.objects.order_by("-finished_at").first()


# --- reading ------------------------------------------------------------------------------------------------------
def _whole_day(moment) -> date | None:
    local = timezone.localtime(moment)
    return local.date() if local.time() == time.min else None


class Reader:
    """The figures of one filter from the aggregate tables."""

    def __init__(self, f, refreshed: MetricsRefresh):
        self.f, self.refreshed = f, refreshed
        days = Q()
        if f.start is not None:
            days &= Q(day__gte=timezone.localdate(f.start))
        if f.end is not None:
            days &= Q(day__lt=timezone.localdate(f.end))
        common = days
        if f.package is not None:
            common &= Q(package_id=f.package)
        if f.park is not None:
            common &= Q(park_id=f.park)
        if f.department is not None:
            scope = Q(scope=Scope.DEPARTMENT, scope_id=f.department)
        elif f.item is not None:
            scope = Q(scope=Scope.ITEM, scope_id=f.item)
        else:
            scope = Q(scope=Scope.ALL)
        self.days, self.where = days, common & scope

    def sums(self) -> dict:
        if not hasattr(self, "_sums"):
            names = [field.name for field in MetricsDay._meta.get_fields()
                     if field.name not in ("id", "day", "scope", "scope_id", "package_id", "park_id")]
            got = MetricsDay.objects.filter(self.where).aggregate(**{name: Sum(name) for name in names})
            self._sums = {name: (value if value is not None else 0) for name, value in got.items()}
            for money in ("fees_standard", "fees_charged"):
                self._sums[money] = Decimal(self._sums[money]).quantize(Decimal("0.01"))
        return self._sums

    def durations(self) -> Counter:
        rows = (MetricsDuration.objects.filter(self.where).values("working_days")
                .annotate(n=Sum("applications")).order_by())
        return Counter({row["working_days"]: row["n"] for row in rows})

    def ranking_counts(self) -> dict:
        """{department id: (items decided, on time)} in the period (the ranking's figures: the period only)."""
        where = self.days & Q(scope=Scope.DEPARTMENT)
        rows = (MetricsDay.objects.filter(where).values("scope_id")
                .annotate(decided=Sum("decided_items"), on_time=Sum("on_time")).order_by())
        return {row["scope_id"]: (row["decided"] or 0, row["on_time"] or 0) for row in rows}

    def trend(self, unit: str) -> list[dict]:
        from django.db.models.functions import TruncMonth, TruncWeek

        trunc = TruncWeek if unit == "week" else TruncMonth
        rows = (MetricsDay.objects.filter(self.where).annotate(p=trunc("day")).values("p")
                .annotate(received=Sum("received"), decided=Sum("decided")).order_by("p"))
        return [{"period": row["p"].date() if hasattr(row["p"], "date") else row["p"],
                 "received": row["received"] or 0, "decided": row["decided"] or 0}
                for row in rows if row["received"] or row["decided"]]


def reader(f) -> Reader | None:
    """The aggregate tables' answer for `f`, or None when only a live query gives it."""
    if getattr(f, "live", False) or (f.department is not None and f.item is not None):
        return None
    for bound in (f.start, f.end):
        if bound is not None and _whole_day(bound) is None:
            return None
    refreshed = last_refresh()
    if refreshed is None:
        return None
    return Reader(f, refreshed)
