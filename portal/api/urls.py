from django.urls import path

from portal.api import auth

urlpatterns = [
    path("auth/token/", auth.ObtainTokenView.as_view(), name="api-token"),
]
