"""The Django admin behind the portal's two-step login: no password-only way in (等保 2.0 level 3, ASVS V6).

The admin's own login form is never shown: `/admin/login/` sends the visitor to the portal's login (password and
TOTP code) and back. Every admin page also asks for a session whose second factor was verified, so a session made
any other way (an old cookie, `force_login`, a password-only form elsewhere) gets the login page, not the admin.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode


class PortalAdminSite(admin.AdminSite):
    def has_permission(self, request):
        user = request.user
        return super().has_permission(request) and user.is_verified()

    def login(self, request, extra_context=None):
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(f"{reverse('portal:login')}?{urlencode({'next': target})}")

    def logout(self, request, extra_context=None):
        """The portal's logout: audited, and the session's row on the account page goes with it."""
        from portal.views.auth import logout_view

        return logout_view(request)

    def password_change(self, request, extra_context=None):
        """The portal's page: the validators, and every other session and API token ends."""
        return HttpResponseRedirect(reverse("portal:password_change"))


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"
