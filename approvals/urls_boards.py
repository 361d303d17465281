"""Page URLs of the deadline boards (names in the "approvals" namespace), under /boards/."""

from django.urls import path

from approvals.views import boards

urlpatterns = [
    path("escalations/", boards.escalations, name="escalations"),
    path("overdue/", boards.overdue_board, name="overdue_board"),
]
