"""Verification of a PDF: genuine, one tampered byte, another key, appended content, unsigned, unreadable; and of a
number: valid, revoked, superseded, expired, unknown."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.documents import issuing, keystore, signing, verification
from approvals.documents.catalog_notice import catalog_notice
from approvals.documents.verification import Verdict
from approvals.models import IssuedDocument
from tests.factories.applications import pdf_bytes

from .conftest import read


@pytest.fixture
def issued(cat, seals):
    """A sealed, numbered document (the fee item's one-time notice: one rendering)."""
    return catalog_notice(cat.fee_item)


def tamper(content: bytes) -> bytes:
    """Flip one byte inside the signed range (in the page content, well before the signature)."""
    at = len(content) // 3
    return content[:at] + bytes([content[at] ^ 0x01]) + content[at + 1:]


def test_the_issued_file_is_genuine_and_valid(issued):
    result = verification.verify_pdf(read(issued))
    assert result.verdict == Verdict.GENUINE
    assert result.valid_signature and result.matches_record
    assert result.document == issued and result.state == "valid"
    assert result.sha256 == issued.sha256 and result.claimed_number == issued.number


def test_one_tampered_byte_is_reported_altered(issued):
    result = verification.verify_pdf(tamper(read(issued)))
    assert result.verdict == Verdict.ALTERED
    assert not result.valid_signature and not result.matches_record
    assert result.document == issued  # the document it claims to be, for comparison
    assert "Altered" in result.message


def test_content_appended_after_sealing_is_reported_altered(issued):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(read(issued)))
    writer.root["/Lang"] = writer.root.get("/Lang", "zh-CN")  # any incremental update after the seal
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    result = verification.verify_pdf(out.getvalue())
    assert result.verdict == Verdict.ALTERED and not result.covers_whole_file and not result.matches_record


def test_a_pdf_sealed_with_another_key_is_reported_foreign(issued, cat, settings, tmp_path):
    """Someone with their own CA and key 'seals' a copy claiming the same number."""
    genuine_dir = settings.SEALS_DIR
    settings.SEALS_DIR = tmp_path / "forger"
    keystore.init([issued.department])
    forged = signing.seal_pdf(pdf_bytes(), department=issued.department, placement=None,
                              reason=f"{issued.title} {issued.number}")
    settings.SEALS_DIR = genuine_dir
    result = verification.verify_pdf(forged)
    assert result.verdict == Verdict.FOREIGN
    assert result.intact and not result.trusted and not result.valid_signature and not result.matches_record
    assert result.document == issued
    assert "another key" in result.message


def test_an_unsigned_pdf_and_a_damaged_file(issued):
    assert verification.verify_pdf(pdf_bytes()).verdict == Verdict.UNSIGNED
    damaged = verification.verify_pdf(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    assert damaged.verdict == Verdict.UNREADABLE and not damaged.valid_signature


def test_the_number_reports_revoked_superseded_and_expired(issued, cat):
    assert verification.lookup(issued.number).state == "valid"
    assert verification.lookup("渝北城管告〔2026〕第9999号") is None
    assert verification.lookup("") is None

    IssuedDocument.objects.filter(pk=issued.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    assert verification.lookup(issued.number).state == "expired"
    IssuedDocument.objects.filter(pk=issued.pk).update(valid_until=None)

    new = issuing.supersede(issued, reason="catalog changed")
    assert verification.lookup(issued.number).state == "superseded"
    new = issuing.issue(new.pk)
    issuing.revoke_document(new, reason="发现虚假承诺", actor=cat.leader)
    result = verification.verify_pdf(read(new))
    assert result.verdict == Verdict.GENUINE and result.state == "revoked"
    assert "revoked" in result.state_message
