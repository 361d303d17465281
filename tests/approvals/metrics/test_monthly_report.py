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
    # The district's and each department's with an item on the catalog (both of the data set's), once.
    assert first["ordered"] is True and first["departments"] == first["departments_ordered"] == 2
    assert second == {"document": first["document"], "ordered": False, "departments": 2, "departments_ordered": 0}
    assert sorted(MonthlyReport.objects.values_list("year", "month", "scope")) == [
        (2026, 6, ""), (2026, 6, "m-a"), (2026, 6, "m-b")]
    assert IssuedDocument.objects.filter(kind="monthly_report").count() == 3
    done = order_previous_month(now=t(8, 1, 1))
    assert [(document.facts["month"], document.facts["scope"], new) for document, new in done] == [
        (7, "", True), (7, "甲局", True), (7, "乙局", True)]


def test_a_department_without_an_active_item_gets_no_monthly_report(sealed):
    from approvals.documents.monthly_report import reporting_departments

    sealed["a2"].active = False
    sealed["a2"].save(update_fields=["active"])
    assert list(reporting_departments()) == [sealed["a"], sealed["b"]]  # 甲局 still has M-A1
    sealed["b1"].active = False
    sealed["b1"].save(update_fields=["active"])
    assert list(reporting_departments()) == [sealed["a"]]
    done = order_previous_month(now=t(7, 3))
    assert [document.facts["scope"] for document, _new in done] == ["", "甲局"]


def test_a_department_report_has_the_department_figures(sealed):
    document, new = order_report(2026, 6, department=sealed["b"], now=t(7, 1, 9))
    assert new and document.title == "2026年6月政务服务监管月报（乙局）" and document.facts["scope"] == "乙局"
    volume = {fig["key"]: fig["shown"] for fig in document.facts["sections"][0]["figures"]}
    # June, department 乙局: M-1 (with item B1) and M-3 were received; M-1 decided; item B1 of M-1 on time.
    assert (volume["received"], volume["decided"], volume["decided_items"], volume["on_time"]) == ("2", "1", "1", "1")
    again, new = order_report(2026, 6, department=sealed["b"], now=t(7, 2))
    assert (again.pk, new) == (document.pk, False)
    district, new = order_report(2026, 6, now=t(7, 2))
    assert new and district.pk != document.pk  # another scope, another report


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


def department_reports(sealed):
    """The June reports of the district, 甲局 and 乙局, issued; {scope: document}."""
    documents = {"": order_report(2026, 6, now=t(7, 1, 9))[0]}
    for key in ("a", "b"):
        documents[sealed[key].code] = order_report(2026, 6, department=sealed[key], now=t(7, 1, 9))[0]
    documents["may"] = order_report(2026, 5, department=sealed["a"], now=t(7, 1, 9))[0]
    return {scope: issuing.issue(document.pk, now=t(7, 1, 9)) for scope, document in documents.items()}


def chief_of(department):
    from tests.factories.approvals import StaffAssignmentFactory

    chief = UserFactory(chief=True)
    StaffAssignmentFactory(user=chief, department=department)
    return chief


def listed(page: str) -> list:
    import re

    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', page)


def test_an_administrator_orders_a_department_report_and_filters_the_list(client, sealed):
    admin = UserFactory(admin=True)
    c = logged_in(client, admin)
    url = reverse("approvals:monthly_reports")
    page = c.get(url).content.decode()
    assert 'data-testid="order-scope"' in page and "乙局" in page
    assert c.post(url, {"month": "2026-06", "department": sealed["b"].pk}).status_code == 302
    report = MonthlyReport.objects.get()
    assert (report.year, report.month, report.scope, report.department) == (2026, 6, "m-b", sealed["b"])
    # A department that does not exist, a month not ended: a message, nothing ordered, never a 500.
    for bad in ({"month": "2026-06", "department": "999999"}, {"month": "2026-06", "department": "x"},
                {"month": "2026-13"}, {"month": "2099-01", "department": sealed["a"].pk}):
        answer = c.post(url, bad, follow=True)
        assert answer.status_code == 200 and "message--error" in answer.content.decode()
    assert MonthlyReport.objects.count() == 1
    MonthlyReport.objects.all().delete()
    IssuedDocument.objects.filter(kind="monthly_report").delete()
    department_reports(sealed)
    assert listed(c.get(url).content.decode()) == [
        "2026年6月政务服务监管月报", "2026年6月政务服务监管月报（甲局）", "2026年6月政务服务监管月报（乙局）",
        "2026年5月政务服务监管月报（甲局）"]
    assert listed(c.get(url, {"scope": "district"}).content.decode()) == ["2026年6月政务服务监管月报"]
    assert listed(c.get(url, {"scope": sealed["a"].pk}).content.decode()) == [
        "2026年6月政务服务监管月报（甲局）", "2026年5月政务服务监管月报（甲局）"]
    assert listed(c.get(url, {"scope": sealed["a"].pk, "month": "2026-05"}).content.decode()) == [
        "2026年5月政务服务监管月报（甲局）"]
    for bad in ({"scope": "nonsense"}, {"month": "May"}, {"scope": "999999", "month": "2026-99"}):
        answer = c.get(url, bad)
        assert answer.status_code == 200 and 'role="alert"' in answer.content.decode()
        assert len(listed(answer.content.decode())) == 4  # a bad filter is dropped, with its message
    answer = c.get(reverse("approvals:monthly_report"), {"month": "2026-06", "department": sealed["b"].pk})
    assert answer["Location"] == reverse("approvals:document_download", args=[department_reports_pk(sealed["b"])])
    assert c.get(reverse("approvals:monthly_report"), {"month": "2026-06", "department": "x"}).status_code == 302


