"""WCAG 2.2 markup the test client can check without a browser: every aria-describedby names ids that exist,
the flash messages keep their list semantics, a pasted TOTP code with spaces is accepted, and the elderly-
friendly mode (适老化) is one remembered switch. (axe-core runs on whole pages in tests/browser.)"""

import re

import pytest
from django.urls import reverse

from portal.forms import LoginForm, TotpConfirmForm
from tests.factories.applications import draft_application, make_catalog

pytestmark = pytest.mark.django_db


def broken_describedby(html: str) -> list[str]:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    refs = [ref for value in re.findall(r'aria-describedby="([^"]*)"', html) for ref in value.split()]
    return [ref for ref in refs if ref not in ids]


def test_every_describedby_points_at_an_element(client):
    cat = make_catalog()
    application = draft_application(cat, form={"project_name": "", "site_address": "x", "green_area_m2": "-3"})
    pages = [client.get(reverse("portal:login")),
             client.post(reverse("portal:login"), {"username": "", "password": ""}),
             client.get(reverse("approvals:lookup"), {"reference": "", "credit_code": "1"})]
    client.force_login(cat.applicant)
    form_url = reverse("approvals:application_form", args=[application.pk])
    pages += [client.get(form_url), client.post(form_url, {"f-green_area_m2": "-3", "action": "save"}),
              client.post(reverse("approvals:application_check", args=[application.pk]), {})]
    checked = 0
    for response in pages:
        html = response.content.decode()
        assert broken_describedby(html) == [], response.wsgi_request.path
        checked += html.count("aria-describedby")
    assert checked >= 5  # the pages do describe their fields


def test_flash_messages_keep_list_semantics(client):
    cat = make_catalog()
    client.force_login(cat.applicant)
    application = draft_application(cat)
    response = client.post(reverse("approvals:application_form", args=[application.pk]),
                           {**{f"f-{k}": v for k, v in application.form_data.items()}, "action": "save",
                            "delivery_method": "electronic"}, follow=True)
    html = response.content.decode()
    assert '<div role="status" aria-live="polite">' in html
    assert re.search(r'<ul class="messages">\s*<li class="message', html)


@pytest.mark.parametrize("pasted", ["123 456", " 123456 ", "123-456", "１２３４５６"])
def test_a_pasted_code_is_accepted(pasted):
    login = LoginForm({"username": "chief", "password": "x", "otp_token": pasted})
    assert login.is_valid() and login.cleaned_data["otp_token"] == "123456"
    confirm = TotpConfirmForm({"token": pasted})
    assert confirm.is_valid() and confirm.cleaned_data["token"] == "123456"
    assert "pattern=" not in str(LoginForm()["otp_token"])


def test_care_mode_is_one_remembered_switch(client):
    page = client.get(reverse("approvals:catalog")).content.decode()
    assert 'class="care-mode"' not in page and 'data-testid="care-mode" aria-pressed="false"' in page
    response = client.post(reverse("portal:care_mode"), {"next": reverse("approvals:catalog")})
    assert response.status_code == 302 and response["Location"] == reverse("approvals:catalog")
    assert response.cookies["care_mode"]["max-age"] >= 300 * 24 * 3600
    page = client.get(reverse("approvals:catalog")).content.decode()
    assert 'class="care-mode"' in page and 'aria-pressed="true"' in page
    client.post(reverse("portal:care_mode"), {"next": "https://evil.example/"})
    assert 'class="care-mode"' not in client.get("/").content.decode()


def test_care_mode_refuses_a_foreign_redirect(client):
    response = client.post(reverse("portal:care_mode"), {"next": "https://evil.example/"})
    assert response["Location"] == "/"
