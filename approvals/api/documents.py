"""REST API of issued documents: list an application's, download one, verify by number or by file, the CA.

    GET  /api/v1/applications/{id}/documents/      whoever may see the application
    GET  /api/v1/documents/{id}/download/          the same people; audited
    GET  /api/v1/certificates/{number}/verify/     public
    POST /api/v1/documents/verify/                 public (multipart PDF)
    GET  /api/v1/seals/ca.pem                      public: the root certificate every seal chains to
"""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.api.serializers import documents as s
from approvals.api.serializers.applications import ErrorSerializer
from approvals.documents import access, keystore, verification
from approvals.documents.serving import file_response
from approvals.forms_documents import PDF_MAGIC, active_content_refusal
from approvals.models import Application, IssuedDocument

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found, or not visible to the caller.")


@extend_schema(tags=["documents"])
class ApplicationDocumentsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="The documents issued for an application",
                   description="Notices, decisions, certificates and payment papers, oldest first; documents "
                               "still being issued have no number, hash or download URL yet.",
                   responses={200: s.DocumentSerializer(many=True), 404: NOT_FOUND})
    def get(self, request, pk):
        application = get_object_or_404(Application.objects.visible_to(request.user), pk=pk)
        documents = (IssuedDocument.objects.with_state().filter(application=application)
                     .select_related("department", "item").order_by("ordered_at", "id"))
        return Response(s.DocumentSerializer(documents, many=True, context={"request": request}).data)


@extend_schema(tags=["documents"])
class DocumentDownloadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Download a sealed PDF",
                   description="For the company's applicants and authorised agent, the departments involved and "
                               "the overseeing roles. Every download is audited. The file name is Chinese "
                               "(RFC 5987 `filename*`).",
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: NOT_FOUND})
    def get(self, request, pk):
        document = get_object_or_404(IssuedDocument.objects.issued().select_related("application", "department"),
                                     pk=pk)
        if not access.may_download(request.user, document):
            raise Http404
        return file_response(request, document)


@extend_schema(tags=["documents"])
class CertificateVerifyView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(summary="Verify a document by its number (public)",
                   description="Where a certificate's QR code leads: holder, item, issue date, status and "
                               "SHA-256 of the document with this number.",
                   responses={200: s.PublicDocumentSerializer, 404: ErrorSerializer})
    def get(self, request, number):
        document = verification.lookup(number)
        if document is None:
            return Response({"detail": str(verification.UNKNOWN_NUMBER), "code": "unknown_number"},
                            status=status.HTTP_404_NOT_FOUND)
        return Response(s.PublicDocumentSerializer(document).data)


@extend_schema(tags=["documents"])
class DocumentVerifyView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    parser_classes = [MultiPartParser]

    @extend_schema(summary="Verify a PDF (public)",
                   description="Checks the seal signature against the portal's CA and the file's SHA-256 against "
                               "the records; says in plain words whether the file is genuine, altered, sealed "
                               "with another key, unsigned or unreadable.",
                   request={"multipart/form-data": s.VerifyUploadSerializer},
                   responses={200: s.VerificationSerializer, 400: ErrorSerializer})
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": [_("Upload the PDF to check.")]}, status=status.HTTP_400_BAD_REQUEST)
        if upload.size > settings.DOCUMENT_VERIFY_MAX_BYTES:
            return Response({"detail": _("The file is too large to be a document of the portal."),
                             "code": "too_large"}, status=status.HTTP_400_BAD_REQUEST)
        content = upload.read()
        if not content.startswith(PDF_MAGIC):
            return Response({"detail": _("This is not a PDF file."), "code": "not_pdf"},
                            status=status.HTTP_400_BAD_REQUEST)
        refusal = active_content_refusal(content)
        if refusal:
            return Response({"detail": refusal, "code": "unsafe_file"}, status=status.HTTP_400_BAD_REQUEST)
        result = verification.verify_pdf(content)
        return Response(s.VerificationSerializer(result).data)


@extend_schema(tags=["documents"])
class SealCAView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(summary="The portal's root CA certificate (PEM, public)",
                   description="Every seal certificate chains to it; import it into a PDF reader to see the seals "
                               "as trusted.",
                   responses={(200, "application/x-pem-file"): OpenApiTypes.STR, 404: ErrorSerializer})
    def get(self, request):
        pem = keystore.ca_certificate_pem()
        if not pem:
            return Response({"detail": _("The seals have not been set up yet."), "code": "no_ca"},
                            status=status.HTTP_404_NOT_FOUND)
        response = HttpResponse(pem, content_type="application/x-pem-file")
        response["Content-Disposition"] = 'attachment; filename="portal-ca.pem"'
        return response
