"""Documents the government holds are never demanded from the applicant (issue 8, item 6).

One rule (approvals.services.material_rules): a material a department issues is attached from the portal's
records when it holds one for the company, otherwise verified internally by the reviewing department; a material
issued by an item of the same bundle is never asked for in that bundle. It never blocks pre-review or submission.
"""

import hashlib
from datetime import date

import pytest
from django.core.files.base import ContentFile

from approvals.models import ApplicationStatus, EnterpriseDocument, MaterialSource
from approvals.services import acceptance, applications, material_rules
from approvals.services.bundling import bundle_requirements
from approvals.services.material_rules import Provision
from portal.errors import DomainError
from tests.factories.applications import (
    DEFAULT_NOW, draft_application, frozen, pdf_upload, png_bytes, reload, submitted_application,
)
from tests.factories.approvals import MaterialTypeFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db


class World:
    """A planning permit the government issues, the item issuing it and an item needing it; and a land-use
    permit that is not flagged as held by the government but is issued by an item of the catalog."""

    def __init__(self, cat):
        self.cat = cat
        d0, d1 = cat.departments[0], cat.departments[1]
        name, plan = cat.fields["project_name"], cat.materials["site_plan"]
        self.permit = MaterialTypeFactory(key="construction_planning_permit", name="建设工程规划许可证",
                                          government=True)
        self.land_permit = MaterialTypeFactory(key="land_use_planning_permit", name="建设用地规划许可证")
        self.land_item = ServiceItemFactory(code="T-LAND", name="建设用地规划许可证核发", department=d0,
                                            issued_material=self.land_permit, fields=[name], materials=[plan])
        self.works_item = ServiceItemFactory(code="T-WORKS", name="建设工程规划许可证核发", department=d0,
                                             issued_material=self.permit, fields=[name],
                                             materials=[plan, self.land_permit])
        self.build_item = ServiceItemFactory(code="T-BUILD", name="建筑工程施工许可证核发", department=d1,
                                             fields=[name], materials=[plan, self.permit])


@pytest.fixture
def world(cat):
    return World(cat)


def keep_on_file(enterprise, material_type, title="建设工程规划许可证（电子证照）"):
    content = png_bytes() + material_type.key.encode()
    document = EnterpriseDocument(enterprise=enterprise, material_type=material_type, title=title,
                                  content_type="image/png", size=len(content),
                                  sha256=hashlib.sha256(content).hexdigest(), issued_at=date(2026, 3, 2),
                                  source="区规划自然资源局")
    document.file.save("permit", ContentFile(content), save=False)
    document.save()
    return document


def states(application):
    return {s.key: s for s in material_rules.material_states(reload(application))}


# --- held by the government ---------------------------------------------------------------------------------
def test_a_government_document_not_on_file_is_verified_internally_and_never_blocks(cat, world):
    application = draft_application(cat, items=[world.build_item])

    state = states(application)["construction_planning_permit"]
    assert state.provision == Provision.INTERNAL_CHECK
    assert state.current is None and not state.missing
    _form_errors, missing = applications.completeness_problems(reload(application))
    assert missing == []

    with frozen(DEFAULT_NOW):
        submitted = applications.submit(reload(application), actor=cat.applicant, declared=True, now=DEFAULT_NOW)
    assert submitted.status == ApplicationStatus.SUBMITTED


def test_a_government_document_on_file_is_attached_from_the_records(cat, world):
    document = keep_on_file(cat.enterprise, world.permit)

    application = draft_application(cat, items=[world.build_item])

    state = states(application)["construction_planning_permit"]
    assert state.provision == Provision.ON_FILE
    assert state.current.source == MaterialSource.ON_FILE and state.current.on_file == document


def test_a_document_on_file_of_another_company_does_not_count(cat, world):
    from tests.factories.portal import EnterpriseFactory

    keep_on_file(EnterpriseFactory(), world.permit)
    application = draft_application(cat, items=[world.build_item])

    assert states(application)["construction_planning_permit"].provision == Provision.INTERNAL_CHECK


def test_the_applicant_cannot_be_asked_for_it_nor_upload_it(cat, world):
    application = draft_application(cat, items=[world.build_item])
    with pytest.raises(DomainError, match="verified internally"):
        applications.upload_material(application, actor=cat.applicant,
                                     material_type_key="construction_planning_permit", uploaded=pdf_upload())

    submitted = submitted_application(cat, items=[world.build_item])
    with pytest.raises(DomainError, match="verified internally"):
        acceptance.request_supplement(submitted, actor=cat.window_of(submitted.lead_department), problems=[
            {"kind": "material", "key": "construction_planning_permit", "reason": "请提供许可证"}])
    assert not submitted.supplement_requests.exists()


def test_a_pre_review_cannot_list_it_either(cat, world):
    application = draft_application(cat, items=[world.build_item])
    applications.request_pre_review(application, actor=cat.applicant)
    with pytest.raises(DomainError, match="verified internally"):
        applications.answer_pre_review(application, actor=cat.window_of(application.lead_department), problems=[
            {"kind": "material", "key": "construction_planning_permit", "reason": "缺少许可证"}])


# --- issued within the bundle -------------------------------------------------------------------------------
def test_a_material_issued_by_an_item_of_the_same_bundle_is_never_asked_for(cat, world):
    application = draft_application(cat, items=[world.land_item, world.works_item])

    state = states(application)["land_use_planning_permit"]
    assert state.provision == Provision.ISSUED_IN_BUNDLE
    assert [i.code for i in state.bundled.issued_by] == ["T-LAND"]
    assert not state.missing
    assert applications.completeness_problems(reload(application))[1] == []
    with pytest.raises(DomainError, match="issued by"):
        applications.upload_material(application, actor=cat.applicant, material_type_key="land_use_planning_permit",
                                     uploaded=pdf_upload())


def test_outside_that_bundle_the_same_material_is_asked_for(cat, world):
    application = draft_application(cat, items=[world.works_item], materials=False)

    state = states(application)["land_use_planning_permit"]
    assert state.provision == Provision.SUBMIT and state.missing
    assert "land_use_planning_permit" in applications.completeness_problems(reload(application))[1]


def test_the_catalog_says_the_same_before_a_company_is_known(cat, world):
    requirements = bundle_requirements([world.land_item, world.works_item, world.build_item])
    provisions = {m.material_type.key: material_rules.catalog_provision(m) for m in requirements.materials}

    assert provisions == {
        "site_plan": Provision.SUBMIT,
        "land_use_planning_permit": Provision.ISSUED_IN_BUNDLE,
        # Issued by T-WORKS in this bundle, and held by the government anyway.
        "construction_planning_permit": Provision.ISSUED_IN_BUNDLE,
    }
    assert [m.material_type.key for m in requirements.materials_to_submit] == ["site_plan"]
    assert requirements.materials_saved == requirements.materials_item_by_item - 1

    alone = bundle_requirements([world.build_item])
    assert {m.material_type.key: material_rules.catalog_provision(m) for m in alone.materials} == {
        "site_plan": Provision.SUBMIT, "construction_planning_permit": Provision.HELD_BY_GOVERNMENT}
