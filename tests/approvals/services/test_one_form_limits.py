"""The one form's limits: numbers within their field's range (or a default one), at most two decimal places,
every value of a bounded length; drafts refuse what no person types; an unchanged form adds no version; the
clerk's acceptance of a bundle holding an absurd quantity (older data) answers with a message, not an overflow."""

from decimal import Decimal

import pytest
from django.utils import translation

from approvals.models import ApplicationStatus, FieldType, FormField
from approvals.services import acceptance, applications, one_form
from approvals.services.applications import SubmissionIncomplete
from portal.errors import DomainError
from tests.factories.applications import (
    DEFAULT_NOW, VALID_FORM, draft_application, frozen, reload, submitted_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def field(kind, **kwargs):
    return FormField(key="x", label="X", field_type=kind, **kwargs)


@pytest.mark.parametrize(("kind", "raw", "message"), [
    (FieldType.INTEGER, "1e5000", "at most 999999999"),
    (FieldType.INTEGER, "-1e5000", "at least -999999999"),
    (FieldType.DECIMAL, "1e20", "at most 999999999"),
    (FieldType.DECIMAL, 1e20, "at most 999999999"),
    (FieldType.DECIMAL, "12.345", "At most 2 digits after the decimal point"),
    (FieldType.DECIMAL, "NaN", "Enter a number"),
    (FieldType.INTEGER, True, "Enter a number"),
    (FieldType.INTEGER, "9" * 65, "At most 64 characters"),
    (FieldType.TEXT, "名" * 201, "At most 200 characters"),
])
def test_a_value_out_of_range_or_too_long_gets_a_message_not_an_exception(kind, raw, message):
    clean, problem = one_form.clean_value(field(kind), raw)
    assert clean is None and message in problem


def test_numbers_within_range_are_kept_as_a_person_writes_them():
    assert one_form.clean_value(field(FieldType.DECIMAL), "5000.00") == ("5000", None)
    assert one_form.clean_value(field(FieldType.DECIMAL), "1.5E+2") == ("150", None)
    assert one_form.clean_value(field(FieldType.INTEGER), "999999999") == ("999999999", None)
    assert one_form.clean_value(field(FieldType.DECIMAL, max_value=Decimal("10")), "10.01")[1] == (
        "The value must be at most 10.")


def test_the_submission_refuses_an_absurd_area_with_a_readable_message(cat):
    application = draft_application(cat, form={**VALID_FORM, "green_area_m2": "1e20"})
    with frozen(DEFAULT_NOW), pytest.raises(SubmissionIncomplete) as refused:
        applications.submit(application, actor=cat.applicant, declared=True, now=DEFAULT_NOW)
    assert "at most 100000" in refused.value.form_errors["green_area_m2"]


@pytest.mark.parametrize(("area", "message"), [
    ("1e20", "too large to be real"),
    ("50000000000", "would come to more than 999,999,999,999.99 yuan"),
])
def test_accepting_a_bundle_with_an_absurd_quantity_on_record_says_so(cat, area, message):
    application = submitted_application(cat)
    type(application).objects.filter(pk=application.pk).update(  # older data, stored before the limits
        form_data={**application.form_data, "green_area_m2": area})
    with frozen(DEFAULT_NOW), pytest.raises(DomainError, match=message):
        acceptance.accept(reload(application), actor=cat.clerk, now=DEFAULT_NOW)
    assert reload(application).status == ApplicationStatus.SUBMITTED


def test_a_draft_refuses_a_megabyte_project_name_and_keeps_no_version_of_it(cat):
    application = draft_application(cat, materials=False)
    versions = application.form_versions.count()
    with pytest.raises(one_form.FormValueRefused) as refused:
        applications.save_form(application, actor=cat.applicant,
                               data={"project_name": "项" * (4_500_000 // 3)})
    assert "project_name" in refused.value.form_errors and "项目名称" in refused.value.message
    assert application.form_versions.count() == versions
    assert reload(application).form_data["project_name"] == VALID_FORM["project_name"]


def test_a_list_or_object_is_not_a_form_value(cat):
    application = draft_application(cat, materials=False)
    with pytest.raises(one_form.FormValueRefused, match="项目名称"):
        applications.save_form(application, actor=cat.applicant, data={"project_name": [[["x"]]]})


def test_saving_the_same_form_twice_adds_no_version(cat):
    application = draft_application(cat, materials=False)
    versions = application.form_versions.count()
    applications.save_form(application, actor=cat.applicant, data=dict(VALID_FORM))
    applications.save_form(application, actor=cat.applicant, data=dict(VALID_FORM))
    assert application.form_versions.count() == versions
    applications.save_form(application, actor=cat.applicant, data={"project_name": "新的名称"})
    assert application.form_versions.count() == versions + 1
