"""Stored clocks follow the calendar: recompute every open clock whose window contains a changed day.

A due time is stored when a clock starts or moves (see approvals/clocks.py), computed on the calendar of that
moment. When the calendar changes (an administrator switches a day, a year's schedule is published or withdrawn,
`load_calendar` loads a schedule) the calendar service records a `ClockRecompute` request in its transaction and
queues `approvals.tasks.recompute_clocks(first, last, request_id)` after commit. The task walks each kind of open
clock in batches of ordered id ranges (`id > last id seen ORDER BY id LIMIT n`), one transaction per batch and a
savepoint per row: it locks the row, recomputes its due times from its start, limits, extension and pauses on a
freshly built calendar, and stores them only when they differ, with a timeline entry (`clock_recomputed`) for the
application. Running it twice changes nothing the second time: it is idempotent.

Which clocks: running reviews (under review, or decided and awaiting the signature: `due_at`, `legal_due_at`,
`warn_at`, `next_check_at`), open stages (after their reviews: a stage follows its reviews), the acceptance clock
of submitted applications (`acceptance_due_at` and its yellow threshold `acceptance_warn_at`), the delivery clock of decided ones (`delivery_due_at`,
`delivery_check_at`), and the clocks other packages register (`register`: the agents' demands). A clock is
examined when its window, from its start to its (legal) due time, meets the changed days: a day after a due date
cannot move it. A suspended review has no due time to recompute: its resume computes it on the calendar of then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import clocks
from approvals.calendar.loading import build_calendar
from approvals.models import (
    Application, ApplicationStage, ApplicationStatus, ClockRecompute, EventKind, ItemReview, PaymentNotice,
    ReviewStatus, StageStatus,
)
from approvals.services import timeline
from approvals.services.applications import acceptance_clock_times
from approvals.services.reviews import follow_reviews, review_due_times
from portal.queue import enqueue_now, enqueue_on_commit

log = logging.getLogger(__name__)
BATCH = 200
RELAY_AFTER = timedelta(minutes=10)  # a request not done by then was lost (or is still running: harmless)
RUNNING_REVIEW_STATES = [ReviewStatus.UNDER_REVIEW, ReviewStatus.APPROVED, ReviewStatus.REFUSED]


@dataclass
class RecomputeReport:
    examined: dict = field(default_factory=dict)
    changed: dict = field(default_factory=dict)
    failed: int = 0

    def count(self, kind, changed):
        self.examined[kind] = self.examined.get(kind, 0) + 1
        if changed:
            self.changed[kind] = self.changed.get(kind, 0) + 1

    @property
    def total_changed(self) -> int:
        return sum(self.changed.values())


def _minute(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def _iso(value):
    return timezone.localtime(value).isoformat() if value else None


# --- one clock of each kind: lock, recompute, store and tell when it changed -----------------------------------
def _review(pk, *, cal, now) -> bool:
    review = (ItemReview.objects.select_for_update(of=("self",)).select_related("application", "item", "department")
              .filter(pk=pk, status__in=RUNNING_REVIEW_STATES).order_by().first())
    if review is None or review.started_at is None:
        return False
    before = (review.due_at, review.legal_due_at, review.warn_at)
    after = review_due_times(review, cal)
    if after == before:
        return False
    review.set_clock(*after)
    review.save(update_fields=["due_at", "legal_due_at", "warn_at", "next_check_at"])
    timeline.record(review.application, EventKind.CLOCK_RECOMPUTED, now=now, subject=review,
                    department=review.department,
                    message=_("The working-day calendar changed: “%(item)s” is now due %(due)s, legal limit "
                              "%(legal)s (was %(old_due)s, %(old_legal)s).")
                    % {"item": review.item.name, "due": _minute(after[0]), "legal": _minute(after[1]),
                       "old_due": _minute(before[0]), "old_legal": _minute(before[1])},
                    data={"clock": "review", "item": review.item.code,
                          "before": {"due_at": _iso(before[0]), "legal_due_at": _iso(before[1])},
                          "after": {"due_at": _iso(after[0]), "legal_due_at": _iso(after[1])}})
    return True


def _stage(pk, *, cal, now) -> bool:
    old = ApplicationStage.objects.select_for_update().filter(pk=pk).values_list("due_at", flat=True).first()
    stage = follow_reviews(pk, cal)
    if stage is None:
        return False
    timeline.record(stage.application, EventKind.CLOCK_RECOMPUTED, now=now, subject=stage,
                    department=stage.lead_department,
                    message=_("The working-day calendar changed: stage “%(stage)s” is now due %(due)s (was "
                              "%(old_due)s).") % {"stage": stage.name, "due": _minute(stage.due_at),
                                                  "old_due": _minute(old)},
                    data={"clock": "stage", "stage": stage.order, "before": {"due_at": _iso(old)},
                          "after": {"due_at": _iso(stage.due_at)}})
    return True


def _acceptance(pk, *, cal, now) -> bool:
    application = (Application.objects.select_for_update().filter(pk=pk, status=ApplicationStatus.SUBMITTED)
                   .exclude(acceptance_due_at=None).order_by().first())
    if application is None or application.received_at is None:
        return False
    before, old_warn = application.acceptance_due_at, application.acceptance_warn_at
    # The due time and the yellow threshold the acceptance light reads (docs/statuses.md) move together.
    after, warn = acceptance_clock_times(application.received_at, cal)
    if (after, warn) == (before, old_warn):
        return False
    application.acceptance_due_at, application.acceptance_warn_at = after, warn
    application.save(update_fields=["acceptance_due_at", "acceptance_warn_at"])
    timeline.record(application, EventKind.CLOCK_RECOMPUTED, now=now, department=application.lead_department,
                    message=_("The working-day calendar changed: the answer to the application is now due %(due)s "
                              "(was %(old_due)s).") % {"due": _minute(after), "old_due": _minute(before)},
                    data={"clock": "acceptance", "before": {"due_at": _iso(before), "warn_at": _iso(old_warn)},
                          "after": {"due_at": _iso(after), "warn_at": _iso(warn)}})
    return True


def _delivery(pk, *, cal, now) -> bool:
    application = (Application.objects.select_for_update().filter(pk=pk, status=ApplicationStatus.DECIDED)
                   .exclude(delivery_due_at=None).order_by().first())
    if application is None or application.decided_at is None:
        return False
    before = application.delivery_due_at
    notice = PaymentNotice.objects.filter(application=application).first()
    after = clocks.delivery_due_at(cal, application.decided_at,
                                   fee_issued_at=notice.issued_at if notice else None,
                                   fee_paid_at=notice.waited_until if notice else None)
    if after == before or after is None:  # a clock waiting for the fee has no due time: its payment computes it
        return False
    # A moved deadline is checked again, as after any move of a clock (the firing is keyed by its deadline).
    application.set_delivery_clock(after)
    application.save(update_fields=["delivery_due_at", "delivery_check_at"])
    timeline.record(application, EventKind.CLOCK_RECOMPUTED, now=now, department=application.lead_department,
                    message=_("The working-day calendar changed: the results are now to be delivered by %(due)s "
                              "(was %(old_due)s).") % {"due": _minute(after), "old_due": _minute(before)},
                    data={"clock": "delivery", "before": {"due_at": _iso(before)}, "after": {"due_at": _iso(after)}})
    return True


# --- candidates: open clocks whose window [start, due] meets the changed days [since, until) --------------------
def _reviews(since, until):
    return ItemReview.objects.filter(Q(due_at__gte=since) | Q(legal_due_at__gte=since),
                                     status__in=RUNNING_REVIEW_STATES, started_at__lt=until)


def _stages(since, until):
    return ApplicationStage.objects.filter(status=StageStatus.OPEN, opened_at__lt=until, due_at__gte=since)


def _acceptances(since, until):
    return Application.objects.filter(status=ApplicationStatus.SUBMITTED, received_at__lt=until,
                                      acceptance_due_at__gte=since)


def _deliveries(since, until):
    return Application.objects.filter(status=ApplicationStatus.DECIDED, decided_at__lt=until,
                                      delivery_due_at__gte=since)


# Reviews before stages: a stage's clock is read from its reviews.
_KINDS = [("review", _reviews, _review), ("stage", _stages, _stage), ("acceptance", _acceptances, _acceptance),
          ("delivery", _deliveries, _delivery)]
_extra: list = []


def register(kind: str, rows, recompute) -> None:
    """Another package's clocks: `rows(since, until)` the queryset of open clocks whose window meets the changed
    days (aware datetimes, `until` exclusive); `recompute(pk, cal=, now=)` locks one, stores its recomputed clock
    and records it, returning True when it changed."""
    entry = (kind, rows, recompute)
    if entry not in _extra:
        _extra.append(entry)


def kinds() -> list:
    return [*_KINDS, *_extra]


def _window(first: date, last: date, cal):
    since = datetime.combine(first, time.min, tzinfo=cal.tz)
    until = datetime.combine(last + timedelta(days=1), time.min, tzinfo=cal.tz)
    return since, until


def recompute_batch(kind, first: date, last: date, *, after_id=0, now=None, cal=None, report=None,
                    batch=BATCH):
    """Recompute up to `batch` clocks of `kind` with ids above `after_id`, in one transaction (a savepoint each).

    Returns the last id handled, or None when there are no more."""
    now = now or timezone.now()
    cal = cal or build_calendar()
    report = report if report is not None else RecomputeReport()
    _name, rows, recompute = next(k for k in kinds() if k[0] == kind)
    since, until = _window(first, last, cal)
    ids = list(rows(since, until).filter(pk__gt=after_id).order_by("pk").values_list("pk", flat=True)[:batch])
    if not ids:
        return None
    with transaction.atomic():
        for pk in ids:
            try:
                with transaction.atomic():
                    report.count(kind, recompute(pk, cal=cal, now=now))
            except Exception:  # noqa: BLE001 - one bad row must not stop the others; a second run retries it
                report.failed += 1
                log.exception("Recomputing the %s clock %s failed", kind, pk)
    return ids[-1]


def recompute_clocks(first: date, last: date, *, now=None, start_kind=None, after_id=0, on_batch=None,
                     batch=BATCH) -> RecomputeReport:
    """Recompute every open clock whose window meets the days `first`..`last` (inclusive), kind after kind.

    `start_kind` / `after_id` continue an interrupted run; `on_batch(kind, last_id)` is called after each batch
    commits (the task keeps its cursor with it)."""
    if last < first:
        first, last = last, first
    now = now or timezone.now()
    cal = build_calendar()  # from the database, not this process's cache (it may not have seen the edit yet)
    report = RecomputeReport()
    names = [k[0] for k in kinds()]
    started = start_kind is None
    for name in names:
        if not started:
            if name != start_kind:
                continue
            started = True
            cursor = after_id
        else:
            cursor = 0
        while True:
            cursor = recompute_batch(name, first, last, after_id=cursor, now=now, cal=cal, report=report, batch=batch)
            if cursor is None:
                break
            if on_batch is not None:
                on_batch(name, cursor)
    return report


# --- requests (the outbox) -----------------------------------------------------------------------------------------
def request_recompute(first: date, last: date, *, reason: str = "", now=None) -> ClockRecompute:
    """Record that the clocks of `first`..`last` must be recomputed and queue the task after commit.

    Call it inside the transaction that changes the calendar."""
    from approvals.tasks import recompute_clocks as task

    if last < first:
        first, last = last, first
    request = ClockRecompute.objects.create(first=first, last=last, reason=reason[:255],
                                            requested_at=now or timezone.now())
    enqueue_on_commit(task, first.isoformat(), last.isoformat(), request.pk)
    return request


def mark_done(request_id, *, now=None) -> None:
    ClockRecompute.objects.filter(pk=request_id, done_at=None).update(done_at=now or timezone.now())


def relay_pending(*, now=None, limit=50) -> int:
    """Queue again the requests not done `RELAY_AFTER` after they were made (or last queued): their task was lost."""
    from approvals.tasks import recompute_clocks as task

    now = now or timezone.now()
    stale = now - RELAY_AFTER
    pending = list(ClockRecompute.objects.filter(done_at=None, requested_at__lte=stale)
                   .filter(Q(relayed_at=None) | Q(relayed_at__lte=stale)).order_by("requested_at")[:limit])
    for request in pending:
        ClockRecompute.objects.filter(pk=request.pk).update(relayed_at=now)
        enqueue_now(task, request.first.isoformat(), request.last.isoformat(), request.pk)
    return len(pending)
