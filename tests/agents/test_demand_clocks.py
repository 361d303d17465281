"""The 222 clocks on the 2026 calendar (office hours 09:00-12:00, 13:30-17:30): lunch breaks, evenings,
weekends, National Day (10-01..10-07) and its make-up Saturday 10-10; escalation fires exactly once."""

from datetime import date

import pytest

from agents.models import Demand, DemandClass
from agents.services import demand_clocks
from approvals.models import DeadlineFiring, FiringKind
from approvals.services import recompute
from approvals.services.calendar_days import switch_day
from approvals.services.deadlines import sweep
from portal.models import AuditEntry, Notification
from tests.factories.portal import UserFactory
from tests.factories.agents import open_demand
from tests.factories.applications import reload, shanghai as at

pytestmark = pytest.mark.django_db

# raised at, class, expected due, expected yellow — each worked out by hand:
CASES = [
    # Wed 09-30 16:50, the day before National Day: 40 min (16:50-17:30), then 80 min on Thu 10-08
    # (09:00-10:20). Yellow: the smaller of 1 working day and 1/4 of 2 h = 30 min before -> 09:50.
    (at(2026, 9, 30, 16, 50), DemandClass.SMALL, at(2026, 10, 8, 10, 20), at(2026, 10, 8, 9, 50)),
    # Mon 06-01 11:30: 30 min before lunch (11:30-12:00), 90 min after it (13:30-15:00). Yellow 14:30.
    (at(2026, 6, 1, 11, 30), DemandClass.SMALL, at(2026, 6, 1, 15, 0), at(2026, 6, 1, 14, 30)),
    # Sat 06-06 20:00 (weekend evening): counting starts Mon 06-08 09:00 -> 11:00; yellow 10:30.
    (at(2026, 6, 6, 20, 0), DemandClass.SMALL, at(2026, 6, 8, 11, 0), at(2026, 6, 8, 10, 30)),
    # Sat 10-10 17:20, a make-up working day: 10 min that day, 110 min on Mon 10-12 (09:00-10:50).
    (at(2026, 10, 10, 17, 20), DemandClass.SMALL, at(2026, 10, 12, 10, 50), at(2026, 10, 12, 10, 20)),
    # Fri 06-05 15:00, general: working days Mon 06-08 and Tue 06-09 -> Tue 17:30. Budget 2.5 + 7 + 7 = 16.5 h;
    # yellow window min(7 h, 16.5/4 = 4 h 07 min 30 s): 4 h of Tue afternoon + 7.5 min before noon -> 11:52:30,
    # shown and stored to the minute as every clock's yellow threshold (rounded down): 11:52.
    (at(2026, 6, 5, 15, 0), DemandClass.GENERAL, at(2026, 6, 9, 17, 30), at(2026, 6, 9, 11, 52)),
    # Fri 10-09 16:00, general: the next working days are the make-up Sat 10-10 and Mon 10-12 -> Mon 17:30.
    # Budget 1.5 + 7 + 7 = 15.5 h; window 15.5/4 = 3 h 52 min 30 s -> Mon 13:37:30, to the minute 13:37.
    (at(2026, 10, 9, 16, 0), DemandClass.GENERAL, at(2026, 10, 12, 17, 30), at(2026, 10, 12, 13, 37)),
    # Big, Wed 09-30 10:00: the plan within 2 working days after the holiday: Thu 10-08, Fri 10-09 -> 17:30.
    # Budget 6 + 7 + 7 = 20 h; window min(7 h, 5 h) = 5 h: 4 h of Fri afternoon + 1 h before noon -> 11:00.
    (at(2026, 9, 30, 10, 0), DemandClass.BIG, at(2026, 10, 9, 17, 30), at(2026, 10, 9, 11, 0)),
    # Small, raised Mon 06-01 10:00:37.5 (a real moment has seconds): 2 office hours -> 12:00:37.5 is past the
    # morning's end, so 12:00 + 37.5 s after lunch = 13:30:37.5, up to the whole minute -> 13:31; yellow 30 min of
    # office time earlier: 13:01 -> 12:00 - 29 min = 11:31, to the minute -> 11:31.
    (at(2026, 6, 1, 10, 0, 37, 500000), DemandClass.SMALL, at(2026, 6, 1, 13, 31), at(2026, 6, 1, 11, 31)),
]


@pytest.mark.parametrize(("raised", "classification", "due", "warn"), CASES,
                         ids=["small-before-national-day", "small-over-lunch", "small-weekend-evening",
                              "small-make-up-saturday", "general-friday-afternoon", "general-make-up-saturday",
                              "big-plan-over-the-holiday", "small-raised-with-seconds"])
