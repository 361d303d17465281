"""Every notification about an event that has a document links that document's page.

The provider registered with approvals.notices (in ApprovalsConfig.ready): for a workflow event it finds the
documents the event ordered (in the same transaction, just before the event was announced, so they are usually
still being issued) and links each one's page, `/documents/<id>/`, which offers the PDF once it is issued. The
audiences of these events (the company side and the lead window) may download every document of the application
(approvals.documents.access), so each of them gets the links.

    received / supplement answered      申请材料接收凭证
    supplement requested                补正材料通知书
    accepted / deemed accepted          受理通知书
    not accepted                        不予受理通知书
    review suspended                    中止计时告知书
    limit extended                      延期告知书
    decision signed                     准予 / 不予行政许可决定书, and the 电子证照 of an approved item
    fees due / paid                     缴款通知书 / 电子票据
    delivered                           the application's decisions and e-certificates (the results)
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from approvals.models import DocumentKind, IssuedDocument, ReviewPause
from approvals.notices.events import Notice

K = DocumentKind
AUDIENCES = {"company", "window"}  # those entitled to the application's documents (access.may_download)
DECISIONS = [K.GRANT, K.REFUSAL, K.CERTIFICATE]


def _suspension_pause(event):
    """The pause that began with this suspension (it started at the event's moment), else the review's latest."""
    pauses = ReviewPause.objects.filter(review_id=event.subject.pk).order_by("-started_at", "-pk")
    return (pauses.filter(started_at=event.at).first() if event.at else None) or pauses.first()


# event kind -> (the subject of its documents, their kinds)
WANTED = {
    Notice.RECEIVED: lambda e: (e.application, [K.RECEIPT]),
    Notice.SUPPLEMENT_ANSWERED: lambda e: (e.subject, [K.RECEIPT]),
    Notice.SUPPLEMENT_REQUESTED: lambda e: (e.subject, [K.SUPPLEMENT]),
    Notice.ACCEPTED: lambda e: (e.application, [K.ACCEPTANCE]),
    Notice.DEEMED_ACCEPTED: lambda e: (e.application, [K.ACCEPTANCE]),
    Notice.NOT_ACCEPTED: lambda e: (e.application, [K.NOT_ACCEPTED]),
    Notice.SUSPENDED: lambda e: (_suspension_pause(e), [K.SUSPENSION]),
    Notice.EXTENDED: lambda e: (e.subject, [K.EXTENSION]),
    Notice.DECISION_SIGNED: lambda e: (e.subject, DECISIONS),
    Notice.FEES_DUE: lambda e: (e.application, [K.PAYMENT_NOTICE]),
    Notice.PAID: lambda e: (e.application, [K.E_RECEIPT]),
}


def documents_of(event) -> list:
    """The current documents of `event` (pending or issued), in the order they were ordered; one query."""
    if event.kind == Notice.DELIVERED:
        where = Q(application_id=event.application.pk, kind__in=DECISIONS)
    elif event.kind in WANTED:
        subject, kinds = WANTED[event.kind](event)
        if subject is None:
            return []
        where = Q(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk, kind__in=kinds)
    else:
        return []
    return list(IssuedDocument.objects.current().filter(where).select_related("item").order_by("ordered_at", "pk"))


def document_page(document) -> str:
    return reverse("approvals:document", args=[document.pk])


def link_title(document):
    """The link's text in the reader's language (called per language): the kind, and the item or certificate."""
    def title():
        kind = DocumentKind(document.kind).label
        if document.kind == K.CERTIFICATE:
            detail = document.title
        elif document.item_id:
            detail = document.item.name
        else:
            return str(kind)
        return _("%(kind)s: %(detail)s") % {"kind": kind, "detail": detail}
    return title


def links(event, audience: str) -> list[dict]:
    """The provider: [{title, url}] of the event's documents for `audience` (read once per event)."""
    if audience not in AUDIENCES:
        return []
    if "documents" not in event.memo:
        event.memo["documents"] = documents_of(event)
    return [{"title": link_title(document), "url": document_page(document)} for document in event.memo["documents"]]
