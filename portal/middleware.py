"""Staff must have passed their second factor before they reach any page but login and logout."""

from django.shortcuts import redirect
from django.urls import reverse


class StaffSecondFactorMiddleware:
    """A session that is logged in but not OTP-verified, for a user who needs it, is sent back to login.

    This closes the gap where a staff session could be created without TOTP (e.g. by the admin login form).
    """

    exempt_prefixes = ("/static/", "/media/", "/i18n/", "/api/", "/healthz")

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
            and request.path not in (reverse("portal:login"), reverse("portal:logout"))
        ):
            from django.contrib.auth import logout

            logout(request)
            return redirect(f"{reverse('portal:login')}?next={request.path}")
        return self.get_response(request)
