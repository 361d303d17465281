"""The pages' 404 and 403, in the user's language (LocaleMiddleware has activated it).

A 404 never repeats the exception's text (get_object_or_404 says "No ItemReview matches the given query."); a 403
shows its reason, which the views raise already translated. Under /api/ a 404 for an unknown address answers JSON
like the API's own errors (portal.api.errors).
"""

from django.http import JsonResponse
from django.shortcuts import render
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
