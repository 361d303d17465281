"""Checking an uploaded file by its content, not its name: type by magic bytes, size, PDF page count."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from approvals.services import upload_inspection as inspection
from portal.errors import DomainError

SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]


class UploadRejected(DomainError):
    code = "upload_rejected"


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str
    sha256: str
    size: int
    pages: int | None
    original_name: str


def sniff(head: bytes) -> str | None:
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def count_pdf_pages(content: bytes) -> int:
    """The page count of a PDF without active content (UploadRejected saying why otherwise)."""
    from pyhanko.pdf_utils.misc import PdfReadError

    try:
        reader = inspection.check_pdf(content)
        return int(reader.root["/Pages"]["/Count"])
    except inspection.Refusal as exc:
        raise UploadRejected(exc.message, code="unsafe_file") from None
    except (PdfReadError, KeyError, TypeError, ValueError) as exc:
        raise UploadRejected(_("The PDF file is damaged or cannot be read; please export it again.")) from exc


def check_image(content: bytes) -> None:
    """An image within the pixel limit, judged from its header before anything decodes it."""
    try:
        inspection.check_image(content)
    except inspection.Refusal as exc:
        raise UploadRejected(exc.message, code="unsafe_file") from None


def safe_name(name: str) -> str:
    """The user's file name reduced to its last part, for display only (never used as a path)."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    return name[:120] or "upload"


def check_upload(uploaded, *, max_pages: int | None = None) -> CheckedUpload:
    """Read and check an uploaded file; UploadRejected with the reason when it is not acceptable."""
    limit = settings.MATERIAL_MAX_BYTES
    if uploaded is None:
        raise UploadRejected(_("Choose a file to upload."))
    if uploaded.size is not None and uploaded.size > limit:
        raise UploadRejected(_("The file is %(size).1f MB; the limit is %(limit)d MB.")
                             % {"size": uploaded.size / 1_048_576, "limit": limit // 1_048_576})
    content = uploaded.read(limit + 1)
    if len(content) > limit:
        raise UploadRejected(_("The file is larger than %(limit)d MB.") % {"limit": limit // 1_048_576})
    if not content:
        raise UploadRejected(_("The file is empty."))
    content_type = sniff(content[:16])
    if content_type is None:
        raise UploadRejected(_("Only PDF, PNG and JPEG files are accepted; this file is none of them "
                               "(its content was checked, not its name)."))
    pages = None
    if content_type == "application/pdf":
        pages = count_pdf_pages(content)
        page_limit = max_pages or settings.MATERIAL_MAX_PAGES
        if pages > page_limit:
            raise UploadRejected(_("The PDF has %(pages)d pages; at most %(limit)d are accepted for this material.")
                                 % {"pages": pages, "limit": page_limit})
    else:
        check_image(content)
    return CheckedUpload(content=content, content_type=content_type, sha256=hashlib.sha256(content).hexdigest(),
                         size=len(content), pages=pages, original_name=safe_name(getattr(uploaded, "name", "")))
