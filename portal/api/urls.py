from django.urls import path

from portal.api import auth, notifications

urlpatterns = [
    path("auth/token/", auth.ObtainTokenView.as_view(), name="api-token"),
    path("auth/token/logout/", auth.RevokeTokenView.as_view(), name="api-token-logout"),
    path("notifications/", notifications.NotificationListView.as_view(), name="api-notifications"),
    path("notifications/read/", notifications.MarkReadView.as_view(), name="api-notifications-read"),
]
