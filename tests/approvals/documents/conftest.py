"""Fixtures of the document tests: seals created in a temporary folder, helpers to issue and read PDFs.

PNG renderings of the PDFs go to var/test-artefacts/documents/ (git-ignored) for a person to look at.
"""

import io
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from approvals.calendar.loading import invalidate
from approvals.calendar.seeding import load_from_chinesecalendar
from approvals.documents import keystore
from approvals.documents.issuing import issue
from approvals.models import Department, DocumentStatus, IssuedDocument
from tests.factories.applications import make_catalog
from tests.factories.approvals import MaterialTypeFactory

ARTEFACTS = Path(django_settings.BASE_DIR) / "var" / "test-artefacts" / "documents"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _seals_in_a_temporary_folder(settings, tmp_path):
    settings.SEALS_DIR = tmp_path / "seals"
    settings.SEAL_TIMESTAMP_URL = ""
    settings.PORTAL_BASE_URL = "https://portal.example.gov.cn"


@pytest.fixture
def calendar_2026(db):
    invalidate()
    load_from_chinesecalendar(years=[2026])
    yield
    invalidate()


@pytest.fixture
def cat(calendar_2026):
    """The compact catalog, with number prefixes and an item that issues an e-certificate (the fee item)."""
    catalog = make_catalog()
    for department, prefix in zip(catalog.departments, ["渝北城管", "渝北住建", "渝北卫健"]):
        department.document_prefix = prefix
        department.save(update_fields=["document_prefix"])
    permit = MaterialTypeFactory(key="green_permit", name="占用城市绿地许可证", issued_by_government=True)
    catalog.materials["green_permit"] = permit
    item = catalog.fee_item
    item.issues_certificate, item.certificate_name = True, "占用城市绿地许可证"
    item.certificate_validity_years, item.issued_material = 2, permit
    item.save()
    return catalog


@pytest.fixture
def seals(cat):
    keystore.init(list(Department.objects.all()))
    return keystore


def issue_pending(*, now=None, **filters) -> list:
    """Run the issuing task's function for every pending document (as the worker would), oldest first."""
    pending = IssuedDocument.objects.filter(status=DocumentStatus.PENDING, **filters).order_by("id")
    return [issue(pk, now=now) for pk in pending.values_list("pk", flat=True)]


def pdf_text(content: bytes) -> str:
    """The text of a PDF as poppler's pdftotext reads it (layout off, so lines follow the reading order)."""
    completed = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True,
                               check=True, timeout=60)
    return completed.stdout.decode()


def flat(text: str) -> str:
    """Text without whitespace: table cells and wrapped lines split words anywhere."""
    return "".join(text.split())


def to_png(content: bytes, name: str, *, resolution: int = 60) -> list[Path]:
    """Render every page to var/test-artefacts/documents/<name>-N.png; returns the files."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTEFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", str(resolution), "-png", "-", str(ARTEFACTS / name)], input=content,
                   check=True, timeout=120)
    return sorted(ARTEFACTS.glob(f"{name}-*.png"))


def read(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def validate(content: bytes, trust_roots=None):
    """pyHanko's validation of the first signature against the portal CA (or `trust_roots`)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(content))
    context = ValidationContext(trust_roots=trust_roots if trust_roots is not None else keystore.trust_roots(),
                                allow_fetching=False, revocation_mode="soft-fail")
    return validate_pdf_signature(reader.embedded_signatures[0], context)


# --- a journey that produces every kind of document of an application --------------------------------------
def journey(cat, *, form=None):
    """Submitted, one supplement notice answered, accepted, the fee item's review suspended, resumed and
    extended, the fee item approved (with its e-certificate) and the commitment item refused, fees paid.

    Returns the application; every document is ordered (pending) and none issued yet."""
    from approvals.models import Decision, PauseKind
    from approvals.services import acceptance, applications, payments, reviews
    from tests.factories.applications import (
        DEFAULT_NOW, frozen, pdf_upload, reload, shanghai, submitted_application,
    )

    items = [cat.fee_item, cat.commitment_item]
    application = submitted_application(cat, items=items, form=form, now=DEFAULT_NOW)
    clerk = cat.window_of(application.lead_department)
    at = shanghai(2026, 6, 1, 11, 0)
    with frozen(at):
        acceptance.request_supplement(application, actor=clerk, now=at, problems=[
            {"kind": "material", "key": "site_plan", "reason": "总平面图未标注占用绿地范围。"},
            {"kind": "field", "key": "project_name", "reason": "项目名称应与立项文件一致。"},
        ])
    at = shanghai(2026, 6, 2, 10, 0)
    with frozen(at):
        applications.upload_material(application, actor=cat.applicant, material_type_key="site_plan",
                                     uploaded=pdf_upload(salt="supplement"))
        acceptance.answer_supplement(application, actor=cat.applicant, now=at,
                                     form={"project_name": (form or {}).get("project_name", "临空前沿科技城研发楼（一期）")})
    at = shanghai(2026, 6, 2, 14, 0)
    with frozen(at):
        acceptance.accept(application, actor=clerk, now=at)
    review = application.reviews.get(item=cat.fee_item)
    staff = cat.staff_of(review.department)
    at = shanghai(2026, 6, 3, 10, 0)
    with frozen(at):
        reviews.suspend(review, actor=staff, kind=PauseKind.EXPERT_REVIEW, reason="涉及古树名木，需组织专家论证。",
                        expected_days=3, now=at)
    at = shanghai(2026, 6, 4, 10, 0)
    with frozen(at):
        reviews.resume(review, actor=staff, now=at)
        reviews.extend(review, actor=cat.leader, days=5, reason="专家论证意见需补充现场核查。", now=at)
    at = shanghai(2026, 6, 5, 10, 0)
    with frozen(at):
        for item, decision in ((cat.fee_item, Decision.APPROVE), (cat.commitment_item, Decision.REFUSE)):
            item_review = application.reviews.get(item=item)
            chief = cat.chief_of(item_review.department)
            if decision == Decision.APPROVE:
                reviews.approve(item_review, actor=chief, reasons="符合占用城市绿地的条件，同意临时占用。", now=at)
            else:
                reviews.refuse(item_review, actor=chief, reasons="卫生检测报告显示集中空调通风系统不合格。", now=at)
            reviews.sign([item_review], actor=chief, otp=cat.totp(chief), now=at)
    at = shanghai(2026, 6, 5, 15, 0)
    with frozen(at):
        notice = application.payment_notice
        payments.confirm_at_window(application, actor=cat.window_of(application.lead_department),
                                   payment_code=notice.code, receipt_number="FS2026060500001", now=at)
    return reload(application)


def login_staff(client, user):
    """A staff session that passed its second factor, as the login view leaves it."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.factories.portal import with_totp

    device = with_totp(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def receipt_of(application):
    """The (pending) receipt the submission ordered."""
    from approvals.models import DocumentKind

    return IssuedDocument.objects.get(application=application, kind=DocumentKind.RECEIPT,
                                      subject_id=application.pk, subject_type__model="application")
