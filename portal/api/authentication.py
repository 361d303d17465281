"""`Authorization: Token <key>` against portal.models.ApiToken: expiring, per login, revocable.

The API's first authentication class (settings REST_FRAMEWORK), so its `authenticate_header` is the API's
challenge: a request without valid credentials (no token, a malformed, unknown, expired or revoked one, an
inactive user) gets 401 with `WWW-Authenticate: Token`; a caller who is authenticated but not allowed gets 403.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from portal.services.tokens import find_live_token


class ExpiringTokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) == 1:
            raise exceptions.AuthenticationFailed(_("Invalid token header. No credentials provided."))
        if len(parts) > 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header. Token string should not contain spaces."))
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token header. Token string should not contain invalid "
                                                    "characters.")) from None
        token = find_live_token(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.authentication.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Token <key>` from POST /api/v1/auth/token/; expires, revoked by "
                               "POST /api/v1/auth/token/logout/."}
