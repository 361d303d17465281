"""API error mapping, the one place for the API: every error answers in the user's language (LocaleMiddleware
activates it from the language cookie or Accept-Language; zh-hans by default) and names no internal model.

- Domain errors become 400/403/409 with their (already translated) message and a code.
- Django's Http404 (get_object_or_404: "No ItemReview matches the given query.") becomes a generic "Not found."
- Django's PermissionDenied keeps its message when it has one, otherwise DRF's translated default.
- A number no database column can hold (SQLite's OverflowError, PostgreSQL's 22003) is a 400.
- Throttling (429) says when to come back, in the user's language, and sets Retry-After.
- Everything else is DRF's, whose messages come from its zh_Hans catalogue.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from portal.errors import DomainError
from portal.input_guard import is_out_of_range, out_of_range_message


def throttled_detail(wait) -> str:
    """DRF's own sentences, looked up in its catalogue before formatting (DRF formats first, so its zh_Hans
    translation of the wait is never found)."""
    detail = _("Request was throttled.")
    if wait is None:
        return detail
    extra = (_("Expected available in {wait} second.") if wait == 1
             else _("Expected available in {wait} seconds.")).format(wait=wait)
    return f"{detail}{'' if detail.endswith('。') else ' '}{extra}"


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response({"detail": str(exc.message), "code": exc.code}, status=exc.http_status)
    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response({"detail": " ".join(str(m) for m in exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
    if is_out_of_range(exc):  # an id or number no column can hold: the caller's error, not a server error
        set_rollback()
        return Response({"detail": out_of_range_message(), "code": "out_of_range"},
                        status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, exceptions.Throttled):
        wait = exc.wait
        exc = exceptions.Throttled(detail=throttled_detail(wait))
        exc.wait = wait  # for Retry-After
    return drf_exception_handler(exc, context)
