"""Enrolling or replacing a TOTP authenticator: the user scans a new secret, then confirms it with the current
code *and their password* (a session alone, e.g. a borrowed unlocked screen, cannot move the second factor to
another phone). Confirming a replacement removes the old device."""

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib.auth import user_login_failed
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.errors import DomainError
from portal.services import audit

PENDING_NAME = "authenticator (pending)"


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code (made here, no external service)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def start_enrolment(user) -> TOTPDevice:
    """The user's pending (unconfirmed) device, created once and reused on reload."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=PENDING_NAME, confirmed=False)
    return device


class WrongPassword(DomainError):
    code = "wrong_password"


def check_password_again(user, password: str, *, event: str, request=None) -> None:
    """Re-authentication before a sensitive change; a wrong password is audited and counts towards lockout."""
    if user.check_password(password or ""):
        return
    audit.record(event, actor=user, success=False, summary="wrong password", request=request)
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    raise WrongPassword(_("The password is not correct."))


def confirm_enrolment(user, token: str, *, password: str, request=None) -> TOTPDevice:
    token = (token or "").strip().replace(" ", "")
    check_password_again(user, password, event="totp_enrol", request=request)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            raise DomainError(_("There is no authenticator waiting for confirmation; please start again."))
        if not token.isdigit() or not device.verify_token(token):
            audit.record("totp_enrol", actor=user, success=False, request=request)
            raise DomainError(_("The code does not match. Check your phone's clock and enter the current code."))
        replaced = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()[0]
        device.confirmed = True
        device.name = "authenticator"
        device.save(update_fields=["confirmed", "name"])
        audit.record("totp_enrol", actor=user, subject=None, request=request, data={"replaced": replaced},
                     summary="TOTP device replaced" if replaced else "TOTP device confirmed")
    return device
