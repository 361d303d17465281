"""The sealed monthly supervision report (监管月报): a numbered, sealed, verifiable document like the portal's other
documents (an IssuedDocument of kind `monthly_report`, series 监, issued by the documents' task, checked at
/verify/), one per month and scope (the whole district, or one department).

`order_report(year, month)` orders it (idempotent: the month's report, once ordered, is returned as it is); the
beat task `approvals.tasks.order_monthly_reports` orders the previous month's (the district's and each department's
with items on the catalog), an administrator any past month and scope on the reports page. Who reads them:
`MonthlyReport.objects.visible_to` (the overseeing roles; a department's chief their own department's). Its facts are the month's figures (approvals/metrics.py, labels in Chinese) and the department
ranking, captured when it is ordered (approvals/documents/contents/supervision.py); the setting
REPORT_SEAL_DEPARTMENT names the department (code) whose seal it carries (default: the first department, by code,
that has a seal)."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.documents import issuing
from approvals.documents.contents.supervision import facts_of, month_bounds, reporting_department
from approvals.models import DocumentKind, MonthlyReport
from portal.errors import DomainError
from portal.services import audit

__all__ = ["DISTRICT", "facts_of", "month_bounds", "month_report", "order_previous_month", "order_report",
           "previous_month", "reporting_department", "reporting_departments", "reports"]


def previous_month(today: date) -> tuple[int, int]:
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def order_report(year: int, month: int, *, department=None, actor=None, now=None, request=None):
    """The month's report for the scope, ordered once: (its document, whether it was ordered now). Only a month that
    has ended can be reported on."""
    now = now or timezone.now()
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise DomainError(_("Give the month as YYYY-MM."))
    if month_bounds(year, month)[1] > now:
        raise DomainError(_("Only a month that has ended can be reported on."))
    reporting_department()  # a clear message before anything is written when no seal exists
    scope = department.code if department is not None else ""
    existing = MonthlyReport.objects.filter(year=year, month=month, scope=scope).first()
    if existing is not None:
        return issuing.current(DocumentKind.MONTHLY_REPORT, existing), False
    try:
        with transaction.atomic():
            report = MonthlyReport.objects.create(year=year, month=month, scope=scope, department=department,
                                                  ordered_at=now, ordered_by=actor)
            document = issuing.order(DocumentKind.MONTHLY_REPORT, report, now=now)
            audit.record("monthly_report.ordered", actor=actor, subject=report, request=request,
                         summary=document.title[:255], data={"year": year, "month": month, "scope": scope})
    except IntegrityError:  # ordered meanwhile by the beat task or another administrator
        report = MonthlyReport.objects.get(year=year, month=month, scope=scope)
        return issuing.current(DocumentKind.MONTHLY_REPORT, report), False
    return document, True


DISTRICT = "district"  # the `scope` filter of `reports` for the whole district's reports


def reports(user, *, scope=None, year=None, month=None):
    """The monthly reports' documents that `user` may read (`MonthlyReport.objects.visible_to`), newest month first,
    the district's before the departments' (by code); `scope` narrows them to the whole district's (`DISTRICT`)
    or to one department's (a Department), `year` and `month` to that month. Each document carries `report_year`,
    `report_month` and `scope_name` (the department's name; empty for the district)."""
    from django.db.models import OuterRef, Subquery

    from approvals.models import IssuedDocument

    subjects = MonthlyReport.objects.visible_to(user)
    if scope == DISTRICT:
        subjects = subjects.filter(scope="")
    elif scope is not None:
        subjects = subjects.filter(department=scope)
    if year is not None:
        subjects = subjects.filter(year=year)
    if month is not None:
        subjects = subjects.filter(month=month)
    subject = MonthlyReport.objects.filter(pk=OuterRef("subject_id"))
    return (IssuedDocument.objects.current().filter(kind=DocumentKind.MONTHLY_REPORT,
                                                    subject_id__in=subjects.values("pk"))
            .annotate(report_year=Subquery(subject.values("year")[:1]),
                      report_month=Subquery(subject.values("month")[:1]),
                      scope_code=Subquery(subject.values("scope")[:1]),
                      scope_name=Subquery(subject.values("department__name")[:1]))
            .order_by("-report_year", "-report_month", "scope_code", "-pk"))


def reporting_departments():
    """The departments the beat task reports on each month: those with an active item on the catalog (a department
    with none has no figures of its own)."""
    from approvals.models import Department

    return Department.objects.filter(items__active=True).distinct().order_by("code")


def month_report(year: int, month: int, *, department=None):
    """The issued report of the month and scope, or None (not ordered, or still being issued)."""
    scope = department.code if department is not None else ""
    report = MonthlyReport.objects.filter(year=year, month=month, scope=scope).first()
    document = issuing.current(DocumentKind.MONTHLY_REPORT, report) if report is not None else None
    return document if document is not None and document.sha256 else None


def order_previous_month(*, now=None):
    """The beat task's work: the previous month's reports, each ordered once — the district's, then each reporting
    department's (`reporting_departments`). Returns [(document, ordered now)], the district's first; a second run
    orders nothing new."""
    now = now or timezone.now()
    month = previous_month(timezone.localdate(now))
    done = [order_report(*month, now=now)]
    for department in reporting_departments():
        done.append(order_report(*month, department=department, now=now))
    return done
