"""Rendering: hostile values print as text, huge values wrap instead of breaking the page, nothing is fetched but
the portal's static files, A4 pages, and the seal drawn with the department's name."""

import subprocess

import pytest
from django.utils import timezone

from approvals.documents import pdf
from approvals.documents.issuing import _context
from approvals.documents.seal_drawing import seal_svg
from approvals.models import DocumentKind, IssuedDocument
from tests.factories.approvals import DepartmentFactory

from .conftest import flat, pdf_text

HOSTILE = '<script>alert("x")</script><img src="https://evil.example/track.png">'


@pytest.fixture
def department(db):
    return DepartmentFactory(code="render-urban", name="区城市管理局", document_prefix="渝北城管")


def decision(department, reasons: str, applicant: str = "重庆测试企业有限公司") -> IssuedDocument:
    """An unsaved, numbered decision with the given facts: enough to render it."""
    facts = {
        "application": {"reference": "YB20260601000001", "title": "测试", "package": "", "applicant": applicant,
                        "credit_code": "91500112MA5YB0D01X", "agent": "", "items": []},
        "item": {"code": "T-1", "name": "占用城市绿地审批", "legal_basis": "《城市绿化条例》"},
        "grant": False, "reasons": reasons, "remedies": "六十日内……六个月内……", "remedy_note": "",
        "decided_at": "2026年6月5日10时00分", "signer": "王首席", "signed_at": "2026年6月5日10时00分",
        "signature_sha256": "ab" * 32, "basis": "第三十八条第二款",
    }
    return IssuedDocument(kind=DocumentKind.REFUSAL, facts=facts, number="渝北城管不许〔2026〕第0001号",
                          issued_at=timezone.now(), department=department, title="不予行政许可决定书")


def test_hostile_values_are_escaped(department):
    html = pdf.render_html("pdf/decision.html", _context(decision(department, HOSTILE, applicant=HOSTILE)))
    assert "<script>" not in html and 'src="https://evil' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_a_huge_value_wraps_and_prints(department):
    huge = "超长理由" * 400 + "A" * 3000  # CJK and one unbroken Latin run
    rare = "重庆堃昇喆科技有限公司"  # characters outside GB 2312: printed from the full system font
    rendered = pdf.render_document("pdf/decision.html", _context(decision(department, huge + HOSTILE, rare)))
    assert 1 < rendered.pages <= 8
    text = flat(pdf_text(rendered.pdf))
    assert "超长理由超长理由" in text and "<script>alert" in text  # printed as text, never run
    assert rare in text
    used = subprocess.run(["pdffonts", "-"], input=rendered.pdf, capture_output=True).stdout.decode()
    assert "Portal-Serif-SC" in used and "Noto-Serif-CJK-SC" in used  # the compact font, and the fallback
    assert rendered.seal is not None and rendered.seal.page == rendered.pages - 1  # the seal on the last page
    info = subprocess.run(["pdfinfo", "-"], input=rendered.pdf, capture_output=True, check=True).stdout.decode()
    assert "(A4)" in info


@pytest.mark.parametrize("url", [
    "https://evil.example/track.png",
    "http://127.0.0.1:8000/media/materials/1/secret.pdf",
    "file:///etc/passwd",
    "data:image/png;base64,iVBORw0KGgo=",
])
def test_the_fetcher_refuses_anything_but_the_static_files(url, settings):
    with pytest.raises(pdf.RefusedResource):
        pdf._fetcher()(url)


def test_the_fetcher_serves_a_static_file_and_refuses_to_climb_out(settings):
    inside = pdf.static_root() / "css" / "portal.css"
    response = pdf._fetcher()(inside.as_uri())
    assert response.read() == inside.read_bytes()
    with pytest.raises(pdf.RefusedResource):
        pdf._fetcher()(pdf.static_root().as_uri() + "/../manage.py")


def test_the_seal_bears_the_department_name_in_red_and_escapes_it():
    svg = seal_svg("重庆市渝北区城市管理局")
    assert svg.count("<text") == len("重庆市渝北区城市管理局") + 1  # one per character, and the caption
    assert "#d7000f" in svg and "行政审批专用章" in svg
    assert "&lt;" in seal_svg("<b>") and "<b>" not in seal_svg("<b>")


def test_a_thread_reuses_its_font_configuration_and_parsed_stylesheets(department):
    """Making a FontConfiguration per document was half of a document's time: one per thread, kept."""
    import threading

    first = pdf._typesetter()
    pdf.render_document("pdf/decision.html", _context(decision(department, "理由")))
    assert pdf._typesetter() is first
    assert first.stylesheet(pdf.OFFICIAL_STYLESHEET) is first.stylesheet(pdf.OFFICIAL_STYLESHEET)
    other = []
    thread = threading.Thread(target=lambda: other.append(pdf._typesetter()))
    thread.start()
    thread.join()
    assert other[0] is not first and other[0].font_config is not first.font_config  # Pango is not thread-safe


def test_the_official_stylesheet_styles_the_documents(department):
    """static/pdf/official.css is applied: the footer runs in the bottom margin of every page with its page count."""
    rendered = pdf.render_document("pdf/decision.html", _context(decision(department, "超长理由" * 400)))
    pages = pdf_text(rendered.pdf).split("\f")
    footers = [page for page in pages[:rendered.pages] if "本文书加盖" in page]
    assert len(footers) == rendered.pages > 1
    assert f"共{rendered.pages}页" in flat(pages[0])

