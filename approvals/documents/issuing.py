"""Issuing documents: order one (in the caller's transaction), issue it (the task), supersede or revoke it.

    order(kind, subject)        a pending row with the facts of the moment, and the issuing task after commit
    issue(document_id)          number, render, seal and store the PDF; returns early if already issued
    supersede(document, ...)    a corrected document that replaces the old one (both kept)
    revoke_document(document, reason=, actor=)   an administrator's revocation, or a false commitment found

Numbering and storing happen in short transactions; rendering and sealing run between them, outside any lock.
The number is taken first and kept by the pending row, so a retry after a failed rendering reuses it: a series
has no gaps and no number is ever used twice.
"""

import hashlib
import json
import logging
import os
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.documents import keystore, numbering, signing
from approvals.documents.contents import spec_for
from approvals.documents.pdf import render_document
from approvals.documents.qr import qr_svg
from approvals.documents.seal_drawing import seal_svg
from approvals.models import DocumentKind, DocumentStatus, IssuedDocument
from portal.errors import DomainError, WrongState
from portal.queue import enqueue_on_commit
from portal.services import audit

log = logging.getLogger(__name__)
K = DocumentKind
S = DocumentStatus
RELAY_AFTER = timedelta(minutes=2)  # a pending document older than this has its task published again


