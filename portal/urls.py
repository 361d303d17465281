from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from csp.constants import NONCE
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from portal.views.language import set_language

urlpatterns = [
    path("", include("portal.web_urls")),
    path("", include("approvals.web_urls")),
    path("park/", include("agents.web_urls")),
    path("admin/", admin.site.urls),
    # Django's language switch, which also keeps a logged-in user's choice for their notifications.
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", include("portal.api.urls")),
    path("api/v1/", include("approvals.api.urls")),
    path("api/v1/", include("agents.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The documentation pages load their scripts and styles from files served by the portal (drf-spectacular's
    # sidecar, no CDN): no inline script and no 'unsafe-inline' (docs/security.md). Swagger UI sets styles
    # through the DOM (allowed); Redoc writes <style> elements, which carry this response's nonce.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
         name="swagger-ui"),
    path("api/redoc/", csp_update({"style-src": [NONCE]})(SpectacularRedocView.as_view(
        url_name="schema", template_name="api/redoc.html")), name="redoc"),
]
# Media is never served as static files: materials are personal data, served only through the views that
# check who may see them (approvals.views.materials).

# The pages' 404 and 403 in the user's language; under /api/ they answer JSON (portal.views.errors).
handler404 = "portal.views.errors.page_not_found"
handler403 = "portal.views.errors.permission_denied"
handler400 = "portal.views.errors.bad_request"
handler500 = "portal.views.errors.server_error"
