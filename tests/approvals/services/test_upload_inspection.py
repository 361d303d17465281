"""Hostile uploads are refused with the reason: PDFs with scripts, actions, launches, attachments, multimedia,
XFA or encryption, and images whose header promises more pixels than the limit (checked before decoding)."""

import pytest
from django.utils import translation

from approvals.models import MaterialFile
from approvals.services import applications
from approvals.services import upload_inspection as inspection
from approvals.services.uploads import UploadRejected, check_upload
from tests.approvals.services.test_applications import new_draft
from tests.factories import hostile
from tests.factories.applications import png_upload, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(("fixture", "reason"), [
    ("OPEN_ACTION_JAVASCRIPT", "contains JavaScript"),
    ("NAMES_JAVASCRIPT", "contains JavaScript"),
    ("HEX_ESCAPED_JAVASCRIPT", "contains JavaScript"),
    ("LAUNCH", "launch other programs"),
    ("PAGE_ADDITIONAL_ACTION", "runs actions by itself"),
    ("EMBEDDED_FILE", "embedded files"),
    ("RICH_MEDIA", "multimedia"),
    ("XFA", "XFA form"),
])
def test_a_pdf_with_active_content_is_refused_with_the_reason(fixture, reason):
    content = hostile.pdf(**getattr(hostile, fixture))
    with pytest.raises(UploadRejected, match=reason) as refused:
        check_upload(upload(content))
    assert refused.value.code == "unsafe_file"


def test_the_same_pdf_without_the_active_part_is_accepted():
    assert check_upload(upload(hostile.pdf())).pages == 1


def test_a_script_hidden_in_a_compressed_object_stream_is_found_by_the_parser():
    content = hostile.pdf_with_script_in_object_stream()
    assert b"JavaScript" not in content and b"/ObjStm" in content  # nothing to see in the raw bytes
    with pytest.raises(UploadRejected, match="contains JavaScript"):
        check_upload(upload(content))


def test_hex_escaped_names_are_decoded_by_the_raw_scan_too():
    assert {"/JavaScript", "/JS"} <= inspection.raw_names(b"<< /S /J#61vaScript /J#53 (x) >>")


def test_an_encrypted_pdf_is_refused():
    with pytest.raises(UploadRejected, match="encrypted or password-protected"):
        check_upload(upload(hostile.encrypted_pdf()))


def test_an_image_bomb_is_refused_from_its_header():
    bomb = hostile.png_bomb(30_000, 30_000)
    assert len(bomb) < 120_000  # 109 KB on the wire, 900 megapixels decoded
    with pytest.raises(UploadRejected, match="30000 × 30000 pixels; at most 50 megapixels") as refused:
        check_upload(upload(bomb, "plan.png", "image/png"))
    assert refused.value.code == "unsafe_file"


def test_the_pixel_limit_is_a_setting_and_applies_below_pillows_own(settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 1_000_000
    with pytest.raises(UploadRejected, match="2000 × 1000 pixels; at most 1 megapixels"):
        check_upload(upload(hostile.png_header_only(2000, 1000), "scan.png", "image/png"))
    assert check_upload(upload(hostile.png_header_only(1000, 1000), "scan.png", "image/png")).size > 0


def test_a_png_that_is_only_a_signature_is_refused_as_damaged():
    with pytest.raises(UploadRejected, match="damaged"):
        check_upload(upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "x.png", "image/png"))


def test_a_refused_material_is_not_stored(cat):
    application = new_draft(cat)
    with pytest.raises(UploadRejected, match="contains JavaScript"):
        applications.upload_material(application, actor=cat.applicant, material_type_key="site_plan",
                                     uploaded=upload(hostile.pdf(**hostile.OPEN_ACTION_JAVASCRIPT)))
    assert not MaterialFile.objects.filter(application=application).exists()
    applications.upload_material(application, actor=cat.applicant, material_type_key="business_licence",
                                 uploaded=png_upload())
    assert MaterialFile.objects.filter(application=application).count() == 1