def fingerprint(facts: dict) -> str:
    return hashlib.sha256(json.dumps(facts, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def current(kind, subject):
    """The current (not superseded) document of `subject` and `kind`, or None."""
    return (IssuedDocument.objects.current()
            .filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk, kind=kind)
            .first())


def order(kind, subject, *, supersedes=None, now=None) -> IssuedDocument:
    """Order the document of `subject` (idempotent: the current one is returned if it exists).

    Runs inside the caller's transaction: the facts are those of this moment, and the issuing task is published
    only if the transaction commits (a lost message is published again by the deadline sweep)."""
    from approvals.documents.tasks import issue_document

    now = now or timezone.now()
    existing = current(kind, subject)
    if existing is not None and supersedes is None:
        return existing
    spec = spec_for(kind)
    parties = spec.parties(subject)
    facts = spec.facts(subject)
    document = IssuedDocument.objects.create(
        kind=kind, subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk,
        application=parties.application, enterprise=parties.enterprise, department=parties.department,
        item=parties.item, title=spec.title(subject)[:128], matter=(parties.matter or "")[:255],
        facts=facts, source_sha256=fingerprint(facts), signer_name=spec.signer_name(subject)[:64],
        supersedes=supersedes, ordered_at=now, retry_at=now + RELAY_AFTER,
    )
    enqueue_on_commit(issue_document, document.pk)
    return document


def _reserve_number(document_id, now):
    """Step 1 (short transaction): the pending document gets its number and date, once."""
    with transaction.atomic():
        document = (IssuedDocument.objects.select_for_update(of=("self",)).select_related("department")
                    .get(pk=document_id))
        if document.status != S.PENDING or document.number:
            return document
        issued_at = now or timezone.now()
        year = timezone.localdate(issued_at).year
        number, sequence = numbering.take(document.department, document.kind, year)
        document.number, document.year, document.sequence, document.issued_at = number, year, sequence, issued_at
        document.attempts += 1
        document.save(update_fields=["number", "year", "sequence", "issued_at", "attempts"])
        return document


def _context(document) -> dict:
    from approvals.documents.contents.reviews import verify_url

    department = document.department
    context = {
        "document": document,
        "facts": document.facts,
        "title": document.title,
        "number": document.number,
        "issued_on": timezone.localdate(document.issued_at),
        "issuer": keystore.official_name(department),
        "department": department,
        "seal": seal_svg(keystore.official_name(department)),
        "verify_url": verify_url(document.number, readable=True),
        "valid_until": document.valid_until,
    }
    if document.kind == K.CERTIFICATE:
        context["qr"] = qr_svg(verify_url(document.number))
    return context


def render_and_seal(document) -> bytes:
    """Step 2 (no transaction): the sealed PDF of a numbered document."""
    rendered = render_document(spec_for(document.kind).template, _context(document))
    reason = f"{document.title} {document.number}"
    return signing.seal_pdf(rendered.pdf, department=document.department, placement=rendered.seal, reason=reason,
                            signer_name=document.signer_name)


def _make_read_only(field_file) -> None:
    try:
        os.chmod(field_file.path, 0o444)
    except (NotImplementedError, AttributeError, OSError):  # storages without local paths keep their own rules
        pass


def issue(document_id, *, now=None) -> IssuedDocument:
    """Number, render, seal and store a pending document. Idempotent: an issued one is returned unchanged."""
    document = IssuedDocument.objects.select_related("department").get(pk=document_id)
    if document.status != S.PENDING:
        return document
    if not keystore.has_seal(document.department):  # nothing to seal with yet: the relay tries again later
        raise keystore.SealError(f"{document.department.code} has no seal: run `manage.py seals init` or import one.")
    spec = spec_for(document.kind)
    document = _reserve_number(document_id, now)
    if document.status != S.PENDING:
        return document
    issued_on = timezone.localdate(document.issued_at)
    if document.kind == K.CERTIFICATE and document.valid_until is None:
        document.valid_until = spec.valid_until(document.subject, issued_on)
    sealed = render_and_seal(document)
    sha256 = hashlib.sha256(sealed).hexdigest()
    with transaction.atomic():
        # FOR UPDATE OF the document only: locking its department too would block every insert that refers to the
        # department (their foreign-key checks) while this transaction waits for the audit chain's lock.
        locked = (IssuedDocument.objects.select_for_update(of=("self",)).select_related("department")
                  .get(pk=document_id))
        if locked.status != S.PENDING:
            return locked  # another run stored it meanwhile; this rendering is dropped
        locked.issue(number=document.number, year=document.year, sequence=document.sequence,
                     at=document.issued_at, sha256=sha256, size=len(sealed), source_sha256=document.source_sha256,
                     valid_until=document.valid_until, signer_name=document.signer_name)
        locked.file.save(f"{sha256}.pdf", ContentFile(sealed), save=False)
        locked.save()
        _make_read_only(locked.file)
        if locked.kind == K.CERTIFICATE:
            from approvals.documents.on_file import file_certificate

            file_certificate(locked)
        audit.record("document.issued", subject=locked, summary=f"{locked.title} {locked.number}"[:255],
                     data={"kind": locked.kind, "number": locked.number, "sha256": sha256,
                           "application": locked.application_id, "supersedes": locked.supersedes_id})
    return locked


def supersede(document, *, actor=None, reason: str = "", now=None, request=None) -> IssuedDocument:
    """A corrected document for the same subject, with the facts of now; the old one is kept as superseded."""
    now = now or timezone.now()
    with transaction.atomic():
        old = IssuedDocument.objects.select_for_update().get(pk=document.pk)
        if old.status != S.VALID:
            raise WrongState(_("Only a valid document can be superseded (status: %(s)s).")
                             % {"s": old.get_status_display()})
        old.supersede()
        old.save(update_fields=["status"])
        new = order(old.kind, old.subject, supersedes=old, now=now)
        audit.record("document.superseded", actor=actor, subject=old, request=request,
                     summary=f"{old.title} {old.number}"[:255],
                     data={"number": old.number, "new_document": new.pk, "reason": reason})
    return new


def revoke_document(document, *, reason: str, actor=None, now=None, request=None) -> IssuedDocument:
    """Revoke an issued document (an administrator's decision, or a false commitment found), with the reason.

    Verification reports it as revoked from then on; a certificate stops being attached to new bundles as a
    document on file."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("A revocation must state its reason."))
    with transaction.atomic():
        document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
        if document.status != S.VALID:
            raise WrongState(_("Only a valid document can be revoked (status: %(s)s).")
                             % {"s": document.get_status_display()})
        document.revoke(by=actor if getattr(actor, "pk", None) else None, at=now, reason=reason)
        document.save(update_fields=["status", "revoked_by", "revoked_at", "revocation_reason"])
        if document.on_file_id:
            from approvals.documents.on_file import withdraw_from_file

            withdraw_from_file(document, now=now)
        audit.record("document.revoked", actor=actor, subject=document, request=request,
                     summary=f"{document.title} {document.number}"[:255],
                     data={"number": document.number, "reason": reason, "application": document.application_id})
    return document


def revoke_documents_of(subject, *, reason: str, actor=None, now=None, request=None) -> list[IssuedDocument]:
    """Revoke every valid document of `subject` (e.g. an item review's decision and certificate when a false
    commitment is found)."""
    valid = (IssuedDocument.objects.filter(subject_type=ContentType.objects.get_for_model(subject),
                                           subject_id=subject.pk, status=S.VALID).order_by("id"))
    return [revoke_document(document, reason=reason, actor=actor, now=now, request=request) for document in valid]


def issue_now(kind, subject, *, now=None) -> IssuedDocument:
    """Order and issue at once (for the public catalog notice and tests); a concurrent twin is reused."""
    try:
        with transaction.atomic():
            document = order(kind, subject, now=now)
    except IntegrityError:
        document = current(kind, subject)
    return issue(document.pk, now=now)
