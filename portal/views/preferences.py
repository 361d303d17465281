"""The elderly-friendly mode (适老化): one switch, remembered in a cookie for a year (no login needed)."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

CARE_COOKIE = "care_mode"
ONE_YEAR = 365 * 24 * 3600


def care_mode_on(request) -> bool:
    return request.COOKIES.get(CARE_COOKIE) == "1"


@require_POST
def toggle_care_mode(request):
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = redirect(target)
    if care_mode_on(request):
        response.delete_cookie(CARE_COOKIE, samesite="Lax")
    else:
        response.set_cookie(CARE_COOKIE, "1", max_age=ONE_YEAR, samesite="Lax", httponly=True,
                            secure=request.is_secure())
    return response
