"""The user's own account page and TOTP enrolment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from portal.errors import DomainError
from portal.forms import TotpConfirmForm
from portal.services import two_factor


@login_required
def account(request):
    return render(request, "portal/account.html", {"has_device": request.user.has_confirmed_device()})


@login_required
def enrol_totp(request):
    if request.user.has_confirmed_device():
        messages.info(request, _("Two-factor login is already set up for your account."))
        return redirect("portal:account")
    device = two_factor.start_enrolment(request.user)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = two_factor.confirm_enrolment(request.user, form.cleaned_data["token"], request=request)
        except DomainError as exc:
            form.add_error("token", exc.message)
        else:
            otp_login(request, confirmed)
            messages.success(request, _("Two-factor login is now on. You will be asked for a code when you log in."))
            return redirect("portal:account")
    return render(request, "portal/enrol_totp.html", {
        "form": form, "secret": two_factor.base32_secret(device), "qr_svg": two_factor.qr_svg(device),
    })
