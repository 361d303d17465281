"""/api/v1/agency-cases/: 代办件 — 接件 (create), 办理 (handle, link applications), 督办 (chase), 反馈 (report,
confirmed or rejected by the company). The detail shows the linked applications' lights and due times."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from agents.api import serializers as s
from agents.api.common import NOT_FOUND, AgentsViewSetMixin, checked, query_values, responses
from agents.api.permissions import visible_cases
from agents.models import AgencyCase, CaseStatus
from agents.services import cases
from approvals.models import Application
from approvals.services.permissions import can_view_application


def case_detail(request, case, status_code=200):
    fresh = (AgencyCase.objects.select_related("enterprise", "agent", "confirmed_by")
             .prefetch_related("applications").get(pk=case.pk))
    context = {"request": request, "now": timezone.now()}
    return Response(s.AgencyCaseDetailSerializer(fresh, context=context).data, status=status_code)


@extend_schema(tags=["agents: agency cases"])
class AgencyCaseViewSet(AgentsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """Agency cases: the agent who runs them, the company they are for, its leader, administrators and
    supervisors see them."""

    queryset = AgencyCase.objects.none()
    serializer_class = s.AgencyCaseSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AgencyCase.objects.none()
        qs = visible_cases(self.request.user).select_related("enterprise", "agent").prefetch_related("applications")
        if self.action == "list":
            wanted = query_values(self.request, "status")
            if wanted:
                qs = qs.filter(status__in=wanted)
            codes = query_values(self.request, "enterprise")
            if codes:
                qs = qs.filter(enterprise__credit_code__in=codes)
        return qs.order_by("-received_at", "-pk")

    @extend_schema(summary="List the agency cases the caller may see",
                   parameters=[OpenApiParameter("status", str, many=True, enum=CaseStatus.values,
                                                description="Only these statuses (repeat or comma-separate)."),
                               OpenApiParameter("enterprise", str, many=True, description="Credit codes.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="One case with its linked applications' lights and due times",
                   responses={200: s.AgencyCaseDetailSerializer, 404: NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        return case_detail(request, self.get_object())

    @extend_schema(summary="接件: the agent receives a company's request and its materials",
                   description="The agent must be the company's service agent or hold a valid authorisation.",
                   request=s.CaseCreateSerializer, responses=responses(s.AgencyCaseDetailSerializer, 201))
    def create(self, request, *args, **kwargs):
        data = checked(s.CaseCreateSerializer, request)
        case = cases.receive(actor=request.user, enterprise=data["enterprise"], title=data["title"],
                             description=data["description"], materials_received=data["materials_received"],
                             request=request)
        return case_detail(request, case, status.HTTP_201_CREATED)

    @extend_schema(summary="Link an application (bundle) of the company to the case",
                   request=s.LinkApplicationSerializer, responses=responses(s.AgencyCaseDetailSerializer))
    @action(detail=True, methods=["post"], url_path="link-application")
    def link_application(self, request, pk=None):
        case = self.get_object()
        data = checked(s.LinkApplicationSerializer, request)
        application = Application.objects.filter(pk=data["application"]).first()
        if application is None or not can_view_application(request.user, application):
            raise ValidationError({"application": [_("No such application.")]})
        cases.link_application(case, application, actor=request.user, request=request)
        return case_detail(request, case)

    @extend_schema(summary="办理: the agent starts handling (also ends chasing)", request=None,
                   responses=responses(s.AgencyCaseDetailSerializer))
    @action(detail=True, methods=["post"])
    def handle(self, request, pk=None):
        case = self.get_object()
        cases.start_handling(case, actor=request.user, request=request)
        return case_detail(request, case)

    @extend_schema(summary="督办: chase an overdue step, with a note", request=s.ChaseSerializer,
                   responses=responses(s.AgencyCaseDetailSerializer))
    @action(detail=True, methods=["post"])
    def chase(self, request, pk=None):
        case = self.get_object()
        data = checked(s.ChaseSerializer, request)
        cases.chase(case, actor=request.user, note=data["note"], request=request)
        return case_detail(request, case)

    @extend_schema(summary="反馈: report the result to the company", request=s.CaseReportSerializer,
                   responses=responses(s.AgencyCaseDetailSerializer))
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        case = self.get_object()
        data = checked(s.CaseReportSerializer, request)
        cases.report(case, actor=request.user, result=data["result"], request=request)
        return case_detail(request, case)

    @extend_schema(summary="The company confirms the reported result", request=None,
                   responses=responses(s.AgencyCaseDetailSerializer))
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        case = self.get_object()
        cases.confirm(case, actor=request.user, request=request)
        return case_detail(request, case)

    @extend_schema(summary="The company rejects the reported result (back to handling), with a reason",
                   request=s.ReasonSerializer, responses=responses(s.AgencyCaseDetailSerializer))
    @action(detail=True, methods=["post"], url_path="reject-report")
    def reject_report(self, request, pk=None):
        case = self.get_object()
        data = checked(s.ReasonSerializer, request)
        cases.reject_report(case, actor=request.user, reason=data["reason"], request=request)
        return case_detail(request, case)
