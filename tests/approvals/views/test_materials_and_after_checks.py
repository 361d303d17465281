"""Pages of issue 8 items 6 and 8: the materials page and the package page say the same as the rule (held by the
government: attached or verified internally; issued within the bundle; following the commitment); the
department's after-check worklist (事后核查) with lights and due dates, its outcome form, and the applicant's page
showing a revoked decision with its reason."""

from datetime import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from approvals.models import AfterCheck, ItemMaterial
from tests.approvals.services.conftest import _english, _fast_passwords, _media, calendar_2026, cat  # noqa: F401
from tests.factories.applications import SHANGHAI, decided_on_commitment, draft_application, reload
from tests.factories.approvals import MaterialTypeFactory, PackageFactory, ServiceItemFactory
from tests.factories.portal import UserFactory, with_totp

pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def login(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    if user.needs_second_factor:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = (user.totpdevice_set.first() or with_totp(user)).persistent_id
        session.save()
    return client


@pytest.fixture
def permits(cat):
    """T-WORKS issues the construction-works planning permit (held by the government) and needs the land-use
    permit, which T-LAND of the same package issues."""
    name, plan = cat.fields["project_name"], cat.materials["site_plan"]
    works_permit = MaterialTypeFactory(key="construction_planning_permit", name="建设工程规划许可证", government=True)
    land_permit = MaterialTypeFactory(key="land_use_planning_permit", name="建设用地规划许可证")
    conditions = MaterialTypeFactory(key="planning_conditions", name="规划条件函", government=True)
    land = ServiceItemFactory(code="T-LAND", name="建设用地规划许可证核发", department=cat.departments[0],
                              issued_material=land_permit, fields=[name], materials=[plan, conditions])
    works = ServiceItemFactory(code="T-WORKS", name="建设工程规划许可证核发", department=cat.departments[0],
                               issued_material=works_permit, fields=[name], materials=[plan, land_permit])
    package = PackageFactory(code="tst-handover", name="交地即办证", stages=[[land, works]],
                             stages__lead=cat.departments[0])
    return package


def material_state(body, key):
    start = body.index(f'data-material="{key}"')
    return body[start:start + 2500]


def test_the_materials_page_marks_what_the_government_holds_as_not_asked(cat, permits):
    application = draft_application(cat, package=permits)

    body = login(cat.applicant).get(reverse("approvals:application_materials", args=[application.pk])).content.decode()

    conditions = material_state(body, "planning_conditions")
    assert 'data-state="internal_check"' in conditions and "Verified internally by the reviewing department" in conditions
    assert 'data-state="missing"' not in conditions and 'type="file"' not in conditions
    land = material_state(body, "land_use_planning_permit")
    assert 'data-state="issued_in_bundle"' in land and "建设用地规划许可证核发" in land
    assert 'type="file"' not in land
    assert "The form and the materials are complete." in body


def test_the_package_page_says_the_same(cat, permits):
    body = Client(headers={"accept-language": "en"}).get(
        reverse("approvals:package", args=[permits.code])).content.decode()

    assert 'data-provision="held_by_government"' in material_state(body, "planning_conditions")
    land = material_state(body, "land_use_planning_permit")
    assert 'data-provision="issued_in_bundle"' in land and "建设用地规划许可证核发" in land
    assert 'data-provision="submit"' in material_state(body, "site_plan")


def test_a_material_following_the_commitment_is_marked_so(cat):
    report = MaterialTypeFactory(key="hygiene_test_report", name="公共场所卫生检测报告")
    ItemMaterial.objects.create(item=cat.commitment_item, material_type=report, after_commitment=True)
    application = draft_application(cat, materials=False)
    client = login(cat.applicant)
    client.post(reverse("approvals:application_form", args=[application.pk]),
                {"action": f"sign:{cat.commitment_item.code}", f"commit-{cat.commitment_item.code}": "李申请",
                 "project_name": "研发楼", "site_address": "渝北区", "green_area_m2": "10"})

    body = client.get(reverse("approvals:application_materials", args=[application.pk])).content.decode()

    assert 'data-state="after_commitment"' in material_state(body, "hygiene_test_report")


# --- the after-check worklist -------------------------------------------------------------------------------------
@pytest.fixture
def check(cat, settings):
    settings.COMMITMENT_CHECK_DAYS = 5  # due Mon 06-08 17:30
    return AfterCheck.objects.select_related("review__application").get(
        review__application=decided_on_commitment(cat))


def test_the_department_worklist_lists_its_checks_with_light_and_due_date(cat, check):
    staff = cat.staff_of(check.department)
    with time_machine.travel(at(2026, 6, 8, 9, 0), tick=False):
        response = login(staff).get(reverse("approvals:after_checks"))
    assert response.status_code == 200
    body = response.content.decode()
    assert check.review.application.reference in body and "2026-06-08 17:30" in body
    assert 'data-light="yellow"' in body
    assert reverse("approvals:after_check", args=[check.pk]) in body

    other = login(cat.staff_of(cat.departments[0])).get(reverse("approvals:after_checks")).content.decode()
    assert check.review.application.reference not in other
    assert login(cat.applicant).get(reverse("approvals:after_checks")).status_code == 403
    assert login(cat.staff_of(cat.departments[0])).get(
        reverse("approvals:after_check", args=[check.pk])).status_code == 404


def test_the_outcome_form_records_a_false_commitment_and_the_applicant_sees_it_revoked(cat, check):
    chief = cat.chief_of(check.department)
    url = reverse("approvals:after_check", args=[check.pk])
    client = login(chief)

    missing_reason = client.post(url, {"outcome": "false_commitment", "note": ""})
    assert missing_reason.status_code == 400 and "reason" in missing_reason.content.decode()
    bad = client.post(url, {"outcome": "nonsense"})
    assert bad.status_code == 400

    done = client.post(url, {"outcome": "false_commitment", "note": "现场核查：卫生设施与承诺不符。"})
    assert done.status_code == 302
    assert reload(check).outcome == "false_commitment"
    again = client.post(url, {"outcome": "confirmed", "note": ""}, follow=True)
    assert again.status_code == 200 and reload(check).outcome == "false_commitment"

    page = login(cat.applicant).get(reverse("approvals:application", args=[check.review.application_id]))
    body = page.content.decode()
    assert 'data-revoked="true"' in body and "现场核查：卫生设施与承诺不符。" in body


def test_overseeing_roles_read_every_department_but_cannot_decide(cat, check):
    supervisor = UserFactory(supervisor=True)
    client = login(supervisor)
    assert check.review.application.reference in client.get(reverse("approvals:after_checks")).content.decode()
    url = reverse("approvals:after_check", args=[check.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"outcome": "confirmed", "note": ""}).status_code == 403
    assert reload(check).outcome == ""
