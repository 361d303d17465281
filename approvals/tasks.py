"""Periodic tasks of the approvals package: the deadline sweep, run by beat every minute."""

from celery import shared_task

from approvals.documents.tasks import issue_document  # noqa: F401  (registered with the worker)


@shared_task(name="approvals.tasks.sweep_deadlines", acks_late=True, reject_on_worker_lost=True, ignore_result=True,
             time_limit=600, soft_time_limit=540)
def sweep_deadlines() -> dict:
    """One pass of the deadline sweep (idempotent: a second pass or a second beat fires nothing new)."""
    from approvals.services.deadlines import sweep

    report = sweep()
    return {"fired": report.fired, "deemed_accepted": report.deemed_accepted, "relayed": report.relayed,
            "failed": report.failed}
