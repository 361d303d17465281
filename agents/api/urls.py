"""REST API of the agents package under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from agents.api import authorizations, cases, demands, enterprises, projects

router = DefaultRouter()
router.include_root_view = False
router.register("enterprises", enterprises.EnterpriseViewSet, basename="enterprise")
router.register("authorizations", authorizations.AuthorizationViewSet, basename="authorization")
router.register("agency-cases", cases.AgencyCaseViewSet, basename="agency-case")
router.register("demands", demands.DemandViewSet, basename="demand")
router.register("projects", projects.ProjectViewSet, basename="project")

urlpatterns = [
    path("", include(router.urls)),
]
