"""POST /api/v1/auth/token/: username, password and (for staff) otp -> a new, expiring API token.
POST /api/v1/auth/token/logout/: the presented token ends."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.authentication import ExpiringTokenAuthentication
from portal.models import ApiToken
from portal.services import tokens
from portal.services.authentication import check_credentials


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, max_length=128)
    otp = serializers.CharField(required=False, allow_blank=True, max_length=8,
                                help_text="6-digit TOTP code; required for staff accounts.")


class ObtainTokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {
            "token": serializers.CharField(help_text="Send as `Authorization: Token <token>`; shown only once."),
            "expires_at": serializers.DateTimeField(),
            "role": serializers.CharField(),
            "username": serializers.CharField(),
        })},
        description="A new token at every call (older ones stay valid until they expire or are revoked). Staff "
                    "tokens live API_TOKEN_STAFF_HOURS (8 h by default), others API_TOKEN_HOURS (30 days).",
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = check_credentials(request._request, data.validated_data["username"],
                                   data.validated_data["password"], data.validated_data.get("otp", ""))
        token, key = tokens.issue_token(result.user, request=request._request)
        return Response({"token": key, "expires_at": token.expires_at, "role": result.user.role,
                         "username": result.user.username}, status=status.HTTP_200_OK)


class RevokeTokenView(APIView):
    authentication_classes = [ExpiringTokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if not isinstance(request.auth, ApiToken):
            raise ValidationError({"detail": _("Send the token to end in the Authorization header.")})
        tokens.revoke_token(request.auth, actor=request.user, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
