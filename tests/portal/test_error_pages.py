"""403, 404 and 500 pages in the portal's layout, in the user's language, with a way back (DEBUG off)."""

import pytest
from django.test import Client, override_settings

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.error_urls")]

HOME_LINK = 'data-testid="error-links"'


def client(language):
    return Client(raise_request_exception=False, headers={"accept-language": language})


@override_settings(DEBUG=False)
@pytest.mark.parametrize("url, status, testid, zh, en", [
    ("/no-such-page/", 404, "error-404", "页面不存在", "Page not found"),
    ("/test-forbidden/", 403, "error-403", "", "Forbidden"),
    ("/test-boom/", 500, "error-500", "", "Something went wrong"),
])
def test_error_pages_in_layout_language_and_with_a_way_back(url, status, testid, zh, en):
    english = client("en").get(url)
    assert english.status_code == status
    page = english.content.decode()
    assert f'data-testid="{testid}"' in page and HOME_LINK in page and en in page
    assert 'class="site-footer"' in page  # the portal's layout, not a bare page
    chinese = client("zh-hans").get(url).content.decode()
    assert f'data-testid="{testid}"' in chinese and 'lang="zh-CN"' in chinese
    if zh:  # the others' Chinese arrives with locale/pending/applicant.po when the lead merges it
        assert zh in chinese and en not in chinese


@override_settings(DEBUG=False)
def test_api_500_answers_json():
    response = client("en").get("/api/test-boom/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Something went wrong on our side. Please try again later."}


@override_settings(DEBUG=False)
def test_csrf_failure_is_the_portal_403_page():
    csrf_client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    response = csrf_client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert 'data-testid="error-403"' in page and "The form has expired" in page


@override_settings(DEBUG=False)
def test_plain_500_when_the_layout_fails(monkeypatch):
    import portal.views.errors as errors

    def broken(*args, **kwargs):
        raise RuntimeError("layout down")

    monkeypatch.setattr(errors, "render", broken)
    response = client("en").get("/test-boom/")
    assert response.status_code == 500
    assert 'data-testid="error-500"' in response.content.decode()
