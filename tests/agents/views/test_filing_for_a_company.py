"""An agent files for a company through the SAME one-form pages as an applicant; refusals name the reason and
leave nothing behind; the company sees what the agent did."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agents.models import AuthorizationScope
from agents.services import authorizations
from approvals.models import Application, ApplicationStatus
from tests.agents.views.conftest import authorise_now, logged_in
from tests.factories.applications import VALID_FORM, pdf_upload, png_upload
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db
NEW = reverse("approvals:new_application")


def messages_of(response):
    return re.findall(r'<li class="message[^"]*">(.*?)</li>', response.content.decode(), re.S)


def form_post(values, action="save"):
    return {**{f"f-{k}": v for k, v in values.items()}, "action": action}


def start(client, cat, **extra):
    return client.post(NEW, {"package": cat.package.code, "title": "代办测试", "enterprise": cat.enterprise.pk,
                             **extra}, follow=True)


def test_an_authorised_agent_starts_fills_uploads_and_submits_for_the_company(cat, filer):
    client = logged_in(filer)
    page = client.get(NEW, {"enterprise": cat.enterprise.pk, "package": cat.package.code})
    assert page.status_code == 200
    assert cat.enterprise.name in page.content.decode()
    assert 'data-testid="filing-for"' in page.content.decode()

    response = start(client, cat)
    application = Application.objects.get(enterprise=cat.enterprise)
    assert application.filed_by_agent == filer and application.created_by == filer
    assert response.redirect_chain[-1][0] == reverse("approvals:application_form", args=[application.pk])
    assert 'data-testid="filed-by-agent"' in response.content.decode()

    form_url = reverse("approvals:application_form", args=[application.pk])
    assert client.post(form_url, form_post(VALID_FORM)).status_code == 200
    materials_url = reverse("approvals:application_materials", args=[application.pk])
    for key in ("site_plan", "business_licence"):
        file = png_upload() if key == "business_licence" else pdf_upload()
        assert client.post(materials_url, {"material_type": key, "file": file}).status_code == 302
    check_url = reverse("approvals:application_check", args=[application.pk])
    undeclared = client.post(check_url, {})
    assert undeclared.status_code == 400 and 'id="id_declaration-errors"' in undeclared.content.decode(), messages_of(undeclared)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    response = client.post(check_url, {"declaration": "on"})  # the agent declares for the company
    assert response.status_code == 302, messages_of(response)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED

    detail = client.get(reverse("approvals:application", args=[application.pk])).content.decode()
    assert 'data-testid="agent-action"' in detail
    # the company sees everything the agent did, named as "agent for company"
    activity = logged_in(cat.applicant).get(reverse("agents:activity")).content.decode()
    assert application.reference in activity
    assert "王代办" in activity
    assert 'data-kind="submitted"' in activity and 'data-kind="created"' in activity


def test_an_agent_without_authorisation_is_refused_with_the_reason_and_nothing_is_created(cat):
    stranger = UserFactory(role="agent", username="stranger")
    response = start(logged_in(stranger), cat)
    assert "has not authorised you" in response.content.decode()
    assert not Application.objects.exists()


def test_an_expired_authorisation_is_refused_naming_the_expiry(cat):
    late = UserFactory(role="agent", username="late")
    today = timezone.localdate()
    authorise_now(cat.enterprise, late, valid_from=today - timedelta(days=60), valid_until=today - timedelta(days=1))
    client = logged_in(late)
    page = client.get(NEW, {"enterprise": cat.enterprise.pk}).content.decode()
    assert "expired on" in page
    assert "expired on" in start(client, cat).content.decode()
    assert not Application.objects.exists()


def test_an_out_of_scope_package_is_refused_naming_the_items(cat):
    narrow = UserFactory(role="agent", username="narrow")
    authorise_now(cat.enterprise, narrow, scope=AuthorizationScope.LISTED, items=[cat.fee_item])
    response = start(logged_in(narrow), cat)
    assert "does not cover" in response.content.decode()
    assert cat.immediate_item.name in response.content.decode()
    assert not Application.objects.exists()


def test_after_revocation_the_agent_sees_the_reason_and_a_save_keeps_what_was_typed(cat, filer):
    client = logged_in(filer)
    start(client, cat)
    application = Application.objects.get()
    authorization = filer.authorizations.get()
    authorizations.revoke(authorization, actor=authorization.granted_by, reason="换人办理")

    form_url = reverse("approvals:application_form", args=[application.pk])
    page = client.get(form_url)
    assert page.status_code == 200 and "revoked on" in page.content.decode()
    response = client.post(form_url, form_post({**VALID_FORM, "project_name": "我输入的项目名"}))
    assert response.status_code == 403
    body = response.content.decode()
    assert "revoked on" in body and "我输入的项目名" in body
    application.refresh_from_db()
    assert application.form_data.get("project_name") != "我输入的项目名"


def test_another_agent_cannot_open_the_company_application(cat, filer):
    start(logged_in(filer), cat)
    application = Application.objects.get()
    other = UserFactory(role="agent", username="other")
    assert logged_in(other).get(reverse("approvals:application_form", args=[application.pk])).status_code == 404
    assert logged_in(other).get(reverse("approvals:application", args=[application.pk])).status_code == 404
