"""Submitting through the API needs the truthfulness declaration (信用承诺), as the check-your-answers page does:
without `declaration: true` the answer is a 400 that says so in the caller's language, and nothing changes."""

import pytest

from approvals.models import Application
from tests.approvals.api.conftest import APPS, DECLARED, TRIO, upload_all, valid_form


@pytest.fixture
def complete_draft(login, accounts):
    client = login("applicant")
    created = client.post(APPS, {"items": TRIO}, format="json")
    assert created.status_code == 201, created.content
    detail = created.json()
    form = valid_form(detail, accounts["applicant"]["enterprise"])
    assert client.patch(f"{APPS}{detail['id']}/", {"form": form}, format="json").json()["form_errors"] == {}
    upload_all(client, detail)
    return client, detail["id"]


@pytest.mark.parametrize("body", [{}, {"declaration": False}, {"declaration": None}, {"declaration": "maybe"}])
def test_without_the_declaration_the_submission_is_refused_in_english(complete_draft, body):
    client, app_id = complete_draft
    client.cookies["django_language"] = "en"
    refused = client.post(f"{APPS}{app_id}/submit/", body, format="json")
    assert refused.status_code == 400, refused.content
    [message] = refused.json()["declaration"]
    assert message.startswith("Submitting needs the truthfulness declaration (信用承诺): send declaration=true")
    assert Application.objects.get(pk=app_id).status == "draft"
    assert not Application.objects.get(pk=app_id).events.filter(kind="submitted").exists()


def test_the_refusal_is_in_chinese_by_default_and_the_declared_submission_goes_through(complete_draft):
    client, app_id = complete_draft
    refused = client.post(f"{APPS}{app_id}/submit/", {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 400
    assert refused.json()["declaration"] == ["提交申请须作出信用承诺：请传入 declaration=true，承诺所填报的信息和提交的材料"
                                             "真实、准确、完整。"]
    submitted = client.post(f"{APPS}{app_id}/submit/", DECLARED, format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert Application.objects.get(pk=app_id).events.get(kind="submitted").data["declared"] is True
