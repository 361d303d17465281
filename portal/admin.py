"""Admin for identity: users (with role and enterprise), parks, enterprises; the audit log read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.audit_hooks import audited_delete_selected
from portal.models import AuditEntry, Enterprise, Park, User

# The admin in the portal's name and language (templates/admin/base_site.html gives it the portal's colours).
admin.site.site_header = _("One-stop approval portal administration")
admin.site.site_title = _("One-stop approval portal administration")
admin.site.index_title = _("Administration")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "enterprise", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser"]
    list_select_related = ["enterprise"]
    search_fields = ["username", "full_name", "phone", "email", "enterprise__name"]
    autocomplete_fields = ["enterprise"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Portal identity"), {"fields": ["role", "full_name", "phone", "email", "language", "enterprise"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "usable_password", "password1", "password2"]}),
        (_("Portal identity"), {"fields": ["role", "full_name", "phone", "enterprise"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "operator"]
    search_fields = ["code", "name", "operator"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "park", "leader", "service_agent", "false_commitment_recorded"]
    list_filter = ["park", "false_commitment_recorded"]
    list_select_related = ["park", "leader", "service_agent"]
    search_fields = ["name", "credit_code", "legal_representative"]
    autocomplete_fields = ["park", "leader", "service_agent"]
    readonly_fields = ["created_at"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log can be read, never written, changed or deleted here (等保 2.0)."""

    list_display = ["at", "actor_name", "event", "success", "subject_type", "subject_id", "summary", "ip_address"]
    list_filter = ["success", "event"]
    search_fields = ["actor_name", "event", "summary", "subject_id"]
    date_hierarchy = "at"
    readonly_fields = ["at", "prev_hash", "hash"]  # not editable, so shown only when named here

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Bulk deletions in any ModelAdmin leave one audit entry per deleted row (portal.audit_hooks).
admin.site.add_action(audited_delete_selected, "delete_selected")
