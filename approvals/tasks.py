"""Tasks of the approvals package: the deadline sweep, run by beat every minute, and the recompute of the stored
clocks after a change of the working-day calendar."""

from datetime import date

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from approvals.documents.tasks import issue_document  # noqa: F401  (registered with the worker)


@shared_task(name="approvals.tasks.sweep_deadlines", acks_late=True, reject_on_worker_lost=True, ignore_result=True,
             time_limit=600, soft_time_limit=540)
def sweep_deadlines() -> dict:
    """One pass of the deadline sweep (idempotent: a second pass or a second beat fires nothing new)."""
    from approvals.services.deadlines import sweep

    report = sweep()
    return {"fired": report.fired, "deemed_accepted": report.deemed_accepted, "relayed": report.relayed,
            "failed": report.failed}


@shared_task(name="approvals.tasks.recompute_clocks", acks_late=True, reject_on_worker_lost=True, ignore_result=True,
             time_limit=600, soft_time_limit=540)
def recompute_clocks(first: str, last: str, request_id: int | None = None, kind: str | None = None,
                     after_id: int = 0) -> dict:
    """Recompute the open clocks whose window meets the days `first`..`last` (ISO dates), in batches of ordered id
    ranges. Idempotent: a clock already right is left alone. Cut short by its time limit, it queues itself again
    from the last committed batch (`kind`, `after_id`)."""
    from approvals.services import recompute
    from portal.queue import enqueue_now

    cursor = {"kind": kind, "after_id": after_id}

    def committed(batch_kind, last_id):
        cursor.update(kind=batch_kind, after_id=last_id)

    try:
        report = recompute.recompute_clocks(date.fromisoformat(first), date.fromisoformat(last), start_kind=kind,
                                            after_id=after_id, on_batch=committed)
    except SoftTimeLimitExceeded:
        enqueue_now(recompute_clocks, first, last, request_id, cursor["kind"], cursor["after_id"])
        return {"continued_from": cursor}
    if request_id is not None and not report.failed:  # a row that failed keeps the request for the relay
        recompute.mark_done(request_id)
    return {"examined": report.examined, "changed": report.changed, "failed": report.failed}


@shared_task(name="approvals.tasks.refresh_metrics", acks_late=True, reject_on_worker_lost=True, ignore_result=True,
             time_limit=1800, soft_time_limit=1740)
def refresh_metrics(full: bool = False) -> dict:
    """Refresh the aggregate tables of the supervision figures (the days touched since the last refresh, all of
    them the first time or with `full`). Idempotent: the days' rows are written again from the records."""
    from approvals import aggregates

    done = aggregates.refresh(full=full)
    return {"full": done.full, "first_day": str(done.first_day), "last_day": str(done.last_day), "rows": done.rows}


@shared_task(name="approvals.tasks.order_monthly_reports", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True, time_limit=600, soft_time_limit=540)
def order_monthly_reports() -> dict:
    """Order the previous month's sealed supervision reports, the district's and each department's (once: a second
    run finds them ordered, and a run cut short is completed by the next); the documents' task numbers, seals and
    stores each."""
    from approvals.documents.monthly_report import order_previous_month

    done = order_previous_month()
    return {"document": done[0][0].pk, "ordered": done[0][1], "departments": len(done) - 1,
            "departments_ordered": sum(1 for _document, new in done[1:] if new)}
