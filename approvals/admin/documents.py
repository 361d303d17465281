"""Issued documents in the admin: read only; revoking goes through the service (audited), with a reason."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from approvals.documents.issuing import revoke_document
from approvals.models import IssuedDocument
from portal.errors import DomainError


class RevocationForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revocation"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=1000)


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "kind", "status", "enterprise", "department", "issued_at", "valid_until"]
    list_filter = ["kind", "status", "department"]
    list_select_related = ["enterprise", "department"]
    search_fields = ["number", "title", "matter", "enterprise__name", "enterprise__credit_code", "sha256",
                     "application__reference"]
    date_hierarchy = "ordered_at"
    actions = ["revoke"]
    exclude = ["facts"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "facts"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD") and super().has_change_permission(request, obj)

    def has_revoke_permission(self, request):
        return request.user.has_perm("approvals.change_issueddocument")

    @admin.action(description=_("Revoke the selected documents (with a reason)"), permissions=["revoke"])
    def revoke(self, request, queryset):
        form = RevocationForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for document in queryset:
                try:
                    revoke_document(document, reason=form.cleaned_data["reason"], actor=request.user,
                                    request=request)
                except DomainError as exc:
                    self.message_user(request, f"{document}: {exc.message}", messages.ERROR)
                else:
                    done += 1
            if done:
                self.message_user(request, gettext("%(n)d documents revoked.") % {"n": done}, messages.SUCCESS)
            return None
        return render(request, "admin/approvals/issueddocument/revoke.html", {
            **self.admin_site.each_context(request), "title": _("Revoke documents"), "documents": queryset,
            "form": form, "opts": self.model._meta, "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })
