"""一次性告知单 on demand: the current notice of an item or package, reissued only when the catalog changed.

The notice is stored like every document (numbered, sealed, with its SHA-256), so a printed copy can be
verified, and a changed catalog makes a new notice that supersedes the old one ("superseded" on /verify/).
Rendering happens in the request the first time after a change (catalog changes are rare).
"""

from django.db import transaction

from approvals.documents.contents import spec_for
from approvals.documents.issuing import current, fingerprint, issue, issue_now, supersede
from approvals.models import DocumentKind, DocumentStatus
from portal.errors import WrongState

K = DocumentKind


def catalog_notice(subject):
    """The issued, current 一次性告知单 of a ServiceItem or Package."""
    document = current(K.CATALOG_NOTICE, subject)
    if document is None:
        return issue_now(K.CATALOG_NOTICE, subject)
    if document.status == DocumentStatus.PENDING:
        return issue(document.pk)
    if document.status == DocumentStatus.VALID and document.source_sha256 != fingerprint(
            spec_for(K.CATALOG_NOTICE).facts(subject)):
        try:
            with transaction.atomic():
                document = supersede(document, reason="catalog changed")
        except WrongState:  # a concurrent request superseded it first
            document = current(K.CATALOG_NOTICE, subject)
        return issue(document.pk)
    return document
