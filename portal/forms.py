"""Forms of the portal package: login with a second factor, TOTP enrolment."""

from django import forms
from django.utils.translation import gettext_lazy as _


def compact_code(value: str) -> str:
    """A one-time code as typed or pasted, without spaces, hyphens or full-width digits' width."""
    value = "".join(chr(ord(c) - 0xFEE0) if "０" <= c <= "９" else c for c in value or "")
    return "".join(c for c in value if c not in " -\u3000\t")


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False, max_length=128,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    # A pasted code may carry spaces or a hyphen ("123 456"): accepted and removed (WCAG 3.3.8, no blocked
    # paste, no pattern that refuses it).
    otp_token = forms.CharField(
        label=_("Dynamic code (TOTP)"), required=False, max_length=16,
        help_text=_("Staff accounts: the 6-digit code from your authenticator app."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_otp_token(self):
        return compact_code(self.cleaned_data.get("otp_token", ""))


class TotpConfirmForm(forms.Form):
    token = forms.CharField(label=_("Dynamic code (TOTP)"), max_length=16,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))

    def clean_token(self):
        return compact_code(self.cleaned_data.get("token", ""))


class CurrentPasswordField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Your current password"))
        super().__init__(strip=False, max_length=4096,
                         widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}), **kwargs)


class TotpEnrolForm(TotpConfirmForm):
    password = CurrentPasswordField(help_text=_("Changing the second factor needs your password again."))


class PasswordAgainForm(forms.Form):
    """Re-authentication before ending another session or an API token (the account page)."""
    password = CurrentPasswordField(help_text=_("Ending a session or a token needs your password again."))


class PasswordChangeForm(forms.Form):
    old_password = CurrentPasswordField()
    new_password1 = forms.CharField(
        label=_("New password"), strip=False, max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common password, not only digits, not close to your username."),
    )
    new_password2 = forms.CharField(label=_("New password again"), strip=False, max_length=4096,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ."))
        return data
