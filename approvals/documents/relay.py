"""Publishing the issuing task again for documents still pending: joins the deadline sweep's pass.

`enqueue_on_commit` never fails a request when the broker is down, so a pending document may have no task in
flight. Its `retry_at` (set when ordered) brings it back here; the task is published again and `retry_at`
moves on, so a broker outage or a failing rendering is retried every few minutes, never in a tight loop.
"""

from datetime import timedelta

from django.db import transaction

from approvals.models import DocumentStatus, IssuedDocument
from approvals.services import deadlines
from portal.queue import enqueue_on_commit

RETRY_EVERY = timedelta(minutes=5)


def pending_documents():
    return IssuedDocument.objects.filter(status=DocumentStatus.PENDING, retry_at__isnull=False)


def relay_document(document_id, *, now, report) -> None:
    from approvals.documents.tasks import issue_document

    with transaction.atomic():
        document = (IssuedDocument.objects.select_for_update(skip_locked=True)
                    .filter(pk=document_id, status=DocumentStatus.PENDING, retry_at__lte=now).first())
        if document is None:
            return
        document.retry_at = now + RETRY_EVERY
        document.save(update_fields=["retry_at"])
        enqueue_on_commit(issue_document, document.pk)
    report.relayed += 1


deadlines.register_sweeper(pending_documents, "retry_at", relay_document)
