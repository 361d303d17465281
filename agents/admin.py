"""The agency records in the admin: view-only. Every change goes through the services (pages, API), which audit
it; the history rows (stewardship, reclassifications, authorisations once granted) are never edited here."""

from django.contrib import admin

from agents.models import (
    AgencyCase, Authorization, Demand, DemandAttachment, DemandReclassification, InvestmentProject, ProjectStep,
    Stewardship,
)


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
