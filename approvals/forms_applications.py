"""Django forms of the applicant's pages and the window clerk's desk.

The forms render inputs and check the shape of what was typed; the business rules (what a bundle asks for,
whether a value is valid for its field type, who may act) stay in the services. The one form is therefore
built from the bundle's fields with every input optional at the Django level: the service
`one_form.validate` decides, and its errors are attached to the fields, so a draft keeps invalid values.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from approvals.models import ApplicationStatus, DeliveryMethod, FieldType, Package, ServiceItem
from approvals.services import one_form
from portal.credit_code import normalise, problem
from portal.models import Enterprise

ACCEPTED_UPLOADS = "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"
BOOLEAN_CHOICES = [("", "—"), ("true", _("Yes")), ("false", _("No"))]


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *ApplicationStatus.choices])


# --- starting an application ---------------------------------------------------------------------------
class ChooseItemsForm(forms.Form):
    """A package, or a free choice of items (rendered as checkboxes grouped by department)."""

    package = forms.ModelChoiceField(queryset=Package.objects.filter(active=True), to_field_name="code",
                                     required=False, widget=forms.HiddenInput)
    items = forms.ModelMultipleChoiceField(
        label=_("Items"), queryset=ServiceItem.objects.filter(active=True).select_related("department"),
        to_field_name="code", required=False, widget=forms.CheckboxSelectMultiple,
    )
    title = forms.CharField(label=_("Title of the application (optional)"), max_length=200, required=False,
                            help_text=_("For example the project name; the package or item names are used "
                                        "when left empty."))

    def clean(self):
        data = super().clean()
        if not data.get("package") and not data.get("items"):
            raise forms.ValidationError(_("Choose at least one item."), code="empty")
        return data


class WalkInForm(ChooseItemsForm):
    """The window clerk files for a walk-in enterprise found by its credit code; an enterprise not yet
    registered is registered on the spot from its business licence (name and legal representative)."""

    credit_code = forms.CharField(label=_("Unified social credit code of the enterprise"), max_length=32,
                                  widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                                                "autocapitalize": "characters"}))
    package = forms.ModelChoiceField(label=_("Package"), queryset=Package.objects.filter(active=True),
                                     to_field_name="code", required=False, empty_label=_("— no package —"))
    enterprise_name = forms.CharField(label=_("Enterprise name (as on the business licence)"), max_length=128,
                                      required=False)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=64, required=False)
    address = forms.CharField(label=_("Registered address"), max_length=255, required=False)

    field_order = ["credit_code", "enterprise_name", "legal_representative", "address", "package", "items", "title"]

    enterprise = None  # the registered enterprise the code names, when there is one
    registration = None  # {"name", "legal_representative", "address"} to register a new one on the spot

    def clean_credit_code(self):
        code = normalise(self.cleaned_data["credit_code"])
        reason = problem(code)
        if reason:
            raise forms.ValidationError(reason, code="invalid_credit_code")
        self.enterprise = Enterprise.objects.filter(credit_code=code).first()
        return code

    def clean(self):
        data = super().clean()
        if data.get("package") and data.get("items"):
            raise forms.ValidationError(_("Choose either a package or items, not both."), code="both")
        code = data.get("credit_code")
        if code and self.enterprise is None:
            name = (data.get("enterprise_name") or "").strip()
            representative = (data.get("legal_representative") or "").strip()
            if not name or not representative:
                self.add_error("credit_code", forms.ValidationError(
                    _("No enterprise with the credit code %(code)s is registered in the portal yet. To register "
                      "it now, enter its name and legal representative from its business licence; or check the "
                      "code.") % {"code": code}, code="unknown_enterprise"))
                for key, value in (("enterprise_name", name), ("legal_representative", representative)):
                    if not value:
                        self.add_error(key, _("Required to register the enterprise."))
            else:
                self.registration = {"name": name, "legal_representative": representative,
                                     "address": (data.get("address") or "").strip()}
        return data


# --- the one form ----------------------------------------------------------------------------------------
def _plain(number) -> str:
    """A Decimal as HTML wants it in min/max: no exponent, no trailing zeros (5000.00 -> 5000)."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _widget_for(form_field):
    kind = form_field.field_type
    if kind in (FieldType.INTEGER, FieldType.DECIMAL):
        attrs = {"step": "1" if kind == FieldType.INTEGER else "any", "inputmode": "decimal"}
        if form_field.min_value is not None:
            attrs["min"] = _plain(form_field.min_value)
        if form_field.max_value is not None:
            attrs["max"] = _plain(form_field.max_value)
        return forms.NumberInput(attrs=attrs)
    if kind == FieldType.DATE:
        return forms.DateInput(attrs={"type": "date"})
    if kind == FieldType.CREDIT_CODE:
        return forms.TextInput(attrs={"maxlength": "18", "spellcheck": "false", "autocapitalize": "characters",
                                      "autocomplete": "off", "class": "mono"})
    if kind == FieldType.PHONE:
        return forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"})
    if kind == FieldType.CHOICE:
        return forms.Select(choices=[("", "—"), *[(c, c) for c in form_field.choices or []]])
    if kind == FieldType.BOOLEAN:
        return forms.Select(choices=BOOLEAN_CHOICES)
    if kind == FieldType.TEXTAREA:
        return forms.Textarea(attrs={"rows": 4})
    return forms.TextInput()


