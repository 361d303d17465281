"""An agent files for a company only under an authorisation that covers the items today; each refusal names
its reason and leaves nothing half-done (no draft row, no stored file)."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from agents.models import AuthorizationScope
from agents.services import authorizations
from approvals.models import Application, ApplicationEvent, ApplicationStatus, MaterialFile
from approvals.services import acceptance, applications
from approvals.services.permissions import can_view_application
from portal.errors import NotAllowed
from tests.factories.agents import authorise
from tests.factories.applications import (
    DEFAULT_NOW, VALID_FORM, frozen, pdf_upload, png_upload, reload, shanghai,
)
from tests.factories.portal import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


def stored_files() -> set:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def fill_and_upload(application, actor):
    applications.save_form(application, actor=actor, data=dict(VALID_FORM))
    for bundled in applications.requirements_of(application).materials:
        key = bundled.material_type.key
        if not application.materials.filter(material_type__key=key, is_current=True).exists():
            file = png_upload() if key == "business_licence" else pdf_upload()
            applications.upload_material(application, actor=actor, material_type_key=key, uploaded=file)


def test_in_scope_agent_files_submits_and_answers_a_supplement_and_every_event_names_agent_and_company(cat, agent):
    with frozen(DEFAULT_NOW):
        application = applications.create_draft(actor=agent, enterprise=cat.enterprise, package=cat.package,
                                                now=DEFAULT_NOW)
        fill_and_upload(application, agent)
        applications.submit(application, actor=agent, declared=True, now=DEFAULT_NOW)
    application = reload(application)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.filed_by_agent == agent

    later = shanghai(2026, 6, 1, 14, 0)
    with frozen(later):
        acceptance.request_supplement(application, actor=cat.clerk, now=later,
                                      problems=[{"kind": "material", "key": "site_plan", "reason": "比例尺不清"}])
    answered = shanghai(2026, 6, 2, 10, 0)
    with frozen(answered):
        applications.upload_material(application, actor=agent, material_type_key="site_plan",
                                     uploaded=pdf_upload(salt="v2"))
        acceptance.answer_supplement(application, actor=agent, now=answered)
    assert reload(application).status == ApplicationStatus.SUBMITTED

    events = ApplicationEvent.objects.filter(application=application, actor=agent)
    kinds = set(events.values_list("kind", flat=True))
    assert {"created", "material_uploaded", "submitted", "supplement_answered"} <= kinds, kinds
    for event in events:
        assert event.data["agent"] == "agent_x"
        assert event.data["on_behalf_of"] == cat.enterprise.credit_code
    # The company sees everything the agent did.
    assert can_view_application(cat.applicant, application)
    assert events.count() == application.events.filter(actor=agent).count()


def refused(actor, cat, *, enterprise=None, now=DEFAULT_NOW):
    before = Application.objects.count()
    with frozen(now), pytest.raises(NotAllowed) as caught:
        applications.create_draft(actor=actor, enterprise=enterprise or cat.enterprise, package=cat.package, now=now)
    assert Application.objects.count() == before  # no half-made draft
    return str(caught.value.message)


def test_out_of_scope_item_is_refused_naming_the_items(cat):
    agent = UserFactory(role="agent")
    authorise(cat.enterprise, agent, scope=AuthorizationScope.LISTED, items=[cat.immediate_item])
    message = refused(agent, cat)
    assert "does not cover" in message
    assert cat.fee_item.name in message and cat.commitment_item.name in message
    assert cat.immediate_item.name not in message.split("does not cover")[1]


def test_listed_package_scope_covers_its_items(cat):
    agent = UserFactory(role="agent")
    authorise(cat.enterprise, agent, scope=AuthorizationScope.LISTED, packages=[cat.package])
    with frozen(DEFAULT_NOW):
        application = applications.create_draft(actor=agent, enterprise=cat.enterprise, package=cat.package,
                                                now=DEFAULT_NOW)
    assert application.filed_by_agent == agent


def test_expired_authorisation_is_refused(cat):
    agent = UserFactory(role="agent")
    authorise(cat.enterprise, agent, valid_from=date(2026, 1, 1), valid_until=date(2026, 5, 31))
    message = refused(agent, cat)
    assert "expired on 2026-05-31" in message


def test_not_yet_valid_authorisation_is_refused(cat):
    agent = UserFactory(role="agent")
    authorise(cat.enterprise, agent, valid_from=date(2026, 6, 2), valid_until=date(2026, 12, 31))
    message = refused(agent, cat)
    assert "starts on 2026-06-02" in message


def test_revoked_authorisation_is_refused(cat):
    agent = UserFactory(role="agent")
    authorization = authorise(cat.enterprise, agent, by=cat.applicant)
    with frozen(shanghai(2026, 5, 29, 16, 0)):
        authorizations.revoke(authorization, actor=cat.applicant, reason="项目已办结",
                              now=shanghai(2026, 5, 29, 16, 0))
    message = refused(agent, cat)
    assert "revoked on 2026-05-29" in message


def test_other_company_is_refused(cat, agent):
    other = EnterpriseFactory()
    message = refused(agent, cat, enterprise=other)
    assert "has not authorised you" in message
    assert other.name in message


def test_refused_upload_stores_no_file_and_changes_nothing(cat):
    agent = UserFactory(role="agent")
    authorization = authorise(cat.enterprise, agent, by=cat.applicant)
    with frozen(DEFAULT_NOW):
        application = applications.create_draft(actor=agent, enterprise=cat.enterprise, package=cat.package,
                                                now=DEFAULT_NOW)
        authorizations.revoke(authorization, actor=cat.applicant, reason="更换代办员", now=DEFAULT_NOW)
        files, materials = stored_files(), MaterialFile.objects.count()
        with pytest.raises(NotAllowed) as caught:
            applications.upload_material(application, actor=agent, material_type_key="site_plan",
                                         uploaded=pdf_upload())
        with pytest.raises(NotAllowed):
            applications.save_form(application, actor=agent, data=dict(VALID_FORM))
    assert "revoked" in str(caught.value.message)
    assert stored_files() == files
    assert MaterialFile.objects.count() == materials
    assert reload(application).form_data == {}
    # The company itself can still carry on with the draft.
    with frozen(DEFAULT_NOW):
        applications.upload_material(application, actor=cat.applicant, material_type_key="site_plan",
                                     uploaded=pdf_upload())


def test_only_a_company_member_grants_and_the_file_is_checked(cat):
    agent = UserFactory(role="agent")
    with pytest.raises(NotAllowed):
        authorizations.grant(actor=agent, enterprise=cat.enterprise, agent=agent, valid_from=date(2026, 1, 1),
                             valid_until=date(2026, 12, 31), power_of_attorney=pdf_upload())
    from approvals.services.uploads import UploadRejected
    from tests.factories.applications import fake_pdf_upload

    before = stored_files()
    with pytest.raises(UploadRejected):
        authorizations.grant(actor=cat.applicant, enterprise=cat.enterprise, agent=agent,
                             valid_from=date(2026, 1, 1), valid_until=date(2026, 12, 31),
                             power_of_attorney=fake_pdf_upload())
    assert stored_files() == before
    assert not agent.authorizations.exists()
