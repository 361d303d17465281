"""Login and logout pages."""

from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from portal.forms import LoginForm
from portal.services import audit, sessions
from portal.services.authentication import LockedOut, LoginRefused, check_credentials, log_in


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        user = request.user
        verified = user.is_verified() if hasattr(user, "is_verified") else getattr(user, "otp_device", None) is not None
        if target.startswith("/admin/") and user.is_authenticated and not verified:
            return ""  # the admin wants a verified second factor: going there would only come back here
        return target
    return ""


@sensitive_post_parameters("password", "otp_token")
@csrf_protect
@never_cache
def login_view(request):
    if request.user.is_authenticated and request.method == "GET" and (
        not request.user.needs_second_factor or request.user.is_verified()
    ):
        return redirect(_safe_next(request) or "portal:home")
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = check_credentials(request, form.cleaned_data["username"], form.cleaned_data["password"],
                                       form.cleaned_data["otp_token"])
        except LockedOut as exc:
            form.add_error(None, exc.message)
            status = 403
        except LoginRefused as exc:
            field = "otp_token" if exc.code in ("otp_required", "otp_invalid", "otp_throttled", "otp_reused") else None
            form.add_error(field, exc.message)
        else:
            log_in(request, result)
            target = _safe_next(request)
            if target.startswith("/admin/"):
                audit.record("admin_login", actor=result.user, request=request, summary="to the Django admin")
            return redirect(target or "portal:home")
    return render(request, "portal/login.html", {"form": form, "next": _safe_next(request)}, status=status)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit.record("logout", actor=request.user, request=request)
        sessions.forget(request.session.session_key)
    logout(request)
    return redirect("portal:login")