def _display(value):
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


class OneForm(forms.Form):
    """The bundle's one form: one input per canonical field, typed by its field type.

    `editable` limits which keys can be typed in (a supplement answer: only the listed fields); the others are
    rendered read-only. Errors come from the service and are attached with `attach_errors`.
    """

    prefix = "f"

    def __init__(self, bundled_fields, *, data=None, initial_values=None, editable=None):
        super().__init__(data=data)
        self.bundled = {b.field.key: b for b in bundled_fields}
        initial_values = initial_values or {}
        for bundled in bundled_fields:
            form_field = bundled.field
            label = form_field.label + (f"（{form_field.unit}）" if form_field.unit else "")
            widget = _widget_for(form_field)
            widget.attrs.setdefault("maxlength", str(one_form.max_length(form_field)))
            disabled = editable is not None and form_field.key not in editable
            if bundled.required:
                widget.attrs["aria-required"] = "true"
            self.fields[form_field.key] = forms.CharField(
                label=label, required=False, strip=False, disabled=disabled, widget=widget,
                initial=_display(initial_values.get(form_field.key)), help_text=form_field.help_text,
            )
            self.fields[form_field.key].bundle_required = bundled.required
            self.fields[form_field.key].used_by = bundled.items

    def typed_values(self) -> dict:
        """The raw values typed for the editable fields (strings), as the services expect them."""
        values = {}
        for key, field in self.fields.items():
            if field.disabled:
                continue
            name = self.add_prefix(key)
            if self.data is not None and name in self.data:
                values[key] = self.data.get(name, "")
        return values

    def attach_errors(self, errors: dict):
        """Show the service's problems next to their fields (the form is re-rendered with the typed values)."""
        self.full_clean()
        for key, message in errors.items():
            if key in self.fields:
                self.add_error(key, message)
            else:
                self.add_error(None, message)

    def required_keys(self):
        return {key for key, b in self.bundled.items() if b.required}


class CommitmentForm(forms.Form):
    signer_name = forms.CharField(label=_("Sign with your full name"), max_length=64,
                                  widget=forms.TextInput(attrs={"autocomplete": "name"}))


