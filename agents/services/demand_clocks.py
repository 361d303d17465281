"""The 222 clocks of demands, on the working-day calendar, swept with the approvals' deadline sweep."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agents.models import Demand, DemandClass, DemandStatus
from approvals import clocks
from approvals.calendar.loading import get_calendar
from approvals.models import FiringKind
from approvals.notices import digest
from approvals.services.deadlines import fire

LIMITS = {  # the 222 rule (seed 000)
    DemandClass.SMALL: ("hours", 2),
    DemandClass.GENERAL: ("days", 2),
    DemandClass.BIG: ("days", 2),  # a solution plan within 2 working days
}


def due_times(classification, start, cal=None):
    """(due_at, warn_at) of a demand of `classification` raised (or reopened) at `start`: computed by the clock
    functions every other clock uses (approvals/clocks.py), so they are whole minutes like theirs — the day limits
    at the end of office hours, the 2-hour limit in office time rounded up to the minute, the yellow threshold
    rounded down — and the sweep, the lights, the 222 outcome and the reports compare the same stored values."""
    cal = cal or get_calendar()
    unit, amount = LIMITS[classification]
    if unit == "hours":
        due = clocks.hours_due_at(cal, start, amount)
        full = timedelta(hours=amount)
    else:
        due = cal.add_working_days(start, amount)
        full = clocks.budget(cal, start, amount)
    return due, clocks.warn_before(cal, due, full, yellow_days=settings.CLOCK_YELLOW_DAYS,
                                   yellow_fraction=settings.CLOCK_YELLOW_FRACTION)


def demand_link(demand) -> str:
    """The demand's page (agents:demand); empty while the pages are not mounted (a notification still goes out)."""
    from agents.services.links import page

    return page("demand", demand.pk)


def clock_start(demand):
    """When the current 222 clock started: the last reopening, else the moment the demand was raised."""
    from portal.models import AuditEntry

    if demand.reopened:
        entry = (AuditEntry.objects.filter(event="demand.reopened", subject_type=demand._meta.label,
                                           subject_id=str(demand.pk)).order_by("-pk").first())
        if entry is not None and entry.data.get("clock_start"):
            return datetime.fromisoformat(entry.data["clock_start"])
    return demand.raised_at


# How a demand's firing reads in the sweep's digest (one notification per person per pass).
digest.register_line(FiringKind.DEMAND_YELLOW, title=_("Demand due soon: %(title)s (%(ref)s)"),
                     detail=_("%(enterprise)s: %(title)s"))
digest.register_line(FiringKind.DEMAND_RED, title=_("Demand overdue (督办): %(title)s (%(ref)s)"),
                     detail=_("%(enterprise)s: %(title)s"))


def running_demands():
    return Demand.objects.filter(next_check_at__isnull=False)


def check_demand(demand_id, *, now, report) -> None:
    """Fire yellow and red for one demand (claimed), escalating red to the company's leader."""
    with transaction.atomic():
        demand = (Demand.objects.select_for_update(skip_locked=True)
                  .filter(pk=demand_id, next_check_at__lte=now).first())
        if demand is None:
            return
        demand = Demand.objects.select_related("enterprise__leader", "owner").get(pk=demand.pk)
        if demand.status != DemandStatus.OPEN or demand.due_at is None:  # stopped since it was scheduled
            Demand.objects.filter(pk=demand.pk).update(next_check_at=None)
            return
        next_check = None
        for kind, threshold in ((FiringKind.DEMAND_YELLOW, demand.warn_at), (FiringKind.DEMAND_RED, demand.due_at)):
            if threshold is None:
                continue
            if threshold > now:
                next_check = threshold if next_check is None else min(next_check, threshold)
                continue
            firing = fire(kind, demand, deadline_at=demand.due_at, now=now, link=demand_link(demand),
                          context={"ref": demand.reference, "title": demand.title,
                                   "enterprise": demand.enterprise.name})
            if firing:
                red = kind == FiringKind.DEMAND_RED  # red: the company's leader too (督办)
                digest.tell(firing, [demand.owner] + ([demand.enterprise.leader] if red else []))
                report.count(kind)
        Demand.objects.filter(pk=demand.pk).update(next_check_at=next_check)


def demands_in_window(since, until):
    """Running 222 clocks whose window (from when the demand was raised to its due time) meets [since, until)."""
    return Demand.objects.filter(status=DemandStatus.OPEN, raised_at__lt=until, due_at__gte=since)


def recompute_demand(demand_id, *, cal, now) -> bool:
    """The calendar changed: recompute one running 222 clock (locked) and record it; True when it moved.

    Registered with approvals' recompute of the stored clocks (agents/hooks.py)."""
    from portal.services import audit

    demand = (Demand.objects.select_for_update().filter(pk=demand_id, status=DemandStatus.OPEN)
              .exclude(due_at=None).exclude(classification="").first())
    if demand is None:
        return False
    before = (demand.due_at, demand.warn_at)
    after = due_times(demand.classification, clock_start(demand), cal)
    if after == before:
        return False
    demand._set_clock(*after)
    Demand.objects.filter(pk=demand.pk).update(due_at=demand.due_at, warn_at=demand.warn_at,
                                               next_check_at=demand.next_check_at)
    audit.record("demand.clock_recomputed", subject=demand,
                 summary=f"{demand.reference} due {timezone.localtime(after[0]):%Y-%m-%d %H:%M}",
                 data={"enterprise": demand.enterprise.credit_code, "class": demand.classification,
                       "before": {"due_at": timezone.localtime(before[0]).isoformat()},
                       "after": {"due_at": timezone.localtime(after[0]).isoformat()}, "at": now.isoformat()})
    return True


def light(demand, *, now=None) -> str:
    """The demand's light at `now` (`Demand.LIGHT`: green / yellow / red while the 222 clock runs; done once
    resolved, planned or closed; waiting before the park classifies it; a proposed plan past its own date shows
    red again). Lists select it in SQL with `Demand.objects.with_light`."""
    return demand.light_at(now or timezone.now())
