"""Serving an issued document's file: Chinese file name (RFC 5987 / RFC 6266), audited download."""

from urllib.parse import quote

from django.http import FileResponse, Http404

from approvals.models import DocumentKind
from portal.services import audit


def content_disposition(document, *, inline: bool = False) -> str:
    """`attachment; filename="<ASCII fallback>"; filename*=UTF-8''<the Chinese name>`."""
    fallback = f"{document.kind}-{document.year or 0}-{document.sequence or document.pk:04d}.pdf"
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(document.file_name, safe='')}"


def file_response(request, document, *, inline: bool = False) -> FileResponse:
    """The sealed PDF. Every download of a document that is not public is written to the audit log."""
    if not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    if document.kind != DocumentKind.CATALOG_NOTICE:
        audit.record("document.downloaded", actor=request.user, subject=document, request=request,
                     summary=f"{document.title} {document.number}"[:255],
                     data={"number": document.number, "application": document.application_id,
                           "sha256": document.sha256})
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(document, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store" if document.kind != DocumentKind.CATALOG_NOTICE else "public, max-age=300"
    return response