class MaterialUploadForm(forms.Form):
    material_type = forms.CharField(widget=forms.HiddenInput, max_length=64)
    file = forms.FileField(
        label=_("File (PDF, PNG or JPEG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_UPLOADS}),
        error_messages={"required": _("Choose a file to upload."),
                        "empty": _("The file is empty.")},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=255, required=False)
    confirm = forms.BooleanField(label=_("Yes, withdraw this application. Running reviews will be cancelled."),
                                 error_messages={"required": _("Tick the box to confirm the withdrawal.")})


class PaymentConfirmationForm(forms.Form):
    """The window clerk confirms a payment against the payment code on the payment notice (the finance side)."""

    payment_code = forms.CharField(
        label=_("Payment code"), max_length=40,
        help_text=_("As printed on the payment slip or the bank's record: it must match the payment notice."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Enter the payment code of the payment.")})
    receipt_number = forms.CharField(label=_("E-receipt number"), max_length=64,
                                     error_messages={"required": _("Enter the e-receipt number of the payment.")})


# --- the desk --------------------------------------------------------------------------------------------
class RefuseAcceptanceForm(forms.Form):
    reason = forms.CharField(label=_("Reason for not accepting"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000,
                             error_messages={"required": _("A decision not to accept must state the reason.")})
    apply_instead_to = forms.CharField(label=_("Where to apply instead"), max_length=255, required=False,
                                       help_text=_("The competent authority, when the matter belongs elsewhere."))


class ProblemChecklistForm(forms.Form):
    """One row per material and field of the bundle: a checkbox and a reason box (一次告知).

    Used for a supplement request (at least one row) and a pre-review answer (an empty list = ready).
    """

    def __init__(self, requirements, *, data=None, allow_empty=False, with_comment=False):
        super().__init__(data=data)
        self.allow_empty = allow_empty
        self.rows = []
        for bundled in requirements.materials:
            if bundled.never_asked:  # held by the government or issued in the bundle: never demanded
                continue
            self._add_row("material", bundled.material_type.key, bundled.material_type.name, bundled)
        for bundled in requirements.fields:
            self._add_row("field", bundled.field.key, bundled.field.label, bundled)
        if with_comment:
            self.fields["comment"] = forms.CharField(label=_("Comment to the applicant"), required=False,
                                                     max_length=2000,
                                                     widget=forms.Textarea(attrs={"rows": 2}))

    def _add_row(self, kind, key, label, bundled):
        check, reason = f"{kind}__{key}", f"{kind}__{key}__reason"
        self.fields[check] = forms.BooleanField(label=label, required=False)
        self.fields[reason] = forms.CharField(label=_("What is missing or wrong"), required=False, max_length=500)
        self.rows.append({"kind": kind, "key": key, "label": label, "bundled": bundled,
                          "check": check, "reason": reason})

    def bound_rows(self, kind):
        return [{**row, "check_field": self[row["check"]], "reason_field": self[row["reason"]]}
                for row in self.rows if row["kind"] == kind]

    @property
    def material_rows(self):
        return self.bound_rows("material")

    @property
    def field_rows(self):
        return self.bound_rows("field")

    def clean(self):
        data = super().clean()
        problems = []
        for row in self.rows:
            checked, reason = data.get(row["check"]), (data.get(row["reason"]) or "").strip()
            if checked and not reason:
                self.add_error(row["reason"], _("Say what is missing or wrong."))
            elif reason and not checked:
                self.add_error(row["check"], _("Tick this row to include the reason in the notice."))
            elif checked:
                problems.append({"kind": row["kind"], "key": row["key"], "reason": reason})
        if not problems and not self.allow_empty and not self.errors:
            raise forms.ValidationError(_("Tick at least one material or field to supplement."), code="empty")
        data["problems"] = problems
        return data


class DeliveryForm(forms.Form):
    method = forms.ChoiceField(label=_("Delivery"), choices=DeliveryMethod.choices, widget=forms.RadioSelect)
    tracking_number = forms.CharField(label=_("Tracking number (mail)"), max_length=64, required=False)

    def clean(self):
        data = super().clean()
        if data.get("method") == DeliveryMethod.MAIL and not (data.get("tracking_number") or "").strip():
            self.add_error("tracking_number", _("Mail delivery needs the tracking number."))
        return data
