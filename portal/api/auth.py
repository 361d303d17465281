"""POST /api/v1/auth/token/: username, password and (for staff) otp -> an API token."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.services import audit
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
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField(),
                                                            "role": serializers.CharField(),
                                                            "username": serializers.CharField()})},
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = check_credentials(request._request, data.validated_data["username"],
                                   data.validated_data["password"], data.validated_data.get("otp", ""))
        token, _created = Token.objects.get_or_create(user=result.user)
        audit.record("login", actor=result.user, summary="API token", request=request._request)
        return Response({"token": token.key, "role": result.user.role, "username": result.user.username},
                        status=status.HTTP_200_OK)
