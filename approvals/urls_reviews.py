"""Page URLs (names live in the "approvals" namespace): the department review inbox and pages, batch signing,
the after-checks of commitments (事后核查), and the leader's extensions."""

from django.urls import path

from approvals.views import after_checks, extensions, reviews

urlpatterns = [
    path("", reviews.inbox, name="inbox"),
    path("sign/", reviews.sign_batch, name="sign_batch"),
    path("decide/", reviews.decide_batch, name="decide_batch"),
    path("<int:pk>/", reviews.review_detail, name="review"),
    path("<int:pk>/opinion/", reviews.review_opinion, name="review_opinion"),
    path("<int:pk>/suspend/", reviews.review_suspend, name="review_suspend"),
    path("<int:pk>/resume/", reviews.review_resume, name="review_resume"),
    path("<int:pk>/decide/", reviews.review_decide, name="review_decide"),
    path("<int:pk>/sign/", reviews.review_sign, name="review_sign"),
    path("after-checks/", after_checks.after_check_list, name="after_checks"),
    path("after-checks/<int:pk>/", after_checks.after_check_detail, name="after_check"),
    path("extensions/", extensions.extension_list, name="extensions"),
    path("extensions/<int:pk>/", extensions.extension_detail, name="extension"),
]
