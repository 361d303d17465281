"""The Django admin is no way around the services: reassigning a company's leader or agent there writes the
stewardship history and the audit entry (agents.services.stewardship.reassign), and its refusals are form
errors."""

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from agents.models import Stewardship
from portal.models import AuditEntry, Enterprise
from tests.factories.portal import EnterpriseFactory, UserFactory, valid_credit_code, with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(admin=True, username="root")


@pytest.fixture
def admin_client(client, admin_user):
    device = with_totp(admin_user)
    client.force_login(admin_user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def company():
    leader, agent = UserFactory(leader=True, username="leader_a"), UserFactory(agent=True, username="agent_a")
    return EnterpriseFactory(name="重庆测试有限公司", leader=leader, service_agent=agent)


def form_data(enterprise, **changes):
    data = {"name": enterprise.name, "credit_code": enterprise.credit_code,
            "legal_representative": enterprise.legal_representative, "address": enterprise.address,
            "park": enterprise.park_id or "", "leader": enterprise.leader_id or "",
            "service_agent": enterprise.service_agent_id or "", "reason": ""}
    return {**data, **changes}


def change_url(enterprise):
    return reverse("admin:portal_enterprise_change", args=[enterprise.pk])


def test_reassigning_in_the_admin_writes_history_and_audit(admin_client, admin_user, company):
    new_leader, new_agent = UserFactory(leader=True, username="leader_b"), UserFactory(agent=True, username="agent_b")
    old_pair = (company.leader_id, company.service_agent_id)
    response = admin_client.post(change_url(company), form_data(company, leader=new_leader.pk,
                                                                 service_agent=new_agent.pk, reason="分工调整"))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    company = Enterprise.objects.get(pk=company.pk)
    assert (company.leader, company.service_agent) == (new_leader, new_agent)
    history = [(row.leader_id, row.agent_id, row.until is None, row.changed_by_id, row.reason)
               for row in Stewardship.objects.filter(enterprise=company).order_by("since", "pk")]
    assert history == [(*old_pair, False, None, ""), (new_leader.pk, new_agent.pk, True, admin_user.pk, "分工调整")]
    entry = AuditEntry.objects.get(event="enterprise.stewardship_changed")
    assert (entry.actor_id, entry.subject_id, entry.summary) == (admin_user.pk, str(company.pk), "分工调整")
    assert entry.data == {"from": {"leader": old_pair[0], "agent": old_pair[1]},
                          "to": {"leader": new_leader.pk, "agent": new_agent.pk}}


def test_a_reassignment_without_a_reason_or_to_the_wrong_person_is_a_form_error(admin_client, company):
    new_agent = UserFactory(agent=True, username="agent_b")
    response = admin_client.post(change_url(company), form_data(company, service_agent=new_agent.pk))
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Say why the company's leader or agent changes."]
    not_an_agent = UserFactory(leader=True, username="leader_c")
    response = admin_client.post(change_url(company), form_data(company, service_agent=not_an_agent.pk,
                                                                 reason="调岗"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Enterprise.objects.get(pk=company.pk).service_agent_id == company.service_agent_id
    assert not Stewardship.objects.exists()
    assert not AuditEntry.objects.filter(event="enterprise.stewardship_changed").exists()


def test_other_fields_change_without_touching_the_stewardship(admin_client, company):
    response = admin_client.post(change_url(company), form_data(company, address="重庆市渝北区"))
    assert response.status_code == 302
    assert Enterprise.objects.get(pk=company.pk).address == "重庆市渝北区"
    assert not Stewardship.objects.exists()
    assert not AuditEntry.objects.filter(event="enterprise.stewardship_changed").exists()


def test_a_new_company_gets_its_first_leader_and_agent_through_the_service(admin_client, admin_user):
    leader, agent = UserFactory(leader=True, username="leader_a"), UserFactory(agent=True, username="agent_a")
    data = {"name": "重庆新公司", "credit_code": valid_credit_code(), "legal_representative": "李四",
            "address": "", "park": "", "leader": leader.pk, "service_agent": agent.pk, "reason": "新入园企业"}
    response = admin_client.post(reverse("admin:portal_enterprise_add"), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    company = Enterprise.objects.get(name="重庆新公司")
    assert (company.leader, company.service_agent) == (leader, agent)
    row = Stewardship.objects.get(enterprise=company)
    assert (row.leader, row.agent, row.changed_by, row.reason, row.until) == (leader, agent, admin_user, "新入园企业",
                                                                               None)
    assert AuditEntry.objects.filter(event="enterprise.stewardship_changed", subject_id=str(company.pk)).count() == 1
