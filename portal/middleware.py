"""Staff must have passed their second factor before they reach anything but login and logout."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class StaffSecondFactorMiddleware:
    """A session that is logged in but not OTP-verified, for a user who needs it, gets nothing.

    Pages: the session is ended and the visitor sent to the login page (which asks for both factors).
    API (`/api/`): a 403 in JSON. API tokens are not sessions: a staff token is only issued with a valid code
    (portal.api.auth), so they pass here untouched (the session user of a token request is anonymous).
    """

    exempt_prefixes = ("/static/", "/media/", "/i18n/", "/jsi18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.needs_second_factor
            and not user.is_verified()
            and not request.path.startswith(self.exempt_prefixes)
            and request.path not in (reverse("portal:login"), reverse("portal:logout"), reverse("api-token"))
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({
                    "detail": _("This session has not passed the second factor. Log in with your password and "
                                "the dynamic code, or use an API token."),
                    "code": "second_factor_required",
                }, status=403)
            from django.contrib.auth import logout

            logout(request)
            return redirect(f"{reverse('portal:login')}?next={request.path}")
        return self.get_response(request)
