from django.urls import include, path

from approvals import urls_applicant, urls_boards, urls_desk, urls_reviews, urls_supervision
from approvals.views import blank_forms, calendar, catalog, documents, lookup, ratings

app_name = "approvals"

urlpatterns = [
    path("catalog/", catalog.item_list, name="catalog"),
    path("catalog/items/<str:code>/", catalog.item_detail, name="item"),
    path("catalog/packages/", catalog.package_list, name="packages"),
    path("catalog/packages/<slug:code>/", catalog.package_detail, name="package"),
    path("catalog/items/<str:code>/form.pdf", blank_forms.item_blank_form, name="item_blank_form"),
    path("catalog/packages/<slug:code>/form.pdf", blank_forms.package_blank_form, name="package_blank_form"),
    path("catalog/items/<str:code>/notice.pdf", documents.item_notice, name="item_notice"),
    path("catalog/packages/<slug:code>/notice.pdf", documents.package_notice, name="package_notice"),
    path("lookup/", lookup.lookup, name="lookup"),
    path("verify/", documents.verify, name="verify"),
    path("verify/<str:number>/", documents.verify_number, name="verify_number"),
    path("documents/<int:pk>/", documents.document, name="document"),
    path("documents/<int:pk>/download/", documents.download, name="document_download"),
    path("catalog/calendar/", calendar.calendar_month, name="calendar"),
    path("applications/", include(urls_applicant)),
    path("desk/", include(urls_desk)),
    path("reviews/", include(urls_reviews)),
    path("boards/", include(urls_boards)),
    path("supervision/", include(urls_supervision)),
    path("applications/<int:pk>/rate/", ratings.rate_application, name="rate_application"),
    path("ratings/awaiting/", ratings.awaiting_rating, name="awaiting_rating"),
]
