"""The official documents are PDF/A-2b and stay so once sealed: the XMP metadata claims PDF/A-2b and agrees with
the document information, the sRGB output intent is there, the seal's signature field has an appearance stream and
prints, the file stays PDF 1.7 (no PDF 2.0 declared for the ECDSA signature), and the signature still validates
and covers the whole file. (veraPDF is not available here; these are the rules the signing step could break.)"""

import io

import pytest

from approvals.documents import issuing, pdf
from approvals.models import DocumentKind

from .conftest import issue_pending, journey, read, receipt_of, validate

PRINT = 4
HIDDEN_FLAGS = 1 | 2 | 32 | 256  # Invisible, Hidden, NoView, ToggleNoView


def reader_of(content: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(content))


@pytest.fixture
def sealed(cat, seals):
    """Every kind of document of a journey, issued (sealed)."""
    application = journey(cat)
    issue_pending()
    return {document.kind: read(document) for document in application.documents.all()}


def test_rendering_asks_for_pdf_a_2b():
    assert pdf.PDF_VARIANT == "pdf/a-2b"


def test_every_sealed_document_is_still_pdf_a_2b(sealed):
    assert set(sealed) >= {DocumentKind.RECEIPT, DocumentKind.ACCEPTANCE, DocumentKind.GRANT,
                           DocumentKind.CERTIFICATE, DocumentKind.E_RECEIPT}
    for kind, content in sealed.items():
        assert content.startswith(b"%PDF-1.7\n"), kind
        reader = reader_of(content)
        root = reader.root
        assert "/Version" not in root or root["/Version"] == "/1.7", kind  # not raised to PDF 2.0
        assert "/ISO_" not in root.get("/Extensions", {}) and "/ESIC" in root["/Extensions"], kind
        xmp = root["/Metadata"].get_object().data.decode()
        assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="B"' in xmp, kind
        [intent] = root["/OutputIntents"]
        intent = intent.get_object()
        assert intent["/S"] == "/GTS_PDFA1" and "sRGB" in intent["/OutputConditionIdentifier"], kind
        assert intent["/DestOutputProfile"].get_object().data[36:40] == b"acsp", kind  # an ICC profile
        info = reader.trailer["/Info"].get_object()
        assert f'pdf:Producer="{info["/Producer"]}"' in xmp, kind  # the document information agrees
        assert info["/Title"] in xmp, kind

        [field] = [f.get_object() for f in root["/AcroForm"]["/Fields"]]
        assert field["/FT"] == "/Sig" and field["/F"] & PRINT and not field["/F"] & HIDDEN_FLAGS, kind
        assert list(field["/AP"].keys()) == ["/N"], kind  # an appearance stream, and only the normal one
        status = validate(content)
        assert status.bottom_line and status.coverage.name == "ENTIRE_FILE", kind


def test_the_seal_field_lies_over_the_drawn_seal(cat, seals):
    application = journey(cat)
    issue_pending()
    receipt = receipt_of(application)
    content = read(receipt)
    rendered = pdf.render_document("pdf/receipt.html", issuing._context(receipt))
    [field] = [f.get_object() for f in reader_of(content).root["/AcroForm"]["/Fields"]]
    assert [round(v) for v in field["/Rect"]] == [round(v) for v in rendered.seal.box]
