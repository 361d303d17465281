"""Hostile input stopped before any view sees it: NUL bytes, oversized bodies, JSON nested beyond reason.

- `InputGuardMiddleware` refuses a request whose path, query string or form fields contain a NUL byte, a
  query or form value longer than `INPUT_MAX_FIELD_CHARS`, and a body larger than the limit for its kind
  (multipart uploads: `REQUEST_MAX_UPLOAD_BYTES`; anything else: `DATA_UPLOAD_MAX_MEMORY_SIZE`) by its
  Content-Length, before reading it.
- `SafeJSONParser` (the API's JSON parser) refuses nesting deeper than `API_JSON_MAX_DEPTH`, NUL characters
  anywhere in keys or strings, and strings longer than `INPUT_MAX_FIELD_CHARS`.

These are the outer nets, one place for every page and endpoint; each form, serializer and one-form field also
has its own, tighter maximum length where the data is defined.

Each answers 400 with a readable message in the user's language: JSON `{"detail", "code"}` under /api/, the
portal's own error page elsewhere (`bad_request`).
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DataError
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

API_PREFIX = "/api/"
NUL = "\x00"


class InputRefused(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.message, self.code = message, code


def bad_request(request, message, code="bad_request"):
    """The 400 answer for this surface: JSON under /api/, the portal's page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": str(message), "code": code}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    return render(request, "400.html", {"message": message}, status=400)


def body_limit(request) -> int:
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/form-data"):
        return settings.REQUEST_MAX_UPLOAD_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def check_request(request) -> None:
    """InputRefused when the request carries a NUL byte or a body over its limit."""
    if NUL in request.path or NUL in request.META.get("QUERY_STRING", "") or _has_nul(request.GET):
        raise InputRefused(_("The address contains a NUL character (%00), which is not allowed."), "nul_byte")
    _check_lengths(request.GET)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise InputRefused(_("The request's Content-Length is not a number."), "bad_length") from None
    limit = body_limit(request)
    if length > limit:
        raise InputRefused(_("The request is too large (%(size)s MB; the limit is %(limit)s MB).")
                           % {"size": f"{length / 1_048_576:.1f}", "limit": f"{limit / 1_048_576:.0f}"},
                           "too_large")
    content_type = request.META.get("CONTENT_TYPE", "")
    if request.method == "POST" and content_type.startswith(("application/x-www-form-urlencoded",
                                                             "multipart/form-data")):
        if _has_nul(request.POST):
            raise InputRefused(_("A field contains a NUL character, which is not allowed; remove it and try "
                                 "again."), "nul_byte")
        _check_lengths(request.POST)


def _too_long_message() -> str:
    return _("A value is longer than %(n)d characters; shorten it and try again.") % {
        "n": settings.INPUT_MAX_FIELD_CHARS}


def _check_lengths(querydict) -> None:
    limit = settings.INPUT_MAX_FIELD_CHARS
    if any(len(value) > limit for _key, values in querydict.lists() for value in values):
        raise InputRefused(_too_long_message(), "too_long")


def _has_nul(querydict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in querydict.lists())


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except InputRefused as refused:
            return bad_request(request, refused.message, refused.code)
        except RequestDataTooBig:
            return bad_request(request, _("The request is too large."), "too_large")
        except TooManyFieldsSent:
            return bad_request(request, _("The request has too many fields."), "too_many_fields")
        except MultiPartParserError:
            return bad_request(request, _("The uploaded form data is malformed."), "malformed")
        return self.get_response(request)

    def process_exception(self, request, exception):
        """A number no column can hold (an id of 30 digits in an address or a filter) is the caller's error."""
        if is_out_of_range(exception):
            return bad_request(request, out_of_range_message(), "out_of_range")
        return None


def is_out_of_range(exception) -> bool:
    """SQLite's OverflowError and PostgreSQL's numeric_value_out_of_range (SQLSTATE 22003)."""
    if isinstance(exception, OverflowError):
        return True
    if isinstance(exception, DataError):
        cause = exception.__cause__
        return getattr(cause, "sqlstate", None) == "22003" or "out of range" in str(exception)
    return False


def out_of_range_message() -> str:
    return _("A number in the request is out of range.")


def check_json_value(value, max_depth: int) -> None:
    """ParseError when `value` nests deeper than `max_depth` or holds a NUL character (iterative walk)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > max_depth:
                raise ParseError(_("The JSON is nested too deeply (at most %(n)d levels).") % {"n": max_depth})
            if isinstance(item, dict):
                for key, child in item.items():
                    stack.append((key, depth))
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            if NUL in item:
                raise ParseError(_("The JSON contains a NUL character, which is not allowed."))
            if len(item) > settings.INPUT_MAX_FIELD_CHARS:
                raise ParseError(_too_long_message())


class SafeJSONParser(JSONParser):
    """DRF's JSON parser with a depth limit and no NUL characters; Python's own recursion limit never shows."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON is nested too deeply (at most %(n)d levels).")
                             % {"n": settings.API_JSON_MAX_DEPTH}) from None
        check_json_value(data, settings.API_JSON_MAX_DEPTH)
        return data

