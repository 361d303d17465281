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


class AfterCheckOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Commitment confirmed")
    FALSE_COMMITMENT = "false_commitment", _("False commitment")


class AfterCheckQuerySet(models.QuerySet):
    def open(self):
        return self.filter(outcome="")

    def done(self):
        return self.exclude(outcome="")

    def with_light(self, now):
        """`light`: done once an outcome is recorded, red past the due time, yellow from `warn_at`, else green.

        The one definition of an after-check's light, computed by the database from stored columns (the
        worklist, its filter and the API all use it)."""
        from approvals.clocks import Light

        return self.annotate(light=models.Case(
            models.When(~models.Q(outcome=""), then=models.Value(Light.DONE)),
            models.When(due_at__lte=now, then=models.Value(Light.RED)),
            models.When(warn_at__lte=now, then=models.Value(Light.YELLOW)),
            default=models.Value(Light.GREEN), output_field=models.CharField(),
        ))

    def visible_to(self, user):
        """Department staff and chiefs: their department's checks. Leaders, administrators, supervisors: all."""
        from portal.models.users import Role

        if not user.is_authenticated:
            return self.none()
        if user.role in (Role.LEADER, Role.ADMIN, Role.SUPERVISOR):
            return self.all()
        assignment = getattr(user, "assignment", None)
        if user.role in (Role.STAFF, Role.CHIEF) and assignment is not None:
            return self.filter(department_id=assignment.department_id)
        return self.none()


class AfterCheck(models.Model):
    """事后核查: the department verifies a decision made on the applicant's commitment, by a due date.

    Opened when the chief signs an approval on commitment; `due_at` is counted in working days (settings
    COMMITMENT_CHECK_DAYS). The department records the outcome: confirmed, or a false commitment, which revokes
    the decision and bars the enterprise from further commitments. `check_at` is the sweep's column: when it
    passes without an outcome the department is warned, once.
    """

    review = models.OneToOneField("approvals.ItemReview", on_delete=models.PROTECT, related_name="after_check",
                                  verbose_name=_("decision on commitment"))
    department = models.ForeignKey("approvals.Department", on_delete=models.PROTECT, related_name="after_checks",
                                   verbose_name=_("department"))
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("commitment"))
    opened_at = models.DateTimeField(_("opened at"))
    due_at = models.DateTimeField(_("due at"), db_index=True)
    warn_at = models.DateTimeField(_("yellow from"), null=True, blank=True)
    check_at = models.DateTimeField(_("next deadline check"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=AfterCheckOutcome.choices, blank=True)
    note = models.TextField(_("findings"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("checked by"))
    decided_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    objects = AfterCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("after-check")
        verbose_name_plural = _("after-checks")
        ordering = ["due_at", "id"]
        indexes = [
            # The department's worklist: its open checks by due date.
            models.Index(fields=["department", "due_at"], name="after_check_open",
                         condition=models.Q(outcome="")),
            # The deadline sweep reads only checks whose warning has not fired yet.
            models.Index(fields=["check_at"], name="after_check_next",
                         condition=models.Q(check_at__isnull=False)),
        ]

    def __str__(self):
        return f"{self.review}: {self.get_outcome_display() or self.due_at.date().isoformat()}"
