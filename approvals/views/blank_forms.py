"""Blank forms and filled samples to download (空白表格、填写样表): the one form of an item or a package as a
printable PDF, with every field asked once and the materials listed; `?sample=1` fills it with example values.
Public, like the catalog; rendered on demand (not sealed: it is a form to fill, not a document issued)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from approvals.documents.pdf import render_pdf
from approvals.models import FieldType, Package, ServiceItem
from approvals.services.bundling import bundle_requirements

# Example values a sample shows: canonical keys first, then by field type.
SAMPLE_BY_KEY = {
    "project_name": "临空前沿科技城研发楼项目",
    "site_address": "重庆市渝北区悦港大道北侧",
    "contact_person": "王磊",
    "start_date": "2026-12-01",
    "end_date": "2027-03-31",
    "signboard_text": "某某科技有限公司",
}
SAMPLE_BY_TYPE = {
    FieldType.TEXT: "（按实际情况填写）",
    FieldType.TEXTAREA: "（按实际情况填写，可附页）",
    FieldType.INTEGER: "10",
    FieldType.DECIMAL: "120.50",
    FieldType.DATE: "2026-12-01",
    FieldType.CREDIT_CODE: "（18位统一社会信用代码，与营业执照一致）",
    FieldType.PHONE: "13800000000",
    FieldType.BOOLEAN: "是",
}


def sample_value(form_field) -> str:
    if form_field.key in SAMPLE_BY_KEY:
        return SAMPLE_BY_KEY[form_field.key]
    if form_field.field_type == FieldType.CHOICE and form_field.choices:
        return str(form_field.choices[0])
    return SAMPLE_BY_TYPE.get(form_field.field_type, "")


def _pdf_response(title: str, items, *, sample: bool, filename: str):
    requirements = bundle_requirements(items)
    fields = [{"bundled": b, "field": b.field, "value": sample_value(b.field) if sample else ""}
              for b in requirements.fields]
    content = render_pdf("pdf/blank_form.html", {"title": title, "fields": fields, "sample": sample,
                                                 "materials": requirements.materials, "items": items})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}{"-sample" if sample else ""}.pdf"'
    return response


@require_GET
def item_blank_form(request, code):
    item = get_object_or_404(ServiceItem, code=code, active=True)
    return _pdf_response(item.name, [item], sample=request.GET.get("sample") == "1", filename=item.code)


@require_GET
def package_blank_form(request, code):
    package = get_object_or_404(Package, code=code, active=True)
    items = list(ServiceItem.objects.filter(stages__package=package, active=True).distinct())
    return _pdf_response(package.name, items, sample=request.GET.get("sample") == "1", filename=package.code)