def test_222_due_times_by_hand(cat, raised, classification, due, warn):
    assert demand_clocks.due_times(classification, raised) == (due, warn)
    # Through the services: raised then classified (later) — the clock runs from the moment it was raised.
    owner = cat.add_user("leader")
    demand = open_demand(cat, classification, owner=owner, now=raised)
    assert (demand.due_at, demand.warn_at, demand.next_check_at) == (due, warn, warn)


def test_red_escalates_once_to_the_owner_and_the_company_leader(cat, agent):
    demand = open_demand(cat, DemandClass.GENERAL, owner=agent, now=at(2026, 6, 5, 15, 0))  # due Tue 06-09 17:30

    sweep(now=at(2026, 6, 9, 11, 0))
    assert not DeadlineFiring.objects.filter(subject_type="demand").exists()
    assert demand_clocks.light(reload(demand), now=at(2026, 6, 9, 11, 0)) == "green"

    sweep(now=at(2026, 6, 9, 12, 0))
    assert list(DeadlineFiring.objects.filter(subject_type="demand").values_list("kind", flat=True)) == [
        FiringKind.DEMAND_YELLOW]
    assert demand_clocks.light(reload(demand), now=at(2026, 6, 9, 12, 0)) == "yellow"

    first = sweep(now=at(2026, 6, 9, 17, 31))
    second = sweep(now=at(2026, 6, 9, 17, 32))
    assert first.fired.get(FiringKind.DEMAND_RED) == 1
    assert FiringKind.DEMAND_RED not in second.fired
    assert DeadlineFiring.objects.filter(subject_type="demand", kind=FiringKind.DEMAND_RED).count() == 1
    red = Notification.objects.filter(kind=FiringKind.DEMAND_RED)
    assert sorted(red.values_list("recipient__username", flat=True)) == sorted([agent.username,
                                                                                cat.leader.username])
    assert reload(demand).next_check_at is None
    assert demand_clocks.light(reload(demand), now=at(2026, 6, 9, 17, 31)) == "red"

    sweep(now=at(2026, 6, 10, 9, 0))  # a day later still nothing new
    assert red.count() == 2


def test_a_running_222_clock_follows_a_switched_day(cat, agent):
    demand = open_demand(cat, DemandClass.GENERAL, owner=agent, now=at(2026, 6, 5, 15, 0))  # due Tue 06-09 17:30
    closed = open_demand(cat, DemandClass.GENERAL, owner=agent, now=at(2026, 6, 5, 15, 1))
    Demand.objects.filter(pk=closed.pk).update(status="closed", next_check_at=None)  # closed off in time
    switch_day(date(2026, 6, 8), is_workday=False, note="临时调整", actor=UserFactory(admin=True))
    report = recompute.recompute_clocks(date(2026, 6, 8), date(2026, 6, 8), now=at(2026, 6, 6, 9, 0))
    # Mon 06-08 off: the two working days after Fri 06-05 are Tue 06-09 and Wed 06-10.
    demand = reload(demand)
    assert demand.due_at == at(2026, 6, 10, 17, 30)
    assert demand.next_check_at == demand.warn_at and demand.warn_at < demand.due_at
    assert reload(closed).due_at == at(2026, 6, 9, 17, 30)  # a closed clock stays on record as it was
    assert report.changed.get("demand") == 1
    entry = AuditEntry.objects.get(event="demand.clock_recomputed")
    assert entry.subject_id == str(demand.pk) and entry.data["after"]["due_at"] == "2026-06-10T17:30:00+08:00"


def test_the_migration_rounds_stored_clocks_to_the_minute(cat):
    """Rows stored before the clocks were whole minutes: due up, yellow down, the pending check follows."""
    from importlib import import_module

    from django.apps import apps

    owner = cat.add_user("leader")
    demand = open_demand(cat, DemandClass.GENERAL, owner=owner, now=at(2026, 6, 5, 15, 0))
    Demand.objects.filter(pk=demand.pk).update(due_at=at(2026, 6, 9, 17, 29, 59, 1), warn_at=at(2026, 6, 9, 11, 52, 30),
                                               next_check_at=at(2026, 6, 9, 11, 52, 30))
    import_module("agents.migrations.0004_demand_clocks_to_the_minute").forwards(apps, None)
    demand = reload(demand)
    assert (demand.due_at, demand.warn_at, demand.next_check_at) == (
        at(2026, 6, 9, 17, 30), at(2026, 6, 9, 11, 52), at(2026, 6, 9, 11, 52))
    import_module("agents.migrations.0004_demand_clocks_to_the_minute").forwards(apps, None)  # a second run: same
    assert (reload(demand).due_at, reload(demand).warn_at) == (at(2026, 6, 9, 17, 30), at(2026, 6, 9, 11, 52))
