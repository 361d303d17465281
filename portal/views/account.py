"""The user's own account page: profile, password, second factor, web sessions and API tokens."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from portal.errors import DomainError
from portal.forms import PasswordAgainForm, PasswordChangeForm, TotpEnrolForm
from portal.models import ApiToken, UserSession
from portal.services import passwords, sessions, tokens, two_factor


@login_required
def account(request):
    return render(request, "portal/account.html", {
        "has_device": request.user.has_confirmed_device(),
        "sessions": sessions.live_sessions(request.user),
        "current_session_key": request.session.session_key,
        "tokens": ApiToken.objects.live().filter(user=request.user),
    })


@sensitive_post_parameters("password", "token")
@login_required
def enrol_totp(request):
    """First enrolment, or replacing the phone: a new secret, confirmed with its code and the password."""
    replacing = request.user.has_confirmed_device()
    device = two_factor.start_enrolment(request.user)
    form = TotpEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = two_factor.confirm_enrolment(request.user, form.cleaned_data["token"],
                                                     password=form.cleaned_data["password"], request=request)
        except two_factor.WrongPassword as exc:
            form.add_error("password", exc.message)
        except DomainError as exc:
            form.add_error("token", exc.message)
        else:
            otp_login(request, confirmed)
            messages.success(request, _("Two-factor login is now on. You will be asked for a code when you log in."))
            return redirect("portal:account")
    return render(request, "portal/enrol_totp.html", {
        "form": form, "secret": two_factor.base32_secret(device), "qr_svg": two_factor.qr_svg(device),
        "replacing": replacing,
    })


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
def change_password(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            passwords.change_password(request.user, old_password=form.cleaned_data["old_password"],
                                      new_password=form.cleaned_data["new_password1"], request=request)
        except two_factor.WrongPassword as exc:
            form.add_error("old_password", exc.message)
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            messages.success(request, _("Your password has been changed. Your other sessions and API tokens "
                                        "have ended."))
            return redirect("portal:account")
    return render(request, "portal/password_change.html", {"form": form})


@sensitive_post_parameters("password")
@login_required
def end_session(request, pk):
    """Ending one's own current session is a logout (POST, no password); ending another asks for the password
    again (GET: the confirmation form)."""
    row = get_object_or_404(UserSession, pk=pk, user=request.user)
    if row.session_key == request.session.session_key:
        if request.method != "POST":
            return redirect("portal:account")
        sessions.end_session(row, actor=request.user, request=request)
        logout(request)  # or the end of this request would save the session again
        return redirect("portal:login")
    return _confirm_with_password(
        request, lambda password: sessions.end_session_with_password(row, actor=request.user, password=password,
                                                                      request=request),
        done=_("The session has ended."), title=_("End a session"), button=_("End the session"),
        what=_("The session logged in on %(when)s from %(where)s (%(browser)s) ends.") % {
            "when": timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M"),
            "where": row.ip_address or "—", "browser": (row.user_agent or "—")[:60]})


@sensitive_post_parameters("password")
@login_required
def end_token(request, pk):
    """Revoking an API token from the account page asks for the password again (GET: the confirmation form)."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    return _confirm_with_password(
        request, lambda password: tokens.revoke_token_with_password(token, actor=request.user, password=password,
                                                                     request=request),
        done=_("The API token has been revoked."), title=_("Revoke an API token"), button=_("Revoke the token"),
        what=_("The API token %(prefix)s… (created %(when)s) stops working at once.") % {
            "prefix": token.prefix, "when": timezone.localtime(token.created_at).strftime("%Y-%m-%d %H:%M")})


def _confirm_with_password(request, act, *, done, title, what, button):
    """The password-again confirmation of ending a session or a token: GET shows the form; a POST with the right
    password runs `act(password)` and goes back to the account page; a wrong one is a field error."""
    form = PasswordAgainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data["password"])
        except two_factor.WrongPassword as exc:
            form.add_error("password", exc.message)
        else:
            messages.success(request, done)
            return redirect("portal:account")
    return render(request, "portal/end_confirm.html", {"form": form, "title": title, "what": what, "button": button})
