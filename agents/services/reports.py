"""日研判、周调度、月清零 and the 222 compliance: figures over the demand list (seed 000).

All periods are local days (Asia/Shanghai). Each function returns plain data for pages, the API and tests.
Figures are counted by the database (grouped queries); red and the 222 outcome are `Demand.LIGHT` and
`Demand.OUTCOME_222` (agents/models/demands.py), the same rules the pages and the API show.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agents.models import Demand, DemandClass, DemandStatus, Outcome222
from approvals.lights import Light
from portal.models.users import User

D = DemandStatus
OPEN_STATES = (D.RAISED, D.OPEN, D.PLAN_PROPOSED, D.RESOLVED)  # not yet closed off


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _rows():
    return Demand.objects.select_related("enterprise", "owner", "owner__assignment__department")


def _done_before(moment) -> Q:
    """The demand was answered before `moment`: a solution plan for a big one, a resolution for the others."""
    return (Q(classification=DemandClass.BIG, plan_proposed_at__lt=moment)
            | (~Q(classification=DemandClass.BIG) & Q(resolved_at__lt=moment)))


# --- daily triage ---------------------------------------------------------------------------------------
@dataclass
class DailyTriage:
    day: date
    new: list
    red: list
    unclassified: list


def daily_triage(day: date, now=None) -> DailyTriage:
    """日研判: the demands raised that day, every demand overdue (red) at the end of it — or now, if earlier —
    and those still waiting for a class."""
    end = _start_of(day + timedelta(days=1))
    now = min(now or timezone.now(), end)
    new = list(_rows().filter(raised_at__gte=_start_of(day), raised_at__lt=end).order_by("raised_at"))
    red = list(_rows().filter_light(Light.RED, now).order_by("due_at"))
    unclassified = list(_rows().filter(status=D.RAISED, raised_at__lt=end).order_by("raised_at"))
    return DailyTriage(day=day, new=new, red=red, unclassified=unclassified)


# --- weekly dispatch ------------------------------------------------------------------------------------
@dataclass
class DispatchLine:
    key: str
    label: str
    raised: int = 0
    open: int = 0
    red: int = 0
    resolved: int = 0


@dataclass
class WeeklyDispatch:
    week_start: date
    week_end: date  # exclusive
    by_owner: list = field(default_factory=list)
    by_department: list = field(default_factory=list)
    by_category: list = field(default_factory=list)


def weekly_dispatch(week_start: date, now=None) -> WeeklyDispatch:
    """周调度: per owner, per owner's department and per category — raised in the week, still open (as now
    known) at its end, red among those (overdue at the end of the week, or now if earlier), resolved during the
    week. One grouped query; the three groupings are folded from its (owner, department, category) lines."""
    week_end = week_start + timedelta(days=7)
    start, end = _start_of(week_start), _start_of(week_end)
    now = min(now or timezone.now(), end)
    still_open = (~Q(status=D.CLOSED) | Q(closed_at__gte=end)) & ~_done_before(end)
    groups = (Demand.objects.filter(raised_at__lt=end).exclude(closed_at__lt=start).order_by()
              .values("owner_id", "owner__assignment__department__code", "owner__assignment__department__name",
                      "category")
              .annotate(raised=Count("pk", filter=Q(raised_at__gte=start)),
                        open=Count("pk", filter=still_open),
                        red=Count("pk", filter=still_open & Q(due_at__lte=now)),
                        resolved=Count("pk", filter=Q(resolved_at__gte=start, resolved_at__lt=end))))
    groups = list(groups)
    owners = User.objects.in_bulk({g["owner_id"] for g in groups if g["owner_id"]})
    categories = dict(Demand._meta.get_field("category").choices)
    lines = {"owner": {}, "department": {}, "category": {}}

    def line(group, key, label):
        return lines[group].setdefault(key, DispatchLine(key=key, label=label))

    for group in groups:
        owner = owners.get(group["owner_id"])
        code = group["owner__assignment__department__code"]
        targets = [
            line("owner", str(owner.pk) if owner else "-", str(owner) if owner else _("No owner yet")),
            line("department", code or "park",
                 group["owner__assignment__department__name"] if code
                 else _("The park (service agents and leaders)")),
            line("category", group["category"], str(categories.get(group["category"], group["category"]))),
        ]
        for target in targets:
            target.raised += group["raised"]
            target.open += group["open"]
            target.red += group["red"]
            target.resolved += group["resolved"]
    order = lambda rows: sorted(rows.values(), key=lambda ln: (-ln.red, -ln.open, ln.label))  # noqa: E731
    return WeeklyDispatch(week_start=week_start, week_end=week_end, by_owner=order(lines["owner"]),
                          by_department=order(lines["department"]), by_category=order(lines["category"]))


# --- monthly clear-to-zero ------------------------------------------------------------------------------
@dataclass
class OpenAtMonthEnd:
    demand: Demand
    status: str
    owner: object
    classification: str
    overdue: bool
    why: str


@dataclass
class MonthlyClearToZero:
    year: int
    month: int
    raised: int
    closed: int
    open_rows: list

    @property
    def cleared(self) -> bool:
        return not self.open_rows


def _why(demand, month_end) -> str:
    if demand.status == D.RAISED:
        return _("Not classified yet: no owner.")
    if demand.status == D.PLAN_PROPOSED:
        if demand.plan_due_date and demand.plan_due_date < month_end.date():
            return _("Solution plan past its date (%(date)s).") % {"date": demand.plan_due_date}
        return _("Solution plan under way until %(date)s.") % {"date": demand.plan_due_date}
    if demand.status == D.RESOLVED:
        return _("Resolved; waiting for the company's confirmation.")
    if demand.due_at is not None and demand.due_at < month_end:
        return _("Overdue since %(due)s.") % {"due": timezone.localtime(demand.due_at).strftime("%Y-%m-%d %H:%M")}
    return _("Being handled; due %(due)s.") % {
        "due": timezone.localtime(demand.due_at).strftime("%Y-%m-%d %H:%M") if demand.due_at else "-"}


def monthly_clear_to_zero(year: int, month: int, now=None) -> MonthlyClearToZero:
    """月清零: what was still not closed off at the month's end, and why (status, owner, class, overdue)."""
    first = date(year, month, 1)
    next_first = date(year + (month == 12), month % 12 + 1, 1)
    start, end = _start_of(first), _start_of(next_first)
    raised = _rows().filter(raised_at__gte=start, raised_at__lt=end).count()
    closed = _rows().filter(closed_at__gte=start, closed_at__lt=end).count()
    rows = []
    candidates = (_rows().filter(raised_at__lt=end).exclude(status=D.CLOSED, closed_at__lt=end)
                  .with_outcome_222(end).order_by("raised_at"))
    for demand in candidates:
        rows.append(OpenAtMonthEnd(demand=demand, status=demand.get_status_display(), owner=demand.owner,
                                   classification=demand.get_classification_display() if demand.classification
                                   else "", overdue=demand.outcome_222 == Outcome222.MISSED,
                                   why=_why(demand, end)))
    return MonthlyClearToZero(year=year, month=month, raised=raised, closed=closed, open_rows=rows)


