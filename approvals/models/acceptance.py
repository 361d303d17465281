"""Pre-review, supplement requests (一次告知) and commitments (告知承诺) of an application."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProblemKind(models.TextChoices):
    MATERIAL = "material", _("Material")
    FIELD = "field", _("Form field")


class PreReview(models.Model):
    """A request to look at unsealed drafts before formal submission; the answer lists every problem."""

    application = models.ForeignKey("approvals.Application", on_delete=models.CASCADE, related_name="pre_reviews")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True,
                                help_text=_("[{kind: material|field, key, reason}]; empty means ready to submit."))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("pre-review")
        verbose_name_plural = _("pre-reviews")
        ordering = ["-requested_at"]


class SupplementRequest(models.Model):
    """One notice listing every missing or wrong material and field (Art. 32: 一次告知)."""

    application = models.ForeignKey("approvals.Application", on_delete=models.CASCADE,
                                    related_name="supplement_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    problems = models.JSONField(_("what to supplement"),
                                help_text=_("[{kind: material|field, key, reason}], never empty."))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")
        ordering = ["-requested_at"]

    @property
    def material_keys(self) -> set[str]:
        return {p["key"] for p in self.problems if p["kind"] == ProblemKind.MATERIAL}

    @property
    def field_keys(self) -> set[str]:
        return {p["key"] for p in self.problems if p["kind"] == ProblemKind.FIELD}


class Commitment(models.Model):
    """The applicant's signed written commitment for an item that allows 告知承诺."""

    application = models.ForeignKey("approvals.Application", on_delete=models.CASCADE, related_name="commitments")
    item = models.ForeignKey("approvals.ServiceItem", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("commitment text"))
    text_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("signed as"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [models.UniqueConstraint(fields=["application", "item"], name="one_commitment_per_item")]
