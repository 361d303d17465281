from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

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
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]
# Media is never served as static files: materials are personal data, served only through the views that
# check who may see them (approvals.views.materials).

# The pages' 404 and 403 in the user's language; under /api/ they answer JSON (portal.views.errors).
handler404 = "portal.views.errors.page_not_found"
handler403 = "portal.views.errors.permission_denied"
handler500 = "portal.views.errors.server_error"
