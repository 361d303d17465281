"""Serializers of issued documents and of the verification answer (shape only)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals.models import DocumentKind, DocumentStatus

from .common import DepartmentRefSerializer


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    title = serializers.CharField(help_text="The official (Chinese) title, e.g. 受理通知书 or the certificate's name.")
    number = serializers.CharField(allow_null=True, help_text="e.g. 渝北城管许〔2026〕第0001号; null while being issued.")
    status = serializers.ChoiceField(choices=DocumentStatus.choices, source="state",
                                     help_text="valid, revoked, expired or superseded; pending while being issued.")
    matter = serializers.CharField(help_text="The item, package or application the document is about.")
    item = serializers.CharField(source="item.code", allow_null=True, default=None)
    issued_at = serializers.DateTimeField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    department = DepartmentRefSerializer()
    sha256 = serializers.CharField(help_text="SHA-256 of the sealed PDF (empty while being issued).")
    download_url = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, document):
        if not document.sha256:
            return None
        return self.context["request"].build_absolute_uri(reverse("document-download", args=[document.pk]))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_verify_url(self, document):
        if not document.number or not document.sha256:
            return None
        return self.context["request"].build_absolute_uri(reverse("approvals:verify_number", args=[document.number]))


class PublicDocumentSerializer(serializers.Serializer):
    """What anyone may learn about a document by its number."""

    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    title = serializers.CharField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=DocumentStatus.choices, source="state")
    holder = serializers.CharField(source="enterprise.name", allow_null=True, default=None)
    credit_code = serializers.CharField(source="enterprise.credit_code", allow_null=True, default=None)
    matter = serializers.CharField()
    issued_at = serializers.DateTimeField()
    valid_until = serializers.DateField(allow_null=True)
    department = DepartmentRefSerializer()
    revoked_at = serializers.DateTimeField(allow_null=True)
    revocation_reason = serializers.CharField()
    sha256 = serializers.CharField()


class VerifyUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The PDF to check (it is not stored).")


class VerificationSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["genuine", "altered", "foreign", "unsigned", "unreadable", "unknown"])
    message = serializers.CharField(help_text="The verdict in plain words, in the caller's language.")
    valid_signature = serializers.BooleanField(
        help_text="Sealed, intact, made with a seal the portal's CA certified, covering the whole file.")
    matches_record = serializers.BooleanField(help_text="The file's SHA-256 is that of an issued document.")
    status = serializers.CharField(source="state",
                                   help_text="valid, revoked, expired, superseded, or unknown when not on record.")
    state_message = serializers.CharField()
    sha256 = serializers.CharField()
    document = PublicDocumentSerializer(allow_null=True)
