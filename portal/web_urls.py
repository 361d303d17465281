from django.urls import path

from portal.views import account, audit_export, auth, health, home, notifications, preferences

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("account/", account.account, name="account"),
    path("account/two-factor/", account.enrol_totp, name="enrol_totp"),
    path("account/password/", account.change_password, name="password_change"),
    path("account/sessions/<int:pk>/end/", account.end_session, name="end_session"),
    path("account/tokens/<int:pk>/revoke/", account.end_token, name="end_token"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.mark_notifications_read, name="notifications_read"),
    path("audit/export/", audit_export.export, name="audit_export"),
    path("preferences/care-mode/", preferences.toggle_care_mode, name="care_mode"),
    path("healthz", health.healthz, name="healthz"),
]
