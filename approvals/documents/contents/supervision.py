"""监管月报: the monthly supervision report's content (approvals/documents/monthly_report.py orders it)."""

from datetime import date, datetime, time

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from approvals.documents import keystore
from approvals.models import Department, DocumentKind
from portal.errors import DomainError

from .common import Parties, Spec, cn_datetime

SECTION_NAMES = {"volume": "办件量与时效", "durations": "办理用时", "catalog": "事项目录",
                 "visits_and_fees": "跑动与收费", "bundles": "“一件事”打包办理", "satisfaction": "好差评",
                 "demands": "园区诉求（“222”）", "san_ji": "“三即”"}


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


def facts_of(report, *, now=None) -> dict:
    """The month's figures and ranking as plain JSON, labels in Chinese."""
    from approvals import metrics  # the metrics read the models this package's callers are importing

    now = now or timezone.now()
    start, end = month_bounds(report.year, report.month)
    f = metrics.Filters(start=start, end=end, department=report.department_id)
    with translation.override("zh-hans"):
        sections = [{"name": SECTION_NAMES.get(name, name),
                     "figures": [{"key": fig.key, "label": str(fig.label), "shown": metrics.shown(fig)}
                                 for fig in compute(f, now)]}
                    for name, compute in metrics.SECTIONS]
    ranking = [{"name": row["name"], "decided": row["decided"], "on_time": row["on_time"],
                "rate": "—" if row["on_time_rate"] is None else f"{row['on_time_rate'] * 100:.1f}%",
                "overdue": row["overdue"]} for row in metrics.department_ranking(f, now=now)]
    return {"year": report.year, "month": report.month, "scope": report.department.name if report.department_id
            else "", "computed_at": cn_datetime(now), "sections": sections, "ranking": ranking}


class MonthlyReportSpec(Spec):
    kind = DocumentKind.MONTHLY_REPORT
    template = "pdf/monthly_report.html"

    def title(self, subject) -> str:
        scope = f"（{subject.department.name}）" if subject.department_id else ""
        return f"{subject.year}年{subject.month}月政务服务监管月报{scope}"

    def parties(self, subject) -> Parties:
        return Parties(department=reporting_department(), matter=f"{subject.year}年{subject.month}月")

    def facts(self, subject) -> dict:
        return facts_of(subject)
