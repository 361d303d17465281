"""Changing one's password: the old one first, Django's validators (12+ characters, not a common password),
then every other session and every API token of the user ends (ASVS V6.2, 等保 2.0 身份鉴别)."""

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from portal.services import audit, sessions, tokens
from portal.services.two_factor import check_password_again


def change_password(user, *, old_password: str, new_password: str, request=None) -> None:
    check_password_again(user, old_password, event="password_change", request=request)
    validate_password(new_password, user)  # ValidationError with the validators' messages
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        tokens.revoke_all_tokens(user, actor=user, request=request, reason="after a password change")
        audit.record("password_change", actor=user, subject=user, summary="password changed", request=request)
    if request is not None:
        old_key = request.session.session_key
        update_session_auth_hash(request, user)  # this session stays (with a new key); others no longer match
        sessions.rekey(old_key, request.session.session_key)
        sessions.end_other_sessions(user, keep=request.session.session_key, actor=user, request=request)
