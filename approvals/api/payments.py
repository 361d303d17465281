"""POST /api/v1/payments/callback/: the unified payment platform reports a paid payment notice.

Authenticated by an HMAC-SHA256 of the raw request body with the secret shared with the platform
(`settings.PAYMENT_CALLBACK_SECRET`), sent as `X-Payment-Signature: sha256=<hex digest>` and compared in
constant time. No session or token: a logged-in user is no platform. The signature is checked before the body
is parsed; every refusal (no or bad signature, malformed body, unknown code, wrong amount, another e-receipt
for a paid notice) answers 4xx JSON `{"detail", "code"}` and is written to the audit log. See docs/fees.md.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.api.serializers import applications as s
from approvals.models import PaymentChannel
from approvals.services import payments
from portal.errors import DomainError

SIGNATURE_HEADER = "X-Payment-Signature"
SIGNATURE_PREFIX = "sha256="


class SignatureRefused(DomainError):
    http_status = 401
    code = "bad_signature"


def body_signature(body: bytes, secret: str) -> str:
    """The header value the platform sends for `body`: "sha256=" and the hex HMAC-SHA256 digest."""
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _check_signature(request, body: bytes):
    sent = request.headers.get(SIGNATURE_HEADER)
    if not sent:
        raise SignatureRefused(_("The request is not signed: the %(header)s header is missing.")
                               % {"header": SIGNATURE_HEADER}, code="missing_signature")
    expected = body_signature(body, settings.PAYMENT_CALLBACK_SECRET)
    if not hmac.compare_digest(expected.encode(), sent.strip().encode("utf-8", "surrogateescape")):
        raise SignatureRefused(_("The signature of the request is not valid."))


def _refused(request, error: DomainError, **extra) -> Response:
    """Audit the refusal and answer it: `{"detail", "code"}` plus `extra` (e.g. field errors)."""
    payments.record_refusal(PaymentChannel.PLATFORM, error.code, request=request._request, data=extra)
    return Response({"detail": str(error.message), "code": error.code, **extra}, status=error.http_status)


class PaymentCallbackView(APIView):
    parser_classes = [JSONParser]  # for the schema: the view reads the raw body itself
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(
        tags=["payments"],
        summary="The payment platform reports a paid payment notice (HMAC-signed)",
        description="Body: JSON with `payment_code`, `amount`, `receipt_number` and optionally `paid_at`. Header "
                    "`X-Payment-Signature: sha256=<hex HMAC-SHA256 of the raw body with the shared secret>`. "
                    "Idempotent per payment code: the same payment reported again answers 200 with "
                    "`changed: false`. Every refusal is audited.",
        parameters=[OpenApiParameter(SIGNATURE_HEADER, str, OpenApiParameter.HEADER, required=True,
                                     description="sha256=<hex digest>")],
        request=s.PaymentCallbackSerializer, auth=[],
        responses={
            200: s.PaymentCallbackResultSerializer,
            400: OpenApiResponse(s.ErrorSerializer, description="Malformed body, or the amount does not match "
                                 "the notice (`amount_mismatch`)."),
            401: OpenApiResponse(s.ErrorSerializer, description="No signature (`missing_signature`) or a wrong "
                                 "one (`bad_signature`)."),
            404: OpenApiResponse(s.ErrorSerializer, description="No notice has this payment code "
                                 "(`unknown_payment_code`)."),
            409: OpenApiResponse(s.ErrorSerializer, description="The notice is already paid with another "
                                 "e-receipt (`already_paid`), or the e-receipt number paid another notice."),
        },
    )
    def post(self, request):
        body = request.body  # the raw bytes, before any parsing: this is what the platform signed
        try:
            _check_signature(request, body)
        except SignatureRefused as error:
            return _refused(request, error)
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            return _refused(request, DomainError(_("The body is not valid JSON.")))
        if not isinstance(payload, dict):
            return _refused(request, DomainError(_("The body must be a JSON object.")))
        serializer = s.PaymentCallbackSerializer(data=payload)
        if not serializer.is_valid():
            errors = {field: [str(m) for m in messages] for field, messages in serializer.errors.items()}
            detail = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())
            return _refused(request, DomainError(detail), errors=errors)
        data = serializer.validated_data
        try:
            result = payments.confirm_from_platform(
                payment_code=data["payment_code"], amount=data["amount"], receipt_number=data["receipt_number"],
                paid_at=data.get("paid_at"), request=request._request)
        except DomainError as error:  # already audited by the service
            return Response({"detail": str(error.message), "code": error.code}, status=error.http_status)
        notice = result.notice
        return Response(s.PaymentCallbackResultSerializer({
            "payment_code": notice.code, "status": notice.status, "receipt_number": notice.receipt_number,
            "paid_at": notice.paid_at, "changed": result.changed}).data, status=status.HTTP_200_OK)

