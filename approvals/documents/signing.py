"""Sealing a rendered PDF: a PAdES signature (B-B; B-T when settings.SEAL_TIMESTAMP_URL names an RFC 3161 server)
with the department's seal key (ECDSA P-256), its field lying over the red seal drawn on the page.

The field's own appearance is empty (the seal is part of the page, so it prints in every viewer); clicking the
seal opens the signature panel. The reserved size is small: an EC signature with its two certificates fits in a
few kilobytes; a timestamp token needs more.

The documents are rendered as PDF/A-2b (approvals.documents.pdf) and stay so once sealed: the signature field is
made with its (empty) appearance stream, as PDF/A requires of every visible annotation; the document stays a
PDF 1.7 file with the ESIC (PAdES) extension, where pyHanko would by default declare PDF 2.0 for an ECDSA
signature (ISO/TS 32002), which PDF/A-2 (built on PDF 1.7) does not allow; and the document information's
producer is set to the one pyHanko writes into the XMP metadata, as PDF/A requires the two to agree.
"""

import io

from django.conf import settings

from approvals.documents import asyncio_bridge, keystore
from approvals.documents.pdf import SealPlacement

FIELD_NAME = "Seal"
RESERVED_BYTES = 4096
RESERVED_BYTES_WITH_TIMESTAMP = 12288


def _timestamper():
    if not settings.SEAL_TIMESTAMP_URL:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(settings.SEAL_TIMESTAMP_URL, timeout=10)


def _pdf_a_signer():
    """A PdfSigner that declares what PAdES needs (PDF 1.7 and the ESIC extension) and nothing that would make the
    document PDF 2.0 (see the module's docstring)."""
    from pyhanko.sign import signers
    from pyhanko.sign.signers import constants

    class PdfA2Signer(signers.PdfSigner):
        def register_extensions(self, pdf_out, *, md_algorithm):
            pdf_out.ensure_output_version(version=(1, 7))
            if pdf_out.output_version < (2, 0):
                pdf_out.register_extension(constants.ESIC_EXTENSION_1)

    return PdfA2Signer


def _align_producer(writer) -> None:
    """Where the PDF carries XMP metadata, pyHanko sets its pdf:Producer to its own name and appends that name to
    the document information's /Producer: make the two say the same."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    info = writer.trailer["/Info"].get_object() if "/Info" in writer.trailer else None
    if info is None or "/Metadata" not in writer.root:
        return
    info[generic.pdf_name("/Producer")] = generic.TextStringObject(VENDOR)
    writer.update_container(info)


def seal_pdf(pdf: bytes, *, department, placement: SealPlacement | None, reason: str, signer_name: str = "",
             location: str = "") -> bytes:
    """The PDF with the department's seal signature added as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import NoOpStampStyle

    timestamper = _timestamper()
    box, page = None, 0
    if placement is not None:
        page = placement.page
        box = tuple(round(v) for v in placement.box)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason, location=location or str(settings.PORTAL_DISTRICT),
        name=signer_name or keystore.official_name(department),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    # The field first, with its empty appearance stream (signing into a new field would leave it without one).
    fields.append_signature_field(writer, fields.SigFieldSpec(FIELD_NAME, on_page=page, box=box))
    _align_producer(writer)
    signer = _pdf_a_signer()(
        metadata, signer=keystore.signer(department), timestamper=timestamper, stamp_style=NoOpStampStyle(),
    )
    reserved = RESERVED_BYTES_WITH_TIMESTAMP if timestamper else RESERVED_BYTES
    out = asyncio_bridge.run(lambda: signer.async_sign_pdf(writer, bytes_reserved=reserved))
    return out.getvalue()
