"""bench/pdf_bench.py renders every document kind: a kind added to the portal without its facts there broke
`make bench` (the monthly report did)."""

import importlib.util
import random
from pathlib import Path

import pytest

from approvals.documents.contents import spec_for
from approvals.documents.pdf import render_document
from approvals.models import DocumentKind

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def pdf_bench():
    spec = importlib.util.spec_from_file_location("pdf_bench", BENCH / "pdf_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # its main() runs only as a script
    return module


@pytest.mark.parametrize("kind", DocumentKind.values)
def test_the_benchmark_has_facts_for_every_kind(pdf_bench, kind):
    facts = pdf_bench.facts_of(kind, random.Random(1))
    assert isinstance(facts, dict) and facts


def test_the_monthly_report_facts_render(pdf_bench):
    from approvals.documents.issuing import _context
    from approvals.models import Department, IssuedDocument

    department = Department(code="bench", name="区城市管理局", short_name="城管", document_prefix="渝北城管")
    document = IssuedDocument(kind=DocumentKind.MONTHLY_REPORT, title="政务服务监管月报", department=department,
                              number="渝北监〔2026〕第0001号",
                              facts=pdf_bench.facts_of(DocumentKind.MONTHLY_REPORT, random.Random(1)))
    rendered = render_document(spec_for(DocumentKind.MONTHLY_REPORT).template, _context(document))
    assert rendered.pdf.startswith(b"%PDF")
