"""Who may download an issued document: ONE function, so the rule can change in one place.

A catalog notice (一次性告知单) is public; a monthly supervision report follows the reports' rule
(`MonthlyReport.objects.visible_to`: the overseeing roles, and a department's chief for the department's own).
Every other document belongs to an application and follows the application's visibility rule: the company's
applicants and its authorised agent, the departments involved, and the overseeing roles (leaders, administrators,
supervisors: read only)."""

from approvals.models import DocumentKind, MonthlyReport
from approvals.services import permissions


def may_download(user, document) -> bool:
    if document.kind == DocumentKind.CATALOG_NOTICE:
        return True
    if document.kind == DocumentKind.MONTHLY_REPORT:  # the reports' own visibility rule
        return MonthlyReport.objects.visible_to(user).filter(pk=document.subject_id).exists()
    if document.application is None or not getattr(user, "is_authenticated", False):
        return False
    return permissions.can_view_application(user, document.application)
