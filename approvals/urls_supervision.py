"""Page URLs of supervision and 好差评 (names in the "approvals" namespace), under /supervision/."""

from django.urls import path

from approvals.views import ratings, supervision

urlpatterns = [
    path("", supervision.dashboard, name="supervision"),
    path("applications/", supervision.application_list, name="supervision_applications"),
    path("ratings/", supervision.rating_list, name="supervision_ratings"),
    path("live/", supervision.live_board, name="supervision_live"),
    path("report.pdf", supervision.monthly_report, name="monthly_report"),
    path("reports/", supervision.monthly_reports, name="monthly_reports"),
    path("rectifications/", ratings.rectification_list, name="rectifications"),
    path("rectifications/<int:pk>/", ratings.rectification_detail, name="rectification"),
    path("pain-points/", ratings.pain_point_list, name="pain_points"),
    path("pain-points/new/", ratings.flag_pain_point, name="flag_pain_point"),
    path("pain-points/<int:pk>/", ratings.pain_point_detail, name="pain_point"),
]
