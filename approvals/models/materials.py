"""Materials: each file stored once per application and linked to every item that needs it.

A replaced file (a supplement answer) is kept with `is_current=False`, so the history of each material stays.
Documents the portal already holds for an enterprise (its business licence, certificates the portal issued)
are `EnterpriseDocument`s and are attached to new applications automatically (免提交).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def material_path(instance, filename):
    # The name on disk is the content hash: safe, unique, never the user's own file name.
    return f"materials/{instance.application_id}/{instance.sha256}{instance.extension}"


def enterprise_document_path(instance, filename):
    return f"enterprise-documents/{instance.enterprise_id}/{instance.sha256}{instance.extension}"


class MaterialSource(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    ON_FILE = "on_file", _("Held by the government, attached automatically")


class StoredFileMixin(models.Model):
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)

    class Meta:
        abstract = True

    @property
    def extension(self) -> str:
        return {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}.get(self.content_type, "")


class EnterpriseDocument(StoredFileMixin):
    enterprise = models.ForeignKey("portal.Enterprise", on_delete=models.CASCADE, related_name="documents",
                                   verbose_name=_("enterprise"))
    material_type = models.ForeignKey("approvals.MaterialType", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("material type"))
    file = models.FileField(_("file"), upload_to=enterprise_document_path)
    title = models.CharField(_("title"), max_length=200)
    issued_at = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("document on file")
        verbose_name_plural = _("documents on file")
        ordering = ["enterprise", "material_type"]

    def __str__(self):
        return f"{self.enterprise}: {self.title}"


class MaterialFileQuerySet(models.QuerySet):
    def visible_to(self, user, *, today=None):
        """A material is visible exactly when its application is (Application.objects.visible_to)."""
        from approvals.models.applications import Application

        return self.filter(application__in=Application.objects.visible_to(user, today=today).values("pk"))


class MaterialFile(StoredFileMixin):
    application = models.ForeignKey("approvals.Application", on_delete=models.CASCADE, related_name="materials",
                                    verbose_name=_("application"))
    material_type = models.ForeignKey("approvals.MaterialType", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("material type"))
    items = models.ManyToManyField("approvals.ServiceItem", related_name="+", verbose_name=_("used by items"))
    file = models.FileField(_("file"), upload_to=material_path)
    source = models.CharField(_("source"), max_length=16, choices=MaterialSource.choices,
                              default=MaterialSource.UPLOADED)
    on_file = models.ForeignKey(EnterpriseDocument, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    version = models.PositiveIntegerField(_("version"), default=1)
    # Several files may make up one material (a plan and its photos): part 1 is the material's main file, further
    # parts are added to it; each part has its own versions.
    part = models.PositiveSmallIntegerField(_("part"), default=1)
    is_current = models.BooleanField(_("current"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = MaterialFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["material_type__key", "part", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["application", "material_type", "part"],
                                    condition=models.Q(is_current=True), name="one_current_file_per_material_part"),
        ]

    def __str__(self):
        return f"{self.application.reference}: {self.material_type} v{self.version}"
