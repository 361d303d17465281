"""Documents the portal issues (notices, decisions, e-certificates, payment papers): numbered, sealed, immutable.

One row per subject and kind (the application, a supplement notice, a pause, an item review, a catalog item ...)
unless superseded: a correction is a new row that `supersedes` the old one, both kept. A row is ordered in the
service transaction that causes it (status `pending`, the outbox), then issued by a Celery task which numbers,
renders, seals and stores the PDF and its SHA-256 in one transaction. See docs/documents.md.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition


class DocumentKind(models.TextChoices):
    CATALOG_NOTICE = "catalog_notice", _("One-time notice of what an application needs")
    RECEIPT = "receipt", _("Receipt of application materials")
    ACCEPTANCE = "acceptance", _("Notice of acceptance")
    NOT_ACCEPTED = "not_accepted", _("Notice of non-acceptance")
    SUPPLEMENT = "supplement", _("Notice to supplement materials")
    SUSPENSION = "suspension", _("Notice that the time limit is suspended")
    EXTENSION = "extension", _("Notice of extension")
    GRANT = "grant", _("Decision to grant the licence")
    REFUSAL = "refusal", _("Decision not to grant the licence")
    CERTIFICATE = "certificate", _("Electronic certificate")
    PAYMENT_NOTICE = "payment_notice", _("Payment notice")
    E_RECEIPT = "e_receipt", _("Electronic receipt")
    MONTHLY_REPORT = "monthly_report", _("Monthly supervision report")


K = DocumentKind
# The official titles, printed on the documents and in their file names (Chinese whatever the UI language).
OFFICIAL_TITLES = {
    K.CATALOG_NOTICE: "一次性告知单",
    K.RECEIPT: "申请材料接收凭证",
    K.ACCEPTANCE: "受理通知书",
    K.NOT_ACCEPTED: "不予受理通知书",
    K.SUPPLEMENT: "补正材料通知书",
    K.SUSPENSION: "中止计时告知书",
    K.EXTENSION: "延期告知书",
    K.GRANT: "准予行政许可决定书",
    K.REFUSAL: "不予行政许可决定书",
    K.CERTIFICATE: "电子证照",
    K.PAYMENT_NOTICE: "缴款通知书",
    K.E_RECEIPT: "电子票据",
    K.MONTHLY_REPORT: "政务服务监管月报",
}
# The series character(s) of each kind's number: 渝北城管 + 许 + 〔2026〕 + 第0001号. Each series counts on its own.
NUMBER_SERIES = {
    K.CATALOG_NOTICE: "告",
    K.RECEIPT: "收",
    K.ACCEPTANCE: "受",
    K.NOT_ACCEPTED: "不受",
    K.SUPPLEMENT: "补",
    K.SUSPENSION: "中止",
    K.EXTENSION: "延",
    K.GRANT: "许",
    K.REFUSAL: "不许",
    K.CERTIFICATE: "证",
    K.PAYMENT_NOTICE: "缴",
    K.E_RECEIPT: "票",
    K.MONTHLY_REPORT: "监",
}


class DocumentStatus(models.TextChoices):
    """`expired` is never stored: `IssuedDocument.objects.with_state()` derives it from `valid_until`."""

    PENDING = "pending", _("Being issued")
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Superseded")


S = DocumentStatus


class IssuedDocumentQuerySet(models.QuerySet):
    def with_state(self, today=None):
        """Annotate `state`: the stored status, except a valid document past its `valid_until` is expired."""
        today = today or timezone.localdate()
        return self.annotate(state=Case(
            When(status=S.VALID, valid_until__lt=today, then=Value(S.EXPIRED.value)),
            default=F("status"), output_field=models.CharField(),
        ))

    def issued(self):
        """Documents with a file (everything but the pending ones)."""
        return self.exclude(status=S.PENDING)

    def current(self):
        """The document of each subject and kind that has not been superseded."""
        return self.exclude(status=S.SUPERSEDED)


def document_path(instance, filename):
    # The content hash names the file: a new document never lands on an existing name.
    return f"documents/{instance.issued_at:%Y}/{instance.department.code}/{instance.sha256}.pdf"


class IssuedDocument(models.Model):
    kind = models.CharField(_("kind"), max_length=24, choices=DocumentKind.choices)
    status = FSMField(_("status"), max_length=16, choices=DocumentStatus.choices, default=S.PENDING,
                      protected=True, db_index=True)

    # What it is about: the subject (application, supplement notice, pause, item review, catalog item, package)
    # and, for search and access, the application, the holder and the issuing department.
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    application = models.ForeignKey("approvals.Application", verbose_name=_("application"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="documents")
    enterprise = models.ForeignKey("portal.Enterprise", verbose_name=_("holder"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="issued_documents")
    department = models.ForeignKey("approvals.Department", verbose_name=_("issuing department"),
                                   on_delete=models.PROTECT, related_name="issued_documents")
    item = models.ForeignKey("approvals.ServiceItem", verbose_name=_("item"), on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+")
    title = models.CharField(_("title"), max_length=128)
    matter = models.CharField(_("matter"), max_length=255, blank=True,
                              help_text=_("The item, package or application the document is about."))

    # Issued: number, date, file and its hash (never changed afterwards).
    number = models.CharField(_("number"), max_length=64, unique=True, null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=document_path, blank=True, max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    facts = models.JSONField(_("content"), default=dict, blank=True,
                             help_text=_("What the document says, captured when it was ordered."))
    source_sha256 = models.CharField(
        _("SHA-256 of the content"), max_length=64, blank=True,
        help_text=_("Of the data the document was rendered from; a catalog notice is reissued when it changes."),
    )
    signer_name = models.CharField(_("signed for the department by"), max_length=64, blank=True)
    supersedes = models.OneToOneField("self", verbose_name=_("supersedes"), on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="superseded_by")
    on_file = models.OneToOneField("approvals.EnterpriseDocument", verbose_name=_("document on file"),
                                   on_delete=models.SET_NULL, null=True, blank=True, related_name="issued_document")

    # Revocation.
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    # The outbox: when the issuing task should be (re)published if it has not run.
    ordered_at = models.DateTimeField(_("ordered at"), default=timezone.now)
    retry_at = models.DateTimeField(_("publish the issuing task again at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    objects = IssuedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-ordered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id", "kind"],
                                    condition=~Q(status="superseded"), name="one_current_document_per_subject"),
        ]
        indexes = [
            models.Index(fields=["retry_at"], name="document_pending_retry", condition=Q(status="pending")),
            models.Index(fields=["application", "kind"], name="document_application_kind"),
        ]

    def __str__(self):
        return f"{self.title} {self.number or _('(being issued)')}"

    def _snapshot(self):
        return (self.kind, self.number, self.sha256, self.file.name or "", self.issued_at, self.subject_type_id,
                self.subject_id)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._issued = instance._snapshot() if instance.sha256 else None
        return instance

    def save(self, *args, **kwargs):
        issued = getattr(self, "_issued", None)
        if issued is not None and self._snapshot() != issued:
            raise ValueError("An issued document cannot change its number, file or hash.")
        super().save(*args, **kwargs)
        self._issued = self._snapshot() if self.sha256 else None

    def delete(self, *args, **kwargs):
        raise ValueError("An issued document is a record and cannot be deleted.")

    # --- transitions: pure ----------------------------------------------------------------------------------
    @transition(field=status, source=S.PENDING, target=S.VALID)
    def issue(self, *, number, year, sequence, at, sha256, size, source_sha256, valid_until=None, signer_name=""):
        self.number, self.year, self.sequence, self.issued_at = number, year, sequence, at
        self.sha256, self.size, self.source_sha256 = sha256, size, source_sha256
        self.valid_until = valid_until
        self.signer_name = signer_name
        self.retry_at = None

    @transition(field=status, source=S.VALID, target=S.REVOKED)
    def revoke(self, *, by, at, reason):
        self.revoked_by, self.revoked_at, self.revocation_reason = by, at, reason

    @transition(field=status, source=S.VALID, target=S.SUPERSEDED)
    def supersede(self):
        pass

    @property
    def file_name(self) -> str:
        """The Chinese file name it is downloaded under."""
        return f"{self.title}_{self.number or self.pk}.pdf"


class DocumentCounter(models.Model):
    """The last number given in one series (department, year, series): locked while a number is taken."""

    department = models.ForeignKey("approvals.Department", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    series = models.CharField(_("series"), max_length=8)
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("document number counter")
        verbose_name_plural = _("document number counters")
        constraints = [models.UniqueConstraint(fields=["department", "year", "series"], name="one_counter_per_series")]

    def __str__(self):
        return f"{self.department} {self.series} {self.year}: {self.last}"
