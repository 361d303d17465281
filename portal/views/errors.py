"""The pages' 404, 403 (also a refused CSRF check) and 500, in the user's language (LocaleMiddleware has activated
it), in the portal's layout with a way back.

A 404 never repeats the exception's text (get_object_or_404 says "No ItemReview matches the given query."); a 403
shows its reason, which the views raise already translated. Under /api/ a 404 for an unknown address answers JSON
like the API's own errors (portal.api.errors).
"""

import logging

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from portal import input_guard

API_PREFIX = "/api/"


def page_not_found(request, exception=None):
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    reason = str(exception or "")
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": reason or _("You do not have permission to perform this action.")},
                            status=403)
    return render(request, "403.html", {"reason": reason}, status=403)


def bad_request(request, exception=None):
    """A request Django refused (a body too large, too many fields, a bad host): the portal's 400 page, or JSON
    under /api/. The exception's text is internal and never shown."""
    return input_guard.bad_request(request, _("The request could not be understood; check what you entered "
                                              "and try again."))


def csrf_failure(request, reason=""):
    """A form sent after its page expired (or without the cookie): the 403 page with what to do, not Django's
    bare English page."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("The form has expired. Reload the page and send it again.")}, status=403)
    return render(request, "403.html", {"reason": _("The form has expired or your browser refused the security "
                                                    "cookie. Go back, reload the page and send it again.")},
                  status=403)


def server_error(request):
    """The 500 page in the layout; if the layout itself fails (e.g. the database is down), a plain page that needs
    nothing but the template engine."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("Something went wrong on our side. Please try again later.")},
                            status=500)
    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001  (the error page must never fail in turn)
        logging.getLogger(__name__).exception("The 500 page could not use the layout")
        return HttpResponseServerError(loader.render_to_string("500_plain.html"))
