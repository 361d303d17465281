"""The portal's URLs plus two that fail, for the error page tests (tests/portal/test_error_pages.py)."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from portal.urls import handler403, handler404, handler500, urlpatterns as portal_urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [path("test-boom/", boom), path("api/test-boom/", boom), path("test-forbidden/", forbidden),
               *portal_urlpatterns]
