"""Hostile input answered with a 400 and a readable message, never a 500: NUL bytes in addresses, form values
and JSON; JSON nested beyond reason (50,000 `[`); bodies over the limit; values over the length limit; and
whatever Django itself refuses (a bad Host). JSON under /api/, the portal's own page elsewhere."""

import json

import pytest

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def api_error(response, fragment):
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    assert fragment in response.json()["detail"]


def page_error(response, fragment):
    assert response.status_code == 400, response.content[:300]
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert 'data-testid="error-400"' in text and fragment in text and 'class="main-nav"' in text


def test_fifty_thousand_brackets_to_the_token_endpoint(client):
    api_error(client.post(TOKEN, "[" * 50_000, content_type="application/json", **EN), "nested too deeply")


def test_json_deeper_than_the_limit_is_refused_even_when_python_could_parse_it(client, settings):
    settings.API_JSON_MAX_DEPTH = 5
    body = {"username": "u", "password": "p", "x": [[[[[["deep"]]]]]]}
    api_error(client.post(TOKEN, json.dumps(body), content_type="application/json", **EN), "at most 5 levels")


def test_a_nul_in_json_strings_or_keys(client):
    api_error(client.post(TOKEN, '{"username": "a\\u0000b", "password": "x"}', content_type="application/json",
                          **EN), "NUL character")
    api_error(client.post(TOKEN, '{"user\\u0000name": "a", "password": "x"}', content_type="application/json",
                          **EN), "NUL character")


def test_a_nul_in_a_query_filter_on_the_api_and_on_a_page(client):
    api_error(client.get("/api/v1/applications/?status=submitted%00", **EN), "NUL character")
    api_error(client.get("/api/v1/catalog/items/?search=%00", **EN), "NUL character")
    page_error(client.get("/verify/?number=%E6%B8%9D%00", **EN), "NUL character")


def test_a_nul_in_a_form_value_on_a_page(client):
    page_error(client.post("/login/", {"username": "chief\x00", "password": "x"}, **EN), "NUL character")


def test_a_body_over_the_limit_is_refused_by_its_length_before_it_is_read(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"username": "u", "password": "x" * 2000})
    api_error(client.post(TOKEN, body, content_type="application/json", **EN), "too large")
    page_error(client.post("/login/", {"username": "u", "password": "x" * 2000}, **EN), "too large")


def test_an_upload_body_over_its_own_limit(client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.REQUEST_MAX_UPLOAD_BYTES = 2048
    file = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 4096, content_type="application/pdf")
    api_error(client.post("/api/v1/documents/verify/", {"file": file}, **EN), "too large")


def test_a_value_over_the_length_limit(client, settings):
    settings.INPUT_MAX_FIELD_CHARS = 100
    api_error(client.post(TOKEN, json.dumps({"username": "u" * 101, "password": "p"}),
                          content_type="application/json", **EN), "longer than 100 characters")
    page_error(client.post("/login/", {"username": "u" * 101, "password": "p"}, **EN), "longer than 100")
    page_error(client.get("/verify/", {"number": "9" * 101}, **EN), "longer than 100")


def test_what_django_refuses_itself_gets_the_portal_page(client):
    page_error(client.get("/", HTTP_HOST="attacker.example", **EN), "could not be understood")


def test_ordinary_requests_pass(client):
    assert client.post(TOKEN, json.dumps({"username": "nobody", "password": "wrong"}),
                       content_type="application/json", **EN).status_code in (400, 401, 403)
    assert client.get("/verify/", {"number": "渝北城管许〔2026〕第0001号"}).status_code == 302


def test_a_number_no_column_can_hold_is_the_callers_error_on_both_surfaces(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.db import DataError

    from portal.api.errors import exception_handler
    from portal.input_guard import InputGuardMiddleware

    answer = exception_handler(OverflowError("Python int too large to convert to SQLite INTEGER"), {})
    assert answer.status_code == 400 and answer.data["code"] == "out_of_range"

    class NumericValueOutOfRange(Exception):
        sqlstate = "22003"

    error = DataError("bigint out of range")
    error.__cause__ = NumericValueOutOfRange()
    request = rf.get("/applications/1/")
    request.user = AnonymousUser()
    page = InputGuardMiddleware(lambda r: None).process_exception(request, error)
    assert page.status_code == 400 and b'data-testid="error-400"' in page.content
    assert InputGuardMiddleware(lambda r: None).process_exception(request, DataError("value too long")) is None


def test_review_ids_beyond_bigint_are_a_field_error():
    from approvals.api.serializers.reviews import BatchSignInputSerializer

    serializer = BatchSignInputSerializer(data={"ids": [1, 2**63], "otp": "123456"})
    assert not serializer.is_valid() and "ids" in serializer.errors
