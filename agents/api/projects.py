"""/api/v1/projects/: investment projects with the ten steps (十步骤) and the 三即 milestones."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from agents.api import serializers as s
from agents.api.common import NOT_FOUND, AgentsViewSetMixin, checked, query_values, responses
from agents.api.permissions import visible_projects
from agents.models import InvestmentProject, ProjectStep
from agents.services import projects
from approvals.models import Application
from approvals.services.permissions import can_view_application


def project_detail(request, project, status_code=200):
    fresh = (InvestmentProject.objects.select_related("enterprise", "owner")
             .prefetch_related("steps__owner", "applications").get(pk=project.pk))
    return Response(s.ProjectDetailSerializer(fresh, context={"request": request}).data, status=status_code)


@extend_schema(tags=["agents: projects"])
class ProjectViewSet(AgentsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Projects: the company, its agents and leader, the owner, administrators and supervisors see them."""

    queryset = InvestmentProject.objects.none()
    serializer_class = s.ProjectSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InvestmentProject.objects.none()
        qs = visible_projects(self.request.user).select_related("enterprise", "owner")
        if self.action == "list" and (codes := query_values(self.request, "enterprise")):
            qs = qs.filter(enterprise__credit_code__in=codes)
        return qs.order_by("-created_at", "-pk")

    @extend_schema(summary="List the projects the caller may see",
                   parameters=[OpenApiParameter("enterprise", str, many=True, description="Credit codes.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="One project with its ten steps and the 三即 milestones (elapsed working days)",
                   responses={200: s.ProjectDetailSerializer, 404: NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        return project_detail(request, self.get_object())

    @extend_schema(summary="Create a project (the ten steps are created with it)", request=s.ProjectCreateSerializer,
                   responses=responses(s.ProjectDetailSerializer, 201))
    def create(self, request, *args, **kwargs):
        data = checked(s.ProjectCreateSerializer, request)
        project = projects.create_project(actor=request.user, enterprise=data["enterprise"], name=data["name"],
                                          plot=data["plot"], contract_signed_on=data["contract_signed_on"],
                                          owner=data.get("owner") or request.user, request=request)
        return project_detail(request, project, status.HTTP_201_CREATED)

    @extend_schema(summary="Update one step: planned and actual dates, owner, note (only the fields sent)",
                   parameters=[OpenApiParameter("number", int, OpenApiParameter.PATH, description="Step 1..10.")],
                   request=s.StepPatchSerializer, responses=responses(s.ProjectDetailSerializer))
    @action(detail=True, methods=["patch"], url_path=r"steps/(?P<number>\d+)")
    def steps(self, request, pk=None, number=None):
        project = self.get_object()
        step = ProjectStep.objects.filter(project=project, number=int(number)).first()
        if step is None:
            raise Http404
        data = checked(s.StepPatchSerializer, request)
        projects.update_step(step, actor=request.user, **data, request=request)
        return project_detail(request, project)

    @extend_schema(summary="Record a 三即 milestone date (land supplied, land handed over, construction started)",
                   request=s.MilestoneInputSerializer, responses=responses(s.ProjectDetailSerializer))
    @action(detail=True, methods=["post"])
    def milestones(self, request, pk=None):
        project = self.get_object()
        data = checked(s.MilestoneInputSerializer, request)
        projects.record_milestone(project, actor=request.user, field=data["field"], date=data["date"], request=request)
        return project_detail(request, project)

    def _application(self, request):
        data = checked(s.LinkApplicationSerializer, request)
        application = Application.objects.filter(pk=data["application"]).first()
        if application is None or not can_view_application(request.user, application):
            raise ValidationError({"application": [_("No such application.")]})
        return application

    @extend_schema(summary="Link one of the company's bundles to the project (its plot must match)",
                   description="The 三即 milestones are computed from the linked bundles only. A bundle of another "
                               "company, or one whose form names another plot (宗地编号), is refused (400).",
                   request=s.LinkApplicationSerializer, responses=responses(s.ProjectDetailSerializer))
    @action(detail=True, methods=["post"], url_path="link-application")
    def link_application(self, request, pk=None):
        project = self.get_object()
        projects.link_application(project, self._application(request), actor=request.user, request=request)
        return project_detail(request, project)

    @extend_schema(summary="Unlink a bundle from the project", request=s.LinkApplicationSerializer,
                   responses=responses(s.ProjectDetailSerializer))
    @action(detail=True, methods=["post"], url_path="unlink-application")
    def unlink_application(self, request, pk=None):
        project = self.get_object()
        projects.unlink_application(project, self._application(request), actor=request.user, request=request)
        return project_detail(request, project)
