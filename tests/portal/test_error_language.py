"""Every error a user can get is in their language (Accept-Language, the language cookie, zh-hans by default) and
names no internal model: API 400/401/403/404/405/409/429, the lockout, and the pages' 404 and 403."""

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.exceptions import Throttled
from rest_framework.test import APIClient

from approvals.services import applications
from portal.api.errors import exception_handler
from tests.factories.applications import draft_application, make_catalog
from tests.factories.portal import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

APPS = "/api/v1/applications/"
REVIEWS = "/api/v1/reviews/"
NOT_FOUND = {"zh-hans": "未找到。", "zh-CN": "未找到。", "en": "Not found."}
INTERNAL_NAMES = ("Application", "ItemReview", "MaterialFile", "matches the given query")


def api(user, language) -> APIClient:
    client = APIClient(headers={"accept-language": language})
    client.force_authenticate(user)
    return client


@pytest.fixture
def applicant(db):
    return UserFactory(applicant=True)


@pytest.mark.parametrize("language", ["zh-hans", "zh-CN", "en"])
@pytest.mark.parametrize("url", [f"{APPS}999999/", f"{REVIEWS}999999/", f"{APPS}999999/materials/",
                                 "/api/v1/no-such-endpoint/"])
def test_api_404_is_generic_and_in_the_users_language(applicant, language, url):
    response = api(applicant, language).get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": NOT_FOUND[language]}


def test_api_404_of_an_action_on_an_invisible_object(applicant):
    response = api(applicant, "zh-hans").post(f"{REVIEWS}999999/approve/", {}, format="json")
    assert response.status_code == 404
    assert not any(name in response.json()["detail"] for name in INTERNAL_NAMES)
    assert response.json()["detail"] == "未找到。"


def test_without_accept_language_the_api_answers_in_simplified_chinese(applicant):
    client = APIClient()
    client.force_authenticate(applicant)
    assert client.get(f"{APPS}999999/").json() == {"detail": "未找到。"}


@pytest.mark.parametrize("language, expected", [
    ("zh-hans", {"neither": "请选择一个一件事套餐或至少一个事项。"}),
    ("en", {"neither": "Choose a package or at least one item."}),
])
def test_api_400_from_a_serializer_rule_is_translated(applicant, language, expected):
    client = api(applicant, language)
    neither = client.post(APPS, {}, format="json")
    assert neither.status_code == 400 and neither.json() == {"package": [expected["neither"]]}
    # DRF's own field messages come from its zh_Hans catalogue.
    too_long = client.post(APPS, {"items": ["A"], "title": "x" * 300}, format="json")
    assert too_long.status_code == 400
    assert too_long.json()["title"] == [{"zh-hans": "请确保这个字段不能超过 200 个字符。",
                                         "en": "Ensure this field has no more than 200 characters."}[language]]


def test_api_400_when_both_a_package_and_items_are_given(calendar_catalog):
    cat = calendar_catalog
    client = api(cat.applicant, "zh-hans")
    response = client.post(APPS, {"package": cat.package.code, "items": [cat.fee_item.code]}, format="json")
    assert response.status_code == 400
    assert response.json() == {"package": ["请选择一件事套餐或事项，不能同时选择。"]}


@pytest.fixture
def calendar_catalog(db):
    from approvals.calendar.loading import invalidate
    from approvals.calendar.seeding import load_from_chinesecalendar

    invalidate()
    load_from_chinesecalendar(years=[2026])
    yield make_catalog()
    invalidate()


def test_api_401_403_and_405_in_the_users_language(applicant):
    anonymous = APIClient(headers={"accept-language": "zh-hans"})
    assert anonymous.get(APPS).json() == {"detail": "身份认证信息未提供。"}
    bad_token = APIClient(headers={"accept-language": "zh-hans", "authorization": "Token nope"})
    assert bad_token.get(APPS).json() == {"detail": "认证令牌无效。"}
    assert api(applicant, "zh-hans").delete(f"{APPS}1/").json() == {"detail": "方法 “DELETE” 不被允许。"}
    assert api(applicant, "en").delete(f"{APPS}1/").json() == {"detail": 'Method "DELETE" not allowed.'}


def test_api_403_and_409_from_the_services_in_the_users_language(calendar_catalog):
    cat = calendar_catalog
    draft = draft_application(cat)
    stranger = UserFactory(role="agent")
    # Not allowed (403): a window clerk may not withdraw an enterprise's application it did not file...
    applications.request_pre_review(draft, actor=cat.applicant)
    refused = api(cat.clerk, "zh-hans").post(f"{APPS}{draft.pk}/withdraw/", {}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_allowed"
    assert refused.json()["detail"] == f"只有{cat.enterprise}的申请人可以修改该申请。"
    assert api(stranger, "zh-hans").get(f"{APPS}{draft.pk}/").json() == {"detail": "未找到。"}
    # ... and a second click is a conflict (409), told in Chinese.
    applicant = api(cat.applicant, "zh-hans")
    assert applicant.post(f"{APPS}{draft.pk}/withdraw/", {}, format="json").status_code == 200
    again = applicant.post(f"{APPS}{draft.pk}/withdraw/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "wrong_state"
    english = api(cat.applicant, "en").post(f"{APPS}{draft.pk}/withdraw/", {}, format="json").json()["detail"]
    assert again.json()["detail"] != english


@pytest.mark.parametrize("language, wait, expected", [
    ("zh-hans", 30, "请求已被限流。预计 30 秒后可用。"),
    ("en", 30, "Request was throttled. Expected available in 30 seconds."),
    ("en", 1, "Request was throttled. Expected available in 1 second."),
])
def test_api_429_says_when_to_come_back_in_the_users_language(language, wait, expected):
    with translation.override(language):
        response = exception_handler(Throttled(wait=wait), {})
    assert response.status_code == 429
    assert response.data == {"detail": expected}
    assert response["Retry-After"] == str(wait)


def test_the_lockout_is_told_in_the_users_language(db, settings):
    user = UserFactory(applicant=True)
    client = Client(headers={"accept-language": "zh-hans"})
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token/", {"username": user.username, "password": "wrong-wrong"},
                    content_type="application/json")
    locked = client.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD},
                         content_type="application/json")
    assert locked.status_code == 403
    assert locked.json()["detail"].startswith("登录失败次数过多")


@pytest.mark.parametrize("language, title", [("zh-hans", "页面没有找到"), ("en", "Page not found")])
def test_page_404_is_in_the_users_language(applicant, language, title):
    client = Client(headers={"accept-language": language})
    client.force_login(applicant)
    for url in ("/applications/999999/", "/applications/999999/materials/1/", "/no-such-page/"):
        response = client.get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert title in html
        assert not any(name in html for name in ("matches the given query", "ItemReview", "MaterialFile"))
    assert ('lang="en"' in html) == (language == "en")
    anonymous = Client(headers={"accept-language": language}).get("/no-such-page/")
    assert anonymous.status_code == 404 and title in anonymous.content.decode()


@pytest.mark.parametrize("language, title, message", [
    ("zh-hans", "禁止访问", "窗口页面仅供部门的窗口工作人员使用。"),
    ("en", "Forbidden", "The desk is for the window clerks of a department."),
])
def test_page_403_is_in_the_users_language_with_its_reason(applicant, language, title, message):
    client = Client(headers={"accept-language": language})
    client.force_login(applicant)
    response = client.get("/desk/")
    assert response.status_code == 403
    html = response.content.decode()
    assert title in html and message in html
