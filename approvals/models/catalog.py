"""The item catalog (事项清单): items, their materials, form fields and fee rules.

Material types and form fields have canonical keys shared across items, so a bundle of items can ask
each material and each field once.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .departments import Department


class ItemKind(models.TextChoices):
    LICENCE = "licence", _("Licence")
    FILING = "filing", _("Filing")
    OTHER = "other", _("Other power")


class DeliveryOption(models.TextChoices):
    WINDOW = "window", _("Pick up at the window")
    MAIL = "mail", _("Mail delivery")
    ELECTRONIC = "electronic", _("Electronic certificate")


class MaterialType(models.Model):
    key = models.SlugField(_("canonical key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=128)
    description = models.TextField(_("what it is"), blank=True)
    issued_by_government = models.BooleanField(
        _("held by the government"), default=False,
        help_text=_("Documents the government already holds are attached automatically (免提交)."),
    )
    max_pages = models.PositiveIntegerField(_("page limit"), null=True, blank=True)

    class Meta:
        verbose_name = _("material type")
        verbose_name_plural = _("material types")
        ordering = ["key"]

    def __str__(self):
        return self.name


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    TEXTAREA = "textarea", _("Long text")
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Number")
    DATE = "date", _("Date")
    CREDIT_CODE = "credit_code", _("Unified social credit code")
    PHONE = "phone", _("Phone number")
    CHOICE = "choice", _("Choice")
    BOOLEAN = "boolean", _("Yes / no")


class FormField(models.Model):
    key = models.SlugField(_("canonical key"), max_length=64, unique=True)
    label = models.CharField(_("label"), max_length=128)
    field_type = models.CharField(_("type"), max_length=16, choices=FieldType.choices, default=FieldType.TEXT)
    help_text = models.CharField(_("help text"), max_length=255, blank=True)
    min_value = models.DecimalField(_("minimum"), max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=14, decimal_places=2, null=True, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True,
                               help_text=_("For choice fields: a list of options."))
    unit = models.CharField(_("unit"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        ordering = ["key"]

    def __str__(self):
        return f"{self.label} ({self.key})"

    def clean(self):
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise ValidationError({"max_value": _("The maximum must not be below the minimum.")})
        if self.field_type == FieldType.CHOICE and not self.choices:
            raise ValidationError({"choices": _("A choice field needs at least one option.")})


class ServiceItem(models.Model):
    code = models.CharField(_("item code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=128)
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="items")
    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices, default=ItemKind.LICENCE)
    legal_limit_days = models.PositiveIntegerField(_("legal limit (working days)"),
                                                   validators=[MinValueValidator(0)])
    promised_limit_days = models.PositiveIntegerField(_("promised limit (working days)"),
                                                      validators=[MinValueValidator(0)])
    immediate = models.BooleanField(_("handled immediately (即办)"), default=False)
    commitment_allowed = models.BooleanField(_("commitment allowed (告知承诺)"), default=False)
    commitment_text = models.TextField(_("commitment text"), blank=True)
    fully_online = models.BooleanField(_("fully online"), default=True)
    delivery_options = models.JSONField(_("delivery options"), default=list, blank=True,
                                        help_text=_("Any of: window, mail, electronic."))
    issues = models.CharField(_("what it issues"), max_length=128, blank=True,
                              help_text=_("The certificate or decision the applicant receives."))
    issued_material = models.ForeignKey(
        MaterialType, verbose_name=_("issues the document"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="issuing_items",
        help_text=_("The material type of what this item issues: a bundle that contains this item never asks "
                    "the applicant for it, and an e-certificate it issues becomes a document on file of this "
                    "type for the holder's next bundles (免提交)."),
    )
    issues_certificate = models.BooleanField(_("issues an electronic certificate"), default=False)
    certificate_name = models.CharField(_("certificate name"), max_length=64, blank=True,
                                        help_text=_("e.g. 建设用地规划许可证; printed on the electronic certificate."))
    certificate_validity_years = models.PositiveSmallIntegerField(
        _("certificate validity (years)"), null=True, blank=True, help_text=_("Empty: valid without a time limit."))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    materials = models.ManyToManyField(MaterialType, through="ItemMaterial", related_name="items",
                                       verbose_name=_("required materials"))
    fields = models.ManyToManyField(FormField, through="ItemField", related_name="items",
                                    verbose_name=_("form fields"))
    active = models.BooleanField(_("on the catalog"), default=True)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["department__code", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(promised_limit_days__lte=models.F("legal_limit_days")),
                name="item_promised_within_legal",
                violation_error_message=_("The promised limit must not exceed the legal limit."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def clean(self):
        if (self.promised_limit_days is not None and self.legal_limit_days is not None
                and self.promised_limit_days > self.legal_limit_days):
            raise ValidationError({
                "promised_limit_days": _(
                    "The promised limit (%(promised)d working days) must not exceed the legal limit "
                    "(%(legal)d working days)."
                ) % {"promised": self.promised_limit_days, "legal": self.legal_limit_days}
            })
        unknown = [d for d in self.delivery_options or [] if d not in DeliveryOption.values]
        if unknown:
            raise ValidationError({"delivery_options": _("Unknown delivery option: %(v)s") % {"v": ", ".join(unknown)}})
        if self.commitment_allowed and not self.commitment_text.strip():
            raise ValidationError({"commitment_text": _("An item that allows 告知承诺 needs its commitment text.")})
        if self.issues_certificate and not self.certificate_name.strip():
            raise ValidationError({"certificate_name": _("An item that issues a certificate needs its name.")})

    @property
    def limit_reduction(self) -> Decimal | None:
        """How much shorter the promised limit is than the legal one, as a share (seed 001: 73.8%)."""
        if not self.legal_limit_days:
            return None
        return Decimal(self.legal_limit_days - self.promised_limit_days) / Decimal(self.legal_limit_days)

    def delivery_labels(self):
        labels = dict(DeliveryOption.choices)
        return [labels.get(d, d) for d in self.delivery_options or []]


class ItemMaterial(models.Model):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="item_materials")
    material_type = models.ForeignKey(MaterialType, on_delete=models.PROTECT, related_name="item_materials",
                                      verbose_name=_("material type"))
    required = models.BooleanField(_("required"), default=True)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    note = models.CharField(_("note"), max_length=255, blank=True)
    after_commitment = models.BooleanField(
        _("may follow the commitment (告知承诺)"), default=False,
        help_text=_("An applicant who signs the item's written commitment hands this material in after the "
                    "decision; it is not required before submission."),
    )

    class Meta:
        verbose_name = _("required material")
        verbose_name_plural = _("required materials")
        constraints = [models.UniqueConstraint(fields=["item", "material_type"], name="item_material_once")]

    def __str__(self):
        return f"{self.item.code}: {self.material_type}"

    def clean(self):
        if self.after_commitment and self.item_id and not self.item.commitment_allowed:
            raise ValidationError({"after_commitment": _(
                "Only an item that allows 告知承诺 can let a material follow the commitment.")})


class ItemField(models.Model):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="item_fields")
    field = models.ForeignKey(FormField, on_delete=models.PROTECT, related_name="item_fields",
                              verbose_name=_("form field"))
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("form field of an item")
        verbose_name_plural = _("form fields of an item")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "field"], name="item_field_once")]

    def __str__(self):
        return f"{self.item.code}: {self.field.key}"


class FeePolicy(models.TextChoices):
    LOWER_BOUND = "lower_bound", _("Charge the lower bound")
    UPPER_BOUND = "upper_bound", _("Charge the upper bound")


class FeeRule(models.Model):
    """A fee with a legal range per unit of a form field's quantity (e.g. yuan per m² of green space).

    The standard amount is the upper bound (what used to be charged); the policy decides what is charged.
    """

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="fee_rules",
                             verbose_name=_("service item"))
    name = models.CharField(_("name"), max_length=128)
    basis_field = models.ForeignKey(
        FormField, verbose_name=_("quantity field"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="fee_rules", help_text=_("The form field giving the quantity; empty for a flat fee."),
    )
    unit = models.CharField(_("unit basis"), max_length=32, help_text=_("e.g. yuan per m², yuan per tree"))
    min_rate = models.DecimalField(_("legal minimum rate"), max_digits=12, decimal_places=2,
                                   validators=[MinValueValidator(0)])
    max_rate = models.DecimalField(_("legal maximum rate"), max_digits=12, decimal_places=2,
                                   validators=[MinValueValidator(0)])
    policy = models.CharField(_("policy"), max_length=16, choices=FeePolicy.choices, default=FeePolicy.LOWER_BOUND)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("fee rule")
        verbose_name_plural = _("fee rules")
        ordering = ["item", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(min_rate__lte=models.F("max_rate")),
                                   name="fee_rule_min_within_max",
                                   violation_error_message=_("The legal minimum must not exceed the maximum.")),
        ]

    def __str__(self):
        return f"{self.item.code}: {self.name}"

    def clean(self):
        if self.min_rate is not None and self.max_rate is not None and self.min_rate > self.max_rate:
            raise ValidationError({"max_rate": _("The legal maximum must not be below the minimum.")})
