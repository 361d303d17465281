"""Who may download an issued document: ONE function, so the rule can change in one place.

A catalog notice (一次性告知单) is public. Every other document belongs to an application and follows the
application's visibility rule: the company's applicants and its authorised agent, the departments involved,
and the overseeing roles (leaders, administrators, supervisors: read only)."""

from approvals.models import DocumentKind
from approvals.services import permissions


def may_download(user, document) -> bool:
    if document.kind == DocumentKind.CATALOG_NOTICE:
        return True
    if document.application is None or not getattr(user, "is_authenticated", False):
        return False
    return permissions.can_view_application(user, document.application)
