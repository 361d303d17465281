"""Checking a document: by its number (the QR code's target), or by the PDF itself.

A PDF is genuine when (1) it carries a seal signature that is intact, cryptographically valid and chains to the
portal's root CA, (2) the signature covers the whole file (nothing was appended after sealing), and (3) its
SHA-256 is the one on record for an issued document. The answer says which of these failed, in plain words.
"""

import hashlib
import io
import logging
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from approvals.documents import asyncio_bridge, keystore
from approvals.models import DocumentStatus, IssuedDocument

log = logging.getLogger(__name__)
NUMBER_PATTERN = re.compile(r"\S+〔\d{4}〕第\d+号")


class Verdict:
    GENUINE = "genuine"  # the file issued by the portal; see `state` for valid / revoked / expired / superseded
    ALTERED = "altered"  # a seal is there but the content changed after sealing
    FOREIGN = "foreign"  # a seal made with a key the portal's CA did not certify
    UNSIGNED = "unsigned"
    UNREADABLE = "unreadable"
    UNKNOWN = "unknown"  # sealed by the portal, but no document on record has this content


MESSAGES = {
    Verdict.GENUINE: _("Genuine: this file is the document the portal issued, unchanged."),
    Verdict.ALTERED: _("Altered: this file was changed after it was sealed. Do not rely on it; ask the issuing "
                       "department for the original."),
    Verdict.FOREIGN: _("Not sealed by this portal: the seal was made with another key, not one the portal's "
                       "certificate authority issued."),
    Verdict.UNSIGNED: _("No electronic seal: this PDF carries no seal signature, so it is not a document issued by "
                        "the portal (or its seal was removed)."),
    Verdict.UNREADABLE: _("This file cannot be read as a PDF; it may be damaged or not a PDF at all."),
    Verdict.UNKNOWN: _("Sealed by the portal, but no issued document on record has exactly this content. Ask the "
                       "issuing department."),
}
STATE_MESSAGES = {
    DocumentStatus.VALID: _("The document is valid."),
    DocumentStatus.REVOKED: _("The document has been revoked and is no longer valid."),
    DocumentStatus.EXPIRED: _("The document has expired."),
    DocumentStatus.SUPERSEDED: _("The document has been superseded by a corrected one."),
    DocumentStatus.PENDING: _("The document is still being issued."),
}
UNKNOWN_NUMBER = _("No document with this number was issued by the portal.")


def lookup(number: str):
    """The issued document with this number (annotated with its `state`), or None."""
    number = (number or "").strip()
    if not number:
        return None
    return (IssuedDocument.objects.with_state().issued().select_related("department", "enterprise", "item")
            .filter(number=number).first())


def by_hash(sha256: str):
    return (IssuedDocument.objects.with_state().issued().select_related("department", "enterprise", "item")
            .filter(sha256=sha256).first())


@dataclass
class Result:
    verdict: str
    sha256: str
    signed: bool = False
    intact: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    matches_record: bool = False
    claimed_number: str = ""
    document: IssuedDocument | None = None

    @property
    def valid_signature(self) -> bool:
        return self.signed and self.intact and self.trusted and self.covers_whole_file

    @property
    def state(self) -> str:
        return self.document.state if self.document is not None else "unknown"

    @property
    def message(self) -> str:
        return str(MESSAGES[self.verdict])

    @property
    def state_message(self) -> str:
        if self.document is None:
            return str(UNKNOWN_NUMBER) if self.claimed_number else ""
        return str(STATE_MESSAGES.get(self.document.state, ""))


def _signature_status(signature):
    from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(trust_roots=keystore.trust_roots(), allow_fetching=False,
                                revocation_mode="soft-fail")
    return asyncio_bridge.run(lambda: async_validate_pdf_signature(signature, context))


def verify_pdf(content: bytes) -> Result:
    """Check an uploaded PDF against the portal's CA and the records."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    sha256 = hashlib.sha256(content).hexdigest()
    record = by_hash(sha256)
    result = Result(verdict=Verdict.UNKNOWN, sha256=sha256, matches_record=record is not None, document=record)
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception:  # noqa: BLE001 - any parse failure of an uploaded file means "unreadable"
        log.info("Uploaded file is not a readable PDF", exc_info=True)
        result.verdict = Verdict.UNREADABLE
        return result
    if not signatures:
        result.verdict = Verdict.UNSIGNED
        return result
    signature = signatures[0]
    result.signed = True
    reason = str(signature.sig_object.get("/Reason", "") or "")
    match = NUMBER_PATTERN.search(reason)
    result.claimed_number = match.group(0) if match else ""
    try:
        status = _signature_status(signature)
        result.intact = bool(status.intact and status.valid)
        result.trusted = bool(status.trusted)
        result.covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE and len(signatures) == 1
    except Exception:  # noqa: BLE001 - a broken signature structure is an altered file
        log.info("Signature validation failed", exc_info=True)
        result.intact = False
    if record is None and result.claimed_number:
        result.document = lookup(result.claimed_number)
    if not result.intact or not result.covers_whole_file:
        result.verdict = Verdict.ALTERED
    elif not result.trusted:
        result.verdict = Verdict.FOREIGN
    elif record is not None:
        result.verdict = Verdict.GENUINE
    else:
        result.verdict = Verdict.UNKNOWN
    return result
