"""Logging in: password, then the TOTP second factor for those who need it.

Failures of either factor count towards django-axes' lockout, and every attempt is audited.
"""

from dataclasses import dataclass

from axes.exceptions import AxesBackendPermissionDenied
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate, user_logged_in, user_login_failed
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.oath import TOTP

from portal.errors import DomainError
from portal.services import audit


class LoginRefused(DomainError):
    http_status = 400
    code = "login_refused"


class LockedOut(LoginRefused):
    http_status = 403
    code = "locked_out"


@dataclass
class LoginResult:
    user: object
    device: object | None


def locked_out_message() -> str:
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed attempts: this account is locked for %(minutes)d minutes. "
        "Please try again later or contact the administrator."
    ) % {"minutes": minutes}


def totp_wait_seconds(user, now=None) -> int:
    """Seconds before the user's authenticator accepts another code after wrong ones (django-otp throttling)."""
    from django.utils import timezone

    now = now or timezone.now()
    wait = 0
    for device in devices_for_user(user, confirmed=True):
        allowed, info = device.verify_is_allowed()
        if not allowed and info and info.get("locked_until"):
            wait = max(wait, int((info["locked_until"] - now).total_seconds()) + 1)
    return wait


def throttled_message(seconds: int) -> str:
    return _("Too many wrong dynamic codes: please wait %(s)d seconds, then enter the current code.") % {"s": seconds}


def lock_totp_devices(user) -> None:
    """Lock `user`'s TOTP devices until the caller's transaction ends, so that two requests using one code verify
    it one after the other: the second reads the time step the first used up, and is refused."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    list(TOTPDevice.objects.select_for_update().filter(user=user).order_by("pk").values_list("pk", flat=True))


def verify_totp(user, token: str):
    """The confirmed TOTP device that accepts `token`, or None."""
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit():
        return None
    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


def is_reused_totp(user, token: str) -> bool:
    """True when `token` is the code of the time step a device of `user` last accepted (a replay, or a second
    tab submitting the same code): refused, but not a wrong guess, so it counts towards no lockout."""
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit():
        return False
    for device in devices_for_user(user, confirmed=True):
        if getattr(device, "last_t", -1) < 0:
            continue
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = device.t0 + (device.last_t - device.drift) * device.step
        if totp.token() == int(token):
            return True
    return False


def check_credentials(request, username: str, password: str, token: str) -> LoginResult:
    """Both factors, or LoginRefused with a message the user understands. Does not start a session."""
    credentials = {"username": username}
    if AxesProxyHandler.is_locked(request, credentials):
        audit.record("login", success=False, summary="locked out", data={"username": username}, request=request)
        raise LockedOut(locked_out_message())
    try:
        user = authenticate(request, username=username, password=password)
    except AxesBackendPermissionDenied:
        raise LockedOut(locked_out_message()) from None
    if user is None:
        audit.record("login", success=False, summary="wrong password", data={"username": username},
                     request=request)
        if getattr(request, "axes_locked_out", False):
            raise LockedOut(locked_out_message())
        raise LoginRefused(_("The username or password is not correct."))
    device = None
    if user.needs_second_factor:
        if not token:
            raise LoginRefused(_("This account needs the 6-digit dynamic code from your authenticator app."),
                               code="otp_required")
        if is_reused_totp(user, token):
            audit.record("login", actor=None, success=False, summary="second factor code reused",
                         data={"username": username}, request=request)
            raise LoginRefused(_("This dynamic code has already been used. Wait for the next code and enter it."),
                               code="otp_reused")
        wait = totp_wait_seconds(user)
        device = None if wait else verify_totp(user, token)
        if device is None:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            audit.record("login", actor=None, success=False, summary="wrong second factor",
                         data={"username": username}, request=request)
            if AxesProxyHandler.is_locked(request, credentials):
                raise LockedOut(locked_out_message())
            if wait:
                raise LoginRefused(throttled_message(wait), code="otp_throttled")
            raise LoginRefused(_("The dynamic code is not correct or has expired. Please enter the current code."),
                               code="otp_invalid")
    return LoginResult(user=user, device=device)


def log_in(request, result: LoginResult, *, summary: str = "web session") -> None:
    """Start the web session for a checked login."""
    from django.contrib.auth import login
    from django_otp import login as otp_login

    from portal.services import sessions

    login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
    if result.device is not None:
        otp_login(request, result.device)
    sessions.remember(request)
    audit.record("login", actor=result.user, summary=summary, request=request,
                 data={"second_factor": result.device is not None})


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out attempt: JSON under /api/, the page elsewhere (403 both)."""
    from django.http import JsonResponse
    from django.shortcuts import render

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": locked_out_message(), "code": LockedOut.code}, status=403)
    return render(request, "portal/locked_out.html", status=403)


__all__ = ["LockedOut", "LoginRefused", "LoginResult", "check_credentials", "is_reused_totp", "lockout_response",
           "log_in", "user_logged_in", "verify_totp"]
