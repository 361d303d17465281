"""The sealed monthly report: a numbered, sealed, verifiable document (IssuedDocument, kind monthly_report) of the
month's figures and ranking, one per month and scope, ordered by the beat task for the previous month or by an
administrator, listed on the supervision pages for download by the overseeing roles only."""

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from approvals.documents import issuing, keystore, verification
from approvals.documents.monthly_report import month_report, order_previous_month, order_report
from approvals.documents.pdf import render_html
from approvals.models import Department, DocumentKind, IssuedDocument, MonthlyReport
from approvals.tasks import order_monthly_reports
from portal.errors import DomainError
from tests.approvals.metrics.dataset import build, t
from tests.factories.portal import UserFactory, with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed(calendar_2026):
    data = build()
    keystore.init(list(Department.objects.all()))
    return data


def logged_in(client, user):
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = with_totp(user).persistent_id
    session.save()
    return client


def test_the_report_is_a_numbered_sealed_verifiable_document_once_per_month(sealed):
    document, new = order_report(2026, 6, now=t(7, 1, 9))
    assert new and document.kind == DocumentKind.MONTHLY_REPORT and document.status == "pending"
    facts = document.facts
    volume = {fig["key"]: fig["shown"] for fig in facts["sections"][0]["figures"]}
    assert (volume["received"], volume["on_time_rate"]) == ("3", "66.7%")  # June (test_figures.py)
    assert [row["name"] for row in facts["ranking"]] == ["乙局", "甲局"]
    issued = issuing.issue(document.pk, now=t(7, 1, 9))
    assert issued.number and "监" in issued.number and issued.title == "2026年6月政务服务监管月报"
    html = render_html("pdf/monthly_report.html", issuing._context(issued))
    assert "2026年6月政务服务监管月报" in html and issued.number in html and "66.7%" in html
    pdf = issued.file.read()
    assert pdf.startswith(b"%PDF") and b"/ByteRange" in pdf
    checked = verification.verify_pdf(pdf)
    assert checked.verdict == verification.Verdict.GENUINE and checked.document == issued
    assert verification.lookup(issued.number) == issued
    # Ordered again (by the task or an administrator): the same document, nothing new.
    again, new = order_report(2026, 6, now=t(7, 2))
    assert (again.pk, new) == (issued.pk, False)
    assert MonthlyReport.objects.count() == IssuedDocument.objects.filter(kind="monthly_report").count() == 1
    assert month_report(2026, 6) == issued
    with pytest.raises(DomainError):
        order_report(2026, 7, now=t(7, 20))  # July has not ended


def test_the_beat_task_orders_the_previous_month_once(sealed):
    from tests.factories.applications import frozen

    with frozen(t(7, 3)):
        first = order_monthly_reports()
        second = order_monthly_reports()
    assert first["ordered"] is True and second == {"document": first["document"], "ordered": False}
    report = MonthlyReport.objects.get()
    assert (report.year, report.month, report.scope) == (2026, 6, "")
    document, new = order_previous_month(now=t(8, 1, 1))
    assert new and document.facts["month"] == 7


def test_reports_are_listed_for_the_overseers_and_ordered_by_an_administrator(client, sealed):
    admin = UserFactory(admin=True)
    c = logged_in(client, admin)
    url = reverse("approvals:monthly_reports")
    assert c.post(url, {"month": "June"}).status_code == 302
    assert c.post(url, {"month": "2026-06"}).status_code == 302
    document = IssuedDocument.objects.get(kind="monthly_report")
    issuing.issue(document.pk)
    page = c.get(url).content.decode()
    assert "2026年6月政务服务监管月报" in page and 'data-testid="order-report"' in page
    supervisor = UserFactory(supervisor=True)
    c = logged_in(client, supervisor)
    page = c.get(url).content.decode()
    assert 'data-testid="report-download"' in page and 'data-testid="order-report"' not in page
    assert c.post(url, {"month": "2026-05"}).status_code == 403  # supervisors change nothing
    answer = c.get(reverse("approvals:monthly_report"), {"month": "2026-06"})
    assert answer.status_code == 302 and answer["Location"] == reverse("approvals:document_download",
                                                                       args=[document.pk])
    download = c.get(answer["Location"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert c.get(reverse("approvals:monthly_report"), {"month": "2026-05"}).status_code == 302  # not issued: a note
    applicant = UserFactory(role="applicant")
    client.force_login(applicant)
    assert client.get(reverse("approvals:document_download", args=[document.pk])).status_code == 404
