"""The deadline boards' figures, as set-based queries on the stored clock columns. Read-only.

Nothing here computes a light row by row: red and yellow are `ItemReview.LIGHT` and `ApplicationStage.LIGHT`
(approvals/lights.py) as SQL filters — a running review is red when `due_at <= now`, yellow when
`warn_at <= now < due_at` — and a red review is over its legal limit when `legal_due_at <= now`: the same
thresholds the services store on every start, pause, resume and extension and the sweep fires on, and the same
rule the inbox and the API show. Counts per department are one grouped query per kind of clock (index-only scans
of the covering indexes on open reviews, `review_open_clock` and `review_open_warn_clock`), so a board costs the
same few queries with ten reviews or a million.

Only the rows a page shows are given a `review_clock` (remaining working time, for display); ordering by
`due_at` is ordering by remaining working time, since the office time left until a due time never decreases
as the due time moves later.
"""

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.utils import timezone

from approvals.lights import Light
from approvals.models import (
    Application, ApplicationStage, ApplicationStatus, DeadlineFiring, Department, FiringKind, ItemReview,
    ReviewStatus,
)
from portal.paging import rows_in_order

R = ReviewStatus


def _reviews(department=None):
    rows = ItemReview.objects.all()
    return rows.filter(department=department) if department is not None else rows


def _with_links(rows):
    return rows.select_related("application__enterprise", "item", "department", "stage")


def _legal_overrun(now):
    return Case(When(legal_due_at__lte=now, then=Value(True)), default=Value(False), output_field=BooleanField())


def red_reviews(*, now, department=None):
    """Running reviews past their promised limit, the most overdue first; `legal_overrun` flags the legal one."""
    return (_with_links(_reviews(department).filter_light(Light.RED, now))
            .annotate(legal_overrun=_legal_overrun(now)).order_by("due_at", "pk"))


def yellow_reviews(*, now, department=None):
    """Running reviews inside their warning window: the least time left first."""
    return _with_links(_reviews(department).filter_light(Light.YELLOW, now)).order_by("due_at", "pk")


def review_ids(reviews):
    """The ids of `red_reviews` / `yellow_reviews` in their order, without their joins: cut to a page, an
    index-only range scan of the open reviews by due time (`review_open_clock`, `review_open_dept_clock`) that
    stops at the page. With the joins the planner joined every red review of the district before sorting and
    cutting the page (470 ms for the overdue board's 25 rows at 100,000 applications)."""
    return reviews.select_related(None).values_list("pk", flat=True)


def reviews_in_order(ids, *, now) -> list:
    """The reviews with these ids, in this order, with what a board shows of them (one query)."""
    return rows_in_order(_with_links(ItemReview.objects.annotate(legal_overrun=_legal_overrun(now))), ids)


def _late(now, department):
    rows = ApplicationStage.objects.filter_light([Light.YELLOW, Light.RED], now)
    return rows.filter(lead_department=department) if department is not None else rows


def _with_review_counts(rows, now):
    return (rows.select_related("application__enterprise", "lead_department")
            .annotate(is_red=Case(When(ApplicationStage.LIGHT.q(Light.RED, now), then=Value(True)),
                                  default=Value(False), output_field=BooleanField()),
                      total=Count("reviews"), signed=Count("reviews", filter=Q(reviews__status=R.SIGNED))))


def late_stages(*, now, department=None):
    """Open stages whose light is yellow or red (`is_red`), the most urgent first."""
    return _with_review_counts(_late(now, department), now).order_by("due_at", "pk")


def late_stages_first(limit, *, now, department=None) -> list:
    """The `limit` most urgent of `late_stages`: their ids first (no joins, no grouping), then only their rows
    with the counts of their reviews."""
    ids = _late(now, department).order_by("due_at", "pk").values_list("pk", flat=True)[:limit]
    return rows_in_order(_with_review_counts(ApplicationStage.objects.all(), now), ids)


def undelivered(*, now, department=None):
    """Decided applications whose results were not delivered within 10 working days (Art. 44)."""
    rows = Application.objects.filter(status=ApplicationStatus.DECIDED, delivery_due_at__lte=now)
    return rows.filter(lead_department=department) if department is not None else rows


