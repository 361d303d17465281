"""Administrators maintain departments, the item catalog and packages here.

Model validation (promised limit within the legal one, commitment text, fee ranges, staff roles) runs
through the forms' `full_clean`, so it shows as an error on the offending field. The admin adds the checks
that span inline rows: a fee's quantity must come from a number field; a package needs stages and lists an
item in one stage only.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from approvals.models import (
    Department,
    FeeRule,
    FieldType,
    FormField,
    ItemField,
    ItemMaterial,
    MaterialType,
    Package,
    PackageStage,
    ServiceItem,
    StaffAssignment,
)
from approvals.models.catalog import DeliveryOption

NUMBER_TYPES = (FieldType.INTEGER, FieldType.DECIMAL)


# --- departments ------------------------------------------------------------------------------------------

class StaffAssignmentInline(admin.TabularInline):
    model = StaffAssignment
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "title"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "document_prefix", "level", "approval_section", "window", "phone"]
    list_filter = ["level"]
    search_fields = ["code", "name", "short_name", "approval_section"]
    inlines = [StaffAssignmentInline]


# --- materials and form fields ----------------------------------------------------------------------------

@admin.register(MaterialType)
class MaterialTypeAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "issued_by_government", "max_pages"]
    list_filter = ["issued_by_government"]
    search_fields = ["key", "name", "description"]


@admin.register(FormField)
class FormFieldAdmin(admin.ModelAdmin):
    list_display = ["key", "label", "field_type", "unit", "min_value", "max_value"]
    list_filter = ["field_type"]
    search_fields = ["key", "label"]


# --- service items ----------------------------------------------------------------------------------------

class ServiceItemForm(forms.ModelForm):
    delivery_options = forms.MultipleChoiceField(
        label=_("delivery options"), choices=DeliveryOption.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ServiceItem
        fields = "__all__"


class ItemMaterialInline(admin.TabularInline):
    model = ItemMaterial
    extra = 0
    autocomplete_fields = ["material_type"]
    fields = ["material_type", "required", "copies", "note", "after_commitment"]


class ItemFieldInline(admin.TabularInline):
    model = ItemField
    extra = 0
    autocomplete_fields = ["field"]
    fields = ["field", "required", "order"]


class FeeRuleForm(forms.ModelForm):
    class Meta:
        model = FeeRule
        fields = ["name", "basis_field", "unit", "min_rate", "max_rate", "policy", "legal_basis"]

    def clean_basis_field(self):
        basis = self.cleaned_data.get("basis_field")
        if basis is not None and basis.field_type not in NUMBER_TYPES:
            raise ValidationError(
                _("The quantity of a fee must come from a number field; “%(label)s” is not one.")
                % {"label": basis.label}
            )
        return basis


class FeeRuleInline(admin.StackedInline):
    model = FeeRule
    form = FeeRuleForm
    extra = 0
    autocomplete_fields = ["basis_field"]


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    form = ServiceItemForm
    list_display = ["code", "name", "department", "kind", "legal_limit_days", "promised_limit_days",
                    "reduction", "immediate", "commitment_allowed", "fully_online", "active"]
    list_filter = ["department", "kind", "immediate", "commitment_allowed", "fully_online", "active"]
    list_select_related = ["department"]
    search_fields = ["code", "name", "department__name"]
    autocomplete_fields = ["department", "issued_material"]
    inlines = [ItemMaterialInline, ItemFieldInline, FeeRuleInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "department", "kind", "issues", "issued_material", "active"]}),
        (_("Time limits (working days)"), {"fields": ["legal_limit_days", "promised_limit_days"]}),
        (_("Handling"), {"fields": ["immediate", "fully_online", "delivery_options", "commitment_allowed",
                                    "commitment_text"]}),
        (_("Basis and conditions"), {"fields": ["legal_basis", "conditions"]}),
        (_("Electronic certificate"), {"fields": ["issues_certificate", "certificate_name",
                                                  "certificate_validity_years"]}),
    ]

    @admin.display(description=_("reduction"))
    def reduction(self, obj):
        share = obj.limit_reduction
        return "-" if share is None else f"{share * 100:.1f}%"


# --- packages ---------------------------------------------------------------------------------------------

class PackageStageFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        stages = [f for f in self.forms
                  if f.cleaned_data and not f.cleaned_data.get("DELETE", False)]
        if not stages:
            raise ValidationError(_("A package needs at least one stage."))
        seen = {}
        for form in stages:
            for item in form.cleaned_data.get("items", []):
                if item.pk in seen:
                    raise ValidationError(
                        _("“%(item)s” is listed in stage %(first)s and stage %(second)s: "
                          "an item belongs to one stage of a package.")
                        % {"item": item.name, "first": seen[item.pk], "second": form.cleaned_data.get("order")}
                    )
                seen[item.pk] = form.cleaned_data.get("order")


class PackageStageInline(admin.StackedInline):
    model = PackageStage
    formset = PackageStageFormSet
    extra = 0
    min_num = 1
    ordering = ["order"]
    autocomplete_fields = ["lead_department", "items"]
    fields = ["order", "name", "lead_department", "promised_limit_days", "items"]


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "joint", "stage_count", "active"]
    list_filter = ["joint", "active"]
    search_fields = ["code", "name"]
    inlines = [PackageStageInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_stage_count=Count("stages"))

    @admin.display(description=_("stages"), ordering="_stage_count")
    def stage_count(self, obj):
        return obj._stage_count
