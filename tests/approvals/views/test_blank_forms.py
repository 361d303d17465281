"""Blank forms and filled samples to download, for an item and a package: every field once, the materials."""

import pytest
from django.urls import reverse

from approvals.documents.pdf import render_html
from approvals.services.bundling import bundle_requirements
from approvals.views.blank_forms import sample_value
from tests.factories.applications import make_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def cat():
    return make_catalog()


def test_package_blank_form_is_a_pdf_with_a_sample_variant(client, cat):
    url = reverse("approvals:package_blank_form", args=[cat.package.code])
    blank = client.get(url)
    sample = client.get(url, {"sample": "1"})
    assert blank.status_code == sample.status_code == 200
    assert blank["Content-Type"] == "application/pdf" and blank.content.startswith(b"%PDF")
    assert sample.content != blank.content
    page = client.get(reverse("approvals:package", args=[cat.package.code])).content.decode()
    assert 'data-testid="blank-form"' in page and 'data-testid="sample-form"' in page


def test_the_form_lists_each_field_once_and_the_sample_fills_them(cat):
    requirements = bundle_requirements(cat.items)
    fields = [{"bundled": b, "field": b.field, "value": sample_value(b.field)} for b in requirements.fields]
    html = render_html("pdf/blank_form.html", {"title": cat.package.name, "fields": fields, "sample": True,
                                               "materials": requirements.materials, "items": cat.items})
    assert html.count("<th>项目名称 *</th>") == 1  # asked by all three items, printed once
    assert "临空前沿科技城研发楼项目" in html and "填写样表" in html
    assert "总平面图" in html and "营业执照" in html


def test_unknown_item_is_404(client, cat):
    assert client.get(reverse("approvals:item_blank_form", args=["NOPE"])).status_code == 404
