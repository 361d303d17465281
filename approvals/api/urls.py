from django.urls import include, path
from rest_framework.routers import DefaultRouter

from approvals.api import after_checks, applications, calendar, catalog, documents, payments, ratings, reviews

router = DefaultRouter()
router.register("departments", catalog.DepartmentViewSet, basename="department")
router.register("items", catalog.ServiceItemViewSet, basename="item")
router.register("packages", catalog.PackageViewSet, basename="package")
router.register("applications", applications.ApplicationViewSet, basename="application")
router.register("reviews", reviews.ReviewViewSet, basename="review")
router.register("after-checks", after_checks.AfterCheckViewSet, basename="after-check")
router.register("ratings", ratings.RatingViewSet, basename="rating")
router.register("rectifications", ratings.RectificationViewSet, basename="rectification")
router.register("pain-points", ratings.PainPointViewSet, basename="pain-point")

urlpatterns = [
    path("calendar/days/", calendar.CalendarDaysView.as_view(), name="calendar-days"),
    path("calendar/add-working-days/", calendar.AddWorkingDaysView.as_view(), name="calendar-add-working-days"),
    path("payments/callback/", payments.PaymentCallbackView.as_view(), name="payments-callback"),
    path("applications/<int:pk>/documents/", documents.ApplicationDocumentsView.as_view(),
         name="application-documents"),
    path("documents/<int:pk>/download/", documents.DocumentDownloadView.as_view(), name="document-download"),
    path("documents/verify/", documents.DocumentVerifyView.as_view(), name="document-verify"),
    path("certificates/<str:number>/verify/", documents.CertificateVerifyView.as_view(), name="certificate-verify"),
    path("seals/ca.pem", documents.SealCAView.as_view(), name="seal-ca"),
    path("metrics/", ratings.MetricsView.as_view(), name="metrics"),
    path("", include(router.urls)),
]
