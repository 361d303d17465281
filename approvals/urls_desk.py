"""Page URLs (names live in the "approvals" namespace)."""

from django.urls import path

from approvals.views import desk

urlpatterns = [
    path("", desk.desk, name="desk"),
    path("file/", desk.walk_in, name="desk_walk_in"),
    path("handover/", desk.handover_list, name="desk_handover_list"),
    path("<int:pk>/", desk.desk_application, name="desk_application"),
    path("<int:pk>/handover/", desk.handover, name="desk_handover"),
]
