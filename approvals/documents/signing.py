"""Sealing a rendered PDF: a PAdES signature (B-B; B-T when settings.SEAL_TIMESTAMP_URL names an RFC 3161 server)
with the department's seal key (ECDSA P-256), its field lying over the red seal drawn on the page.

The field's own appearance is empty (the seal is part of the page, so it prints in every viewer); clicking the
seal opens the signature panel. The reserved size is small: an EC signature with its two certificates fits in a
few kilobytes; a timestamp token needs more.
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
    signer = signers.PdfSigner(
        metadata, signer=keystore.signer(department), timestamper=timestamper, stamp_style=NoOpStampStyle(),
        new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=page, box=box),
    )
    reserved = RESERVED_BYTES_WITH_TIMESTAMP if timestamper else RESERVED_BYTES
    out = asyncio_bridge.run(lambda: signer.async_sign_pdf(writer, bytes_reserved=reserved))
    return out.getvalue()