# --- 222 compliance -------------------------------------------------------------------------------------
@dataclass
class ComplianceLine:
    classification: str
    label: str
    decided: int = 0
    in_time: int = 0

    @property
    def share(self) -> float | None:
        """In-time share in percent (one decimal); None when nothing was decided."""
        return round(100 * self.in_time / self.decided, 1) if self.decided else None


def compliance_222(start: date, end: date, now=None) -> list[ComplianceLine]:
    """Per class: demands whose 222 deadline fell in [start, end] (inclusive local days) and whose outcome is
    known — done (resolved, or planned when big) or overdue — and how many kept the limit. The last line is
    the total."""
    now = now or timezone.now()
    lines = {c: ComplianceLine(classification=c, label=DemandClass(c).label) for c in DemandClass.values}
    rows = (Demand.objects.filter(due_at__gte=_start_of(start), due_at__lt=_start_of(end + timedelta(days=1)))
            .exclude(classification="").with_outcome_222(now).exclude(outcome_222=Outcome222.PENDING).order_by()
            .values("classification")
            .annotate(decided=Count("pk"), in_time=Count("pk", filter=Q(outcome_222=Outcome222.MET))))
    for row in rows:
        line = lines[row["classification"]]
        line.decided, line.in_time = row["decided"], row["in_time"]
    total = ComplianceLine(classification="all", label=_("All classes"),
                           decided=sum(ln.decided for ln in lines.values()),
                           in_time=sum(ln.in_time for ln in lines.values()))
    return [*lines.values(), total]
