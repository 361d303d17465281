"""The form's last steps: cross-field checks, prefilled values, check your answers with the fee estimate and
the truthfulness declaration (信用承诺), then the confirmation page with the reference and what happens next."""

import pytest
from django.urls import reverse

from approvals.models import ApplicationStatus, ItemField
from approvals.services import applications, one_form
from tests.factories.applications import draft_application, make_catalog, reload
from tests.factories.approvals import FormFieldFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cat():
    return make_catalog()


def test_an_end_date_before_its_start_is_refused(cat):
    start = FormFieldFactory(key="start_date", label="计划开始日期", field_type="date")
    end = FormFieldFactory(key="end_date", label="计划结束日期", field_type="date")
    for order, field in enumerate((start, end), start=10):
        ItemField.objects.create(item=cat.fee_item, field=field, order=order)
    application = draft_application(cat, form={"project_name": "x", "site_address": "y", "green_area_m2": "1",
                                               "start_date": "2026-12-01", "end_date": "2026-11-20"})
    requirements = applications.requirements_of(application)
    cleaned, errors = one_form.validate(requirements.fields, application.form_data)
    assert "end_date" in errors and "end_date" not in cleaned
    _cleaned, errors = one_form.validate(requirements.fields, {**application.form_data, "end_date": "2026-12-01"})
    assert "end_date" not in errors


def test_the_portal_prefills_what_it_knows(cat):
    for key in ("builder_credit_code", "contact_person", "contact_phone"):
        ItemField.objects.create(item=cat.fee_item, field=FormFieldFactory(key=key, label=key), order=50)
    cat.applicant.phone = "13900000009"
    cat.applicant.save()
    application = applications.create_draft(actor=cat.applicant, enterprise=cat.enterprise,
                                            item_codes=[cat.fee_item.code])
    assert reload(application).form_data == {"builder_credit_code": cat.enterprise.credit_code,
                                             "contact_person": cat.applicant.full_name,
                                             "contact_phone": "13900000009"}


def test_check_page_lists_answers_and_estimates_the_fee(client, cat):
    application = draft_application(cat)
    client.force_login(cat.applicant)
    page = client.get(reverse("approvals:application_check", args=[application.pk])).content.decode()
    assert 'data-field="green_area_m2">319.11' in page
    assert 'data-testid="estimate-total"><strong>6,382.20</strong>' in page  # 319.11 m² at 20 yuan
    assert 'data-testid="check-problems"' not in page


def test_submitting_needs_the_declaration_then_confirms_with_the_reference(client, cat):
    application = draft_application(cat)
    client.force_login(cat.applicant)
    url = reverse("approvals:application_check", args=[application.pk])
    refused = client.post(url, {})
    assert refused.status_code == 400 and reload(application).status == ApplicationStatus.DRAFT
    response = client.post(url, {"declaration": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("approvals:application_submitted", args=[application.pk])
    assert reload(application).status == ApplicationStatus.SUBMITTED
    page = client.get(response["Location"]).content.decode()
    assert f'data-testid="confirmation-reference">{application.reference}' in page
    assert 'data-testid="next-step" data-who="department"' in page


def test_an_incomplete_draft_is_shown_what_is_missing(client, cat):
    application = draft_application(cat, materials=False)
    client.force_login(cat.applicant)
    url = reverse("approvals:application_check", args=[application.pk])
    assert 'data-testid="check-problems"' in client.get(url).content.decode()
    assert client.post(url, {"declaration": "on"}).status_code == 400
    assert reload(application).status == ApplicationStatus.DRAFT


def test_the_forms_main_button_leads_to_the_check_page(client, cat):
    application = draft_application(cat)
    client.force_login(cat.applicant)
    response = client.post(reverse("approvals:application_form", args=[application.pk]),
                           {**{f"f-{k}": v for k, v in application.form_data.items()}, "action": "check",
                            "delivery_method": "electronic"})
    assert response.status_code == 302
    assert response["Location"] == reverse("approvals:application_check", args=[application.pk])
