"""Page URLs (names live in the "approvals" namespace)."""

from django.urls import path

from approvals.views import applications, check, materials

urlpatterns = [
    path("", applications.my_applications, name="my_applications"),
    path("new/", applications.new_application, name="new_application"),
    path("<int:pk>/", applications.application_detail, name="application"),
    path("<int:pk>/form/", applications.application_form, name="application_form"),
    path("<int:pk>/check/", check.application_check, name="application_check"),
    path("<int:pk>/submitted/", check.application_submitted, name="application_submitted"),
    path("<int:pk>/materials/", applications.application_materials, name="application_materials"),
    path("<int:pk>/materials/<int:file_id>/", materials.material_file, name="material_file"),
    path("<int:pk>/supplement/", applications.application_supplement, name="application_supplement"),
    path("<int:pk>/withdraw/", applications.withdraw_application, name="withdraw_application"),
]