@dataclass
class DepartmentCounts:
    department: Department
    yellow: int = 0
    red: int = 0
    legal: int = 0
    red_stages: int = 0
    undelivered: int = 0

    @property
    def total(self) -> int:
        return self.yellow + self.red + self.red_stages + self.undelivered


def review_counts(*, now, department=None) -> dict:
    """{department id: {"yellow", "red", "legal"}} over the reviews' lights — one grouped query."""
    red = ItemReview.LIGHT.q(Light.RED, now)
    rows = (_reviews(department).filter_light([Light.YELLOW, Light.RED], now).order_by()
            .values("department_id")
            .annotate(yellow=Count("id", filter=ItemReview.LIGHT.q(Light.YELLOW, now)), red=Count("id", filter=red),
                      legal=Count("id", filter=red & Q(legal_due_at__lte=now))))
    return {row["department_id"]: row for row in rows}


def counts_by_department(*, now) -> list[DepartmentCounts]:
    """Every department with its yellow / red / legal-overrun reviews, red stages and undelivered decisions.

    Three grouped queries (reviews, stages, applications) plus the department list; departments with the most
    red first."""
    reviews = review_counts(now=now)
    # COUNT(*), not of the id: the id is not in `stage_open_clock`, and counting it read every red stage's row
    # from the table (7,700 heap pages at one million applications) instead of the index alone.
    stages = dict(ApplicationStage.objects.filter_light(Light.RED, now).order_by()
                  .values("lead_department_id").annotate(n=Count("*")).values_list("lead_department_id", "n"))
    late = dict(undelivered(now=now).order_by().values("lead_department_id").annotate(n=Count("id"))
                .values_list("lead_department_id", "n"))
    result = []
    for department in Department.objects.order_by("code"):
        r = reviews.get(department.pk, {})
        result.append(DepartmentCounts(department=department, yellow=r.get("yellow", 0), red=r.get("red", 0),
                                       legal=r.get("legal", 0), red_stages=stages.get(department.pk, 0),
                                       undelivered=late.get(department.pk, 0)))
    result.sort(key=lambda c: (-c.legal, -c.red, -c.red_stages, -c.undelivered, -c.yellow, c.department.code))
    return result


def totals(counts: list[DepartmentCounts]) -> DepartmentCounts:
    return DepartmentCounts(department=None, yellow=sum(c.yellow for c in counts), red=sum(c.red for c in counts),
                            legal=sum(c.legal for c in counts), red_stages=sum(c.red_stages for c in counts),
                            undelivered=sum(c.undelivered for c in counts))


def firings(*, department=None, kind=None, date_from=None, date_to=None):
    """The escalation history (every warning, escalation and deemed acceptance), newest first.

    `date_from` / `date_to` are local calendar days, both included."""
    rows = DeadlineFiring.objects.select_related("application__enterprise", "department")
    if department is not None:
        rows = rows.filter(department=department)
    if kind:
        rows = rows.filter(kind=kind)
    zone = timezone.get_current_timezone()
    if date_from:
        rows = rows.filter(fired_at__gte=datetime.combine(date_from, time.min, tzinfo=zone))
    if date_to:
        rows = rows.filter(fired_at__lte=datetime.combine(date_to, time.max, tzinfo=zone))
    return rows.order_by("-fired_at", "-id")


def deemed_acceptances(*, department=None):
    """Applications accepted by law because nobody answered within 5 working days (Art. 32), newest first."""
    return firings(department=department, kind=FiringKind.DEEMED_ACCEPTED)


def describe_subjects(rows) -> None:
    """Give each firing of `rows` its `subject_review` / `subject_stage` (two queries for a whole page)."""
    rows = list(rows)
    review_ids = [f.subject_id for f in rows if f.subject_type == ItemReview._meta.model_name]
    stage_ids = [f.subject_id for f in rows if f.subject_type == ApplicationStage._meta.model_name]
    # No ordering: the models' default orderings would join the application, stage, department and item.
    reviews = ItemReview.objects.select_related("item").order_by().in_bulk(review_ids) if review_ids else {}
    stages = ApplicationStage.objects.order_by().in_bulk(stage_ids) if stage_ids else {}
    for firing in rows:
        firing.subject_review = reviews.get(firing.subject_id) if firing.subject_type == "itemreview" else None
        firing.subject_stage = stages.get(firing.subject_id) if firing.subject_type == "applicationstage" else None
