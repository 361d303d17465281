"""The authorisation matrix through the API: an agent files for a company only while its authorisation (委托)
covers the items today; every refusal names the reason and leaves nothing behind."""

import pytest

from agents.models import Authorization
from approvals.models import Application
from tests.agents.api.conftest import APPS, AUTHORIZATIONS, TRIO, days

pytestmark = pytest.mark.django_db


def file_trio(client, enterprise, **body):
    return client.post(APPS, {"package": "cg-trio", "enterprise": enterprise.credit_code, **body}, format="json")


def test_in_scope_agent_files_for_the_company(login, grant, company):
    granted = grant(scope="listed", items=TRIO)
    assert granted.status_code == 201, granted.content
    body = granted.json()
    assert body["state"] == "valid" and body["scope"] == "listed"
    assert sorted(body["items"]) == TRIO and body["enterprise"]["credit_code"] == company.credit_code
    assert len(body["power_of_attorney_sha256"]) == 64

    agent = login("agent")
    created = file_trio(agent, company)
    assert created.status_code == 201, created.content
    application = Application.objects.get(pk=created.json()["id"])
    assert application.enterprise == company and application.filed_by_agent.username == "agent"
    # The company sees the application the agent filed, and the agent's name on it.
    seen = login("applicant").get(f"{APPS}{application.pk}/")
    assert seen.status_code == 200
    assert any((event.get("data") or {}).get("agent") == "agent" for event in seen.json()["events"]), \
        seen.json()["events"]


def test_a_package_listed_in_the_authorisation_covers_its_items(login, grant, company):
    assert grant(scope="listed", packages="cg-trio").status_code == 201
    assert file_trio(login("agent"), company).status_code == 201


@pytest.mark.parametrize("case, fields, reason", [
    ("out of scope", {"scope": "listed", "items": ["CG-XK-001"]}, "does not cover"),
    ("expired", {"valid_from": str(days(-30)), "valid_until": str(days(-1))}, "expired"),
    ("not yet valid", {"valid_from": str(days(2)), "valid_until": str(days(30))}, "starts on"),
])
def test_refused_with_the_reason_and_nothing_left_behind(login, grant, company, case, fields, reason):
    assert grant(**fields).status_code == 201
    before = Application.objects.count()
    refused = file_trio(login("agent"), company)
    assert refused.status_code == 403, (case, refused.content)
    assert reason in refused.json()["detail"], refused.json()
    assert refused.json()["code"] == "not_allowed"
    assert Application.objects.count() == before


def test_revoked_authorisation_is_refused(login, grant, company):
    authorization_id = grant().json()["id"]
    agent = login("agent")
    assert file_trio(agent, company).status_code == 201
    # Only the company may revoke: the agent is refused, another company does not even see it.
    assert agent.post(f"{AUTHORIZATIONS}{authorization_id}/revoke/", {"reason": "x"}, format="json").status_code == 403
    assert login("applicant_lh").post(f"{AUTHORIZATIONS}{authorization_id}/revoke/", {},
                                      format="json").status_code == 404
    revoked = login("applicant").post(f"{AUTHORIZATIONS}{authorization_id}/revoke/", {"reason": "项目结束"},
                                      format="json")
    assert revoked.status_code == 200, revoked.content
    assert revoked.json()["state"] == "revoked" and revoked.json()["revoke_reason"] == "项目结束"
    refused = file_trio(agent, company)
    assert refused.status_code == 403 and "revoked" in refused.json()["detail"]
    # A second revocation is refused by the service with a message.
    again = login("applicant").post(f"{AUTHORIZATIONS}{authorization_id}/revoke/", {}, format="json")
    assert again.status_code == 400 and again.json()["detail"]


def test_another_company_is_refused(login, grant, other_company):
    assert grant().status_code == 201  # `agent` is authorised by the applicant's company only
    refused = file_trio(login("agent"), other_company)
    assert refused.status_code == 403
    assert "authorised" in refused.json()["detail"]


def test_who_sees_which_authorisations(login, grant):
    mine = grant().json()["id"]
    theirs = grant(username="applicant_lh", agent="agent2").json()["id"]
    assert {a["id"] for a in login("applicant").get(AUTHORIZATIONS).json()["results"]} == {mine}
    assert {a["id"] for a in login("agent").get(AUTHORIZATIONS).json()["results"]} == {mine}
    assert {a["id"] for a in login("agent2").get(AUTHORIZATIONS).json()["results"]} == {theirs}
    assert login("agent2").get(f"{AUTHORIZATIONS}{mine}/").status_code == 404
    assert login("applicant").get(f"{AUTHORIZATIONS}?state=revoked").json()["count"] == 0
    assert login("applicant").get(f"{AUTHORIZATIONS}?state=valid").json()["count"] == 1


def test_only_a_company_member_may_grant(login, company):
    from tests.agents.api.conftest import poa

    body = {"enterprise": company.credit_code, "agent": "agent", "valid_from": str(days(0)),
            "valid_until": str(days(3)), "power_of_attorney": poa()}
    refused = login("agent").post(AUTHORIZATIONS, body, format="multipart")
    assert refused.status_code == 403
    assert not Authorization.objects.exists()


@pytest.mark.parametrize("fields, field", [
    ({"agent": "nobody"}, "agent"),
    ({"agent": "applicant"}, "agent"),  # not an agent
    ({"items": ["NO-SUCH-ITEM"], "scope": "listed"}, "items"),
    ({"power_of_attorney": ""}, "power_of_attorney"),
    ({"valid_until": "soon"}, "valid_until"),
])
def test_shape_errors_answer_400(grant, fields, field):
    response = grant(**fields)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Authorization.objects.exists()


def test_a_power_of_attorney_that_is_not_a_document_is_refused(grant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = grant(power_of_attorney=SimpleUploadedFile("poa.pdf", b"not a pdf", content_type="application/pdf"))
    assert response.status_code == 400 and response.json()["detail"]
    assert not Authorization.objects.exists()
