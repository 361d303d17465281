"""Every kind of document, produced by a real journey: issued by the task, sealed, readable, saying what the law
asks of it. Each PDF is opened (pdftotext), its seal validated with pyHanko against the portal CA, rendered to PNG
under var/test-artefacts/documents/ for a person to look at, and its text checked for missing glyphs."""

from functools import lru_cache

import pytest
from fontTools.ttLib import TTCollection

from approvals.documents.catalog_notice import catalog_notice
from approvals.documents.monthly_report import order_report
from approvals.models import DocumentKind, DocumentStatus, IssuedDocument
from approvals.services import acceptance
from tests.factories.applications import frozen, shanghai, submitted_application

from .conftest import flat, issue_pending, journey, pdf_text, read, to_png, validate

K = DocumentKind
ISSUED_AT = shanghai(2026, 6, 5, 16, 0)
NOTO_SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"

# What each kind must say (whitespace removed: table cells wrap anywhere).
EXPECTED = {
    K.RECEIPT: ["申请材料接收凭证", "渝北城管收〔2026〕第0001号", "2026年6月1日10时00分", "5个工作日", "第三十二条",
                "总平面图", "逾期不告知的"],
    K.SUPPLEMENT: ["补正材料通知书", "渝北城管补〔2026〕第0001号", "全部内容", "总平面图未标注占用绿地范围。",
                   "项目名称应与立项文件一致。"],
    K.ACCEPTANCE: ["受理通知书", "渝北城管受〔2026〕第0001号", "予以受理", "2026年6月2日14时00分", "占用城市绿地审批",
                   "公共场所卫生许可", "第四十二条"],
    K.SUSPENSION: ["中止计时告知书", "渝北城管中止〔2026〕第0001号", "专家评审", "涉及古树名木，需组织专家论证。",
                   "3个工作日", "第四十五条"],
    K.EXTENSION: ["延期告知书", "渝北城管延〔2026〕第0001号", "延长5个工作日", "专家论证意见需补充现场核查。",
                  "第四十二条"],
    K.GRANT: ["准予行政许可决定书", "渝北城管许〔2026〕第0001号", "准予行政许可", "符合占用城市绿地的条件",
              "首席代表", "签名记录SHA-256", "占用城市绿地许可证"],
    K.REFUSAL: ["不予行政许可决定书", "渝北卫健不许〔2026〕第0001号", "不予行政许可", "集中空调通风系统不合格",
                "六十日内", "行政复议", "六个月内", "行政诉讼", "首席代表"],
    K.CERTIFICATE: ["占用城市绿地许可证", "渝北城管证〔2026〕第0001号", "统一社会信用代码", "占用城市绿地审批",
                    "临空前沿科技城研发楼（一期）", "319.11", "2026年6月5日至2028年6月4日", "重庆市渝北区城市管理局",
                    "扫码核验"],
    K.PAYMENT_NOTICE: ["缴款通知书", "渝北城管缴〔2026〕第0001号", "下限", "12,764.40", "6,382.20", "缴款码"],
    K.E_RECEIPT: ["电子票据", "渝北城管票〔2026〕第0001号", "FS2026060500001", "6,382.20"],
    K.NOT_ACCEPTED: ["不予受理通知书", "渝北卫健不受〔2026〕第0001号", "不予受理", "该事项不属于本机关受理范围。",
                     "重庆市渝北区市场监督管理局", "六十日内", "六个月内"],
    K.MONTHLY_REPORT: ["2026年5月政务服务监管月报", "监〔2026〕第0001号", "办件量与时效", "部门按时办结率排名",
                       "docs/metrics.md"],
    K.CATALOG_NOTICE: ["一次性告知单", "渝北城管告〔2026〕第0001号", "占用城市绿地审批", "绿化补偿费", "20.00–40.00",
                       "按下限", "承诺4个工作日，法定20个工作日", "12345政务服务便民热线", "总平面图"],
}


@lru_cache(maxsize=1)
def serif_characters() -> frozenset:
    font = next(f for f in TTCollection(NOTO_SERIF).fonts if "SC" in f["name"].getDebugName(1))
    return frozenset(chr(code) for code in font.getBestCmap())


@pytest.fixture
def every_document(cat, seals):
    """All thirteen kinds: the journey's ten, a refusal to accept on another bundle, the catalog notices, a
    monthly supervision report."""
    journey(cat)
    other = submitted_application(cat, items=[cat.commitment_item])
    with frozen(shanghai(2026, 6, 2, 9, 0)):
        acceptance.refuse_acceptance(other, actor=cat.staff_of(other.lead_department),
                                     reason="该事项不属于本机关受理范围。", apply_instead_to="重庆市渝北区市场监督管理局")
    with frozen(ISSUED_AT):
        order_report(2026, 5, now=ISSUED_AT)  # the supervisors' monthly report of the month before
        documents = issue_pending(now=ISSUED_AT)
        documents += [catalog_notice(cat.fee_item), catalog_notice(cat.package)]
    return documents


def test_every_kind_is_issued_sealed_and_says_what_it_must(every_document):
    documents = every_document
    assert {d.kind for d in documents} == set(K.values)
    assert all(d.status == DocumentStatus.VALID for d in documents)
    assert IssuedDocument.objects.filter(status=DocumentStatus.PENDING).count() == 0
    checked = set()
    for document in documents:
        content = read(document)
        assert content.startswith(b"%PDF-")
        status = validate(content)
        assert (status.intact, status.valid, status.trusted) == (True, True, True), document.kind
        text = pdf_text(content)
        # The first document of each kind says everything listed; later ones (two more receipts) their title.
        phrases = EXPECTED[document.kind] if document.kind not in checked else [document.title, document.number]
        for phrase in phrases:
            assert flat(phrase) in flat(text), (document.kind, phrase)
        checked.add(document.kind)
        pages = to_png(content, f"{document.kind}-{document.pk}")
        assert pages, document.kind
        missing = {c for c in text if not c.isspace() and c not in serif_characters()}
        assert not missing, (document.kind, sorted(missing))
    assert checked == set(K.values)

    # Rendering twelve kinds costs about a minute on a shared machine, so the finer checks share the journey.
    receipts = [d for d in documents if d.kind == K.RECEIPT]
    assert len(receipts) == 3  # the journey's submission and supplement answer, the other bundle's submission
    answer = next(d for d in receipts if d.subject_type.model == "supplementrequest")
    assert "补正材料" in flat(pdf_text(read(answer)))
    # Numbers run per department, series and year.
    assert sorted(d.number for d in receipts) == [
        "渝北卫健收〔2026〕第0001号", "渝北城管收〔2026〕第0001号", "渝北城管收〔2026〕第0002号"]
    # A decision quotes the signature record's SHA-256 and the chief representative who signed it.
    grant = next(d for d in documents if d.kind == K.GRANT)
    signature = grant.subject.signature
    text = flat(pdf_text(read(grant)))
    assert signature.content_sha256 in text and flat(signature.signer_name) in text
    assert grant.signer_name == signature.signer_name
    # The certificate: two years' validity and the address of its verification page (also in its QR code).
    certificate = next(d for d in documents if d.kind == K.CERTIFICATE)
    assert certificate.valid_until.isoformat() == "2028-06-04"
    assert flat(f"/verify/{certificate.number}/") in flat(pdf_text(read(certificate)))
