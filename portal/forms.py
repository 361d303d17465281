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
    password = forms.CharField(label=_("Password"), strip=False,
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
