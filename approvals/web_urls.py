from django.urls import path

from approvals.views import calendar, catalog

app_name = "approvals"

urlpatterns = [
    path("", catalog.item_list, name="catalog"),
    path("items/<str:code>/", catalog.item_detail, name="item"),
    path("packages/", catalog.package_list, name="packages"),
    path("packages/<slug:code>/", catalog.package_detail, name="package"),
    path("calendar/", calendar.calendar_month, name="calendar"),
]
