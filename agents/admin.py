"""The agency records in the admin: view-only. Every change goes through the services (pages, API), which audit
it; the history rows (stewardship, reclassifications, authorisations once granted) are never edited here.

The portal's enterprise admin lets an administrator edit a company's leader and service agent; with the agency
layer installed those two fields change only through `agents.services.stewardship.reassign` (history row and
audit entry, with the reason the form asks for), like on the pages and in the API. The portal does not know
this: the agents' admin replaces the portal's registration of Enterprise (agents -> approvals -> portal)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agents.models import (
    AgencyCase, Authorization, Demand, DemandAttachment, DemandReclassification, InvestmentProject, ProjectStep,
    Stewardship,
)
from agents.services import stewardship
from portal.admin import EnterpriseAdmin as PortalEnterpriseAdmin
from portal.errors import DomainError
from portal.models import Enterprise


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Stewardship)
class StewardshipAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "leader", "agent", "since", "until", "changed_by", "reason"]
    list_filter = ["leader", "agent"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "reason"]
    date_hierarchy = "since"


@admin.register(Authorization)
class AuthorizationAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "agent", "scope", "valid_from", "valid_until", "granted_by", "granted_at",
                    "revoked_at"]
    list_filter = ["scope", "agent"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "agent__username", "power_of_attorney_sha256"]
    filter_horizontal = ["items", "packages"]


class DemandReclassificationInline(ReadOnlyInline):
    model = DemandReclassification
    fields = ["at", "from_class", "to_class", "reason", "by"]


class DemandAttachmentInline(ReadOnlyInline):
    model = DemandAttachment
    fields = ["original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]


@admin.register(Demand)
class DemandAdmin(ReadOnlyAdmin):
    list_display = ["reference", "enterprise", "title", "classification", "status", "owner", "raised_at", "due_at",
                    "resolved_at", "closed_at"]
    list_filter = ["status", "classification", "category"]
    search_fields = ["reference", "title", "enterprise__name", "owner__username"]
    date_hierarchy = "raised_at"
    inlines = [DemandReclassificationInline, DemandAttachmentInline]


@admin.register(AgencyCase)
class AgencyCaseAdmin(ReadOnlyAdmin):
    list_display = ["reference", "enterprise", "title", "agent", "status", "received_at", "reported_at",
                    "confirmed_at"]
    list_filter = ["status", "agent"]
    search_fields = ["reference", "title", "enterprise__name"]
    date_hierarchy = "received_at"
    filter_horizontal = ["applications"]


class ProjectStepInline(ReadOnlyInline):
    model = ProjectStep
    fields = ["number", "name", "planned_on", "done_on", "owner", "note"]


@admin.register(InvestmentProject)
class InvestmentProjectAdmin(ReadOnlyAdmin):
    list_display = ["name", "enterprise", "plot", "owner", "contract_signed_on", "land_supplied_on",
                    "land_handed_over_on", "construction_started_on"]
    search_fields = ["name", "plot", "enterprise__name"]
    inlines = [ProjectStepInline]


# --- a company's leader and agent: through the stewardship service -------------------------------------------
STEWARD_FIELDS = {"leader": "leader", "service_agent": "agent"}  # model field -> reassign() argument


class EnterpriseStewardshipForm(forms.ModelForm):
    """The enterprise form plus the reason a leader or agent changes; the service's refusals are form errors."""

    actor = None  # set per request by EnterpriseAdmin.get_form
    reason = forms.CharField(label=_("Reason for the change"), max_length=255, required=False,
                             help_text=_("Required when the leader or the service agent changes; it is kept in the "
                                         "company's stewardship history."))

    class Meta:
        model = Enterprise
        fields = "__all__"

    def steward_changes(self) -> dict:
        """{"leader": user, "agent": user} for the fields this form changes (nothing for the others)."""
        data = getattr(self, "cleaned_data", {})
        changes = {}
        for field, argument in STEWARD_FIELDS.items():
            if field in data and field in self.changed_data and data[field] is not None:
                changes[argument] = data[field]
        return changes

    def clean(self):
        data = super().clean()
        for field in STEWARD_FIELDS:
            if field in self.changed_data and data.get(field) is None and getattr(self.instance, f"{field}_id"):
                self.add_error(field, _("A company keeps its leader and agent: choose someone else instead."))
        changes = self.steward_changes()
        if changes and not self.errors:
            try:
                stewardship.check_reassignment(self.instance if self.instance.pk else None, actor=self.actor,
                                               reason=data.get("reason", ""), **changes)
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from exc
        return data


admin.site.unregister(Enterprise)


@admin.register(Enterprise)
class EnterpriseAdmin(PortalEnterpriseAdmin):
    """The portal's enterprise admin; the leader and the service agent change through the stewardship service."""

    form = EnterpriseStewardshipForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # a fresh class per request: the service checks who reassigns
        return form

    def save_model(self, request, obj, form, change):
        changes = form.steward_changes()
        if changes:
            # Everything but the leader and the agent is saved as usual; those two change in the service.
            stored = Enterprise.objects.filter(pk=obj.pk).values_list("leader_id", "service_agent_id").first()
            obj.leader_id, obj.service_agent_id = stored or (None, None)
        super().save_model(request, obj, form, change)
        if changes:
            stewardship.reassign(obj, actor=request.user, reason=form.cleaned_data["reason"], request=request,
                                 **changes)
            obj.refresh_from_db(fields=["leader", "service_agent"])
