"""The sealed monthly supervision report (监管月报): the month's figures (approvals/metrics.py) and the department
ranking, rendered from templates/pdf/monthly_report.html and sealed with the reporting department's e-seal
(PAdES, the documents' sealing).

Rendered on request, not stored: the figures of a past month can still change (a late rating, a recomputed
calendar), so the report states when it was computed; the setting REPORT_SEAL_DEPARTMENT names the department
(code) whose seal it carries (default: the first department, by code, that has a seal)."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import metrics
from approvals.documents import keystore, signing
from approvals.documents.pdf import render_document
from approvals.documents.seal_drawing import seal_svg
from approvals.models import Department
from portal.errors import DomainError


@dataclass
class Report:
    pdf: bytes
    sha256: str
    filename: str


def month_bounds(year: int, month: int):
    start = timezone.make_aware(datetime.combine(date(year, month, 1), time.min))
    following = date(year + (month == 12), month % 12 + 1, 1)
    return start, timezone.make_aware(datetime.combine(following, time.min))


def reporting_department():
    code = getattr(settings, "REPORT_SEAL_DEPARTMENT", "")
    candidates = Department.objects.filter(code=code) if code else Department.objects.order_by("code")
    for department in candidates:
        if keystore.has_seal(department):
            return department
    raise DomainError(_("No department seal is available for the monthly report: run `manage.py seals init`."))


def context(year: int, month: int, *, now=None) -> dict:
    now = now or timezone.now()
    start, end = month_bounds(year, month)
    f = metrics.Filters(start=start, end=end)
    department = reporting_department()
    issuer = keystore.official_name(department)
    sections = [{"name": name, "figures": compute(f, now)} for name, compute in metrics.SECTIONS]
    for section in sections:
        for figure in section["figures"]:
            figure.shown = metrics.shown(figure)
    return {"year": year, "month": month, "issuer": issuer, "department": department, "computed_at": now,
            "sections": sections, "ranking": metrics.department_ranking(f, now=now), "seal": seal_svg(issuer)}


def monthly_report(year: int, month: int, *, now=None) -> Report:
    ctx = context(year, month, now=now)
    rendered = render_document("pdf/monthly_report.html", ctx)
    pdf = signing.seal_pdf(rendered.pdf, department=ctx["department"], placement=rendered.seal,
                           reason=f"{year}年{month}月政务服务监管月报")
    return Report(pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), filename=f"monthly-report-{year}-{month:02d}.pdf")