def department_reports_pk(department):
    return month_report(2026, 6, department=department).pk


def test_the_page_is_in_english_too(client, sealed):
    c = logged_in(client, UserFactory(admin=True))
    department_reports(sealed)
    page = c.get(reverse("approvals:monthly_reports"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The whole district" in page and "Report scope" in page and "All reports" in page


def test_a_chief_reads_only_their_own_department_reports(client, sealed):
    documents = department_reports(sealed)
    chief = chief_of(sealed["a"])
    c = logged_in(client, chief)
    url = reverse("approvals:monthly_reports")
    page = c.get(url).content.decode()
    assert listed(page) == ["2026年6月政务服务监管月报（甲局）", "2026年5月政务服务监管月报（甲局）"]
    assert 'data-testid="order-report"' not in page and 'data-testid="own-department-reports"' in page
    assert "乙局" not in page  # neither the other department's reports nor its name in the filter
    assert listed(c.get(url, {"scope": sealed["b"].pk}).content.decode()) == []
    assert listed(c.get(url, {"scope": "district"}).content.decode()) == []
    assert c.post(url, {"month": "2026-04", "department": sealed["a"].pk}).status_code == 403
    download = reverse("approvals:document_download", args=[documents["m-a"].pk])
    assert c.get(download).status_code == 200
    assert c.get(reverse("approvals:document", args=[documents["m-a"].pk])).status_code == 200
    for other in (documents[""], documents["m-b"]):  # the district's and another department's: hidden
        assert c.get(reverse("approvals:document_download", args=[other.pk])).status_code == 404
        assert c.get(reverse("approvals:document", args=[other.pk])).status_code == 404
    answer = c.get(reverse("approvals:monthly_report"), {"month": "2026-06", "department": sealed["b"].pk})
    assert answer.status_code == 302 and answer["Location"] == url  # not theirs: as if not issued
    answer = c.get(reverse("approvals:monthly_report"), {"month": "2026-06", "department": sealed["a"].pk})
    assert answer["Location"] == reverse("approvals:document_download", args=[documents["m-a"].pk])


@pytest.mark.parametrize("role", ["staff", "clerk", "applicant"])
def test_no_one_else_reads_a_department_report(client, sealed, role):
    from tests.factories.approvals import StaffAssignmentFactory

    documents = department_reports(sealed)
    user = UserFactory(role=role)
    if role != "applicant":
        StaffAssignmentFactory(user=user, department=sealed["a"])
    c = logged_in(client, user)
    assert c.get(reverse("approvals:monthly_reports")).status_code == 403
    assert c.get(reverse("approvals:document_download", args=[documents["m-a"].pk])).status_code == 404


def test_the_visibility_rule_of_the_reports(sealed):
    from approvals.models.aggregates import report_readership
    from django.contrib.auth.models import AnonymousUser

    department_reports(sealed)
    everyone = set(MonthlyReport.objects.values_list("pk", flat=True))
    a_reports = set(MonthlyReport.objects.filter(scope="m-a").values_list("pk", flat=True))
    assert len(everyone) == 4 and len(a_reports) == 2
    for role in ("leader", "admin", "supervisor"):
        user = UserFactory(**{role: True})
        assert set(MonthlyReport.objects.visible_to(user).values_list("pk", flat=True)) == everyone
    assert set(MonthlyReport.objects.visible_to(chief_of(sealed["a"])).values_list("pk", flat=True)) == a_reports
    assert not MonthlyReport.objects.visible_to(UserFactory(chief=True)).exists()  # a chief of no department
    assert not MonthlyReport.objects.visible_to(AnonymousUser()).exists()
    assert report_readership(AnonymousUser()) is None
