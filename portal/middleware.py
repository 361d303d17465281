"""Staff must have passed their second factor before they reach anything but login and logout; web sessions are
renewed on activity without a write on every request."""

import time

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
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
            and not user.is_verified()  # in memory: asked before the device query below
            and not request.path.startswith(self.exempt_prefixes)
            and user.needs_second_factor
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


RENEWED_KEY = "_renewed_at"


class RenewingSessionMiddleware(SessionMiddleware):
    """Django's session middleware, renewing an unchanged session at most once per SESSION_RENEW_SECONDS.

    A web session ends after SESSION_COOKIE_AGE of inactivity (等保 2.0 session timeout; docs/security.md): every
    save moves its expiry on. Saving it on every request (Django's SESSION_SAVE_EVERY_REQUEST) made every page a
    write transaction (BEGIN, UPDATE, COMMIT with its flush to disk). Here an unchanged session is saved only when
    its last renewal is SESSION_RENEW_SECONDS old, so the idle timeout holds to within that (between 29 and 30
    minutes with the defaults). A changed session (a login, a message, a language) is saved at once, as always.
    """

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.modified and not session.is_empty():
            now = int(time.time())
            if now - session.get(RENEWED_KEY, 0) >= settings.SESSION_RENEW_SECONDS:
                session[RENEWED_KEY] = now  # a change: Django saves the session, which moves its expiry on
        return super().process_response(request, response)
