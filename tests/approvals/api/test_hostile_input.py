"""The one form through the API: a number out of range is a readable problem at the submission, a value too
long for its field or a megabyte string is refused with a 400, and nothing is stored."""

import json

import pytest

from tests.approvals.api.conftest import APPS, DECLARED, TRIO, upload_all, valid_form


@pytest.fixture
def draft(login, accounts):
    client = login("applicant")
    client.cookies["django_language"] = "en"
    created = client.post(APPS, {"items": TRIO}, format="json")
    assert created.status_code == 201, created.content
    detail = created.json()
    form = valid_form(detail, accounts["applicant"]["enterprise"])
    assert client.patch(f"{APPS}{detail['id']}/", {"form": form}, format="json").status_code == 200
    return client, detail


def number_field(detail):
    return next(f["key"] for f in detail["requirements"]["form_fields"] if f["field_type"] in ("integer", "decimal"))


def test_a_number_of_five_thousand_digits_is_a_problem_of_its_field_then_a_400_at_submission(draft):
    client, detail = draft
    key = number_field(detail)
    saved = client.patch(f"{APPS}{detail['id']}/", {"form": {key: "1e5000"}}, format="json")
    assert saved.status_code == 200 and "at most" in saved.json()["form_errors"][key]
    upload_all(client, detail)
    submitted = client.post(f"{APPS}{detail['id']}/submit/", DECLARED, format="json")
    assert submitted.status_code == 400 and "at most" in submitted.json()["form_errors"][key]


def test_a_value_too_long_for_its_field_is_refused(draft):
    client, detail = draft
    text_key = next(f["key"] for f in detail["requirements"]["form_fields"] if f["field_type"] == "text")
    before = client.get(f"{APPS}{detail['id']}/").json()["form_version"]
    refused = client.patch(f"{APPS}{detail['id']}/", {"form": {text_key: "名" * 201}}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_form_value"
    huge = client.patch(f"{APPS}{detail['id']}/", json.dumps({"form": {text_key: "x" * 4_500_000}}),
                        content_type="application/json")
    assert huge.status_code == 400 and "longer than" in huge.json()["detail"]
    assert client.get(f"{APPS}{detail['id']}/").json()["form_version"] == before


def test_the_same_form_saved_twice_adds_no_version(draft):
    client, detail = draft
    before = client.get(f"{APPS}{detail['id']}/").json()
    again = client.patch(f"{APPS}{detail['id']}/", {"form": before["form"]}, format="json")
    assert again.status_code == 200 and again.json()["form_version"] == before["form_version"]
