"""The issuing task: takes a document id, returns early when the document is already issued."""

from celery import shared_task


@shared_task(name="approvals.documents.issue_document", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True, time_limit=180, soft_time_limit=150)
def issue_document(document_id: int) -> str:
    from approvals.documents.issuing import issue
    from approvals.models import IssuedDocument

    try:
        document = issue(document_id)
    except IssuedDocument.DoesNotExist:
        return "missing"
    return document.status
