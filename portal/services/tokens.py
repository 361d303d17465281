"""API tokens: a new one per login, expiring, revocable; only their SHA-256 is stored.

Staff (every role that logs in with a second factor by rule) get tokens that live `API_TOKEN_STAFF_HOURS`;
applicants and agents `API_TOKEN_HOURS`. A staff token is issued only after the TOTP code was checked
(portal.api.auth calls `check_credentials` first).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.models import ApiToken
from portal.models.users import STAFF_ROLES
from portal.services import audit

# last_used_at is written at most once a minute per token, not on every request.
LAST_USED_RESOLUTION = timedelta(seconds=60)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def lifetime(user) -> timedelta:
    if user.role in STAFF_ROLES or user.is_superuser:
        return timedelta(hours=settings.API_TOKEN_STAFF_HOURS)
    return timedelta(hours=settings.API_TOKEN_HOURS)


def issue_token(user, *, request=None, now=None) -> tuple[ApiToken, str]:
    """A new token for `user` (after a checked login); returns the row and the key, shown this once."""
    now = now or timezone.now()
    key = secrets.token_hex(20)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, key_hash=hash_key(key), prefix=key[:8], created_at=now, expires_at=now + lifetime(user),
            user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:255],
            ip_address=audit.client_ip(request),
        )
        audit.record("token_issued", actor=user, subject=token, summary="API token", request=request,
                     data={"expires_at": token.expires_at.isoformat()})
    return token, key


def find_live_token(key: str, *, now=None) -> ApiToken | None:
    """The unexpired token with this key (its user loaded), touching last_used_at at most once a minute."""
    now = now or timezone.now()
    token = ApiToken.objects.live(now).select_related("user").filter(key_hash=hash_key(key)).first()
    if token is not None and (token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def revoke_token_with_password(token: ApiToken, *, actor, password: str, request=None) -> None:
    """Revoking a token from the account page: the password again first (a wrong one is audited as
    `token_revoked`, success = false, counts towards the lockout, and revokes nothing). The API's logout, which
    presents the token itself, needs none (`revoke_token`)."""
    from portal.services.two_factor import check_password_again

    check_password_again(actor, password, event="token_revoked", request=request)
    revoke_token(token, actor=actor, request=request)


def revoke_token(token: ApiToken, *, actor, request=None) -> None:
    with transaction.atomic():
        audit.record("token_revoked", actor=actor, subject=token, summary=f"API token {token.prefix}…",
                     request=request)
        token.delete()


def revoke_all_tokens(user, *, actor, request=None, reason: str = "") -> int:
    with transaction.atomic():
        count, _ = ApiToken.objects.filter(user=user).delete()
        if count:
            audit.record("token_revoked", actor=actor, summary=f"all API tokens ({count}) {reason}".strip(),
                         request=request, data={"count": count})
    return count

