"""What every document's content shares: the spec of a kind, Chinese dates and amounts, the applicant's facts.

A document's *facts* are plain JSON (strings, numbers, lists) captured when the document is ordered, in the
transaction of the event that causes it; the template renders them with the number and date given at issue.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation

from approvals.documents.keystore import official_name
from approvals.models import Channel
from approvals.models.documents import OFFICIAL_TITLES

LAW = "《中华人民共和国行政许可法》"


@dataclass(frozen=True)
class Parties:
    """Who issues the document, to whom, about what."""

    department: object
    application: object = None
    enterprise: object = None
    item: object = None
    matter: str = ""
    title: str = ""


class Spec:
    """One kind of document: its template, its parties, its facts."""

    kind: str = ""
    template: str = ""

    def title(self, subject) -> str:
        return OFFICIAL_TITLES[self.kind]

    def parties(self, subject) -> Parties:
        raise NotImplementedError

    def facts(self, subject) -> dict:
        raise NotImplementedError

    def valid_until(self, subject, issued_on: date) -> date | None:
        return None

    def signer_name(self, subject) -> str:
        return ""


def zh(value) -> str:
    """A lazy label (TextChoices, gettext_lazy) in Simplified Chinese, whatever the request's language."""
    with translation.override("zh-hans"):
        return str(value)


def cn_date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{cn_date(local.date())}{local.hour}时{local.minute:02d}分"


def yuan(value) -> str:
    return f"{Decimal(value or 0):,.2f}"


def remedies(department=None) -> str:
    """Art. 38: the right to administrative reconsideration (60 days) or litigation (6 months)."""
    government = f"{settings.PORTAL_DISTRICT}人民政府"
    return (f"申请人如对本决定不服，可以自收到本文书之日起六十日内向{government}申请行政复议，"
            "或者自收到本文书之日起六个月内依法向人民法院提起行政诉讼。")


def department_facts(department) -> dict:
    return {
        "name": official_name(department),
        "section": department.approval_section,
        "window": department.window,
        "phone": department.phone,
    }


def application_facts(application) -> dict:
    enterprise = application.enterprise
    items = list(application.items.select_related("department").order_by("department__code", "code"))
    return {
        "reference": application.reference,
        "title": application.title,
        "package": application.package.name if application.package_id else "",
        "applicant": enterprise.name,
        "credit_code": enterprise.credit_code,
        "legal_representative": enterprise.legal_representative,
        "address": enterprise.address,
        "channel": zh(Channel(application.channel).label),
        "agent": application.filed_by_agent.display_name if application.filed_by_agent_id else "",
        "items": [{"code": i.code, "name": i.name, "department": official_name(i.department),
                   "promised_days": i.promised_limit_days, "legal_days": i.legal_limit_days} for i in items],
    }


def application_parties(application, *, department=None, item=None, matter="") -> Parties:
    return Parties(department=department or application.lead_department, application=application,
                   enterprise=application.enterprise, item=item, matter=matter or application.title)
