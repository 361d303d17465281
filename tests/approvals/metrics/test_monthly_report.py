"""The sealed monthly report: the month's figures and ranking in the HTML, a PAdES-sealed PDF, served to
supervisors only."""

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from approvals.documents import keystore
from approvals.documents.monthly_report import context, monthly_report
from approvals.documents.pdf import render_html
from approvals.models import Department
from tests.approvals.metrics.dataset import build, t
from tests.factories.portal import UserFactory, with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed(calendar_2026):
    data = build()
    keystore.init(list(Department.objects.all()))
    return data


def test_the_report_lists_the_months_figures_and_is_sealed(sealed):
    html = render_html("pdf/monthly_report.html", context(2026, 6, now=t(6, 30)))
    assert "2026年6月政务服务监管月报" in html
    assert "66.7%" in html  # the on-time rate and the good-review rate of June (tests: test_figures.py)
    assert "乙局" in html and "甲局" in html
    report = monthly_report(2026, 6, now=t(6, 30))
    assert report.pdf.startswith(b"%PDF") and b"/ByteRange" in report.pdf
    assert report.filename == "monthly-report-2026-06.pdf" and len(report.sha256) == 64


def test_supervisors_download_it_and_a_bad_month_is_a_message(client, sealed):
    supervisor = UserFactory(supervisor=True)
    client.force_login(supervisor)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = with_totp(supervisor).persistent_id
    session.save()
    answer = client.get(reverse("approvals:monthly_report"), {"month": "2026-06"})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert client.get(reverse("approvals:monthly_report"), {"month": "June"}).status_code == 302
